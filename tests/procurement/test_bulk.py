"""Many bids at once: a ZIP with a manifest, a ZIP of files named after their bidders, a workbook with a sheet per
bidder. Each bid is created and screened as if uploaded alone; every bad member is reported on its own line and
never stops the others; the upload is kept; a redelivered task creates no bid twice."""

from __future__ import annotations

import hashlib
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from procurement import bulk
from procurement.bulk import bulk_upload_create, bulk_upload_process
from procurement.choices import AuditAction, BulkItemOutcome, BulkUploadStatus, Role
from procurement.models import Bid, BulkUpload
from procurement.selectors import bid_latest_screening
from screening.choices import FileRole, NetworkDomain, ScreeningStatus
from screening.models import AuditEntry, UploadedFile
from tests.conftest import FIXTURES, wait_for
from tests.factories import LotFactory, TenderFactory, UserFactory
from tests.screening.helpers import run_inline
from tests.screening.test_screenings import broker_down  # noqa: F401 - a fixture

BOMS = FIXTURES / "boms"
SMALL_BOM = b"Manufacturer,Supplier,Qty\nNokia Solutions and Networks Oy,Nokia Solutions and Networks Oy,2\n"


@pytest.fixture
def tender(org_a, sample_lists):
    tender = TenderFactory(organisation=org_a, reference="5G-RAN-2026/07")
    tender.restricted_lists.set([sample_lists["restricted"].supplier_list])
    tender.trusted_lists.set([sample_lists["trusted"].supplier_list])
    LotFactory(tender=tender, number=1, title="RAN", domain=NetworkDomain.RAN)
    LotFactory(tender=tender, number=2, title="Core", domain=NetworkDomain.CORE)
    return tender


