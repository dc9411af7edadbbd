"""Version diffs: added, removed and changed entities and relations (the divested flag included) between any two
versions of a list, as plain data (the API serialises it) and on the compare page."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.urls import reverse

from screening.selectors import RelationDiff, version_compare
from screening.services.lists import supplier_list_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_list_caches")]

HEADER = "name,aliases,country,parent,relation,divested,registration_number,reason,source\n"
V1 = HEADER + (
    "Redline Telecom Group,,CN,,,,,Listed group,memo 1\n"
    "Redline Radio Co,Redline Radio,CN,Redline Telecom Group,subsidiary_of,,,Subsidiary,memo 1\n"
    "Redline Marine Ltd,,CN,Redline Telecom Group,subsidiary_of,,,Subsidiary,memo 1\n"
    "Redline Installers Ltd,,CN,Redline Radio Co,subcontracts_to,,,Installer,memo 1\n"
    "Obsolete Cables Ltd,,CN,,,,,Listed,memo 1\n"
)
V2 = HEADER + (
    "Redline Telecom Group,,CN,,,,,Listed group,memo 1\n"
    "Redline Radio Co,Redline Radio|红线无线,CN,Redline Telecom Group,subsidiary_of,,91440300X,Subsidiary,memo 1\n"
    "Redline Marine Ltd,,CN,Redline Telecom Group,subsidiary_of,yes,,Sold in 2026,memo 2\n"
    "Redline Installers Ltd,,CN,,,,,Installer,memo 1\n"
    "Obsolete Cables Ltd,,CN,,,,,Listed,memo 1\n"
)
V3 = V2.replace("Obsolete Cables Ltd,,CN,,,,,Listed,memo 1\n", "") + (
    "Crimson Antenna Works Ltd,,CN,Redline Telecom Group,affiliate_of,,,Affiliate,memo 3\n"
)


def versions():
    return [
        supplier_list_import(fileobj=io.BytesIO(text.encode()), filename=f"v{n}.csv", name="Diff list",
                             kind="restricted")
        for n, text in enumerate((V1, V2, V3), 1)
    ]


def test_a_diff_lists_entities_and_relations_added_removed_and_changed():
    v1, v2, _v3 = versions()

    diff = version_compare(before=v1, after=v2)

    assert diff.added == [] and diff.removed == []
    changed = {change.name: change.changes for change in diff.changed}
    assert changed["Redline Radio Co"] == [
        ("aliases", "Redline Radio", "Redline Radio | 红线无线"), ("registration number", "", "91440300X"),
    ]
    assert ("parents", "subsidiary of Redline Telecom Group", "subsidiary of Redline Telecom Group (divested)") \
        in changed["Redline Marine Ltd"]
    assert diff.relations_changed == [
        RelationDiff("Redline Marine Ltd", "subsidiary_of", "Redline Telecom Group", True, divested_before=False)
    ]
    assert diff.relations_removed == [
        RelationDiff("Redline Installers Ltd", "subcontracts_to", "Redline Radio Co", False)
    ]
    assert diff.relations_added == []
    assert dataclasses.asdict(diff.relations_changed[0])["divested_before"] is False, "plain data for the API"


def test_any_two_versions_compare_in_either_order():
    v1, _v2, v3 = versions()

    diff = version_compare(before=v3, after=v1)

    assert (diff.before, diff.after) == (v1, v3)
    assert [e.name for e in diff.added] == ["Crimson Antenna Works Ltd"]
    assert [e.name for e in diff.removed] == ["Obsolete Cables Ltd"]
    assert RelationDiff("Crimson Antenna Works Ltd", "affiliate_of", "Redline Telecom Group", False) \
        in diff.relations_added
    assert {r.child for r in diff.relations_changed} == {"Redline Marine Ltd"}


def test_versions_of_two_lists_are_refused(sample_lists):
    v1 = versions()[0]
    with pytest.raises(ValueError, match="same list"):
        version_compare(before=v1, after=sample_lists["restricted"])


def test_the_list_page_chooses_any_two_versions_and_the_page_shows_relation_changes(client_as, admin_a):
    v1, _v2, v3 = versions()
    client = client_as(admin_a)

    chooser = client.get(reverse("screening:list_detail", args=[v1.supplier_list_id])).content.decode()
    assert 'name="a"' in chooser and 'name="b"' in chooser and f'value="{v3.pk}"' in chooser
    response = client.get(reverse("screening:list_detail", args=[v1.supplier_list_id]), {"a": v1.pk, "b": v3.pk})
    assert response.url == reverse("screening:version_compare", args=[v3.pk, v1.pk])

    html = client.get(response.url).content.decode()
    assert "changes from" in html and ">v1</a> to" in html and ">v3</a></h1>" in html
    relations = html[html.index('id="relations-heading"'):]
    added, removed, changed = (
        relations[relations.index(f'id="relations-{a}-heading"'):relations.index(f'id="relations-{b}-heading"')
                  if b else None]
        for a, b in (("added", "removed"), ("removed", "changed"), ("changed", ""))
    )
    assert "Crimson Antenna Works Ltd — affiliate of — Redline Telecom Group" in added
    assert "Redline Installers Ltd — subcontracts to — Redline Radio Co" in removed
    assert "Redline Marine Ltd — subsidiary of — Redline Telecom Group: <del>current</del> → <ins>divested</ins>" \
        in changed
