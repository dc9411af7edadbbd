"""The tender summary across bids (HTML and .xlsx, its labels in the reader's language) and the audit log as CSV (the
permanent record: English headers); every cell safe against formulas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

import xlsxwriter
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening.choices import Severity
from screening.exports import safe_cell

from .charts import value_shares

SUMMARY_COLUMNS = (
    ("bidder_name", _("Bidder")),
    ("bidder_country", _("Country")),
    ("bidder_registration", _("Registration number")),
    ("lots", _("Lots")),
    ("status", _("Screening status")),
    ("verdict", _("Verdict")),
    *((severity.value, severity.label) for severity in Severity),
    ("restricted_share", _("Restricted value share")),
    ("untrusted_share", _("Untrusted value share")),
    ("list_versions", _("List versions")),
    ("screened_at", _("Screened at")),
    ("screening", _("Screening")),
)


def tender_summary_rows(bids) -> list[dict]:
    """One row per bid (from selectors.tender_bids), from its latest screening."""
    rows = []
    for bid in bids:
        screening = bid.latest_screening
        shares = value_shares(screening)
        row = {
            "bidder_name": bid.bidder_name,
            "bidder_country": bid.bidder_country,
            "bidder_registration": bid.bidder_registration,
            "lots": ", ".join(f"{lot.number}. {lot.title}" for lot in bid.lots.all()),
            "lot_numbers": ", ".join(str(lot.number) for lot in bid.lots.all()),
            "status": screening.get_status_display() if screening else gettext("Not screened"),
            "verdict": screening.get_verdict_display() if screening and screening.verdict else "",
            "restricted_share": shares["restricted"] if shares else None,
            "untrusted_share": shares["untrusted"] if shares else None,
            "list_versions": ", ".join(str(v) for v in screening.list_versions.all()) if screening else "",
            "screened_at": screening.finished_at if screening else None,
            "screening": screening.pk if screening else None,
            "bid": bid,
        }
        for severity in Severity:
            row[severity.value] = screening.counts[severity.value] if screening and screening.is_finished else None
        rows.append(row)
    return rows


def tender_summary_xlsx(*, tender, rows: Iterable[dict]) -> bytes:
    """A Summary sheet with one row per bid. Text goes through safe_cell and write_string, never write()."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    bold = workbook.add_format({"bold": True})
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet = workbook.add_worksheet(gettext("Summary")[:31])
    sheet.write_string(0, 0, safe_cell(f"{tender.reference}: {tender.title}"), bold)
    sheet.write_string(1, 0, safe_cell(f"{tender.organisation} · {tender.get_status_display()}"))
    header_row = 3
    for col, (_key, title) in enumerate(SUMMARY_COLUMNS):
        sheet.write_string(header_row, col, str(title), bold)
    row_index = header_row
    for row_index, row in enumerate(rows, start=header_row + 1):
        for col, (key, _title) in enumerate(SUMMARY_COLUMNS):
            value = row.get(key)
            if value is None:
                continue
            if key.endswith("_share"):
                sheet.write_number(row_index, col, value, percent)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row_index, col, value)
            elif hasattr(value, "isoformat"):
                sheet.write_string(row_index, col, value.strftime("%Y-%m-%d %H:%M %Z").strip())
            else:
                sheet.write_string(row_index, col, safe_cell(value))
    sheet.autofilter(header_row, 0, max(row_index, header_row + 1), len(SUMMARY_COLUMNS) - 1)
    sheet.freeze_panes(header_row + 1, 1)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, len(SUMMARY_COLUMNS) - 1, 14)
    workbook.close()
    return output.getvalue()


AUDIT_COLUMNS = ("When (UTC)", "Who", "Action", "Summary", "Subject", "Screening", "Details")


def audit_csv(entries: Iterable) -> str:
    """The audit entries as CSV; a cell a spreadsheet would run as a formula is written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    entry.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    entry.actor_name,
                    entry.action,
                    entry.summary,
                    f"{entry.subject_type.name} #{entry.subject_id}: {entry.subject}" if entry.subject_type else "",
                    entry.screening_id or "",
                    json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else "",
                )
            ]
        )
    return buffer.getvalue()