def zip_bytes(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def fixture_bytes(name: str) -> bytes:
    return (BOMS / name).read_bytes()


def upload(tender, user, name: str, data: bytes) -> BulkUpload:
    return bulk_upload_create(tender=tender, user=user, content=SimpleUploadedFile(name, data))


def processed(bulk_upload: BulkUpload) -> BulkUpload:
    bulk_upload_process(bulk_upload_id=bulk_upload.pk)
    bulk_upload.refresh_from_db()
    return bulk_upload


def items_by_member(bulk_upload: BulkUpload) -> dict:
    return {item.member: item for item in bulk_upload.items.select_related("bid")}


pytestmark = pytest.mark.django_db


def test_a_zip_with_a_manifest_makes_one_screened_bid_per_row(officer, tender, django_capture_on_commit_callbacks):
    manifest = (
        b"File,Bidder,Lots,Bidder country,Bidder registration,Declaration\n"
        b"boms/chain.xlsx,Baltic Mobile Integrators Ltd,2,lt,LT-302-555,boms/chain_declaration.csv\n"
        b'boms/clean.xlsx,Nordic Radio AB,"1, 2",SE,,\n'
        b"direct_hits.xlsx | extra.csv,Acme Networks,Lot 1,,,\n"
    )
    archive = zip_bytes(
        ("manifest.csv", manifest),
        ("boms/chain.xlsx", fixture_bytes("chain_hidden_bom_only.xlsx")),
        ("boms/chain_declaration.csv", fixture_bytes("chain_declaration.csv")),
        ("boms/clean.xlsx", fixture_bytes("clean.xlsx")),
        ("direct_hits.xlsx", fixture_bytes("direct_hits.xlsx")),
        ("extra.csv", fixture_bytes("messy_export_semicolon.csv")),
    )

    with django_capture_on_commit_callbacks() as queued:
        bulk_upload = upload(tender, officer, "bids.zip", archive)
    assert len(queued) == 1, "the processing is queued once the upload is committed"
    assert bulk_upload.status == BulkUploadStatus.QUEUED
    assert bulk_upload.file.sha256 == hashlib.sha256(archive).hexdigest()

    with django_capture_on_commit_callbacks() as screenings_queued:
        bulk_upload = processed(bulk_upload)

    assert (bulk_upload.status, bulk_upload.items_total, bulk_upload.items_ok) == (BulkUploadStatus.DONE, 3, 3)
    assert len(screenings_queued) == 3, "each bid's screening is queued as the bid is committed"
    bids = {bid.bidder_name: bid for bid in Bid.objects.filter(tender=tender)}
    assert set(bids) == {"Baltic Mobile Integrators Ltd", "Nordic Radio AB", "Acme Networks"}
    baltic = bids["Baltic Mobile Integrators Ltd"]
    assert (baltic.bidder_country, baltic.bidder_registration, baltic.created_by) == ("LT", "LT-302-555", officer)
    assert [lot.number for lot in baltic.lots.all()] == [2]
    assert {(d.file.original_name, d.role) for d in baltic.documents.select_related("file")} == {
        ("chain.xlsx", FileRole.BOM), ("chain_declaration.csv", FileRole.DECLARATION)
    }
    assert sorted(lot.number for lot in bids["Nordic Radio AB"].lots.all()) == [1, 2]
    assert sorted(d.file.original_name for d in bids["Acme Networks"].documents.select_related("file")) == [
        "direct_hits.xlsx", "extra.csv"
    ]
    items = items_by_member(bulk_upload)
    assert items["boms/chain.xlsx"].bid == baltic and items["boms/chain.xlsx"].outcome == BulkItemOutcome.OK

    screening = run_inline(bid_latest_screening(baltic))
    assert screening.verdict == "fail", "the restricted subcontractor three tiers down the declared chain is found"
    assert screening.policy["default_domain"] == NetworkDomain.CORE
    assert run_inline(bid_latest_screening(bids["Acme Networks"])).findings.filter(
        file_name="extra.csv", party="Hytera Mobilfunk GmbH"
    ).exists()

    actions = list(AuditEntry.objects.filter(scope=f"org:{tender.organisation_id}").values_list("action", flat=True))
    assert actions.count(AuditAction.BID_UPLOADED) == 3
    assert AuditAction.BULK_UPLOADED in actions and AuditAction.BULK_PROCESSED in actions


def test_without_a_manifest_each_file_is_a_bid_named_after_its_bidder(officer, tender):
    archive = zip_bytes(
        ("Nordic Radio AB.xlsx", fixture_bytes("clean.xlsx")),
        ("bids/Acme Networks.csv", SMALL_BOM),
        ("__MACOSX/bids/._Acme Networks.csv", b"\x00\x05\x16\x07"),
        (".DS_Store", b"\x00\x00\x00\x01Bud1"),
    )

    bulk_upload = processed(upload(tender, officer, "bids.zip", archive))

    assert sorted(Bid.objects.values_list("bidder_name", flat=True)) == ["Acme Networks", "Nordic Radio AB"]
    assert sorted(items_by_member(bulk_upload)) == ["Nordic Radio AB.xlsx", "bids/Acme Networks.csv"]
    assert bulk_upload.items_ok == 2
    bid = Bid.objects.get(bidder_name="Acme Networks")
    with bid.documents.get().file.file.open("rb") as stored:
        assert stored.read() == SMALL_BOM
    assert bid_latest_screening(bid).status == ScreeningStatus.QUEUED


def workbook_of_bidders() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    acme = book.add_worksheet("Acme Networks")
    acme.write_row(0, 0, ["Bill of materials, Acme Networks"])
    acme.write_row(2, 0, ["Line", "Part Number", "Manufacturer", "Supplier", "Domain", "Qty"])
    acme.write_row(3, 0, [1, "AIR-3268", "Ericsson AB", "Ericsson AB", "RAN", 4])
    acme.write_row(5, 0, [2, "BBU-5900", "Huawei Technologies Co., Ltd.", "Huawei Technologies Co., Ltd.", "RAN", 2])
    nordic = book.add_worksheet("Nordic Radio AB")
    nordic.write_row(0, 0, ["Manufacturer", "Qty"])
    nordic.write_row(1, 0, ["Nokia Solutions and Networks Oy", 3])
    nordic.write_string(2, 0, '=HYPERLINK("http://x")')  # text that looks like a formula
    nordic.write_number(2, 1, 1)
    notes = book.add_worksheet("Notes")
    notes.write_row(0, 0, ["Prices in EUR, without VAT"])
    book.add_worksheet("Sheet4")  # empty: no bid, no line
    book.close()
    return buffer.getvalue()


def test_a_workbook_with_a_sheet_per_bidder_makes_one_bid_per_sheet_keeping_sheet_and_row(officer, tender):
    bulk_upload = processed(upload(tender, officer, "bids-by-bidder.xlsx", workbook_of_bidders()))

    items = items_by_member(bulk_upload)
    assert list(items) == ["sheet Acme Networks", "sheet Nordic Radio AB", "sheet Notes"]
    assert items["sheet Notes"].outcome == BulkItemOutcome.ERROR
    assert items["sheet Notes"].error_message.startswith(
        "bids-by-bidder.xlsx, sheet Notes: no header row with a Manufacturer, Supplier or Subcontractor column"
    )
    acme = items["sheet Acme Networks"].bid
    assert acme.bidder_name == "Acme Networks"
    assert acme.documents.get().file.original_name == "Acme Networks.xlsx"

    screening = run_inline(bid_latest_screening(acme))

    finding = screening.findings.get(party="Huawei Technologies Co., Ltd.", field="manufacturer")
    assert (finding.file_name, finding.sheet, finding.row) == ("Acme Networks.xlsx", "Acme Networks", 6)
    with items["sheet Nordic Radio AB"].bid.documents.get().file.file.open("rb") as stored:
        sheet = openpyxl.load_workbook(stored)["Nordic Radio AB"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Manufacturer", "Qty"], ["Nokia Solutions and Networks Oy", "3"], ['=HYPERLINK("http://x")', "1"]
    ]
    assert sheet["A3"].data_type == "s", "text that looks like a formula stays text, never a formula"


def fifty_files_with_broken_ones() -> bytes:
    rows = ["file,bidder,lots"]
    members = []
    for i in range(44):
        rows.append(f"good/{i:02d}.csv,Bidder {i:02d} Ltd,1")
        members.append((f"good/{i:02d}.csv", SMALL_BOM.replace(b"2\n", f"{i + 1}\n".encode())))
    broken = [
        ("corrupt.xlsx", b"PK\x03\x04" + b"\x13garbage" * 40, "Corrupt Ltd", "1"),
        ("empty.csv", b"", "Empty Ltd", "1"),
        ("lot7.csv", SMALL_BOM, "Wrong Lot Ltd", "7"),
        ("../evil.csv", SMALL_BOM, "Evil Ltd", "1"),
        ("nested.zip", zip_bytes(("inner.csv", SMALL_BOM)), "Nested Ltd", "1"),
        ("prices.pdf", b"%PDF-1.7 not a BOM", "Pdf Ltd", "1"),
    ]
    for name, data, bidder, lots in broken:
        rows.append(f"{name},{bidder},{lots}")
        members.append((name, data))
    members.append(("stray.csv", SMALL_BOM))
    return zip_bytes(("manifest.csv", "\n".join(rows).encode()), *members)


def test_fifty_files_of_which_some_are_broken_every_good_one_becomes_a_bid_and_each_bad_one_says_why(
    officer, tender
):
    archive = fifty_files_with_broken_ones()

    bulk_upload = processed(upload(tender, officer, "fifty.zip", archive))

    assert bulk_upload.status == BulkUploadStatus.DONE
    assert (bulk_upload.items_total, bulk_upload.items_ok, bulk_upload.items_failed) == (51, 44, 7)
    bids = Bid.objects.filter(tender=tender)
    assert bids.count() == 44
    assert all(bid_latest_screening(bid) is not None for bid in bids), "every good bid has its screening"
    bid = bids.get(bidder_name="Bidder 07 Ltd")
    with bid.documents.get().file.file.open("rb") as stored:
        assert stored.read() == SMALL_BOM.replace(b"2\n", b"8\n")

    errors = {item.member: item.error_message for item in bulk_upload.items.filter(outcome=BulkItemOutcome.ERROR)}
    assert set(errors) == {"corrupt.xlsx", "empty.csv", "lot7.csv", "../evil.csv", "nested.zip", "prices.pdf",
                           "stray.csv"}
    assert errors["corrupt.xlsx"].startswith("corrupt.xlsx: the file starts like an Excel or ZIP file but is damaged")
    assert errors["empty.csv"].startswith("empty.csv is empty.")
    assert errors["lot7.csv"] == (
        "manifest.csv, row 48, column lots: 7 is not a lot of tender 5G-RAN-2026/07 (its lots: 1, 2). "
        "Give the lot numbers separated by commas."
    )
    assert errors["../evil.csv"].startswith(
        "manifest.csv, row 49, column file: ../evil.csv: points outside the archive"
    )
    assert "nested.zip: is an archive inside the archive" in errors["nested.zip"]
    assert errors["prices.pdf"].startswith("prices.pdf: files of type '.pdf' are not screened.")
    assert errors["stray.csv"].startswith("stray.csv: not named in manifest.csv, so it is not a bid.")
    for member in ("corrupt.xlsx", "empty.csv", "prices.pdf"):
        assert errors[member].endswith("upload it on its own with Upload a bid.")
    assert not bids.filter(bidder_name__in=["Corrupt Ltd", "Empty Ltd", "Wrong Lot Ltd", "Evil Ltd"]).exists()
    assert UploadedFile.objects.filter(sha256=hashlib.sha256(archive).hexdigest()).count() == 1, "the upload is kept"


def test_a_redelivered_task_after_a_crash_finishes_the_rest_and_creates_no_bid_twice(officer, tender, monkeypatch):
    archive = zip_bytes(*[(f"Bidder {i}.csv", SMALL_BOM) for i in range(5)])
    bulk_upload = upload(tender, officer, "bids.zip", archive)
    real_bid_create = bulk.bid_create
    calls = []

    def database_goes_away_on_the_third_bid(**kwargs):
        calls.append(kwargs["bidder_name"])
        if len(calls) == 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real_bid_create(**kwargs)

    monkeypatch.setattr(bulk, "bid_create", database_goes_away_on_the_third_bid)
    with pytest.raises(OperationalError):
        bulk_upload_process(bulk_upload_id=bulk_upload.pk)
    bulk_upload.refresh_from_db()
    assert bulk_upload.status == BulkUploadStatus.RUNNING
    assert Bid.objects.count() == 2

    monkeypatch.setattr(bulk, "bid_create", real_bid_create)
    bulk_upload = processed(bulk_upload)  # the redelivery
    assert bulk_upload_process(bulk_upload_id=bulk_upload.pk) is None, "a finished upload is left alone"

    assert bulk_upload.status == BulkUploadStatus.DONE
    assert sorted(Bid.objects.values_list("bidder_name", flat=True)) == [f"Bidder {i}" for i in range(5)]
    assert len({item.bid_id for item in bulk_upload.items.all()}) == 5


def test_an_unreadable_manifest_fails_the_upload_with_the_reason_and_keeps_the_file(officer, tender, officer_client):
    archive = zip_bytes(("manifest.csv", b"file,company\nAcme.csv,Acme\n"), ("Acme.csv", SMALL_BOM))

    bulk_upload = processed(upload(tender, officer, "bids.zip", archive))

    assert bulk_upload.status == BulkUploadStatus.FAILED
    assert bulk_upload.error_message.startswith("manifest.csv, row 1: no bidder column (found: file, company).")
    assert not Bid.objects.exists()
    page = officer_client.get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])).content.decode()
    assert "no bidder column (found: file, company)" in page
    assert UploadedFile.objects.filter(pk=bulk_upload.file_id).exists()


