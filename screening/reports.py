"""A screening's report as a workbook: summary, findings with decisions, and the original BOM rows re-read from
the stored files with flagged rows highlighted. Every cell is written as a string or a number, never a formula.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import PurePath

import xlsxwriter
from django.utils import timezone

from screening.choices import FileRole, Severity
from screening.display import decision_note, policy_lines, rule_title
from screening.engine.bom import BomReader
from screening.engine.policy import PolicyConfig
from screening.engine.records import BomReadError
from screening.exports import safe_cell
from screening.models import Finding, Screening
from screening.selectors import findings_for_screening, screening_errors
from screening.services.audit import actor_name
from screening.services.screenings import read_limits

ROW_FILLS = {"critical": "#F8C4C4", "high": "#FAD7C0", "medium": "#FCEBC0", "low": "#D6E4FB", "info": "#E5E7EB"}
RANK = {s.value: rank for rank, s in enumerate(reversed(Severity))}

FINDING_COLUMNS = [
    "Severity", "Rule", "File", "Sheet", "Row", "Column", "Field", "Cell value", "Party", "Listed entity", "List",
    "List version", "Source", "Score", "Chain", "Explanation", "Decision", "Reason", "Decided", "Finding id",
]


def _write(sheet, row: int, col: int, value, fmt=None) -> None:
    cell = safe_cell(value)
    if isinstance(cell, bool):
        sheet.write_string(row, col, "yes" if cell else "no", fmt)
    elif isinstance(cell, int | float):
        sheet.write_number(row, col, cell, fmt)
    else:
        sheet.write_string(row, col, cell, fmt)


def finding_cells(finding: Finding) -> list:
    entity = finding.entity
    version = entity.version if entity else None
    return [
        finding.get_severity_display(),
        rule_title(finding.rule),
        finding.file_name,
        finding.sheet,
        finding.row if finding.row is not None else "",
        finding.column,
        finding.field,
        finding.value,
        finding.party,
        entity.name if entity else "",
        version.supplier_list.name if version else "",
        version.label if version else "",
        entity.source if entity else "",
        finding.score if finding.score is not None else "",
        " → ".join(finding.path or []),
        finding.explanation,
        finding.get_decision_display(),
        finding.decision_reason,
        decision_note(finding),
        finding.pk,
    ]


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class _SheetNames:
    def __init__(self, *taken: str):
        self.taken = {name.lower() for name in taken}

    def make(self, wanted: str) -> str:
        base = _BAD_SHEET_CHARS.sub("_", wanted).strip("'") or "BOM"
        name, n = base[:31], 2
        while name.lower() in self.taken:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.taken.add(name.lower())
        return name


def screening_report_xlsx(*, screening: Screening, user) -> bytes:
    """The report workbook's bytes."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    header = book.add_format({"bold": True, "bg_color": "#E2E8F0", "border": 1})
    fills = {key: book.add_format({"bg_color": colour}) for key, colour in ROW_FILLS.items()}
    findings = list(findings_for_screening(screening=screening))

    _summary_sheet(book.add_worksheet("Summary"), screening, user, bold, wrap)
    sheet = book.add_worksheet("Findings")
    for col, title in enumerate(FINDING_COLUMNS):
        _write(sheet, 0, col, title, header)
    for row, finding in enumerate(findings, start=1):
        for col, value in enumerate(finding_cells(finding)):
            _write(sheet, row, col, value, fills.get(finding.severity) if col == 0 else None)
    sheet.autofilter(0, 0, max(len(findings), 1), len(FINDING_COLUMNS) - 1)
    sheet.freeze_panes(1, 0)
    sheet.set_column(7, 9, 28)
    sheet.set_column(14, 15, 50)

    names = _SheetNames("Summary", "Findings", "Errors")
    _bom_sheets(book, screening, findings, names, header, fills)
    errors = list(screening_errors(screening=screening))
    if errors:
        sheet = book.add_worksheet("Errors")
        for col, title in enumerate(["File", "Sheet", "Row", "Column", "Problem"]):
            _write(sheet, 0, col, title, header)
        for row, error in enumerate(errors, start=1):
            for col, value in enumerate(
                [error.file_name, error.sheet, error.row if error.row is not None else "", error.column, error.message]
            ):
                _write(sheet, row, col, value)
    book.close()
    return output.getvalue()


