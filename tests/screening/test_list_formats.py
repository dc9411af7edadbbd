"""Importing the official list formats through the service, the command and the web form, against the real
database; screening with what they hold (an ownership chain from FollowTheMoney, a product category)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from screening.choices import EntityKind, ListFormat, Severity, Verdict
from screening.engine.policy import PolicyConfig
from screening.models import AuditEntry, Entity, ListVersion, Relation, SupplierList
from screening.services.lists import ListImportError, supplier_list_import
from tests.conftest import FIXTURES
from tests.screening.helpers import run_inline, upload, upload_bytes
from tests.screening.scenarios import screen, start

pytestmark = pytest.mark.django_db

LISTS = FIXTURES / "lists"
SAMPLES = [
    ("fcc_covered.ftm.jsonl", ListFormat.FTM, 14, 9),
    ("csl_sample.json", ListFormat.CSL_JSON, 5, 0),
    ("csl_sample.csv", ListFormat.CSL_CSV, 5, 0),
]


def import_file(filename: str, *, name: str = "Sample", list_format=None, kind="restricted"):
    with (LISTS / filename).open("rb") as handle:
        return supplier_list_import(fileobj=handle, filename=filename, name=name, kind=kind, list_format=list_format)


@pytest.mark.parametrize(("filename", "list_format", "entities", "relations"), SAMPLES)
def test_each_sample_format_imports_through_the_service(filename, list_format, entities, relations):
    version = import_file(filename)

    assert (version.source_format, version.entity_count, version.relation_count) == (list_format, entities, relations)
    assert version.entities.count() == entities and version.relations.count() == relations
    assert all(entity.source_row for entity in version.entities.all())
    entry = AuditEntry.objects.get(action="list.imported")
    assert f"({list_format})" in entry.summary and "Skipped:" in entry.summary
    assert entry.details["format"] == list_format and entry.details["skipped"]


def test_the_ftm_import_keeps_ownership_and_divestment():
    version = import_file("fcc_covered.ftm.jsonl")

    huawei = version.entities.get(name="Huawei Technologies Co., Ltd.")
    assert huawei.country == "CN" and "华为技术有限公司" in huawei.aliases
    honor = Relation.objects.get(version=version, child__name="Honor Device Co., Ltd.")
    assert (honor.parent, honor.divested) == (huawei, True)
    assert Relation.objects.filter(version=version, child__name="HiSilicon Technologies Co., Ltd.", parent=huawei,
                                   divested=False).exists()
    assert version.import_notes.startswith("Skipped: 1 Address, 1 Person")


@pytest.mark.parametrize(("filename", "list_format", "entities", "relations"), SAMPLES)
def test_importing_the_same_file_again_creates_no_new_version(filename, list_format, entities, relations):
    first = import_file(filename)
    again = import_file(filename)

    assert again == first
    assert ListVersion.objects.filter(supplier_list__name="Sample").count() == 1
    assert Entity.objects.count() == entities


def test_a_file_with_a_rejected_record_imports_nothing_and_names_the_line():
    good = (LISTS / "fcc_covered.ftm.jsonl").read_bytes()
    bad = good + b'{"id": "ts-broken", "schema": "Company", "properties": {"name": "Not a list"}}\n'
    bad += b'{"id": "ts-own-x", "schema": "Ownership", "properties": {"owner": ["ts-nobody"], "asset": ["ts-zte"]}}\n'

    with pytest.raises(ListImportError) as caught:
        supplier_list_import(fileobj=io.BytesIO(bad), filename="covered.jsonl", name="Sample", kind="restricted")

    lines = caught.value.lines()
    assert lines == [
        "covered.jsonl, line 25, field name: property 'name' must be a list of values, as FollowTheMoney writes them.",
        "covered.jsonl, line 26: the owner 'ts-nobody' is not an entity of this file (or was rejected above).",
    ]
    assert not SupplierList.objects.exists() and not Entity.objects.exists() and not ListVersion.objects.exists()
    assert not AuditEntry.objects.filter(action="list.imported").exists()


def test_a_rejected_new_version_leaves_the_current_one_alone():
    first = import_file("fcc_covered.ftm.jsonl")
    lines = [json.dumps({"id": f"e{i}", "schema": "Company", "properties": {"name": [f"Company {i}"]}})
             for i in range(5000)]
    lines.append("{broken")

    with pytest.raises(ListImportError) as caught:
        supplier_list_import(fileobj=io.BytesIO("\n".join(lines).encode()), filename="v2.jsonl", name="Sample",
                             kind="restricted")

    assert caught.value.count == 1 and caught.value.errors[0].location.row == 5001
    assert SupplierList.objects.get(name="Sample").current_version == first
    assert Entity.objects.count() == 14


def test_many_rejected_records_are_listed_up_to_the_cap_then_counted():
    data = ("{oops\n" * 1500).encode()

    with pytest.raises(ListImportError) as caught:
        supplier_list_import(fileobj=io.BytesIO(data), filename="junk.jsonl", name="Sample", kind="restricted",
                             list_format="ftm")

    lines = caught.value.lines()
    assert len(lines) == 1001 and lines[-1] == "… and 500 more rejected lines, not listed here."


def test_a_big_ftm_file_is_written_in_batches_with_its_relations():
    lines = []
    for i in range(4500):
        lines.append(json.dumps({"id": f"c{i}", "schema": "Company", "properties": {"name": [f"Company {i} Ltd"]}}))
        if i:
            lines.append(json.dumps({"id": f"o{i}", "schema": "Ownership",
                                     "properties": {"owner": ["c0"], "asset": [f"c{i}"]}}))
    version = supplier_list_import(fileobj=io.BytesIO("\n".join(lines).encode()), filename="big.jsonl",
                                   name="Big", kind="restricted")

    assert (version.entity_count, version.relation_count) == (4500, 4499)
    assert Relation.objects.filter(version=version, parent__name="Company 0 Ltd").count() == 4499


def test_records_of_one_name_in_different_batches_become_one_entity():
    lines = [json.dumps({"id": "first", "schema": "Company", "properties": {"name": ["Twin Ltd"], "alias": ["T1"]}})]
    lines += [json.dumps({"id": f"c{i}", "schema": "Company", "properties": {"name": [f"Filler {i}"]}})
              for i in range(2500)]
    lines.append(json.dumps({"id": "second", "schema": "Company",
                             "properties": {"name": ["Twin Ltd"], "alias": ["T2"], "country": ["hk"]}}))
    lines.append(json.dumps({"id": "o", "schema": "Ownership", "properties": {"owner": ["second"], "asset": ["c1"]}}))

    version = supplier_list_import(fileobj=io.BytesIO("\n".join(lines).encode()), filename="twins.jsonl",
                                   name="Twins", kind="restricted")

    twin = version.entities.get(name="Twin Ltd")
    assert (twin.aliases, twin.country) == (["T1", "T2"], "HK")
    assert Relation.objects.get(version=version).parent == twin
    assert "1 records merged" in version.import_notes


def test_the_command_imports_each_format_detected_or_named(capsys):
    call_command("import_list", str(LISTS / "csl_sample.csv"), "--kind", "restricted", "--name", "CSL")
    call_command("import_list", str(LISTS / "fcc_covered.ftm.jsonl"), "--kind", "restricted", "--name", "FCC",
                 "--format", "ftm")

    out = capsys.readouterr().out
    assert "CSL (restricted) version 1: 5 entities, 0 relations from csl_sample.csv" in out
    assert "FCC (restricted) version 1: 14 entities, 9 relations from fcc_covered.ftm.jsonl" in out
    assert "Skipped: 1 Individual, 1 Vessel." in out


def test_the_command_reports_a_file_read_as_the_wrong_format(capsys):
    with pytest.raises(CommandError, match=r"csl_sample.csv: 8 line\(s\) rejected; nothing was imported"):
        call_command("import_list", str(LISTS / "csl_sample.csv"), "--kind", "restricted", "--name", "X",
                     "--format", "ftm")

    assert "csl_sample.csv, line 1: the line is not a JSON object" in capsys.readouterr().err
    assert not SupplierList.objects.exists()


def test_an_admin_imports_a_followthemoney_file_on_the_web(client_as, admin_a):
    content = (LISTS / "fcc_covered.ftm.jsonl").read_bytes()
    response = client_as(admin_a).post(
        reverse("screening:list_import"),
        {"name": "Covered (FtM)", "kind": "restricted", "list_format": "ftm",
         "file": SimpleUploadedFile("covered.jsonl", content, content_type="application/json")},
        follow=True,
    )

    html = response.content.decode()
    assert "Imported Covered (FtM) v1: 14 entities, 9 relations." in html
    assert "Skipped: 1 Address, 1 Person" in html
    assert SupplierList.objects.get(name="Covered (FtM)").current_version.source_format == ListFormat.FTM


def test_a_bad_web_import_lists_the_lines_and_stores_nothing(client_as, admin_a):
    content = b'{"id": "a", "schema": "Company", "properties": {"name": ["Acme"]}}\n{oops\n'
    response = client_as(admin_a).post(
        reverse("screening:list_import"),
        {"name": "Broken", "kind": "restricted", "file": SimpleUploadedFile("broken.jsonl", content)},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html and "broken.jsonl, line 2: the line is not a JSON object" in html
    assert not SupplierList.objects.filter(name="Broken").exists()


# -- screening with what the formats bring


BOM = b"Part Number,Description,Manufacturer,Supplier\nBB-1,Baseband chip,HiSilicon,Acme Distribution\n"


def test_an_ftm_ownership_shows_up_as_a_chain_in_a_screening(officer_a):
    version = import_file("fcc_covered.ftm.jsonl", name="Covered (FtM)")

    screening = screen(start(upload_bytes(BOM, "bom.csv"), user=officer_a, list_versions=[version]))

    finding = screening.findings.get(rule="restricted_entity")
    assert finding.entity.name == "HiSilicon Technologies Co., Ltd." and finding.row == 2
    assert "Owned by Huawei Technologies Co., Ltd. → Huawei Investment & Holding Co., Ltd." in finding.explanation
    assert screening.verdict == Verdict.FAIL


def test_a_divested_ftm_ownership_is_a_review_not_a_block(officer_a):
    version = import_file("fcc_covered.ftm.jsonl", name="Covered (FtM)")
    bom = b"Part Number,Description,Manufacturer\nPH-1,Handset,Honor Device Co. Ltd.\n"

    screening = screen(start(upload_bytes(bom, "bom.csv"), user=officer_a, list_versions=[version]))

    assert list(screening.findings.values_list("rule", "severity")) == [("divested_affiliate", Severity.MEDIUM)]
    assert screening.verdict == Verdict.REVIEW


def test_the_sample_category_gives_medium_review_findings_on_the_category_bom(sample_lists, officer_a):
    category = sample_lists["restricted"].entities.get(kind=EntityKind.CATEGORY)
    assert category.keywords and "8806" in category.product_codes

    screening = screen(start(upload(FIXTURES / "boms" / "category_hits.xlsx"), user=officer_a))

    findings = list(screening.findings.order_by("row").values_list("row", "column", "rule", "severity", "entity"))
    assert findings == [
        (4, "Description", "restricted_category", Severity.MEDIUM, category.pk),
        (5, "HS Code", "restricted_category", Severity.MEDIUM, category.pk),
    ]
    assert screening.verdict == Verdict.REVIEW


def test_a_policy_cannot_make_a_category_hit_block(sample_lists, officer_a):
    strict = PolicyConfig(severities={"restricted_category": {"*": "critical", "site": "high"}})
    screening = start(upload(FIXTURES / "boms" / "category_hits.xlsx"), user=officer_a, policy=strict)
    run_inline(screening)

    assert set(screening.findings.values_list("severity", flat=True)) == {Severity.MEDIUM}
    assert screening.verdict == Verdict.REVIEW


def test_a_category_entry_shows_its_keywords_and_codes(client_as, officer_a, sample_lists):
    category = sample_lists["restricted"].entities.get(kind=EntityKind.CATEGORY)

    html = client_as(officer_a).get(reverse("screening:entity_detail", args=[category.pk])).content.decode()

    assert "Product category" in html and "never a block" in html
    assert "unmanned aircraft" in html and "8807.30" in html
