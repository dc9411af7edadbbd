"""A job keeps a sheet's raw cells in its chunks and cooks them in the chunk tasks (SheetLayout.cook_table, a column
at a time; SheetLayout.cook, a row at a time). Cooked either way after a trip through the chunk payload, they must
give the same rows and the same row errors as BomReader.rows()."""

from __future__ import annotations

import datetime as dt
import io
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import pytest

from screening.engine.bom import BomReader, ReadLimits, SheetLayout
from screening.fields import PackedField
from screening.services import screenings
from tests.engine.bom_samples import HEADER, LINES, csv_bytes, write_rows, xlsx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "boms"
LIMITS = ReadLimits(max_cell_chars=30)  # so that the samples hold cells over the limit


def typed_cells_xlsx() -> bytes:
    def fill(workbook):
        sheet = workbook.add_worksheet("BOM")
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        write_rows(sheet, [["Manufacturer", "Qty", "Unit Price", "Supplier", "SW Version", "Description"]])
        write_rows(sheet, [[12345, 12.0, 0.1 + 0.2, None, True, "Radio\x00 unit"]], first_row=1)
        sheet.write_datetime(1, 3, dt.datetime(2024, 3, 1), date)
        sheet.write_datetime(2, 5, dt.datetime(2024, 3, 1, 12, 30), date)
        write_rows(sheet, [["  Ericsson AB  ", 1e20, 3.5]], first_row=2)
        write_rows(sheet, [["Nokia", 2**40, -0.0, "", "", "y" * 40]], first_row=3)
        write_rows(sheet, [["   ", None, None, "  "]], first_row=4)

    return xlsx(fill)


SAMPLES = {
    "typed cells.xlsx": typed_cells_xlsx(),
    "pages.csv": csv_bytes([HEADER, LINES[0], [], ["", "  ", ""], HEADER, [4, "X1", "", "Hua\u200bwei", "", 1]]),
    "numbers as names.csv": csv_bytes([["Manufacturer", "Qty"], ["12.345,50", "3"], ["Huawei", "1.234,5"]]),
    "cp1252.csv": "Manufacturer;Supplier\nSoci\u00e9t\u00e9 G\u00e9n\u00e9rale;Caf\u00e9 AB\n".encode("cp1252"),
    **{path.name: path.read_bytes() for path in sorted(FIXTURES.glob("*.*")) if path.suffix in (".xlsx", ".csv")},
}


def cooked_through_a_payload(data: bytes, name: str, how: str = "table") -> tuple[list, list, int]:
    with BomReader(io.BytesIO(data), filename=name, limits=LIMITS) as reader:
        sheets, rows = {}, []
        for layout, batches in reader.raw_sheets(batch_rows=3):
            key = str(len(sheets))
            sheets[key] = layout.as_dict()
            rows += [[key, number, cells] for batch in batches for number, cells in batch]
        read_errors = list(reader.errors)
    if how.startswith("coded"):  # as a job writes chunks: runs of a sheet's rows, text columns dictionary-coded
        runs = [(key, [(number, cells) for _key, number, cells in group][start:start + 4])
                for key, group in ((key, list(group)) for key, group in groupby(rows, key=itemgetter(0)))
                for start in range(0, len(group), 4)]
        payload = PackedField.decode(PackedField.encode(
            screenings.chunk_payload_make(sheets, runs), SheetLayout.portable_cell
        ))
        errors: list = []
        if how == "coded rows":
            cooked = list(screenings.chunk_payload_rows(payload, errors))
        else:
            needed = {"manufacturer", "supplier", "subcontractor", "domain"}
            cooked = [row for table in screenings.chunk_payload_tables(payload, errors, needed)
                      for row in table.bom_rows()]
        return cooked, read_errors + errors, len(rows)
    payload = PackedField.decode(PackedField.encode({"sheets": sheets, "rows": rows}, SheetLayout.portable_cell))
    layouts = {key: SheetLayout.from_dict(sheet) for key, sheet in payload["sheets"].items()}
    errors: list = []
    if how.startswith("v2"):  # a chunk written before the payload held columns (a job running across an upgrade)
        payload["v"] = 2
        if how == "v2 rows":
            cooked = list(screenings.chunk_payload_rows(payload, errors))
        else:
            cooked = [row for table in screenings.chunk_payload_tables(payload, errors) for row in table.bom_rows()]
    elif how == "rows":
        cooked = [row for key, number, cells in payload["rows"] if (row := layouts[key].cook(number, cells, errors))]
    else:  # a sheet's rows a few at a time, so that tables begin and end anywhere
        # "screened": only the fields a screening reads are made text at once, the others when a line is asked for
        needed = {"manufacturer", "supplier", "subcontractor", "domain"} if how == "screened" else None
        cooked = []
        for key, group in groupby(payload["rows"], key=itemgetter(0)):
            group = [(number, cells) for _key, number, cells in group]
            for start in range(0, len(group), 4):
                cooked += layouts[key].cook_table(group[start:start + 4], errors, needed).bom_rows()
    return cooked, read_errors + errors, len(rows)


HOW = ["table", "screened", "rows", "coded table", "coded rows", "v2 table", "v2 rows"]


@pytest.fixture(autouse=True)
def every_text_column_coded(monkeypatch):
    """Short runs of rows rarely repeat a cell: the coded payloads here code every text column."""
    monkeypatch.setattr(screenings, "_CODED_REPEATS", 1)


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_raw_cells_cooked_after_the_payload_give_the_rows_and_errors_of_rows(name, how):
    data = SAMPLES[name]
    with BomReader(io.BytesIO(data), filename=name, limits=LIMITS) as reader:
        expected_rows = list(reader.rows())
        expected_errors = sorted(e.as_dict().items() for e in reader.errors)

    cooked, errors, raw_count = cooked_through_a_payload(data, name, how)

    assert [(r.file, r.sheet, r.row, r.values, r.headers) for r in cooked] == [
        (r.file, r.sheet, r.row, r.values, r.headers) for r in expected_rows
    ]
    assert sorted(e.as_dict().items() for e in errors) == expected_errors
    assert raw_count >= len(expected_rows)


@pytest.mark.parametrize("how", HOW)
def test_typed_cells_keep_their_text_and_their_warnings_through_the_payload(how):
    cooked, errors, raw_count = cooked_through_a_payload(typed_cells_xlsx(), "typed.xlsx", how)

    assert [row.values for row in cooked] == [
        {"manufacturer": "12345", "quantity": "12", "unit_price": "0.3", "supplier": "2024-03-01",
         "software": "TRUE", "description": "Radio unit"},
        {"manufacturer": "Ericsson AB", "quantity": "1e+20", "unit_price": "3.5", "description": "2024-03-01T12:30:00"},
        {"manufacturer": "Nokia", "quantity": "1099511627776", "unit_price": "0", "description": "y" * 30},
    ]
    assert [(e.location.row, e.location.column, e.message) for e in errors] == [
        (2, "Manufacturer", "column Manufacturer holds a number, not a company name"),
        (2, "Supplier", "column Supplier holds a date, not a company name"),
        (4, "Description", "the cell is 40 characters long; only the first 30 are read"),
    ]
    assert raw_count == 4, "a row of blank-looking text is carried to the chunk, which drops it"
