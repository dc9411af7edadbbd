"""Bids: the upload stores every file with its SHA-256 and starts a screening under the tender's lists and policy;
a refused upload stores nothing; an accepted one is never lost; the bid page, downloads and re-screens."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.choices import AuditAction
from procurement.models import Bid, BidDocument
from procurement.selectors import bid_latest_screening, bid_screenings
from procurement.services import bid_rescreen, tender_update
from screening.choices import FileRole, NetworkDomain, ScreeningStatus
from screening.models import AuditEntry, Screening, SupplierList, UploadedFile
from tests.conftest import FIXTURES
from tests.factories import BidFactory, LotFactory, TenderFactory
from tests.procurement.conftest import document_for, screening_for
from tests.screening.helpers import run_inline

pytestmark = pytest.mark.django_db
BOMS = FIXTURES / "boms"


@pytest.fixture
def tender(org_a, sample_lists):
    tender = TenderFactory(
        organisation=org_a, review_threshold=0.9, severity_overrides={"untrusted_party": {"site": "high"}}
    )
    tender.restricted_lists.set([sample_lists["restricted"].supplier_list])
    tender.trusted_lists.set([sample_lists["trusted"].supplier_list])
    LotFactory(tender=tender, number=1, title="RAN", domain=NetworkDomain.RAN)
    LotFactory(tender=tender, number=2, title="Core", domain=NetworkDomain.CORE)
    return tender


def fixture_file(name: str, *, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or name, (BOMS / name).read_bytes())


def bid_post(tender, **overrides) -> dict:
    data = {
        "bidder_name": "Baltic Mobile Integrators Ltd",
        "bidder_country": "lt",
        "bidder_registration": "LT-302-555",
        "lots": [tender.lots.get(number=2).pk],
        "boms": [fixture_file("chain_hidden_bom_only.xlsx")],
        "declaration": fixture_file("chain_declaration.csv"),
    }
    data.update(overrides)
    return data


def test_an_upload_stores_the_files_with_their_sha256_and_screens_under_the_tenders_policy(
    officer_client, officer, tender, sample_lists, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = officer_client.post(reverse("procurement:bid_create", args=[tender.pk]), bid_post(tender))

    bid = Bid.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("procurement:bid_detail", args=[bid.pk])
    assert (bid.bidder_name, bid.bidder_country, bid.created_by) == ("Baltic Mobile Integrators Ltd", "LT", officer)
    assert [lot.number for lot in bid.lots.all()] == [2]
    documents = {document.file.original_name: document for document in bid.documents.select_related("file")}
    assert documents["chain_hidden_bom_only.xlsx"].role == FileRole.BOM
    assert documents["chain_declaration.csv"].role == FileRole.DECLARATION
    for name, document in documents.items():
        expected = (BOMS / name).read_bytes()
        assert document.file.sha256 == hashlib.sha256(expected).hexdigest()
        assert document.file.size == len(expected)
        with document.file.file.open("rb") as stored:
            assert stored.read() == expected

    screening = bid_latest_screening(bid)
    assert screening.subject == bid
    assert screening.scope == f"org:{tender.organisation_id}"
    assert screening.bidder == "Baltic Mobile Integrators Ltd"
    assert set(screening.list_versions.all()) == set(sample_lists.values())
    assert set(screening.files.all()) == {document.file for document in documents.values()}
    assert screening.policy["review_threshold"] == 0.9
    assert screening.policy["severities"] == {"untrusted_party": {"site": "high"}}
    assert screening.policy["default_domain"] == NetworkDomain.CORE, "a bid for one lot screens in its domain"
    assert screening.status == ScreeningStatus.QUEUED
    assert len(callbacks) == 1, "the screening is queued once the upload is committed"
    uploaded = AuditEntry.objects.get(subject_id=str(bid.pk), action=AuditAction.BID_UPLOADED)
    assert uploaded.actor == officer
    assert {f["sha256"] for f in uploaded.details["files"]} == {d.file.sha256 for d in documents.values()}

    screening = run_inline(screening)

    assert screening.status == ScreeningStatus.DONE
    assert screening.verdict == "fail", "the restricted vendor three tiers down the declared chain is found"
    page = officer_client.get(response.url).content.decode()
    assert 'badge--fail">Fail' in page
    assert reverse("screening:detail", args=[screening.pk]) in page


def test_a_bid_for_several_lots_has_no_default_domain(officer_client, tender, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        officer_client.post(
            reverse("procurement:bid_create", args=[tender.pk]),
            bid_post(tender, lots=[lot.pk for lot in tender.lots.all()], declaration=""),
        )

    assert bid_latest_screening(Bid.objects.get()).policy["default_domain"] == ""


def test_a_tender_that_names_no_lists_screens_against_the_active_lists_the_organisation_may_see(
    officer_client, org_a, org_b, sample_lists
):
    tender = TenderFactory(organisation=org_a)
    theirs = SupplierList.objects.create(name="B private", kind="restricted", scope=f"org:{org_b.pk}")
    theirs.versions.create(number=1)
    ours = SupplierList.objects.create(name="A private", kind="restricted", scope=f"org:{org_a.pk}")
    ours_version = ours.versions.create(number=1)
    inactive = SupplierList.objects.create(name="Old list", kind="restricted", is_active=False)
    inactive.versions.create(number=1)

    officer_client.post(
        reverse("procurement:bid_create", args=[tender.pk]),
        {"bidder_name": "Any Ltd", "boms": [fixture_file("clean.xlsx")]},
    )

    versions = set(bid_latest_screening(Bid.objects.get()).list_versions.all())
    assert versions == {*sample_lists.values(), ours_version}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "files of type '.exe' are not screened"),
        (SimpleUploadedFile("empty.xlsx", b""), "is empty"),
        (SimpleUploadedFile("huge.csv", b"Manufacturer\n" + b"Nokia\n" * 100), "the limit is"),
    ],
)
def test_a_refused_upload_shows_the_error_next_to_the_field_and_stores_nothing(
    officer_client, tender, settings, upload, message
):
    settings.SCREENING_MAX_UPLOAD_BYTES = 200

    response = officer_client.post(
        reverse("procurement:bid_create", args=[tender.pk]), bid_post(tender, boms=[upload], declaration="")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["boms"]
    assert message in errors["boms"][0]
    page = response.content.decode()
    field_group = page[page.index('for="id_boms"') : page.index('id="id_boms"')]
    assert message in field_group.replace("&#x27;", "'"), "the error is shown with the file field"
    assert not Bid.objects.exists()
    assert not UploadedFile.objects.exists()
    assert not Screening.objects.exists()


def test_a_refused_declaration_is_shown_next_to_its_own_field(officer_client, tender):
    response = officer_client.post(
        reverse("procurement:bid_create", args=[tender.pk]),
        bid_post(tender, declaration=SimpleUploadedFile("chain.pdf", b"%PDF-1.4")),
    )

    assert list(response.context["form"].errors) == ["declaration"]
    assert not UploadedFile.objects.exists()


def test_lots_of_another_tender_cannot_be_chosen(officer_client, tender, org_a):
    other_lot = LotFactory(tender=TenderFactory(organisation=org_a))

    response = officer_client.post(
        reverse("procurement:bid_create", args=[tender.pk]), bid_post(tender, lots=[other_lot.pk])
    )

    assert "lots" in response.context["form"].errors
    assert not Bid.objects.exists()


def test_an_upload_is_kept_when_its_screening_cannot_start(officer_client, org_a):
    # No list in the database at all: nothing to screen against, so no screening, but the bid and file stay.
    tender = TenderFactory(organisation=org_a)

    response = officer_client.post(
        reverse("procurement:bid_create", args=[tender.pk]),
        {"bidder_name": "Kept Ltd", "boms": [fixture_file("clean.xlsx")]},
        follow=True,
    )

    bid = Bid.objects.get()
    assert BidDocument.objects.filter(bid=bid).count() == 1
    assert not bid_screenings(bid).exists()
    assert "the screening could not start" in response.content.decode()
    assert AuditEntry.objects.filter(subject_id=str(bid.pk), action=AuditAction.BID_SCREENING_NOT_STARTED).exists()


def test_an_upload_is_kept_when_its_screening_fails(officer_client, tender, django_capture_on_commit_callbacks):
    broken = SimpleUploadedFile("broken.xlsx", b"PK\x03\x04" + b"\x00" * 300)
    with django_capture_on_commit_callbacks():
        officer_client.post(
            reverse("procurement:bid_create", args=[tender.pk]), bid_post(tender, boms=[broken], declaration="")
        )
    bid = Bid.objects.get()

    screening = run_inline(bid_latest_screening(bid))

    assert screening.status == ScreeningStatus.FAILED
    document = bid.documents.get()
    download = officer_client.get(reverse("procurement:document_download", args=[document.pk]))
    assert b"".join(download.streaming_content) == b"PK\x03\x04" + b"\x00" * 300
    page = officer_client.get(reverse("procurement:bid_detail", args=[bid.pk])).content.decode()
    assert "Failed" in page


def test_a_file_downloads_through_a_permission_checked_view(officer_client, org_a):
    bid = BidFactory(tender=TenderFactory(organisation=org_a))
    document = document_for(bid, name="Bid =1+1.csv", data=b"Manufacturer\nEricsson\n")

    response = officer_client.get(reverse("procurement:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Manufacturer\nEricsson\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert "/media/" not in officer_client.get(reverse("procurement:bid_detail", args=[bid.pk])).content.decode()


def test_the_bid_page_shows_the_bidder_files_history_and_a_live_progress_bar(officer_client, org_a):
    tender = TenderFactory(organisation=org_a)
    lot = LotFactory(tender=tender, title="Packet core", domain=NetworkDomain.CORE)
    bid = BidFactory(tender=tender, bidder_name="Nordic Radio AB", bidder_country="SE", lots=[lot])
    document = document_for(bid, name="ran.csv")
    done = screening_for(bid)
    running = screening_for(bid, status=ScreeningStatus.RUNNING, verdict="", rows_done=4, rows_total=10, previous=done)

    page = officer_client.get(reverse("procurement:bid_detail", args=[bid.pk])).content.decode()

    assert "Nordic Radio AB" in page and "SE" in page and "Packet core" in page
    assert "ran.csv" in page and document.file.sha256 in page
    assert reverse("procurement:document_download", args=[document.pk]) in page
    assert f'data-screening-progress="{reverse("screening:progress", args=[running.pk])}"' in page
    assert '<progress max="1" value="0.400"' in page and 'aria-label="Screening #' in page
    assert "4 of 10 rows" in page
    for screening in (done, running):
        assert reverse("screening:detail", args=[screening.pk]) in page
    assert f"re-screen of #{done.pk}" in page
    assert reverse("procurement:bid_rescreen", args=[bid.pk]) not in page, "no re-screen while one runs"
    assert reverse("screening:cancel", args=[running.pk]) in page
    assert "screening/screening.js" in page


def test_a_finished_screening_is_not_polled(officer_client, org_a):
    bid = BidFactory(tender=TenderFactory(organisation=org_a))
    screening_for(bid)

    page = officer_client.get(reverse("procurement:bid_detail", args=[bid.pk])).content.decode()

    assert "data-screening-progress" not in page
    assert '<progress max="1" value="1.000"' in page
    assert reverse("procurement:bid_rescreen", args=[bid.pk]) in page


def test_re_screening_an_unchanged_tender_repeats_the_screening_against_the_current_versions(
    officer_client, officer, tender, sample_lists, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        officer_client.post(reverse("procurement:bid_create", args=[tender.pk]), bid_post(tender, declaration=""))
    bid = Bid.objects.get()
    first = run_inline(bid_latest_screening(bid))

    with django_capture_on_commit_callbacks() as callbacks:
        response = officer_client.post(reverse("procurement:bid_rescreen", args=[bid.pk]), follow=True)

    second = bid_latest_screening(bid)
    assert second.pk != first.pk and second.previous == first
    assert second.policy == first.policy
    assert set(second.list_versions.all()) == set(first.list_versions.all())
    assert len(callbacks) == 1
    assert "queued" in response.content.decode()
    entry = AuditEntry.objects.get(subject_id=str(bid.pk), action=AuditAction.BID_RESCREENED)
    assert entry.details["policy_changed"] is False and entry.details["lists_changed"] is False
    assert first.findings.exists(), "the earlier screening keeps its findings"


def test_re_screening_after_the_tender_policy_changed_uses_the_new_policy(
    officer, tender, sample_lists, django_capture_on_commit_callbacks
):
    bid = BidFactory(tender=tender)
    document_for(bid)
    first = screening_for(
        bid,
        policy={
            "review_threshold": 0.9,
            "default_domain": "",
            "enabled_rules": None,
            "severities": {"untrusted_party": {"site": "high"}},
            "trusted_in_force": True,
        },
    )
    first.list_versions.set(sample_lists.values())
    tender_update(tender=tender, user=officer, data={"review_threshold": 0.95, "trusted_lists": []})

    second = bid_rescreen(bid=bid, user=officer)

    assert second.previous == first
    assert second.policy["review_threshold"] == 0.95
    assert set(second.list_versions.all()) == {sample_lists["restricted"]}
    entry = AuditEntry.objects.get(subject_id=str(bid.pk), action=AuditAction.BID_RESCREENED)
    assert entry.details["policy_changed"] is True and entry.details["lists_changed"] is True


def test_a_running_screening_is_not_started_twice(officer_client, org_a):
    bid = BidFactory(tender=TenderFactory(organisation=org_a))
    document_for(bid)
    screening_for(bid, status=ScreeningStatus.RUNNING)

    response = officer_client.post(reverse("procurement:bid_rescreen", args=[bid.pk]), follow=True)

    assert "still running" in response.content.decode()
    assert bid_screenings(bid).count() == 1
