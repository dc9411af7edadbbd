"""Writing findings out to spreadsheets, safe against formula injection."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import xlsxwriter

# A cell starting with one of these is run as a formula by Excel or LibreOffice (OWASP "CSV injection").
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """Numbers stay numbers; text that a spreadsheet would read as a formula is written as plain text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


FINDING_COLUMNS = (
    ("severity", "Severity"),
    ("rule", "Rule"),
    ("file", "File"),
    ("sheet", "Sheet"),
    ("row", "Row"),
    ("column", "Column"),
    ("field", "Field"),
    ("value", "Cell value"),
    ("party", "Party"),
    ("entity_name", "Listed entity"),
    ("entity_list", "List"),
    ("entity_version", "List version"),
    ("entity_source", "Source"),
    ("score", "Score"),
    ("path", "Path"),
    ("explanation", "Explanation"),
)


def _flat(finding: dict) -> dict:
    entity = finding.get("entity") or {}
    return {
        **finding,
        "entity_name": entity.get("name", ""),
        "entity_list": entity.get("list", ""),
        "entity_version": entity.get("version", ""),
        "entity_source": entity.get("source", ""),
        "path": " → ".join(finding.get("path") or []),
    }


def write_findings_xlsx(target, *, summary: Iterable[tuple[str, Any]], findings: Iterable[dict]) -> None:
    """A workbook with a Summary sheet and a Findings sheet; every text cell is written as text, never a formula."""
    workbook = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("Summary")
    for row, (label, value) in enumerate(summary):
        sheet.write_string(row, 0, label, bold)
        cell = safe_cell(value)
        if isinstance(cell, str):
            sheet.write_string(row, 1, cell)
        else:
            sheet.write(row, 1, cell)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 60)

    sheet = workbook.add_worksheet("Findings")
    for col, (_key, title) in enumerate(FINDING_COLUMNS):
        sheet.write_string(0, col, title, bold)
    row = 0
    for row, finding in enumerate(findings, start=1):
        flat = _flat(finding)
        for col, (key, _title) in enumerate(FINDING_COLUMNS):
            cell = safe_cell(flat.get(key))
            if isinstance(cell, str):
                sheet.write_string(row, col, cell)
            else:
                sheet.write(row, col, cell)
    sheet.autofilter(0, 0, max(row, 1), len(FINDING_COLUMNS) - 1)
    sheet.freeze_panes(1, 0)
    workbook.close()