@pytest.mark.usefixtures("broker_down")
def test_an_upload_queued_while_the_broker_is_down_waits_with_a_note_and_is_processed_later(
    officer, tender, officer_client
):
    bulk_upload = upload(tender, officer, "bids.zip", zip_bytes(("Acme.csv", SMALL_BOM)))

    assert bulk.bulk_upload_enqueue(bulk_upload_id=bulk_upload.pk) is False

    bulk_upload.refresh_from_db()
    assert bulk_upload.status == BulkUploadStatus.QUEUED
    page = officer_client.get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])).content.decode()
    assert "The task queue could not be reached; the bids will be created when it is back." in page
    assert processed(bulk_upload).items_ok == 1 and bulk_upload.error_message == ""


def test_an_internal_error_in_the_task_fails_the_upload_with_a_message_and_keeps_what_was_made(
    officer, tender, monkeypatch
):
    from procurement.tasks import process_bulk_upload

    bulk_upload = upload(tender, officer, "bids.zip", zip_bytes(("Acme.csv", SMALL_BOM)))

    def broken(*args, **kwargs):
        raise RuntimeError("storage went away")

    monkeypatch.setattr(bulk, "_entries", broken)
    process_bulk_upload.apply(args=(bulk_upload.pk,))

    bulk_upload.refresh_from_db()
    assert bulk_upload.status == BulkUploadStatus.FAILED
    assert bulk_upload.error_message.startswith(
        "The upload stopped on an internal error (RuntimeError: storage went away). Its file and the bids already "
        "created are kept"
    )


