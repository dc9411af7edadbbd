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
    monkeypatch.setattr(bom, "PARSE_PARTS_MAX", parts)  # 1: parsed whole
    monkeypatch.setattr(bom, "PARSE_PART_BYTES", 1)  # as many parts as that
    monkeypatch.setattr(bom, "PARSE_PARTS_MIN_BYTES", 0)  # every sheet, however small
    with BomReader(io.BytesIO(data), filename="bid.xlsx") as reader:
        kinds = {name: type(sheet).__name__ for name, sheet in reader._workbook._book._cache.items()}
        edges = reader.chain_edges()
        lines = [(row.sheet, row.row, row.values) for row in reader.rows()]
        errors = sorted(sorted(error.as_dict().items()) for error in reader.errors)
    return lines, errors, edges, kinds


@pytest.mark.parametrize("parts", [2, 3, 12])
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


@pytest.mark.parametrize("where", ["shared strings", "half way down the sheet being cut"])
def test_a_file_refused_by_the_check_leaves_no_parts_behind(where, monkeypatch):
    monkeypatch.setattr(bom, "PARSE_PARTS_MIN_BYTES", 0)
    monkeypatch.setattr(bom, "PARSE_PART_BYTES", 1)
    parts = members(gappy_bom())
    if where == "shared strings":
        replace = {"xl/sharedStrings.xml": b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><sst>&lol;</sst>'}
    else:  # the cut has had the sheet's first blocks from the check when the check finds it
        sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet1"))
        middle = parts[sheet].index(b"<row ", len(parts[sheet]) // 2)
        replace = {sheet: parts[sheet][:middle] + b'<!ENTITY x "y">' + parts[sheet][middle:]}
    before = parts_left()

    with pytest.raises(bom.BomReadError, match="unsafe|DOCTYPE|entit"):
        BomReader(io.BytesIO(rezip(gappy_bom(), replace=replace)), filename="bid.xlsx")

    assert "xl/sharedStrings.xml" in parts
    assert parts_left() == before


def bom_from_column(first_col: int, rows: int = 300, wide_at: int | None = None) -> bytes:
    """A plain BOM whose cells start at `first_col`; with `wide_at`, that row also has a cell in column XFD."""

    def fill(workbook):
        sheet = workbook.add_worksheet("RAN")
        write_rows(sheet, [["Item", "Manufacturer", "Supplier"]], first_col=first_col)
        for n in range(1, rows):
            maker = ("Ericsson AB", "Huawei Technologies Co., Ltd.", "Nokia Solutions and Networks Oy")[n % 3]
            write_rows(sheet, [[n, maker, "Nordic Telecom Supply AB"]], first_row=n, first_col=first_col)
        if wide_at is not None:
            sheet.write(wide_at, 16_383, "x")

    return xlsx(fill)


def test_a_sheet_starting_right_of_column_a_reads_as_parsed_whole(monkeypatch):
    data = bom_from_column(2)

    lines, errors, _edges, kinds = read(data, 12, monkeypatch)

    assert kinds["RAN"] == "_PartedSheet"
    assert len(lines) == 299 and lines[0] == ("RAN", 2, {"line": "1", "manufacturer": "Huawei Technologies Co., Ltd.",
                                                          "supplier": "Nordic Telecom Supply AB"})
    assert (lines, errors) == read(data, 1, monkeypatch)[:2]


def test_a_sheet_too_wide_far_down_is_refused_as_when_parsed_whole(monkeypatch):
    data = bom_from_column(0, wide_at=250)

    with pytest.raises(bom.BomReadError) as whole:
        read(data, 1, monkeypatch)
    with pytest.raises(bom.BomReadError) as parted:
        read(data, 12, monkeypatch)

    assert str(parted.value) == str(whole.value)
    assert "16,384 columns wide (up to column XFD)" in str(parted.value)


def test_rows_stored_out_of_order_across_a_cut_read_as_parsed_whole(monkeypatch):
    data = bom_from_column(0)
    parts = members(data)
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet1"))
    rows = re.findall(rb"<row\b.*?</row>", parts[sheet], flags=re.S)
    moved = parts[sheet].replace(rows[5], b"").replace(rows[-1], rows[-1] + rows[5])  # row 6 stored last
    data = rezip(data, replace={sheet: moved})

    lines, errors, _edges, kinds = read(data, 12, monkeypatch)

    assert kinds["RAN"] == "CalamineSheet", "parsed whole: a part would have held a row far from its cut"
    assert (lines, errors) == read(data, 1, monkeypatch)[:2]
    assert [line[1] for line in lines][:7] == [2, 3, 4, 5, 6, 7, 8]


def test_parts_are_parsed_a_few_ahead_and_let_go_once_read(monkeypatch):
    monkeypatch.setattr(bom, "PARSE_PARTS_MAX", 12)
    monkeypatch.setattr(bom, "PARSE_PART_BYTES", 1)
    monkeypatch.setattr(bom, "PARSE_PARTS_MIN_BYTES", 0)
    with BomReader(io.BytesIO(bom_from_column(0, rows=1200)), filename="bid.xlsx") as reader:
        sheet = reader._workbook._book._cache["RAN"]
        held = []
        for n, _row in enumerate(sheet.iter_rows()):
            if n % 25 == 0:
                held.append(len(sheet._parsed))
        assert len(sheet._cut) == 12
        assert max(held) <= bom.PARSE_THREADS + 2, "parsed ahead, at most a few parts at a time"
        assert len(sheet._parsed) == 0, "every part let go once read"
        assert len(list(reader.rows())) == 1199, "read again, the parts are parsed again"


def test_a_part_that_overlaps_the_one_above_is_read_on_from_the_sheet_parsed_whole(monkeypatch):
    """A row without a number takes the one after the row above it, and cells without references the columns from
    A: stored just above a cut, such a row holds the number the next part starts at (calamine then writes both
    rows' cells into that one row). Read in parts, the sheet reads on from the whole sheet, from column A as before;
    a long row can also hold two cuts, leaving a part of nothing between them."""
    data = bom_from_column(2)
    parts = members(data)
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet1"))
    rows = re.findall(rb"<row\b.*?</row>", parts[sheet], flags=re.S)
    stray = re.sub(rb' r="[A-Z]*\d+"', b"", rows[48]).replace(  # row 49's cells again, unnumbered: row 50
        b"</row>", b'<c t="inlineStr"><is><t>' + b"x" * 20_000 + b"</t></is></c></row>"
    )
    data = rezip(data, replace={sheet: parts[sheet].replace(rows[49], stray + rows[49])})
    wholes = []
    original = bom._PartedSheet.__init__

    def counting(self, cut, parse, check, whole):
        original(self, cut, parse, check, lambda: wholes.append(1) or whole())

    monkeypatch.setattr(bom._PartedSheet, "__init__", counting)
    expected = read(data, 1, monkeypatch)[:2]

    for count in range(2, 24):
        assert read(data, count, monkeypatch)[:2] == expected, f"{count} parts"
    assert wholes, "some cut fell in the stray row"


def test_merged_makers_fill_down_across_the_cuts_as_in_the_sheet_parsed_whole(monkeypatch):
    """A merged cell's lower rows hold only formatted blanks, so a part's cells can end above them and the next
    part start below them: those rows come as empty rows between the parts, and the maker fills down into them."""

    def fill(workbook):
        sheet = workbook.add_worksheet("RAN")
        write_rows(sheet, [["Item", "Manufacturer", "Supplier"]], first_col=1)
        row = 1
        for n in range(1, 120):
            if n % 7 == 0:
                sheet.merge_range(row, 2, row + 2, 2, "Huawei Technologies Co., Ltd.")
                write_rows(sheet, [[n]], first_row=row, first_col=1)
                row += 3
            else:
                write_rows(sheet, [[n, "Nokia Solutions and Networks Oy", "Nordic Telecom Supply AB"]],
                           first_row=row, first_col=1)
                row += 1

    data = xlsx(fill)
    lines, _errors, _edges, _kinds = read(data, 1, monkeypatch)
    # 17 merged makers over 3 rows each, less the last one's lower rows: below the sheet's last cells, read by no one
    assert sum(line[2].get("manufacturer", "").startswith("Huawei") for line in lines) == 17 * 3 - 2

    for count in range(2, 30):
        assert read(data, count, monkeypatch)[:2] == read(data, 1, monkeypatch)[:2], f"{count} parts"
