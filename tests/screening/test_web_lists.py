"""The lists pages: browse lists, versions and entities, search, import a version, compare two versions."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from screening.models import AuditEntry, Entity, ListVersion, SupplierList
from screening.services.lists import supplier_list_import
from tests.screening.scenarios import private_list

pytestmark = pytest.mark.django_db

V1 = """name,aliases,country,parent,relation,divested,reason,source
Alpha Group,,CN,,,,Group parent,memo 1
Alpha Radio,Alpha R,CN,Alpha Group,subsidiary_of,,Radio unit,memo 1
Alpha Cables,,CN,Alpha Group,subsidiary_of,,Cable unit,memo 1
Beta Systems,,CN,,,,Listed,memo 1
"""
V2 = """name,aliases,country,parent,relation,divested,reason,source
Alpha Group,,CN,,,,Group parent,memo 1
Alpha Radio,Alpha R|Alpha Radio Co,CN,Alpha Group,subsidiary_of,,Radio unit,memo 1
Alpha Cables,,CN,Alpha Group,subsidiary_of,yes,Cable unit sold,memo 2
Gamma Chips,,HK,Alpha Group,affiliate_of,,New affiliate,memo 2
"""


def csv_upload(text: str, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_every_list_page_renders_for_every_role(client_as, officer_a, reviewer_a, admin_a, sample_lists):
    restricted = sample_lists["restricted"]
    huawei = restricted.entities.get(name="Huawei Technologies Co., Ltd.")
    for user in (officer_a, reviewer_a, admin_a):
        client = client_as(user)
        for url in (
            reverse("screening:list_index"),
            reverse("screening:list_detail", args=[restricted.supplier_list_id]),
            reverse("screening:version_detail", args=[restricted.pk]),
            reverse("screening:entity_detail", args=[huawei.pk]),
            reverse("screening:entity_search") + "?q=huawei",
            reverse("screening:exception_list"),
        ):
            assert client.get(url).status_code == 200, url
    assert client_as(admin_a).get(reverse("screening:list_import")).status_code == 200


def test_the_index_shows_kind_publisher_scope_current_version_and_counts(client_as, admin_a, sample_lists):
    private_list(admin_a, name="Agency A watch list")

    html = client_as(admin_a).get(reverse("screening:list_index")).content.decode()

    assert "High-risk vendors (sample)" in html and "Restricted" in html and "Trusted" in html
    assert "everybody (public)" in html and "your organisation" in html
    assert f">{sample_lists['restricted'].entity_count}<" in html
    assert reverse("screening:list_import") in html


def test_the_list_page_shows_versions_with_dates_counts_and_who_imported_them(client_as, admin_a):
    private_list(admin_a, name="Agency A watch list", text=V1)
    version = private_list(admin_a, name="Agency A watch list", text=V2)

    html = client_as(admin_a).get(reverse("screening:list_detail", args=[version.supplier_list_id])).content.decode()

    assert "v1" in html and "v2" in html and "admin_a" in html
    assert f"{version.created_at:%Y-%m-%d}" in html
    assert reverse("screening:version_compare", args=[version.pk, version.supplier_list.versions.get(number=1).pk]) \
        in html
    assert "list.imported" in html, "the list's history comes from the audit log"


def test_a_version_shows_entities_with_relations_and_is_searchable(client_as, officer_a, sample_lists):
    version = sample_lists["restricted"]
    client = client_as(officer_a)
    url = reverse("screening:version_detail", args=[version.pk])

    everything = client.get(url).content.decode()
    by_name = client.get(url, {"q": "hisilicon"}).content.decode()
    by_alias = client.get(url, {"q": "华为技术"}).content.decode()

    assert "Honor Device Co., Ltd." in everything or "page=2" in everything
    assert "HiSilicon Technologies Co., Ltd." in by_name and "ZTE Corporation" not in by_name
    assert "subsidiary of" in by_name and "Huawei Technologies Co., Ltd." in by_name
    assert "Huawei Technologies Co., Ltd." in by_alias


def test_an_entity_page_shows_its_group_and_divested_affiliates(client_as, officer_a, sample_lists):
    version = sample_lists["restricted"]
    huawei = version.entities.get(name="Huawei Technologies Co., Ltd.")
    honor = version.entities.get(name="Honor Device Co., Ltd.")

    html = client_as(officer_a).get(reverse("screening:entity_detail", args=[huawei.pk])).content.decode()
    honor_html = client_as(officer_a).get(reverse("screening:entity_detail", args=[honor.pk])).content.decode()

    assert "Huawei Investment &amp; Holding Co., Ltd." in html and "HiSilicon Technologies Co., Ltd." in html
    assert "华为技术有限公司" in html and huawei.source.split(",")[0] in html
    assert "divested" in honor_html


def test_entity_search_finds_names_aliases_and_normalised_spellings(client_as, officer_a, sample_lists):
    client = client_as(officer_a)
    url = reverse("screening:entity_search")

    assert "HiSilicon Technologies Co., Ltd." in client.get(url, {"q": "海思"}).content.decode()
    assert "Huawei Technologies Co., Ltd." in client.get(url, {"q": "Huawei Tech. Co Ltd"}).content.decode()
    assert "AO Kaspersky Lab" in client.get(url, {"q": "Лаборатория Касперского"}).content.decode()
    assert "Nothing found" in client.get(url, {"q": "Zetec Instruments"}).content.decode()


def test_an_admin_imports_a_private_list_for_their_organisation(client_as, admin_a, officer_b):
    client = client_as(admin_a)

    response = client.post(reverse("screening:list_import"), {
        "name": "Agency A watch list", "kind": "restricted", "publisher": "Agency A", "file": csv_upload(V1),
    })

    supplier_list = SupplierList.objects.get(name="Agency A watch list")
    assert response.status_code == 302
    assert response.url == reverse("screening:list_detail", args=[supplier_list.pk])
    assert supplier_list.scope == f"org:{admin_a.membership.organisation_id}"
    version = supplier_list.current_version
    assert version.entity_count == 4 and version.relation_count == 2 and version.imported_by == admin_a
    entry = AuditEntry.objects.get(action="list.imported", scope=supplier_list.scope)
    assert "admin_a" in entry.summary and "Agency A watch list" in entry.summary
    assert client_as(officer_b).get(reverse("screening:list_detail", args=[supplier_list.pk])).status_code == 404


def test_an_admin_adds_a_version_to_their_own_list(client_as, admin_a):
    first = private_list(admin_a, name="Agency A watch list", text=V1)
    client = client_as(admin_a)

    form = client.get(reverse("screening:list_import"), {"list": first.supplier_list_id}).content.decode()
    response = client.post(reverse("screening:list_import"), {"supplier_list": first.supplier_list_id,
                                                              "file": csv_upload(V2)})

    assert "Agency A watch list" in form
    assert response.status_code == 302
    assert first.supplier_list.versions.count() == 2


def test_a_bad_file_reports_its_rows_and_imports_nothing(client_as, admin_a, sample_lists):
    bad = "name,aliases,country,parent,relation\n,,CN,,\nDelta Ltd,,CN,Nobody Ltd,subsidiary_of\nOk Ltd,,XX1,,\n"
    before = (SupplierList.objects.count(), ListVersion.objects.count(), Entity.objects.count())

    response = client_as(admin_a).post(reverse("screening:list_import"), {
        "name": "Broken list", "kind": "restricted", "file": csv_upload(bad, "broken.csv"),
    })

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert "broken.csv, row 2" in html and "broken.csv, row 3" in html
    assert (SupplierList.objects.count(), ListVersion.objects.count(), Entity.objects.count()) == before
    assert not AuditEntry.objects.filter(action="list.imported", summary__contains="Broken list").exists()


def test_a_file_of_the_wrong_type_is_refused_before_it_is_read(client_as, admin_a):
    response = client_as(admin_a).post(reverse("screening:list_import"), {
        "name": "X", "kind": "restricted", "file": SimpleUploadedFile("list.exe", b"MZ..."),
    })

    assert response.status_code == 200 and "are not screened" in response.content.decode()
    assert not SupplierList.objects.filter(name="X").exists()


def test_public_lists_are_imported_only_by_staff(client_as, admin_a, sample_lists, django_user_model):
    public = sample_lists["restricted"].supplier_list
    client = client_as(admin_a)

    assert client.get(reverse("screening:list_import"), {"list": public.pk}).status_code == 403
    response = client.post(reverse("screening:list_import"), {"supplier_list": public.pk, "file": csv_upload(V1)})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert public.versions.count() == 1

    staff = django_user_model.objects.create_user("staff", is_staff=True)
    response = client_as(staff).post(reverse("screening:list_import"), {"supplier_list": public.pk,
                                                                        "file": csv_upload(V1)})
    assert response.status_code == 302 and public.versions.count() == 2
    public.refresh_from_db()
    assert public.scope == ""


def test_a_name_taken_by_another_organisations_list_is_refused(client_as, admin_a, admin_b):
    private_list(admin_b, name="Shared name")

    response = client_as(admin_a).post(reverse("screening:list_import"), {
        "name": "Shared name", "kind": "restricted", "file": csv_upload(V1),
    })

    assert response.status_code == 200 and "choose another name" in response.content.decode()
    assert SupplierList.objects.get(name="Shared name").versions.count() == 1


def test_version_compare_shows_added_removed_and_changed_entities_and_relations(client_as, admin_a):
    v1 = supplier_list_import(fileobj=io.BytesIO(V1.encode()), filename="v1.csv", name="Cmp", kind="restricted")
    v2 = supplier_list_import(fileobj=io.BytesIO(V2.encode()), filename="v2.csv", name="Cmp", kind="restricted")

    html = client_as(admin_a).get(reverse("screening:version_compare", args=[v2.pk, v1.pk])).content.decode()

    added = html[html.index('id="added-heading"'):html.index('id="removed-heading"')]
    removed = html[html.index('id="removed-heading"'):html.index('id="changed-heading"')]
    changed = html[html.index('id="changed-heading"'):html.index('id="relations-heading"')]
    relations = html[html.index('id="relations-heading"'):]
    assert "Gamma Chips" in added and "Beta Systems" not in added
    assert "Beta Systems" in removed
    assert "Alpha Radio" in changed and "Alpha Radio Co" in changed and "aliases" in changed
    assert "Alpha Cables" in changed and "reason" in changed and "parents" in changed and "(divested)" in changed
    assert ">Alpha Group</a></th>" not in changed, "an unchanged entity is not listed as changed"
    assert "Gamma Chips — affiliate of — Alpha Group" in relations
    changed_relations = relations[relations.index('id="relations-changed-heading"'):]
    assert "Alpha Cables — subsidiary of — Alpha Group: <del>current</del> → <ins>divested</ins>" in changed_relations


def test_versions_of_different_lists_are_not_compared(client_as, admin_a, sample_lists):
    restricted, trusted = sample_lists["restricted"], sample_lists["trusted"]

    response = client_as(admin_a).get(reverse("screening:version_compare", args=[restricted.pk, trusted.pk]))

    assert response.status_code == 400 and "same list" in response.content.decode()


def test_the_list_page_redirects_a_pair_of_chosen_versions_to_their_comparison(client_as, admin_a):
    v1 = supplier_list_import(fileobj=io.BytesIO(V1.encode()), filename="v1.csv", name="Cmp", kind="restricted")
    v2 = supplier_list_import(fileobj=io.BytesIO(V2.encode()), filename="v2.csv", name="Cmp", kind="restricted")

    response = client_as(admin_a).get(reverse("screening:list_detail", args=[v1.supplier_list_id]),
                                      {"a": v1.pk, "b": v2.pk})

    assert response.status_code == 302 and response.url == reverse("screening:version_compare", args=[v2.pk, v1.pk])