def _summary_sheet(sheet, screening: Screening, user, bold, wrap) -> None:
    lines: list[tuple[str, object]] = [
        ("Screening", f"#{screening.pk} {screening.label}"),
        ("Subject", str(screening.subject) if screening.subject is not None else ""),
        ("Bidder", screening.bidder),
        ("Status", screening.get_status_display()),
        ("Verdict", screening.get_verdict_display() if screening.verdict else "—"),
    ]
    lines += [(f"{s.label} findings", screening.counts[s.value]) for s in Severity]
    lines += [
        ("Rows screened", screening.rows_done),
        ("Row errors", screening.error_count),
        ("BOM value (sum of lines)", float(screening.bom_value_total)),
        ("Share on restricted vendors", f"{screening.restricted_share:.1%}"),
        ("Share on untrusted vendors", f"{screening.untrusted_share:.1%}"),
    ]
    for version in screening.list_versions.select_related("supplier_list").order_by("supplier_list__name"):
        lines.append(
            (
                f"List ({version.supplier_list.get_kind_display().lower()})",
                f"{version.supplier_list.name} v{version.number}, imported {version.created_at:%Y-%m-%d %H:%M}",
            )
        )
    for upload in screening.files.order_by("pk"):
        role = upload.get_role_display().lower()
        lines.append((f"File ({role})", f"{upload.original_name}, SHA-256 {upload.sha256}"))
    lines += [(f"Policy: {label}", value) for label, value in policy_lines(screening)]
    lines += [
        ("Started", f"{screening.started_at:%Y-%m-%d %H:%M:%S}" if screening.started_at else ""),
        ("Finished", f"{screening.finished_at:%Y-%m-%d %H:%M:%S}" if screening.finished_at else ""),
        ("Error", screening.error_message),
        ("Report generated", f"{timezone.localtime():%Y-%m-%d %H:%M:%S %Z}"),
        ("Generated by", actor_name(user)),
    ]
    for row, (label, value) in enumerate(lines):
        _write(sheet, row, 0, label, bold)
        _write(sheet, row, 1, value, wrap)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90)


def _bom_sheets(book, screening: Screening, findings: list[Finding], names: _SheetNames, header, fills) -> None:
    by_row: dict[tuple[str, str, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_row[(finding.file_name, finding.sheet, finding.row)].append(finding)
    uploads = list(screening.files.filter(role=FileRole.BOM).order_by("pk"))
    several = len(uploads) > 1
    for upload in uploads:
        sheets: dict[str, tuple] = {}
        try:
            with upload.file.open("rb") as handle, BomReader(
                handle,
                filename=upload.original_name,
                limits=read_limits(),
                extra_headers=PolicyConfig.from_dict(screening.policy).extra_headers,
            ) as reader:
                for bom_row in reader.rows():
                    target = sheets.get(bom_row.sheet)
                    if target is None:
                        wanted = bom_row.sheet or PurePath(upload.original_name).stem
                        if several:
                            wanted = f"{PurePath(upload.original_name).stem} {bom_row.sheet}".strip()
                        worksheet = book.add_worksheet(names.make(wanted))
                        fields = list(bom_row.headers)
                        titles = ["Row", *[bom_row.headers[f] for f in fields], "Findings"]
                        for col, title in enumerate(titles):
                            _write(worksheet, 0, col, title, header)
                        worksheet.freeze_panes(1, 0)
                        target = sheets[bom_row.sheet] = (worksheet, fields, [1])
                    worksheet, fields, counter = target
                    out = counter[0]
                    flagged = by_row.get((bom_row.file, bom_row.sheet, bom_row.row), [])
                    worst = max(flagged, key=lambda f: RANK.get(f.severity, -1)).severity if flagged else None
                    fill = fills.get(worst) if worst else None
                    _write(worksheet, out, 0, bom_row.row, fill)
                    for col, name in enumerate(fields, start=1):
                        _write(worksheet, out, col, bom_row.values.get(name, ""), fill)
                    notes = "; ".join(
                        f"{f.get_severity_display()}: {f.party}"
                        + (f" → {f.entity.name}" if f.entity_id else "")
                        + f" ({rule_title(f.rule)}"
                        + (f", {f.get_decision_display().lower()}" if f.decision else "")
                        + ")"
                        for f in flagged
                    )
                    _write(worksheet, out, len(fields) + 1, notes, fill)
                    counter[0] += 1
        except (BomReadError, OSError) as error:
            worksheet = book.add_worksheet(names.make(PurePath(upload.original_name).stem))
            _write(worksheet, 0, 0, f"{upload.original_name} could not be read again: {error}")

