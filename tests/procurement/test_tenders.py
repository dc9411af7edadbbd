"""Tenders: the list with its filter, creating and editing one with lots and a screening policy, the tender page
with its bids, chart and audit log, and re-screening every bid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from procurement.choices import AuditAction, TenderStatus
from procurement.models import Tender
from procurement.services import tender_create, tender_rescreen, tender_update
from screening.choices import NetworkDomain, ScreeningStatus
from screening.models import AuditEntry, Screening
from tests.factories import BidFactory, LotFactory, TenderFactory
from tests.procurement.conftest import document_for, screening_for

pytestmark = pytest.mark.django_db


def tender_post(**overrides) -> dict:
    data = {
        "reference": "5G-CORE-2026/07",
        "title": "5G standalone core",
        "description": "Phase 2",
        "submission_deadline": "2026-12-01T12:00",
        "status": TenderStatus.OPEN,
        "review_threshold": "0.9",
        "lots-TOTAL_FORMS": "2",
        "lots-INITIAL_FORMS": "0",
        "lots-MIN_NUM_FORMS": "0",
        "lots-MAX_NUM_FORMS": "1000",
        "lots-0-number": "1",
        "lots-0-title": "Packet core",
        "lots-0-domain": NetworkDomain.CORE,
        "lots-1-number": "",
        "lots-1-title": "",
        "lots-1-domain": "",
    }
    data.update(overrides)
    return data


# -- the list


def test_the_tender_list_shows_the_organisations_tenders_and_filters_by_status(officer_client, org_a):
    TenderFactory(organisation=org_a, reference="OPEN-1", status=TenderStatus.OPEN)
    TenderFactory(organisation=org_a, reference="DRAFT-1", status=TenderStatus.DRAFT)

    everything = officer_client.get("/").content.decode()
    drafts = officer_client.get("/", {"status": TenderStatus.DRAFT}).content.decode()
    searched = officer_client.get("/", {"q": "open-"}).content.decode()

    assert "OPEN-1" in everything and "DRAFT-1" in everything
    assert "DRAFT-1" in drafts and "OPEN-1" not in drafts
    assert "OPEN-1" in searched and "DRAFT-1" not in searched


def test_the_tender_list_is_the_home_page_with_a_new_tender_button_for_officers(officer_client):
    page = officer_client.get("/").content.decode()

    assert "<h1>Tenders</h1>" in page
    assert reverse("procurement:tender_create") in page


# -- creating and editing


def test_an_officer_creates_a_tender_with_lots_lists_and_severities(officer_client, officer, sample_lists):
    restricted, trusted = sample_lists["restricted"].supplier_list, sample_lists["trusted"].supplier_list
    page = officer_client.get(reverse("procurement:tender_create")).content.decode()
    assert "Default (critical)" in page, "the severity table shows each rule's default"

    response = officer_client.post(
        reverse("procurement:tender_create"),
        tender_post(
            restricted_lists=[restricted.pk],
            trusted_lists=[trusted.pk],
            **{"severity__untrusted_party__site": "high", "severity__restricted_entity__none": "critical"},
        ),
    )

    tender = Tender.objects.get(reference="5G-CORE-2026/07")
    assert response.status_code == 302
    assert response.url == reverse("procurement:tender_detail", args=[tender.pk])
    assert tender.organisation == officer.membership.organisation
    assert tender.created_by == officer
    assert tender.review_threshold == 0.9
    assert [(lot.number, lot.title, lot.domain) for lot in tender.lots.all()] == [(1, "Packet core", "core")]
    assert list(tender.restricted_lists.all()) == [restricted]
    assert list(tender.trusted_lists.all()) == [trusted]
    assert tender.severity_overrides == {"untrusted_party": {"site": "high"}, "restricted_entity": {"": "critical"}}
    entry = AuditEntry.objects.get(subject_id=str(tender.pk), action=AuditAction.TENDER_CREATED)
    assert entry.actor == officer
    assert entry.scope == f"org:{tender.organisation_id}"
    assert entry.details["lots"] == [{"number": 1, "title": "Packet core", "domain": "core"}]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"review_threshold": "0.2"}, "review_threshold", "greater than or equal to 0.5"),
        ({"reference": ""}, "reference", "This field is required"),
        ({"lots-1-number": "1", "lots-1-title": "Again", "lots-1-domain": "ran"}, None, "duplicate data for number"),
    ],
)
def test_a_tender_form_with_errors_shows_them_and_saves_nothing(officer_client, overrides, field, message):
    response = officer_client.post(reverse("procurement:tender_create"), tender_post(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    if field:
        assert response.context["form"].errors[field]
    assert not Tender.objects.exists()


def test_a_reference_is_unique_within_an_organisation_only(officer_client, org_a, org_b):
    TenderFactory(organisation=org_b, reference="5G-CORE-2026/07")
    TenderFactory(organisation=org_a, reference="SAME")

    elsewhere = officer_client.post(reverse("procurement:tender_create"), tender_post())
    clash = officer_client.post(reverse("procurement:tender_create"), tender_post(reference="same"))

    assert elsewhere.status_code == 302
    assert clash.status_code == 200
    assert "already has a tender" in clash.context["form"].errors["reference"][0]


def test_a_tender_cannot_use_another_organisations_list(officer, org_b):
    from screening.models import SupplierList

    private = SupplierList.objects.create(name="B only", kind="restricted", scope=f"org:{org_b.pk}")
    private.versions.create(number=1)

    with pytest.raises(ValidationError) as error:
        tender_create(
            organisation=officer.membership.organisation,
            user=officer,
            reference="X",
            title="X",
            restricted_lists=[private],
        )
    assert "restricted_lists" in error.value.error_dict


def test_unknown_rules_and_severities_are_refused(officer):
    with pytest.raises(ValidationError, match="Unknown rule"):
        tender_create(
            organisation=officer.membership.organisation,
            user=officer,
            reference="X",
            title="X",
            severity_overrides={"no_such_rule": {"": "high"}},
        )
    with pytest.raises(ValidationError, match="unknown severity"):
        tender_create(
            organisation=officer.membership.organisation,
            user=officer,
            reference="Y",
            title="Y",
            severity_overrides={"untrusted_party": {"core": "apocalyptic"}},
        )


def test_an_officer_edits_a_tender_and_its_lots_and_the_change_is_audited(officer_client, officer, org_a):
    tender = TenderFactory(organisation=org_a, reference="EDIT-1", title="Old title")
    lot = LotFactory(tender=tender, number=1, title="RAN", domain=NetworkDomain.RAN)
    form = officer_client.get(reverse("procurement:tender_update", args=[tender.pk]))
    assert form.status_code == 200 and "Old title" in form.content.decode()

    response = officer_client.post(
        reverse("procurement:tender_update", args=[tender.pk]),
        tender_post(
            reference="EDIT-1",
            title="New title",
            **{
                "lots-TOTAL_FORMS": "2",
                "lots-INITIAL_FORMS": "1",
                "lots-0-id": str(lot.pk),
                "lots-0-tender": str(tender.pk),
                "lots-0-number": "1",
                "lots-0-title": "RAN and small cells",
                "lots-0-domain": NetworkDomain.RAN,
                "lots-1-number": "2",
                "lots-1-title": "Transport",
                "lots-1-domain": NetworkDomain.TRANSPORT,
            },
        ),
    )

    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.title == "New title"
    assert [(lot.number, lot.title) for lot in tender.lots.all()] == [(1, "RAN and small cells"), (2, "Transport")]
    entry = AuditEntry.objects.get(subject_id=str(tender.pk), action=AuditAction.TENDER_UPDATED)
    assert entry.details["changes"]["title"] == ["Old title", "New title"]
    assert "lots" in entry.details["changes"]


def test_a_lot_with_bids_cannot_be_removed(officer, org_a):
    tender = TenderFactory(organisation=org_a)
    lot = LotFactory(tender=tender)
    BidFactory(tender=tender, lots=[lot])

    with pytest.raises(ValidationError, match="has bids"):
        tender_update(tender=tender, user=officer, data={}, lots=[])
    assert tender.lots.count() == 1


# -- the tender page


def test_the_tender_page_lists_bids_with_status_verdict_and_counts(officer_client, org_a):
    tender = TenderFactory(organisation=org_a)
    failed = BidFactory(tender=tender, bidder_name="Red Networks")
    screening_for(failed, verdict="fail", critical_count=2, high_count=0, medium_count=1)
    running = BidFactory(tender=tender, bidder_name="Amber Radio")
    screening_for(
        running, status=ScreeningStatus.RUNNING, verdict="", critical_count=0, high_count=0, medium_count=0, rows_done=3
    )

    page = officer_client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()

    assert "Red Networks" in page and "Amber Radio" in page
    assert "2 critical" in page and "1 medium" in page
    assert 'badge--fail">Fail' in page
    assert "Running" in page
    assert "<svg" in page and "Findings by severity" in page


def test_the_tender_page_takes_a_fixed_number_of_queries(
    officer_client, org_a, django_assert_max_num_queries, sample_lists
):
    tender = TenderFactory(organisation=org_a)
    lot = LotFactory(tender=tender)

    def add_bids(count):
        for _ in range(count):
            bid = BidFactory(tender=tender, lots=[lot])
            document_for(bid)
            older = screening_for(bid)
            older.list_versions.set(sample_lists.values())
            newer = screening_for(bid, previous=older)
            newer.list_versions.set(sample_lists.values())

    url = reverse("procurement:tender_detail", args=[tender.pk])
    add_bids(2)
    officer_client.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        officer_client.get(url)
    add_bids(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = officer_client.get(url)

    assert response.content.decode().count(reverse("procurement:bid_detail", args=[tender.bids.last().pk])) >= 1
    assert len(few.captured_queries) <= 20


def test_the_chart_shows_value_shares_or_says_they_are_not_available(officer_client, org_a):
    tender = TenderFactory(organisation=org_a)
    valued = BidFactory(tender=tender, bidder_name="Valued Ltd")
    screening_for(
        valued, bom_value_total=Decimal("1000"), restricted_value=Decimal("250"), untrusted_value=Decimal("100")
    )
    unvalued = BidFactory(tender=tender, bidder_name="No Prices Ltd")
    screening_for(unvalued)

    page = officer_client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()

    assert "restricted 25%, untrusted 10%" in page
    assert "value not available" in page


def test_re_screening_all_bids_starts_one_screening_per_bid_and_skips_running_ones(
    officer_client, officer, org_a, sample_lists, django_capture_on_commit_callbacks
):
    tender = TenderFactory(organisation=org_a)
    done_bid = BidFactory(tender=tender)
    document_for(done_bid)
    first = screening_for(done_bid)
    first.list_versions.set(sample_lists.values())
    busy_bid = BidFactory(tender=tender, bidder_name="Busy Ltd")
    document_for(busy_bid)
    screening_for(busy_bid, status=ScreeningStatus.RUNNING)

    with django_capture_on_commit_callbacks() as callbacks:
        response = officer_client.post(reverse("procurement:tender_rescreen", args=[tender.pk]), follow=True)

    page = response.content.decode()
    assert "1 bid(s) queued" in page
    assert "Busy Ltd not re-screened" in page
    new = Screening.objects.exclude(pk=first.pk).get(subject_id=str(done_bid.pk))
    assert new.previous == first
    assert new.status == ScreeningStatus.QUEUED
    assert len(callbacks) == 1
    entry = AuditEntry.objects.get(subject_id=str(tender.pk), action=AuditAction.TENDER_RESCREENED)
    assert entry.details["screenings"] == [new.pk]
    assert AuditEntry.objects.filter(subject_id=str(done_bid.pk), action=AuditAction.BID_RESCREENED).exists()


def test_the_tender_page_shows_the_audit_log_of_the_tender_and_its_bids(officer_client, officer, org_a, sample_lists):
    tender = tender_create(
        organisation=org_a,
        user=officer,
        reference="AUD-1",
        title="Audited",
        lots=[{"number": 1, "title": "RAN", "domain": "ran"}],
    )
    tender_update(tender=tender, user=officer, data={"status": TenderStatus.EVALUATION})
    bid = BidFactory(tender=tender, bidder_name="Logged Ltd")
    document_for(bid)
    tender_rescreen(tender=tender, user=officer)

    page = officer_client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()

    assert "tender.created" in page and "tender.updated" in page
    assert "bid.rescreened" in page and "tender.rescreened" in page
    assert "screening.started" in page, "the plugin's entries about the bids' screenings are shown too"
    assert reverse("procurement:tender_audit_csv", args=[tender.pk]) in page