# -- the web pages


def test_the_officer_uploads_many_bids_and_sees_every_files_outcome(officer_client, officer, tender):
    tender_page = officer_client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()
    assert reverse("procurement:bulk_upload_create", args=[tender.pk]) in tender_page
    archive = zip_bytes(("Acme Networks.csv", SMALL_BOM), ("../evil.csv", SMALL_BOM))

    response = officer_client.post(
        reverse("procurement:bulk_upload_create", args=[tender.pk]), {"file": SimpleUploadedFile("bids.zip", archive)}
    )

    bulk_upload = BulkUpload.objects.get()
    detail_url = reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])
    assert response.status_code == 302 and response.url == detail_url
    page = officer_client.get(detail_url).content.decode()
    assert "bids.zip" in page and "Queued" in page
    assert f'data-screening-progress="{reverse("procurement:bulk_upload_progress", args=[bulk_upload.pk])}"' in page

    processed(bulk_upload)

    page = officer_client.get(detail_url).content.decode()
    bid = Bid.objects.get()
    assert reverse("procurement:bid_detail", args=[bid.pk]) in page
    assert "../evil.csv: points outside the archive" in page
    assert "2 files: <strong>1</strong> bid created, <strong>1</strong> with errors" in page
    progress = officer_client.get(reverse("procurement:bulk_upload_progress", args=[bulk_upload.pk])).json()
    assert progress["items_total"] == 2 and progress["items_ok"] == 1 and progress["items_failed"] == 1
    assert progress["status_display"] == "Screening: 0 of 1 bids done" and not progress["finished"]

    run_inline(bid_latest_screening(bid))

    progress = officer_client.get(reverse("procurement:bulk_upload_progress", args=[bulk_upload.pk])).json()
    assert (progress["status_display"], progress["progress"], progress["finished"]) == ("Done", 1.0, True)
    assert progress["rows_done"] == progress["rows_total"] == 1
    tender_page = officer_client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()
    assert detail_url in tender_page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bids.pdf", b"%PDF", "bids.pdf: files of type &#x27;.pdf&#x27; cannot hold many bids."),
        ("bids.zip", b"Manufacturer\nNokia\n", "bids.zip: is not a ZIP archive."),
        ("bids.zip", b"", "The submitted file is empty."),
        ("bids.zip", zip_bytes(*[(f"b{i}.csv", SMALL_BOM) for i in range(4)]), "holds 4 files; the limit is 3."),
    ],
)
def test_a_refused_upload_says_why_next_to_the_field_and_stores_nothing(
    officer_client, tender, settings, name, data, message
):
    settings.PROCUREMENT_BULK_MAX_MEMBERS = 3

    response = officer_client.post(
        reverse("procurement:bulk_upload_create", args=[tender.pk]), {"file": SimpleUploadedFile(name, data)}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert message in response.content.decode()
    assert not UploadedFile.objects.exists() and not BulkUpload.objects.exists()


def test_reviewers_read_bulk_uploads_but_only_officers_and_admins_upload(client, reviewer, org_admin, officer, tender):
    bulk_upload = upload(tender, officer, "bids.zip", zip_bytes(("Acme.csv", SMALL_BOM)))
    create_url = reverse("procurement:bulk_upload_create", args=[tender.pk])

    client.force_login(reviewer)
    assert client.get(create_url).status_code == 403
    another = SimpleUploadedFile("b.zip", zip_bytes(("A.csv", SMALL_BOM)))
    assert client.post(create_url, {"file": another}).status_code == 403
    assert client.get(reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk])).status_code == 200
    assert create_url not in client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()
    client.force_login(org_admin)
    assert client.get(create_url).status_code == 200
    assert BulkUpload.objects.count() == 1


