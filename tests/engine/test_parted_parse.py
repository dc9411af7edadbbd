"""A big worksheet is parsed in parts on threads (bom.PARSE_PARTS). Read back as one sheet, it must give exactly the
lines, row errors, chain and row numbers of the sheet parsed whole; a sheet whose XML cannot be cut cleanly is
parsed whole."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import pytest

from screening.engine import bom
from screening.engine.bom import BomReader
from tests.engine.bom_samples import members, rezip, write_rows, xlsx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "boms"
WORKBOOKS = sorted([*FIXTURES.glob("*.xlsx"), *(FIXTURES / "i18n").glob("*.xlsx")])


def gappy_bom() -> bytes:
    """Several hundred lines under a title block, with empty rows, rows of whitespace, a merged maker cell, dates
    and numbers, a column that starts further right lower down, and a subcontractor sheet."""

    def fill(workbook):
        sheet = workbook.add_worksheet("RAN")
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write(0, 0, "Bill of materials, lot 2")
        write_rows(sheet, [["Item", "Part No.", "Manufacturer", "Supplier", "Qty", "Delivery"]], first_row=2)
        row = 3
        for n in range(1, 600):
            if n % 97 == 0:
                row += 3  # a gap of empty rows
            if n % 89 == 0:
                write_rows(sheet, [["  ", "", "   "]], first_row=row)
            elif n == 300:
                sheet.merge_range(row, 2, row + 2, 2, "Huawei Technologies Co., Ltd.")
                write_rows(sheet, [[n, f"P-{n}"]], first_row=row)
            else:
                maker = ("Ericsson AB", "Nokia; ZTE", "HiSilicon", 12345, "华为技术有限公司")[n % 5]
                write_rows(sheet, [[n, f"P-{n}", maker, "Nordic Telecom Supply AB", n * 0.5]], first_row=row)
            if n % 50 == 0:
                sheet.write_datetime(row, 5, dt.datetime(2025, 1, 1) + dt.timedelta(days=n), date)
            if n > 400:
                sheet.write(row, 7, "note")  # the used range widens lower down
            row += 1
        chain = workbook.add_worksheet("Subcontractors")
        write_rows(chain, [["Contractor", "Subcontractor"], ["Bidder AS", "Acme Installers"],
                           ["Acme Installers", "ZTE Kangxun Telecom Co., Ltd."]])

    return xlsx(fill)


def read(data: bytes, parts: int, monkeypatch) -> tuple:
    monkeypatch.setattr(bom, "PARSE_PARTS", parts)
    monkeypatch.setattr(bom, "PARSE_PARTS_MIN_BYTES", 0)  # every sheet, however small
    with BomReader(io.BytesIO(data), filename="bid.xlsx") as reader:
        kinds = {name: type(sheet).__name__ for name, sheet in reader._workbook._book._cache.items()}
        edges = reader.chain_edges()
        lines = [(row.sheet, row.row, row.values) for row in reader.rows()]
        errors = sorted(sorted(error.as_dict().items()) for error in reader.errors)
    return lines, errors, edges, kinds


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize("path", [*WORKBOOKS, "gappy"], ids=lambda p: getattr(p, "name", p))
def test_a_sheet_parsed_in_parts_reads_as_the_sheet_parsed_whole(path, parts, monkeypatch):
    data = gappy_bom() if path == "gappy" else path.read_bytes()

    lines, errors, edges, _kinds = read(data, parts, monkeypatch)

    assert (lines, errors, edges) == read(data, 1, monkeypatch)[:3]


def test_the_gappy_sheet_is_really_parsed_in_parts(monkeypatch):
    lines, errors, edges, kinds = read(gappy_bom(), 2, monkeypatch)

    assert kinds["RAN"] == "_PartedSheet"
    assert len(lines) == 599 - 6 and lines[-1][1] == 3 + 599 + 3 * 6  # row numbers as the spreadsheet shows them
    assert any("number, not a company name" in dict(error)["message"] for error in errors)
    assert [(edge.contractor, edge.subcontractor) for edge in edges][-1] == (
        "Acme Installers", "ZTE Kangxun Telecom Co., Ltd."
    )


def test_a_sheet_whose_rows_carry_no_numbers_is_parsed_whole(monkeypatch):
    parts = members(gappy_bom())
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet1"))
    unnumbered = rezip(gappy_bom(), replace={sheet: re.sub(rb'(<row\b[^>]*?) r="\d+"', rb"\1", parts[sheet])})

    lines, _errors, _edges, kinds = read(unnumbered, 2, monkeypatch)

    assert kinds["RAN"] == "CalamineSheet"
    assert lines == read(unnumbered, 1, monkeypatch)[0]


def parts_left() -> set[str]:
    return {path.name for path in Path(tempfile.gettempdir()).glob("screening-parts-*")}


def test_a_sheet_is_cut_while_the_file_is_checked_and_nothing_is_left_behind(monkeypatch):
    monkeypatch.setattr(bom, "PARSE_PARTS_MIN_BYTES", 0)
    before = parts_left()
    with BomReader(io.BytesIO(gappy_bom()), filename="bid.xlsx") as reader:
        assert reader._workbook._cut is not None, "the biggest sheet was cut during the check"
        assert type(reader._workbook._book._cache["RAN"]).__name__ == "_PartedSheet"
    assert parts_left() == before


def test_a_file_refused_by_the_check_leaves_no_parts_behind(monkeypatch):
    monkeypatch.setattr(bom, "PARSE_PARTS_MIN_BYTES", 0)
    parts = members(gappy_bom())
    hostile = b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><sst>&lol;</sst>'
    before = parts_left()

    with pytest.raises(bom.BomReadError, match="unsafe|DOCTYPE|entit"):
        BomReader(io.BytesIO(rezip(gappy_bom(), replace={"xl/sharedStrings.xml": hostile})), filename="bid.xlsx")

    assert "xl/sharedStrings.xml" in parts
    assert parts_left() == before
