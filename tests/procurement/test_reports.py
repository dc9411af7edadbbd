"""The tender summary (printable page and .xlsx) and the audit log download: right contents, safe cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from procurement.services import tender_create, tender_update
from tests.factories import BidFactory, TenderFactory
from tests.procurement.conftest import screening_for

pytestmark = pytest.mark.django_db


def test_the_summary_xlsx_has_a_row_per_bid_and_every_cell_is_safe(officer_client, org_a, sample_lists):
    tender = TenderFactory(organisation=org_a, reference="SUM-1")
    evil = BidFactory(tender=tender, bidder_name='=HYPERLINK("x")', bidder_registration="+49 30 123")
    screening = screening_for(
        evil,
        critical_count=2,
        high_count=1,
        medium_count=0,
        bom_value_total=Decimal("200"),
        restricted_value=Decimal("50"),
        untrusted_value=Decimal("20"),
    )
    screening.list_versions.set(sample_lists.values())
    BidFactory(tender=tender, bidder_name="Not Screened Ltd")

    response = officer_client.get(reverse("procurement:tender_report_xlsx", args=[tender.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sum-1-summary.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    first = dict(zip(header, rows[4], strict=True))
    assert first["Bidder"] == '\'=HYPERLINK("x")'
    assert first["Registration number"] == "'+49 30 123"
    assert (first["Verdict"], first["Critical"], first["High"], first["Medium"]) == ("Fail", 2, 1, 0)
    assert first["Restricted value share"] == 0.25 and first["Untrusted value share"] == 0.1
    assert "High-risk vendors (sample) v1" in first["List versions"]
    second = dict(zip(header, rows[5], strict=True))
    assert (second["Bidder"], second["Screening status"], second["Critical"]) == (
        "Not Screened Ltd",
        "Not screened",
        None,
    )
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"


def test_the_printable_summary_shows_every_bid(officer_client, org_a):
    tender = TenderFactory(organisation=org_a, reference="SUM-2")
    screening_for(
        BidFactory(tender=tender, bidder_name="Printed Ltd"),
        critical_count=0,
        high_count=0,
        medium_count=1,
        verdict="review",
    )

    page = officer_client.get(reverse("procurement:tender_report", args=[tender.pk])).content.decode()

    assert "Screening summary: SUM-2" in page
    assert "Printed Ltd" in page and 'badge--review">Review' in page
    assert "not available" in page
    assert "@media print" not in page, "print styles live in the stylesheet"


def test_the_audit_log_downloads_as_csv_with_safe_cells(officer_client, officer, org_a):
    from screening.services.audit import audit_record

    tender = tender_create(organisation=org_a, user=officer, reference="AUD-CSV", title="=cmd|' /C calc'!A0")
    tender_update(tender=tender, user=officer, data={"title": "Plain title"})
    audit_record(
        scope=f"org:{org_a.pk}", actor=officer, action="note", summary='=HYPERLINK("http://x")', subject=tender
    )

    response = officer_client.get(reverse("procurement:tender_audit_csv", args=[tender.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["When (UTC)", "Who", "Action", "Summary"]
    actions = [row[2] for row in rows[1:]]
    assert actions == ["tender.created", "tender.updated", "note"]
    assert officer.get_username() in rows[1][1]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[3][3] == '\'=HYPERLINK("http://x")'
