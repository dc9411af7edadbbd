"""Supplier list imports against the real database."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from screening.models import Entity, ListVersion, Relation, SupplierList
from screening.services.lists import ListImportError, supplier_list_import
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def import_text(text: str, *, name="Test list", kind="restricted", filename="list.csv"):
    return supplier_list_import(fileobj=io.BytesIO(text.encode()), filename=filename, name=name, kind=kind)


def test_fixture_restricted_list_imports_with_relations_and_divested_entries(sample_lists):
    version = sample_lists["restricted"]

    assert version.number == 1
    assert version.entity_count == version.entities.count() >= 50
    huawei = version.entities.get(name="Huawei Technologies Co., Ltd.")
    assert "华为技术有限公司" in huawei.aliases
    assert huawei.source and huawei.reason
    hisilicon = version.entities.get(name="HiSilicon Technologies Co., Ltd.")
    assert Relation.objects.filter(child=hisilicon, parent=huawei, divested=False).exists()
    assert Relation.objects.filter(version=version, divested=True).count() >= 3
    assert all(entity.source for entity in version.entities.all()), "every entry cites a source"


def test_importing_the_same_file_again_creates_no_new_version(sample_lists):
    with (FIXTURES / "lists" / "restricted.csv").open("rb") as handle:
        again = supplier_list_import(
            fileobj=handle, filename="restricted.csv", name="High-risk vendors (sample)", kind="restricted"
        )

    assert again == sample_lists["restricted"]
    assert ListVersion.objects.filter(supplier_list__name="High-risk vendors (sample)").count() == 1


def test_a_changed_file_becomes_the_next_immutable_version():
    first = import_text("name,aliases\nAcme Telecom,ACME\n")
    second = import_text("name,aliases\nAcme Telecom,ACME\nBeta Radio,\n")

    assert (first.number, second.number) == (1, 2)
    assert first.entities.count() == 1 and second.entities.count() == 2
    with pytest.raises(ValidationError, match="immutable"):
        first.note = "edited"
        first.save()


def test_header_names_are_case_insensitive_and_only_name_is_required():
    version = import_text("NAME,Aliases,COUNTRY\nAcme Telecom,ACME|Акме,cn\n")

    entity = version.entities.get()
    assert (entity.name, entity.aliases, entity.country) == ("Acme Telecom", ["ACME", "Акме"], "CN")


def test_a_file_with_bad_rows_imports_nothing_and_names_every_row():
    text = (
        "name,country,parent,relation\n"
        "Good Co,CN,,\n"
        ",CN,,\n"  # row 3: no name
        "Child Co,China,,\n"  # row 4: bad country
        "Orphan Co,CN,Nobody Ltd,subsidiary_of\n"  # row 5: unknown parent
        "Odd Co,CN,Good Co,cousin_of\n"  # row 6: unknown relation
    )

    with pytest.raises(ListImportError) as caught:
        import_text(text)

    rows = sorted(error.location.row for error in caught.value.errors)
    assert rows == [3, 4, 5, 6]
    messages = " ".join(error.message for error in caught.value.errors)
    assert "name is empty" in messages and "ISO 3166" in messages and "Nobody Ltd" in messages
    assert "cousin_of" in messages
    assert not SupplierList.objects.exists() and not Entity.objects.exists()


def test_a_second_parent_is_given_on_a_repeated_row():
    version = import_text(
        "name,parent,relation,divested\n"
        "Group A,,,\nGroup B,,,\n"
        "Sub Co,Group A,subsidiary_of,\n"
        "Sub Co,Group B,affiliate_of,yes\n"
    )

    sub = version.entities.get(name="Sub Co")
    relations = {(r.parent.name, r.kind, r.divested) for r in sub.parent_relations.select_related("parent")}
    assert relations == {("Group A", "subsidiary_of", False), ("Group B", "affiliate_of", True)}


def test_a_list_keeps_its_kind():
    import_text("name\nAcme\n", kind="restricted")

    with pytest.raises(ListImportError, match="restricted list"):
        import_text("name\nAcme\nOther\n", kind="trusted")


def test_an_xlsx_list_imports_like_a_csv(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Aliases", "Country", "Parent", "Relation"])
    sheet.append(["Group", "", "CN", "", ""])
    sheet.append(["Sub", "子公司", "CN", "Group", "subsidiary_of"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)

    with path.open("rb") as handle:
        version = supplier_list_import(fileobj=handle, filename="list.xlsx", name="X", kind="restricted")

    assert version.relation_count == 1
    assert version.entities.get(name="Sub").aliases == ["子公司"]


def test_import_list_command_reports_rows_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country\nAcme,XXX\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_list", str(bad), "--kind", "restricted", "--name", "Bad")

    assert caught.value.returncode == 2
    assert "bad.csv, row 2, column country" in capsys.readouterr().err
    assert not SupplierList.objects.exists()


def test_import_list_command_imports(capsys):
    call_command(
        "import_list", str(FIXTURES / "lists" / "trusted.csv"), "--kind", "trusted", "--name", "Trusted sample"
    )

    out = capsys.readouterr().out
    assert "Trusted sample (trusted) version 1" in out
    assert SupplierList.objects.get(name="Trusted sample").current_version.entity_count > 20
