"""Columns named by hand on the bid form: a BOM whose company column no table knows is refused with what was found,
screened once the officer names it, and the name is remembered for the bidder's next files (in that organisation).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.choices import AuditAction
from procurement.models import Bid, ColumnMapping
from procurement.selectors import bid_latest_screening, column_mapping_for
from procurement.services import bid_create, bid_rescreen
from screening.choices import ScreeningStatus
from screening.models import AuditEntry, UploadedFile
from tests.factories import TenderFactory
from tests.screening.helpers import run_inline

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(org_a, sample_lists):
    tender = TenderFactory(organisation=org_a)
    tender.restricted_lists.set([sample_lists["restricted"].supplier_list])
    tender.trusted_lists.set([sample_lists["trusted"].supplier_list])
    return tender

# A Czech export whose company columns are headed in words no header table has: "Firma" and "Obchodník".
UNKNOWN_COLUMNS = (
    "Pozice;Kód;Firma;Obchodník;Země původu;Ks\r\n"
    "1;ZTE-AAU-N78;ZTE Corporation;Baltic Mobile Integrators Ltd;Čína;6\r\n"
    "2;ERI-BB6648;Ericsson AB;Ericsson AB;Švédsko;12\r\n"
).encode("cp1250")


def bom(name: str = "nabidka.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, UNKNOWN_COLUMNS)


def post(client, tender, **fields):
    data = {"bidder_name": "Baltic Mobile Integrators Ltd", "boms": [bom()], **fields}
    return client.post(reverse("procurement:bid_create", args=[tender.pk]), data)


def test_a_bom_with_no_recognised_company_column_is_refused_with_the_headers_found(officer_client, tender):
    response = post(officer_client, tender)

    assert response.status_code == 200
    page = response.content.decode()
    assert "nabidka.csv: no column of manufacturers, suppliers or subcontractors was recognised" in page
    assert "found: Pozice, Kód, Firma, Obchodník, Země původu, Ks (row 1)" in page
    assert "Name the column that holds the companies here" in page
    assert not Bid.objects.exists() and not UploadedFile.objects.exists()


def test_a_column_named_by_hand_is_screened_and_its_findings_name_it(
    officer_client, officer, tender, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        response = post(officer_client, tender, columns="Firma = manufacturer\nObchodník = Supplier\n")

    bid = Bid.objects.get()
    assert response.status_code == 302
    mapping = ColumnMapping.objects.get()
    assert (mapping.organisation, mapping.bidder_name) == (tender.organisation, "Baltic Mobile Integrators Ltd")
    assert mapping.headers == {"Firma": "manufacturer", "Obchodník": "supplier"}
    named = AuditEntry.objects.get(action=AuditAction.COLUMNS_NAMED)
    assert named.actor == officer and "Firma = manufacturer" in named.summary

    screening = run_inline(bid_latest_screening(bid))

    assert screening.policy["extra_headers"] == {"Firma": "manufacturer", "Obchodník": "supplier"}
    assert screening.status == ScreeningStatus.DONE and screening.verdict == "fail"
    finding = screening.findings.get(rule="restricted_entity")
    assert (finding.row, finding.column, finding.party) == (2, "Firma", "ZTE Corporation")
    assert finding.cells["Země původu"] == "Čína"
    assert finding.cells["Země původu (ISO 3166-1)"] == "CN"
    page = officer_client.get(reverse("screening:detail", args=[screening.pk])).content.decode()
    assert "Columns named by hand" in page and "Firma = manufacturer, Obchodník = supplier" in page


def test_the_named_columns_are_remembered_for_the_bidders_next_files(
    officer_client, officer, tender, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        post(officer_client, tender, columns="Firma = manufacturer")
    # the same bidder, spelt otherwise, sends another BOM of the same shape and nobody names anything
    with django_capture_on_commit_callbacks():
        response = post(officer_client, tender, bidder_name="BALTIC MOBILE INTEGRATORS LTD.", boms=[bom("druha.csv")])

    assert response.status_code == 302
    second = Bid.objects.get(bidder_name="BALTIC MOBILE INTEGRATORS LTD.")
    screening = run_inline(bid_latest_screening(second))
    assert screening.policy["extra_headers"] == {"Firma": "manufacturer"}
    assert screening.findings.filter(rule="restricted_entity", column="Firma", party="ZTE Corporation").exists()
    assert ColumnMapping.objects.count() == 1


def test_a_column_named_later_applies_when_the_bid_is_screened_again(
    officer, tender, django_capture_on_commit_callbacks
):
    # given a bid whose company column was first named as the wrong thing
    with django_capture_on_commit_callbacks():
        bid = bid_create(tender=tender, user=officer, bidder_name="Baltic Mobile Integrators Ltd", boms=[bom()],
                         column_mapping={"Firma": "description", "Obchodník": "supplier"})
    first = run_inline(bid_latest_screening(bid))
    assert not first.findings.filter(rule="restricted_entity").exists()
    # when the officer names it again on the next upload and re-screens the first bid
    with django_capture_on_commit_callbacks():
        bid_create(tender=tender, user=officer, bidder_name="Baltic Mobile Integrators Ltd", boms=[bom("b.csv")],
                   column_mapping={"Firma": "manufacturer"})
        again = bid_rescreen(bid=bid, user=officer)
    # then the re-screen reads the column as the manufacturer, and the other name is kept
    again = run_inline(again)
    assert again.policy["extra_headers"] == {"Obchodník": "supplier", "Firma": "manufacturer"}
    assert again.findings.filter(rule="restricted_entity", column="Firma").exists()


def test_another_organisation_does_not_get_the_names(officer, tender, org_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        bid_create(tender=tender, user=officer, bidder_name="Baltic Mobile Integrators Ltd", boms=[bom()],
                   column_mapping={"Firma": "manufacturer"})
    other = TenderFactory(organisation=org_b)

    assert ColumnMapping.objects.filter(organisation=org_b).count() == 0
    assert column_mapping_for(organisation=other.organisation, bidder_name="Baltic Mobile Integrators Ltd") == {}
    assert column_mapping_for(organisation=tender.organisation, bidder_name="baltic mobile integrators") == {
        "Firma": "manufacturer"
    }


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("Firma = company", "Line 1: &quot;company&quot; is not something this tool reads from a column"),
        ("Firma manufacturer", "Line 1 (&quot;Firma manufacturer&quot;): write the header as written = what it holds"),
        (" = manufacturer", "write the header as written = what it holds"),
    ],
)
def test_a_column_name_that_cannot_be_read_is_refused_and_nothing_is_stored(officer_client, tender, columns, message):
    response = post(officer_client, tender, columns=columns)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Bid.objects.exists() and not ColumnMapping.objects.exists()


def test_a_header_word_of_any_language_names_the_field(officer_client, tender, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = post(officer_client, tender, columns="Firma = Výrobce\nObchodník = Lieferant\nKs = ignore")

    assert response.status_code == 302
    assert ColumnMapping.objects.get().headers == {"Firma": "manufacturer", "Obchodník": "supplier", "Ks": "ignore"}
