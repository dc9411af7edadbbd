"""Which screenings a list import can change: names seen in a screening (BOM party columns, second and third
company columns, the declared chain) matched against only the entities the import added, changed or removed."""

from __future__ import annotations

import io

import pytest

from screening.choices import FileRole
from screening.models import Screening
from screening.services.impact import list_delta, screening_party_names_read, screenings_affected_by
from screening.services.lists import supplier_list_import
from tests.screening.helpers import run_inline, upload_bytes
from tests.screening.scenarios import screen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_list_caches")]

HEADER = "name,aliases,country,parent,relation,divested,reason,source\n"
V1 = HEADER + (
    "Redline Telecom Group,,CN,,,,Listed group,memo 1\n"
    "Redline Installers Ltd,,CN,,,,Installer,memo 1\n"
    "Harbour Relay Services,,CN,,,,Installer,memo 1\n"
)


def import_list(text: str, name: str = "Impact list"):
    return supplier_list_import(fileobj=io.BytesIO(text.encode()), filename=f"{abs(hash(text))}.csv", name=name,
                                kind="restricted")


def screened(csv_text: str, versions, *, declaration: str | None = None, threshold: float = 0.88):
    from screening.engine.policy import PolicyConfig
    from screening.services.screenings import screening_start

    files = [upload_bytes(csv_text.encode(), "bom.csv")]
    if declaration:
        files.append(upload_bytes(declaration.encode(), "declaration.csv", role=FileRole.DECLARATION))
    return screen(screening_start(files=files, list_versions=versions, policy=PolicyConfig(review_threshold=threshold),
                                  bidder="Aurora Networks"))


def affected(before, after, *screenings) -> dict[int, list[str]]:
    found = screenings_affected_by(before=before, after=after, screenings=Screening.objects.filter(
        pk__in=[s.pk for s in screenings]))
    return {screening.pk: [str(reason) for reason in reasons] for screening, reasons in found}


def test_names_are_read_from_every_party_column_and_the_chain_and_recorded_when_done():
    v1 = import_list(V1)
    screening = screened(
        "Line,Manufacturer,Brand,Supplier\n1,Nokia,Crimson Antenna Works / Ericsson AB,Nordic Parts Oy\n",
        [v1], declaration="Contractor,Subcontractor\nAurora Networks,Eastern Tower Works\n",
    )

    names = screening.party_names
    assert names == screening_party_names_read(screening=screening)
    assert set(names["bom"].values()) == {"Nokia", "Crimson Antenna Works", "Ericsson AB", "Nordic Parts Oy"}
    assert set(names["chain"].values()) == {"Aurora Networks", "Eastern Tower Works"}


def test_a_new_entity_matching_a_name_affects_only_that_screening_and_typos_count_at_its_threshold():
    v1 = import_list(V1)
    exact = screened("Line,Manufacturer\n1,Crimson Antenna Works\n", [v1])
    typo = screened("Line,Manufacturer\n1,Crimsen Antenna Works\n", [v1])
    strict = screened("Line,Manufacturer\n1,Crimsen Antenna Works\n", [v1], threshold=0.99)
    other = screened("Line,Manufacturer\n1,Nokia\n", [v1])
    v2 = import_list(V1 + "Crimson Antenna Works Ltd,,CN,Redline Telecom Group,subsidiary_of,,Found,memo 2\n")

    found = affected(v1, v2, exact, typo, strict, other)

    assert set(found) == {exact.pk, typo.pk}
    assert found[exact.pk] == ["new entity Crimson Antenna Works Ltd matches 'Crimson Antenna Works' in the BOM"]


def test_chain_names_removed_entities_and_changed_relations_count():
    v1 = import_list(V1)
    chain = screened("Line,Manufacturer\n1,Nokia\n", [v1],
                     declaration="Contractor,Subcontractor\nAurora Networks,Crimson Antenna Works\n")
    installer = screened("Line,Manufacturer,Subcontractor\n1,Nokia,Redline Installers\n", [v1])
    relay = screened("Line,Manufacturer\n1,Harbour Relay Services\n", [v1])
    untouched = screened("Line,Manufacturer\n1,Redline Telecom Group\n", [v1])
    # v2: Crimson listed; the installer now subcontracts to the group; Harbour Relay taken off the list
    v2 = import_list(HEADER + (
        "Redline Telecom Group,,CN,,,,Listed group,memo 1\n"
        "Redline Installers Ltd,,CN,Redline Telecom Group,subcontracts_to,,Installer,memo 1\n"
        "Crimson Antenna Works Ltd,,CN,Redline Telecom Group,subsidiary_of,,Found,memo 2\n"
    ))

    found = affected(v1, v2, chain, installer, relay, untouched)

    assert found[chain.pk] == [
        "new entity Crimson Antenna Works Ltd matches 'Crimson Antenna Works' in the subcontractor chain"]
    assert found[installer.pk][0] == ("changed entity Redline Installers Ltd (relations) matches "
                                      "'Redline Installers' in the BOM")
    assert found[relay.pk] == ["removed entity Harbour Relay Services produced a finding on 'Harbour Relay "
                               "Services' (bom.csv, row 2)"]
    # a BOM naming the group reaches its listed subcontractors, so a new subcontractor of it counts
    assert found[untouched.pk] == ["changed entity Redline Telecom Group (listed subcontractors) matches "
                                   "'Redline Telecom Group' in the BOM"]


def test_an_unchanged_list_a_screening_already_current_and_an_older_baseline():
    v1 = import_list(V1)
    on_v1 = screened("Line,Manufacturer\n1,Crimson Antenna Works\n", [v1])
    v2 = import_list(V1 + "Crimson Antenna Works Ltd,,CN,,,,Found,memo 2\n")
    on_v2 = screened("Line,Manufacturer\n1,Crimson Antenna Works\n", [v2])
    v3 = import_list(V1 + "Crimson Antenna Works Ltd,,CN,,,,Found,memo 2\nOther Co,,CN,,,,x,y\n")

    assert set(affected(v2, v3, on_v1, on_v2)) == {on_v1.pk}, "compared with the version it cites: v1"
    assert affected(v2, v2, on_v2) == {}
    assert list_delta(before=v2, after=v3).added.keys() == {"Other Co"}


def test_an_old_screening_without_recorded_names_is_read_from_its_chunks():
    v1 = import_list(V1)
    screening = run_inline(__import__("screening.services.screenings", fromlist=["x"]).screening_start(
        files=[upload_bytes(b"Line,Manufacturer\n1,Crimson Antenna Works\n", "bom.csv")], list_versions=[v1]))
    assert screening.party_names is None
    v2 = import_list(V1 + "Crimson Antenna Works Ltd,,CN,,,,Found,memo 2\n")

    assert set(affected(v1, v2, screening)) == {screening.pk}
    screening.refresh_from_db()
    assert "Crimson Antenna Works" in screening.party_names["bom"].values()
