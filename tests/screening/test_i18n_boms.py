"""The sample BOM of each officers' language screens like its English twin (fixtures/boms/i18n/)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from screening.engine.bom import BomReader
from screening.engine.numbers import line_value
from screening.engine.policy import PolicyConfig
from screening.engine.records import Field
from screening.services.offline import files_screen, list_files_load
from tests.conftest import FIXTURES

I18N = FIXTURES / "boms" / "i18n"
LISTS = FIXTURES / "lists"
TWINS = json.loads((I18N / "TWINS.json").read_text(encoding="utf-8"))
TWIN = TWINS["twin"]
LOCAL = [name for name in TWINS["files"] if name != TWIN]


@pytest.fixture(scope="module")
def list_set():
    return list_files_load(restricted=[LISTS / "restricted.csv"], trusted=[LISTS / "trusted.csv"])


def screened(name: str, list_set) -> tuple[str, set[tuple], list]:
    """The verdict and findings of one file, rows counted from its header so a title block does not matter."""
    result = files_screen(boms=[I18N / name], declarations=[], list_set=list_set, config=PolicyConfig())
    header_row = TWINS["files"][name]["header_row"]
    findings = {
        (
            f.location.row - header_row,
            f.field,
            f.value,
            f.party,
            f.entity.name if f.entity else "",
            f.rule,
            str(f.severity),
            f.domain,
            tuple(f.path),
        )
        for f in result.findings
    }
    return str(result.verdict), findings, result.errors


def lines(name: str) -> dict[int, tuple]:
    """Per line below the header: the party cells, the countries as ISO codes and the line's value."""
    with (I18N / name).open("rb") as handle, BomReader(handle, filename=name) as reader:
        header_row = TWINS["files"][name]["header_row"]
        return {
            row.row - header_row: (
                row.get(Field.MANUFACTURER),
                row.get(Field.SUPPLIER),
                row.get(Field.SUBCONTRACTOR),
                row.country_codes,
                line_value(row.values),
                row.get(Field.PART_NUMBER),
            )
            for row in reader.rows()
        }


@pytest.fixture(scope="module")
def twin(list_set):
    return screened(TWIN, list_set)


def test_the_english_twin_is_a_real_test(twin):
    verdict, findings, errors = twin
    restricted = {f for f in findings if f[5] in ("restricted_entity", "divested_affiliate", "possible_match")}
    assert verdict == "fail"
    assert len({f[0] for f in restricted}) == 17  # the lines of direct_hits.xlsx with a restricted company
    assert any(f[5] == "untrusted_party" and f[1] == "subcontractor" for f in findings)
    assert not errors


@pytest.mark.parametrize("name", LOCAL)
def test_each_languages_bom_screens_with_the_findings_of_its_english_twin(name, list_set, twin):
    # given the same BOM written in a country's own way / when it is screened / then nothing differs
    verdict, findings, errors = screened(name, list_set)
    assert not errors, [e.as_dict() for e in errors]
    assert findings - twin[1] == set()
    assert twin[1] - findings == set()
    assert verdict == twin[0]


@pytest.mark.parametrize("name", LOCAL)
def test_each_languages_bom_reads_its_countries_and_amounts_as_the_twin(name):
    local, english = lines(name), lines(TWIN)
    assert local.keys() == english.keys()
    assert local == english
    # and the amounts really were read: the Huawei antenna line, 18 x 9.800,00
    assert english[2][4] == Decimal("176400")
    assert english[7][3] == ("SE", "CN")


def test_screen_bom_reads_a_language_bom_as_the_english_one(tmp_path: Path):
    def run(name: str) -> dict:
        out = io.StringIO()
        call_command(
            "screen_bom", str(I18N / name), "--restricted", str(LISTS / "restricted.csv"),
            "--trusted", str(LISTS / "trusted.csv"), "--format", "json", stdout=out,
        )
        return json.loads(out.getvalue())

    bulgarian, english = run("bom_bg.csv"), run(TWIN)
    assert bulgarian["verdict"] == english["verdict"] == "fail"
    assert bulgarian["counts"] == english["counts"]
    columns = {f["column"] for f in bulgarian["findings"]}
    assert columns == {"Производител", "Доставчик", "Подизпълнител"}  # findings name the columns as written


def test_screen_bom_takes_an_officers_column_mapping(tmp_path: Path):
    bom = tmp_path / "firmy.csv"
    bom.write_text("Pozice;Firma;Obchodník\n1;ZTE Corporation;Baltic Mobile Integrators Ltd\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "screen_bom", str(bom), "--restricted", str(LISTS / "restricted.csv"), "--column", "Firma=manufacturer",
        "--column", "Obchodník=supplier", "--format", "json", stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["verdict"] == "fail"
    assert [(f["column"], f["party"], f["entity"]["name"]) for f in result["findings"]] == [
        ("Firma", "ZTE Corporation", "ZTE Corporation")
    ]