def test_another_organisations_user_finds_nothing(client, officer, tender, org_b):
    bulk_upload = upload(tender, officer, "bids.zip", zip_bytes(("Acme.csv", SMALL_BOM)))
    client.force_login(UserFactory(organisation=org_b, role=Role.ADMIN))

    for url in (
        reverse("procurement:bulk_upload_create", args=[tender.pk]),
        reverse("procurement:bulk_upload_detail", args=[bulk_upload.pk]),
        reverse("procurement:bulk_upload_progress", args=[bulk_upload.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("procurement:bulk_upload_create", args=[tender.pk]),
        {"file": SimpleUploadedFile("b.zip", zip_bytes(("A.csv", SMALL_BOM)))},
    )
    assert response.status_code == 404
    assert BulkUpload.objects.count() == 1


def test_the_upload_form_needs_a_login_and_a_csrf_token(client, officer, tender):
    url = reverse("procurement:bulk_upload_create", args=[tender.pk])
    assert client.get(url).url.startswith(reverse("login"))

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(officer)
    response = csrf_client.post(url, {"file": SimpleUploadedFile("b.zip", zip_bytes(("A.csv", SMALL_BOM)))})

    assert response.status_code == 403
    assert not BulkUpload.objects.exists()


# -- with the real worker


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_turns_a_bulk_upload_into_screened_bids(sample_lists, celery_worker):
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(name="Worker Agency")
    officer = UserFactory(organisation=organisation, role=Role.OFFICER)
    tender = TenderFactory(organisation=organisation)
    tender.restricted_lists.set([sample_lists["restricted"].supplier_list])
    tender.trusted_lists.set([sample_lists["trusted"].supplier_list])
    archive = zip_bytes(
        ("Huawei Reseller Ltd.xlsx", fixture_bytes("direct_hits.xlsx")),
        ("Clean Bidder AB.xlsx", fixture_bytes("clean.xlsx")),
        ("broken.xlsx", b"PK\x03\x04 not really"),
    )

    bulk_upload = upload(tender, officer, "bids.zip", archive)  # committed: the worker gets the task

    def all_screened():
        bulk_upload.refresh_from_db()
        if bulk_upload.status != BulkUploadStatus.DONE:
            return None
        screenings = [bid_latest_screening(bid) for bid in Bid.objects.filter(tender=tender)]
        return screenings if screenings and all(s.is_finished for s in screenings) else None

    wait_for(all_screened, timeout=240, message=f"the bulk upload and its screenings\n{celery_worker.output()[-3000:]}")

    verdicts = {bid.bidder_name: bid_latest_screening(bid).verdict for bid in Bid.objects.filter(tender=tender)}
    assert verdicts == {"Huawei Reseller Ltd": "fail", "Clean Bidder AB": "pass"}
    broken = bulk_upload.items.get(member="broken.xlsx")
    assert broken.outcome == BulkItemOutcome.ERROR and "broken.xlsx" in broken.error_message
    assert celery_worker.alive()


def test_the_admin_shows_bulk_uploads_and_their_items_read_only(admin_client, officer, tender):
    bulk_upload = processed(upload(tender, officer, "bids.zip", zip_bytes(("Acme.csv", SMALL_BOM))))

    changelist = admin_client.get(reverse("admin:procurement_bulkupload_changelist"))
    change = admin_client.get(reverse("admin:procurement_bulkupload_change", args=[bulk_upload.pk]))

    assert changelist.status_code == change.status_code == 200
    assert "bids.zip" in changelist.content.decode()
    assert "Acme.csv" in change.content.decode()
