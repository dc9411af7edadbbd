"""The screen_bom command on the fixture BOMs: every hidden restricted vendor found, no decoy flagged."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import FIXTURES, ROOT

BOMS = FIXTURES / "boms"
LISTS = FIXTURES / "lists"
EXPECTED = json.loads((BOMS / "EXPECTED.json").read_text(encoding="utf-8"))
RESTRICTED_RULES = {"restricted_entity", "divested_affiliate", "possible_match"}


def screen(*files, declarations=(), extra=()) -> dict:
    """Run the command offline against the fixture lists and return its JSON."""
    args = [str(BOMS / f) for f in files]
    for declaration in declarations:
        args += ["--subcontractors", str(BOMS / declaration)]
    args += ["--restricted", str(LISTS / "restricted.csv"), "--trusted", str(LISTS / "trusted.csv"), "--format", "json"]
    out = subprocess.run(
        [sys.executable, "manage.py", "screen_bom", *args, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    """Each fixture BOM screened once (the chain-only BOM with its separate declaration)."""
    found = {}
    for name, spec in EXPECTED["verdicts"].items():
        declarations = ["chain_declaration.csv"] if "with" in spec else []
        found[name] = screen(name, declarations=declarations)
    return found


def restricted_findings(result: dict) -> dict[tuple, list[dict]]:
    by_cell = defaultdict(list)
    for finding in result["findings"]:
        if finding["rule"] in RESTRICTED_RULES:
            by_cell[(finding["sheet"], finding["row"], finding["field"])].append(finding)
    return by_cell


@pytest.mark.parametrize("name", list(EXPECTED["verdicts"]))
def test_each_fixture_gets_its_verdict(results, name):
    assert results[name]["verdict"] == EXPECTED["verdicts"][name]["verdict"], json.dumps(
        [f for f in results[name]["findings"] if f["severity"] in ("critical", "high", "medium")][:5], indent=1
    )


@pytest.mark.parametrize(
    "expected",
    EXPECTED["findings"] + EXPECTED["declaration_findings"],
    ids=lambda e: f"{e['file']}:{e['sheet']}:{e['row']}:{e['party']}",
)
def test_every_hidden_restricted_vendor_is_found_with_entity_and_path(results, expected):
    result = results[expected["file"]] if expected["file"] in results else screen(expected["file"])
    cell = restricted_findings(result).get((expected["sheet"], expected["row"], expected["field"]), [])
    matching = [f for f in cell if f["entity"]["name"] == expected["entity"] and f["party"] == expected["party"]]

    assert matching, f"no finding for {expected['value']!r}; found {[(f['party'], f['entity']['name']) for f in cell]}"
    finding = matching[0]
    assert finding["value"] == expected["value"]
    assert finding["entity"]["kind"] == "restricted" and finding["entity"]["list"] == "restricted"
    assert finding["path"][-1] == expected["entity"]
    walked = expected["path"][:-1]  # the parties between the cell and the listed entity
    if expected["file"] in ("chain_hidden.xlsx", "chain_declaration.csv") and expected.get("tier"):
        assert finding["path"][0] == EXPECTED["chains"]["chain_hidden.xlsx"]["bidder"]
    else:
        assert finding["path"][: len(walked)] == walked
    if expected["divested"]:
        assert finding["rule"] == "divested_affiliate" and finding["severity"] == "medium"
    elif not expected["confirmed"]:
        assert finding["rule"] == "possible_match" and finding["severity"] == "medium"
        assert 0 < finding["score"] < 1
    else:
        assert finding["rule"] == "restricted_entity" and finding["severity"] in ("critical", "high")
        assert finding["score"] == 1.0
    assert finding["explanation"]


def test_the_three_tier_chain_is_reported_through_every_tier(results):
    result = results["chain_hidden_bom_only.xlsx"]
    chains = [f["path"] for f in result["findings"] if f["rule"] == "restricted_entity" and f["row"] == 5]

    assert [
        "Nordic Site Services AB",
        "Eastern Tower Works Sp. z o.o.",
        "ZTE Kangxun Telecom Company Limited",
        "ZTE Kangxun Telecom Co., Ltd.",
    ] in chains


def test_without_the_declaration_the_chain_is_invisible():
    result = screen("chain_hidden_bom_only.xlsx")

    assert result["verdict"] == EXPECTED["verdicts"]["chain_hidden_bom_only.xlsx"]["verdict_without_declaration"]
    assert not any(f["rule"] == "restricted_entity" for f in result["findings"])


@pytest.mark.parametrize("decoy", EXPECTED["must_not_flag"], ids=lambda d: d["value"])
def test_look_alike_decoys_are_not_flagged(results, decoy):
    cell = restricted_findings(results[decoy["file"]]).get((decoy["sheet"], decoy["row"], decoy["field"]), [])

    assert cell == []


def test_nothing_restricted_is_flagged_that_the_fixtures_do_not_expect(results):
    expected_cells = {
        (e["file"], e["sheet"], e["row"], e["field"], e["party"])
        for e in EXPECTED["findings"] + EXPECTED["declaration_findings"]
    }
    unexpected = [
        (f["file"], f["sheet"], f["row"], f["field"], f["party"], f["entity"]["name"])
        for result in results.values()
        for f in result["findings"]
        if f["rule"] in RESTRICTED_RULES
        and (f["file"], f["sheet"], f["row"], f["field"], f["party"]) not in expected_cells
    ]

    assert unexpected == []


def test_json_output_keeps_the_contract(results):
    result = results["direct_hits.xlsx"]

    assert set(result) >= {"verdict", "rows_screened", "lists", "findings", "errors"}
    assert result["rows_screened"] > 10
    assert {(item["name"], item["kind"]) for item in result["lists"]} == {
        ("restricted", "restricted"),
        ("trusted", "trusted"),
    }
    for finding in result["findings"]:
        assert set(finding) >= {
            "file",
            "sheet",
            "row",
            "field",
            "value",
            "rule",
            "severity",
            "entity",
            "score",
            "path",
            "explanation",
        }
        assert finding["severity"] in {"critical", "high", "medium", "low", "info"}
        if finding["entity"] is not None:
            assert set(finding["entity"]) >= {"name", "list", "kind"}


def test_fail_on_sets_the_exit_status():
    base = [
        sys.executable,
        "manage.py",
        "screen_bom",
        "--restricted",
        str(LISTS / "restricted.csv"),
        "--trusted",
        str(LISTS / "trusted.csv"),
        "--format",
        "json",
    ]

    failing = subprocess.run(
        [*base, str(BOMS / "direct_hits.xlsx"), "--fail-on", "fail"], cwd=ROOT, capture_output=True, timeout=120
    )
    clean = subprocess.run(
        [*base, str(BOMS / "clean.xlsx"), "--fail-on", "review"], cwd=ROOT, capture_output=True, timeout=120
    )
    review_only = subprocess.run(
        [*base, str(BOMS / "decoys.xlsx"), "--fail-on", "fail"], cwd=ROOT, capture_output=True, timeout=120
    )

    assert (failing.returncode, clean.returncode, review_only.returncode) == (1, 0, 0)


def test_unreadable_input_exits_2_with_the_reason_on_stderr(tmp_path):
    fake = tmp_path / "bid.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + b"x" * 500)

    out = subprocess.run(
        [sys.executable, "manage.py", "screen_bom", str(fake), "--restricted", str(LISTS / "restricted.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert out.returncode == 2
    assert "bid.xlsx" in out.stderr and "PDF" in out.stderr
    assert out.stdout == ""


def test_table_output_is_readable(tmp_path):
    target = tmp_path / "out.txt"

    call_command(
        "screen_bom",
        str(BOMS / "direct_hits.xlsx"),
        "--restricted",
        str(LISTS / "restricted.csv"),
        "--output",
        str(target),
    )

    text = target.read_text()
    assert "Verdict: FAIL" in text and "Huawei Technologies Co., Ltd." in text


def test_xlsx_output_is_safe_against_formula_injection(tmp_path):
    bom = tmp_path / "hostile.csv"
    bom.write_text('Manufacturer,Qty\n"=HYPERLINK(""http://evil.example"",""Huawei"")",1\n@SUM(A1),2\nHuawei,3\n')
    target = tmp_path / "findings.xlsx"

    call_command(
        "screen_bom",
        str(bom),
        "--restricted",
        str(LISTS / "restricted.csv"),
        "--trusted",
        str(LISTS / "trusted.csv"),
        "--format",
        "xlsx",
        "--output",
        str(target),
    )

    sheet = openpyxl.load_workbook(target)["Findings"]
    values = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert values, "the workbook holds findings"
    assert not any(v.startswith(("=", "@", "+", "-")) for v in values)
    assert any(v.startswith("'=HYPERLINK") for v in values)


def test_no_lists_anywhere_is_a_clear_error(db):
    with pytest.raises(CommandError, match="import_list") as caught:
        call_command("screen_bom", str(BOMS / "clean.xlsx"))
    assert caught.value.returncode == 2


def test_explanations_read_as_sentences_without_a_doubled_full_stop(results):
    # Names end in "Ltd." and reasons in a full stop; the sentence around them must not add a second one.
    explanations = [finding["explanation"] for result in results.values() for finding in result["findings"]]
    owned = [text for text in explanations if "Owned by" in text]

    assert owned, "the fixtures have subsidiaries, whose explanations name their owners"
    assert not [text for text in explanations if ".." in text.replace("...", "")]
    assert any(text.endswith("Ltd.") or "Ltd. " in text for text in owned)
