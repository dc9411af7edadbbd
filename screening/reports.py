"""A screening's report as a workbook: summary, findings with decisions, and the original BOM rows re-read from
the stored files with flagged rows highlighted. Every cell is written as a string or a number, never a formula.

It is made for the person who downloads it: its sheet names, headers and labels are in the active language.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import PurePath

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening.choices import Decision, FileRole, ListKind, Severity
from screening.display import decision_note, policy_lines, rule_title
from screening.engine.bom import BomReader
from screening.engine.policy import PolicyConfig
from screening.engine.records import BomReadError
from screening.exports import safe_cell
from screening.messages import message_text
from screening.models import Finding, Screening
from screening.selectors import findings_for_screening, screening_errors
from screening.services.audit import actor_name
from screening.services.screenings import read_limits

ROW_FILLS = {"critical": "#F8C4C4", "high": "#FAD7C0", "medium": "#FCEBC0", "low": "#D6E4FB", "info": "#E5E7EB"}
RANK = {s.value: rank for rank, s in enumerate(reversed(Severity))}

FINDING_COLUMNS = [
    _("Severity"), _("Rule"), _("File"), _("Sheet"), _("Row"), _("Column"), _("Field"), _("Cell value"), _("Party"),
    _("Listed entity"), _("List"), _("List version"), _("Source"), _("Score"), _("Chain"), _("Explanation"),
    _("Decision"), _("Reason"), _("Decided"), _("Finding id"),
]
ERROR_COLUMNS = [_("File"), _("Sheet"), _("Row"), _("Column"), _("Problem")]
LIST_LABELS = {ListKind.RESTRICTED: _("List (restricted)"), ListKind.TRUSTED: _("List (trusted)")}
FILE_LABELS = {FileRole.BOM: _("File (bill of materials)"), FileRole.DECLARATION: _("File (subcontractor declaration)")}
# A finding's decision inside the notes of a BOM row: "(rule title, dismissed)".
DECISION_NOTES = {Decision.CONFIRMED: _("confirmed"), Decision.DISMISSED: _("dismissed")}


def _write(sheet, row: int, col: int, value, fmt=None) -> None:
    cell = safe_cell(value)
    if isinstance(cell, bool):
        sheet.write_string(row, col, gettext("yes") if cell else gettext("no"), fmt)
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
        finding.translated_explanation,
        finding.get_decision_display(),
        finding.translated_decision_reason,
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

    summary_name, findings_name, errors_name = (
        _sheet_name(gettext("Summary")), _sheet_name(gettext("Findings")), _sheet_name(gettext("Errors"))
    )
    _summary_sheet(book.add_worksheet(summary_name), screening, user, bold, wrap)
    sheet = book.add_worksheet(findings_name)
    for col, title in enumerate(FINDING_COLUMNS):
        _write(sheet, 0, col, str(title), header)
    for row, finding in enumerate(findings, start=1):
        for col, value in enumerate(finding_cells(finding)):
            _write(sheet, row, col, value, fills.get(finding.severity) if col == 0 else None)
    sheet.autofilter(0, 0, max(len(findings), 1), len(FINDING_COLUMNS) - 1)
    sheet.freeze_panes(1, 0)
    sheet.set_column(7, 9, 28)
    sheet.set_column(14, 15, 50)

    names = _SheetNames(summary_name, findings_name, errors_name)
    _bom_sheets(book, screening, findings, names, header, fills)
    errors = list(screening_errors(screening=screening))
    if errors:
        sheet = book.add_worksheet(errors_name)
        for col, title in enumerate(ERROR_COLUMNS):
            _write(sheet, 0, col, str(title), header)
        for row, error in enumerate(errors, start=1):
            for col, value in enumerate([
                error.file_name, error.sheet, error.row if error.row is not None else "", error.column,
                error.translated_message,
            ]):
                _write(sheet, row, col, value)
    book.close()
    return output.getvalue()


def _sheet_name(name: str) -> str:
    """A sheet name xlsx allows: at most 31 characters, none of []:*?/\\."""
    return _BAD_SHEET_CHARS.sub("_", name)[:31]


def _summary_sheet(sheet, screening: Screening, user, bold, wrap) -> None:
    lines: list[tuple[str, object]] = [
        (gettext("Screening"), f"#{screening.pk} {screening.label}"),
        (gettext("Subject"), str(screening.subject) if screening.subject is not None else ""),
        (gettext("Bidder"), screening.bidder),
        (gettext("Status"), screening.get_status_display()),
        (gettext("Verdict"), screening.get_verdict_display() if screening.verdict else "—"),
    ]
    lines += [(gettext("%(severity)s findings") % {"severity": s.label}, screening.counts[s.value]) for s in Severity]
    lines += [
        (gettext("Rows screened"), screening.rows_done),
        (gettext("Row errors"), screening.error_count),
        (gettext("BOM value (sum of lines)"), float(screening.bom_value_total)),
        (gettext("Share on restricted vendors"), f"{screening.restricted_share:.1%}"),
        (gettext("Share on untrusted vendors"), f"{screening.untrusted_share:.1%}"),
    ]
    for version in screening.list_versions.select_related("supplier_list").order_by("supplier_list__name"):
        label = LIST_LABELS.get(version.supplier_list.kind, _("List"))
        lines.append((str(label), gettext("%(list)s v%(number)s, imported %(when)s") % {
            "list": version.supplier_list.name, "number": version.number,
            "when": f"{version.created_at:%Y-%m-%d %H:%M}",
        }))
    for upload in screening.files.order_by("pk"):
        label = FILE_LABELS.get(upload.role, _("File"))
        lines.append((str(label), f"{upload.original_name}, SHA-256 {upload.sha256}"))
    lines += [(gettext("Policy: %(label)s") % {"label": label}, value) for label, value in policy_lines(screening)]
    lines += [
        (gettext("Started"), f"{screening.started_at:%Y-%m-%d %H:%M:%S}" if screening.started_at else ""),
        (gettext("Finished"), f"{screening.finished_at:%Y-%m-%d %H:%M:%S}" if screening.finished_at else ""),
        (gettext("Error"), screening.translated_error),
        (gettext("Report generated"), f"{timezone.localtime():%Y-%m-%d %H:%M:%S %Z}"),
        (gettext("Generated by"), actor_name(user)),
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
                        titles = [gettext("Row"), *[bom_row.headers[f] for f in fields], gettext("Findings")]
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
                        + (f", {DECISION_NOTES.get(f.decision, f.get_decision_display())}" if f.decision else "")
                        + ")"
                        for f in flagged
                    )
                    _write(worksheet, out, len(fields) + 1, notes, fill)
                    counter[0] += 1
        except (BomReadError, OSError) as error:
            worksheet = book.add_worksheet(names.make(PurePath(upload.original_name).stem))
            why = message_text(error.located_text) if isinstance(error, BomReadError) else str(error)
            _write(worksheet, 0, 0, gettext("%(file)s could not be read again: %(error)s") % {
                "file": upload.original_name, "error": why})

