"""engine.bom: reading BOM workbooks and CSV files into rows, and refusing files that are not safe to read."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import pytest
import python_calamine
import xlsxwriter

from screening.engine import bom
from screening.engine.bom import (
    HEADER_ALIASES,
    BomReader,
    ReadLimits,
    iter_table_rows,
    normalise_header,
    read_declaration,
)
from screening.engine.records import BomReadError, Field
from tests.engine.bom_samples import (
    BILLION_LAUGHS,
    HEADER,
    LINES,
    TITLE_BLOCK,
    compound_file,
    csv_bytes,
    members,
    ods,
    rezip,
    simple_bom_xlsx,
    with_declared_size,
    write_rows,
    xlsx,
    zip_bomb_xlsx,
)


def read(data: bytes, filename: str = "bid.xlsx", **limits) -> tuple[BomReader, list]:
    reader = BomReader(io.BytesIO(data), filename=filename, limits=ReadLimits(**limits) if limits else None)
    return reader, list(reader.rows())


def refused(data: bytes, filename: str = "bid.xlsx", **limits) -> BomReadError:
    with pytest.raises(BomReadError) as caught:
        read(data, filename, **limits)
    return caught.value


def messages(reader: BomReader) -> list[str]:
    return [f"{e.location.row}/{e.location.column}: {e.message}" for e in reader.errors]


# --- headers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Manufacturer", Field.MANUFACTURER),
        ("MFR", Field.MANUFACTURER),
        ("Mfr.", Field.MANUFACTURER),
        ("  mfg ", Field.MANUFACTURER),
        ("Make", Field.MANUFACTURER),
        ("OEM", Field.MANUFACTURER),
        ("Manufacturer Part Number", Field.MPN),
        ("Manufacturer Part #", Field.MPN),
        ("Mfr P/N", Field.MPN),
        ("MFR. P/N", Field.MPN),
        ("OEM P/N", Field.MPN),
        ("Part No.", Field.PART_NUMBER),
        ("P/N", Field.PART_NUMBER),
        ("Item Code", Field.PART_NUMBER),
        ("Item", Field.LINE),
        ("#", Field.LINE),
        ("S/N", Field.LINE),
        ("Pos.", Field.LINE),
        ("Vendor", Field.SUPPLIER),
        ("Sub-contractor", Field.SUBCONTRACTOR),
        ("O&M Provider", Field.SUBCONTRACTOR),
        ("CoO", Field.COUNTRY),
        ("Made in", Field.COUNTRY),
        ("Unit Price (EUR)", Field.UNIT_PRICE),
        ("Ext. Price", Field.TOTAL_PRICE),
        ("Share (%)", Field.SHARE),
        ("Main Contractor", Field.CONTRACTOR),
        ("SW Version", Field.SOFTWARE),
        ("Network Domain", Field.DOMAIN),
        ("Desc.", Field.DESCRIPTION),
        ("ＭＡＮＵＦＡＣＴＵＲＥＲ", Field.MANUFACTURER),  # full-width
        ("Manufacturer\n(legal name)", Field.MANUFACTURER),
        ("制造商", Field.MANUFACTURER),
    ],
)
def test_header_variants_map_to_their_field(header, expected):
    # given a header as people write it / when it is looked up / then it means the field
    assert bom._field_for_header(header) is expected


@pytest.mark.parametrize(
    "header", ["Bill of Materials — Bid 2024/17", "Supplier quotation", "Supplier:", "Manufacturer name of part"]
)
def test_titles_and_labels_are_not_headers(header):
    assert bom._field_for_header(header) is None


def test_normalise_header_ignores_case_punctuation_and_spacing():
    assert normalise_header("Mfr. P/N") == normalise_header("MFR PN") == "mfrpn"
    assert normalise_header("Part #") == normalise_header("part no.")


def test_header_table_holds_every_variant_of_the_domain_brief():
    # given the variants listed in shared/DOMAIN.md "What a BOM looks like"
    brief = {
        Field.LINE: "Line, Line No., Item, Item No., No., #, Pos., Position, S/N",
        Field.PART_NUMBER: "Part Number, Part No., P/N, PN, Item Code, Material, SKU",
        Field.MPN: "MPN, Manufacturer Part Number, Mfr Part #, Mfr P/N, OEM P/N",
        Field.MANUFACTURER: "Manufacturer, Mfr, Mfr., Mfg, Manf, Make, OEM, Brand, Maker, Producer",
        Field.SUPPLIER: "Supplier, Distributor, Reseller, Seller, Source, Vendor",
        Field.SUBCONTRACTOR: "Subcontractor, Sub-contractor, Installer, Service Partner, O&M Provider",
        Field.COUNTRY: "Country of Origin, COO, CoO, Origin, Made in",
        Field.QUANTITY: "Qty, Quantity",
        Field.UNIT: "UOM, Unit",
        Field.UNIT_PRICE: "Unit Price, Price",
        Field.TOTAL_PRICE: "Total, Ext. Price, Total Price, Extended Price",
        Field.DOMAIN: "Domain, Network Domain, Segment, Layer, Subsystem",
        Field.SOFTWARE: "SW Version, Firmware, FW, Release",
        Field.DESCRIPTION: "Description, Desc., Item Description",
        Field.CONTRACTOR: "Contractor, Main Contractor, Prime, Tenderer, Bidder, Parent Contractor",
    }
    for fld, variants in brief.items():
        for variant in variants.split(", "):
            # then each is in the exported table and resolves to its field, never to another one
            assert normalise_header(variant) in {normalise_header(a) for a in HEADER_ALIASES[fld]}, variant
            assert bom._field_for_header(variant) is fld, variant


def test_header_below_a_title_block_is_found():
    # given a title block, one cell of which mentions the word Supplier, above the header
    def fill(workbook):
        write_rows(workbook.add_worksheet("RAN"), [
            ["Bill of Materials — Bid 2024/17"],
            ["Supplier quotation for Telia 5G RAN"],
            ["Supplier:", "ACME Networks AB", "Currency:", "EUR"],
            [],
            HEADER,
            *LINES,
        ])

    # when it is read
    reader, rows = read(xlsx(fill))
    # then the header row is the real one and rows are numbered as Excel numbers them
    sheet = reader.sheets[0]
    assert (sheet.kind, sheet.header_row) == ("bom", 5)
    assert sheet.columns == {
        "line": "Item No.", "mpn": "Mfr P/N", "description": "Description", "manufacturer": "Manufacturer",
        "supplier": "Supplier", "quantity": "Qty",
    }
    assert [r.row for r in rows] == [6, 7, 8]
    assert rows[0].values == {
        "line": "1", "mpn": "AAU5613", "description": "Active antenna unit",
        "manufacturer": "Huawei Technologies Co., Ltd.", "supplier": "Nordic Telecom Supply AB", "quantity": "12",
    }
    assert rows[0].headers["manufacturer"] == "Manufacturer"
    assert (rows[0].file, rows[0].sheet) == ("bid.xlsx", "RAN")
    assert reader.rows_read == 3
    assert reader.errors == []


def test_a_lone_manufacturer_column_is_a_header():
    reader, rows = read(csv_bytes([["Manufacturer"], ["Huawei"], ["ZTE"]]), "makers.csv")
    assert reader.sheets[0].header_row == 1
    assert [r.get(Field.MANUFACTURER) for r in rows] == ["Huawei", "ZTE"]


def test_a_second_company_column_is_read_too():
    # given two columns that both name the manufacturer
    data = csv_bytes([["Manufacturer", "Qty", "Brand"], ["Ericsson", "1", "Huawei"]])
    # when it is read
    reader, rows = read(data, "dup.csv")
    # then both are read, the second under its own key and header, so nothing can hide in it
    assert rows[0].values == {"manufacturer": "Ericsson", "quantity": "1", "manufacturer~2": "Huawei"}
    assert rows[0].headers["manufacturer~2"] == "Brand"
    assert reader.errors == []


def test_a_duplicate_non_company_column_is_noted_and_skipped():
    # given two columns that both mean Quantity
    data = csv_bytes([["Manufacturer", "Qty", "Quantity"], ["Huawei", "1", "2"]])
    # when it is read
    reader, rows = read(data, "dup.csv")
    # then the first is read and the header row says the second is not
    assert rows[0].values == {"manufacturer": "Huawei", "quantity": "1"}
    assert len(reader.errors) == 1
    error = reader.errors[0]
    assert (error.location.row, error.location.column) == (1, "Quantity")
    assert "first such column, Qty (column B), is read" in error.message


def test_no_header_names_what_was_found_and_what_is_expected():
    def fill(workbook):
        write_rows(workbook.add_worksheet("Parts"), [["Bill of Materials"], ["Foo", "Bar"], ["1", "2"]])

    # when it is read / then it is refused with what was found and what was expected
    error = refused(xlsx(fill))
    assert error.location.file == "bid.xlsx"
    assert error.message.startswith(
        "no header row with a Manufacturer, Supplier or Subcontractor column in the first 30 rows of any sheet; "
        "found: Parts: Foo, Bar (row 2)."
    )
    assert "Mfr, Make, Brand, OEM" in error.message


def test_header_below_the_search_window_is_not_found():
    rows = [["note"]] * 5 + [HEADER, LINES[0]]
    error = refused(csv_bytes(rows), "late.csv", header_search_rows=5)
    assert "in the first 5 rows of the file" in error.message


# --- sheets, offsets, values -----------------------------------------------------------------------------


def test_sheet_starting_at_row_5_column_c_keeps_spreadsheet_numbers():
    # given a sheet whose used range starts at C5
    def fill(workbook):
        write_rows(workbook.add_worksheet("Core"), [["Manufacturer", "Qty"], ["Ericsson AB", 2], ["Nokia", 3]],
                   first_row=4, first_col=2)

    # when it is read
    reader, rows = read(xlsx(fill))
    # then the rows carry the numbers Excel shows
    assert reader.sheets[0].header_row == 5
    assert [(r.row, r.get("manufacturer"), r.get("quantity")) for r in rows] == [
        (6, "Ericsson AB", "2"), (7, "Nokia", "3"),
    ]


def test_vertically_merged_manufacturer_fills_every_line_it_spans():
    # given a manufacturer merged over three lines, starting at column B
    def fill(workbook):
        sheet = workbook.add_worksheet("RAN")
        write_rows(sheet, [["Line", "Manufacturer", "Qty"]], first_row=1, first_col=1)
        sheet.merge_range(2, 2, 4, 2, "Huawei Technologies Co., Ltd.")
        sheet.merge_range(2, 3, 3, 3, "merged qty")  # not a company column: not filled
        for offset, line in enumerate((1, 2, 3, 4)):
            sheet.write(2 + offset, 1, line)
        sheet.write(5, 2, "Nokia")

    # when it is read
    reader, rows = read(xlsx(fill))
    # then every line it spans names the manufacturer; other merged columns are left as they are
    assert [(r.row, r.get("manufacturer"), r.get("quantity")) for r in rows] == [
        (3, "Huawei Technologies Co., Ltd.", "merged qty"),
        (4, "Huawei Technologies Co., Ltd.", ""),
        (5, "Huawei Technologies Co., Ltd.", ""),
        (6, "Nokia", ""),
    ]


def test_formula_cells_give_their_cached_value():
    # given formulas saved with their results, as Excel saves them
    def fill(workbook):
        sheet = workbook.add_worksheet("BOM")
        write_rows(sheet, [["Manufacturer", "Qty", "Total"], ["ZTE", 2]])
        sheet.write_formula(1, 2, "=B2*50", None, 100)
        sheet.write_formula(2, 0, '=UPPER("hytera")', None, "HYTERA")

    # when it is read / then the saved results are read, nothing is calculated
    _, rows = read(xlsx(fill))
    assert rows[0].values == {"manufacturer": "ZTE", "quantity": "2", "total_price": "100"}
    assert rows[1].values == {"manufacturer": "HYTERA"}


def test_typed_cells_become_text_and_numbers_in_company_columns_are_reported():
    # given numbers, a date and a boolean, two of them where company names belong
    def fill(workbook):
        sheet = workbook.add_worksheet("BOM")
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        write_rows(sheet, [["Manufacturer", "Qty", "Unit Price", "Supplier", "SW Version"]])
        write_rows(sheet, [[12345, 12.0, 0.1 + 0.2, None, True]], first_row=1)
        sheet.write_datetime(1, 3, dt.datetime(2024, 3, 1), date)
        write_rows(sheet, [["  Ericsson AB  ", 1e20, 3.5]], first_row=2)

    # when it is read
    reader, rows = read(xlsx(fill))
    # then every cell is text as a spreadsheet shows it, and the officer is told about the odd company cells
    assert rows[0].values == {
        "manufacturer": "12345", "quantity": "12", "unit_price": "0.3", "supplier": "2024-03-01",
        "software": "TRUE",
    }
    assert rows[1].values == {"manufacturer": "Ericsson AB", "quantity": "1e+20", "unit_price": "3.5"}
    assert messages(reader) == [
        "2/Manufacturer: column Manufacturer holds a number, not a company name",
        "2/Supplier: column Supplier holds a date, not a company name",
    ]


def test_long_cells_are_cut_and_reported():
    data = csv_bytes([["Manufacturer", "Description"], ["Huawei", "x" * 50]])
    reader, rows = read(data, "long.csv", max_cell_chars=10)
    assert rows[0].values["description"] == "x" * 10
    assert messages(reader) == [
        "2/Description: the cell is 50 characters long; only the first 10 are read"
    ]


def test_empty_rows_and_a_repeated_header_are_skipped_and_invisible_characters_kept():
    rows = [HEADER, LINES[0], [], ["", "  ", ""], HEADER, [4, "X1", "", "Hua\u200bwei", "", 1]]
    reader, read_rows = read(csv_bytes(rows), "pages.csv")
    assert [r.row for r in read_rows] == [2, 6]
    assert read_rows[1].get(Field.MANUFACTURER) == "Hua\u200bwei"
    assert reader.rows_read == 2


def test_workbook_with_bom_chain_skipped_and_hidden_sheets():
    # given a cover sheet, a BOM sheet, a subcontractor sheet, a hidden BOM sheet and an empty sheet
    def fill(workbook):
        write_rows(workbook.add_worksheet("Cover"), [["Bid 2024/17"], ["Tenderer", "ACME"]])
        write_rows(workbook.add_worksheet("RAN"), [HEADER, LINES[0]])
        write_rows(workbook.add_worksheet("Subcontractors"), [
            ["Main Contractor", "Subcontractor", "Scope", "Share (%)", "Domain", "Registration No.", "Country"],
            ["ACME Networks AB", "Nordic Install Oy", "Site installation", 0.12, "ran", "FI1234567", "FI"],
            ["Nordic Install Oy", "China Telecom (Americas) Corporation", "Backhaul", "3%", "transport"],
            ["", "Orphan Services Ltd"],
        ])
        hidden = workbook.add_worksheet("Core")
        write_rows(hidden, [HEADER, LINES[1]])
        hidden.hide()
        workbook.add_worksheet("Empty")

    # when it is read
    reader, rows = read(xlsx(fill))
    # then each sheet is classified, BOM rows come in sheet order and the declaration gives edges
    assert [(s.name, s.kind, s.header_row, s.hidden) for s in reader.sheets] == [
        ("Cover", "skipped", None, False),
        ("RAN", "bom", 1, False),
        ("Subcontractors", "chain", 1, False),
        ("Core", "bom", 1, True),
        ("Empty", "skipped", None, False),
    ]
    assert "no header row" in reader.sheets[0].reason
    assert reader.sheets[4].reason == "empty sheet"
    assert [(r.sheet, r.row, r.get("manufacturer")) for r in rows] == [
        ("RAN", 2, "Huawei Technologies Co., Ltd."), ("Core", 2, "ZTE Corporation"),
    ]
    edges = reader.chain_edges()
    assert [(e.contractor, e.subcontractor, e.scope, e.share, e.domain) for e in edges] == [
        ("ACME Networks AB", "Nordic Install Oy", "Site installation", "0.12", "ran"),
        ("Nordic Install Oy", "China Telecom (Americas) Corporation", "Backhaul", "3%", "transport"),
    ]
    assert (edges[1].location.sheet, edges[1].location.row, edges[1].location.column) == (
        "Subcontractors", 3, "Subcontractor",
    )
    assert messages(reader) == [
        "4/Main Contractor: column Main Contractor is empty, so this subcontracting line is not read"
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_read_declaration(kind):
    # given a declaration under a title
    table = [
        ["Subcontractor declaration, tender 2024/17"],
        [],
        ["Contractor", "Sub-contractor", "Scope", "Share", "Reg. No.", "Country"],
        ["ACME Networks AB", "Nordic Install Oy", "Installation", "12%", "FI1234567", "FI"],
        ["Nordic Install Oy", "Pacific Networks Corp.", "Transit", "2%", "", "US"],
    ]
    if kind == "csv":
        data, filename = csv_bytes(table, delimiter=";"), "decl.csv"
    else:
        data, filename = xlsx(lambda w: write_rows(w.add_worksheet("Declaration"), table)), "decl.xlsx"
    # when it is read / then each line is an edge from contractor to subcontractor
    edges, errors = read_declaration(io.BytesIO(data), filename=filename)
    assert [(e.contractor, e.subcontractor, e.share, e.location.row) for e in edges] == [
        ("ACME Networks AB", "Nordic Install Oy", "12%", 4),
        ("Nordic Install Oy", "Pacific Networks Corp.", "2%", 5),
    ]
    assert errors == []


def test_read_declaration_without_contractor_column_says_what_is_expected():
    with pytest.raises(BomReadError) as caught:
        read_declaration(io.BytesIO(csv_bytes([HEADER, LINES[0]])), filename="decl.csv")
    assert "no header row with both a Contractor and a Subcontractor column" in caught.value.message


def test_iter_table_rows_gives_every_non_empty_row_of_every_sheet_as_text():
    # given a list workbook (not a BOM) with two sheets, a blank row and typed cells
    def fill(workbook):
        write_rows(workbook.add_worksheet("Entities"), [["name", "country", "since"], [], ["Huawei", "CN", 2019.0]])
        write_rows(workbook.add_worksheet("Notes"), [["source"]], first_row=2, first_col=1)

    rows = list(iter_table_rows(io.BytesIO(xlsx(fill)), filename="list.xlsx"))
    assert rows == [
        ("Entities", 1, ["name", "country", "since"]),
        ("Entities", 3, ["Huawei", "CN", "2019"]),
        ("Notes", 3, ["source"]),
    ]
    csv_rows = list(iter_table_rows(io.BytesIO(b"name,aliases\nZTE,A|B\n"), filename="list.csv"))
    assert csv_rows == [("", 1, ["name", "aliases"]), ("", 2, ["ZTE", "A|B"])]


def test_iter_table_rows_refuses_what_the_reader_refuses():
    with pytest.raises(BomReadError):
        list(iter_table_rows(io.BytesIO(b"%PDF-1.4"), filename="list.xlsx"))


# --- formats and encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_detected(delimiter):
    # given a title block, and a quoted cell holding every candidate delimiter
    rows = [*TITLE_BLOCK, HEADER, *LINES, [4, "X", "Cable, 2 m; grey | red", "Hualong Cable", "", "1,5"]]
    # when it is read / then the delimiter is found and the quoted cell stays whole
    reader, read_rows = read(csv_bytes(rows, delimiter=delimiter), "bom.csv")
    assert reader.sheets[0].header_row == 4
    assert [r.row for r in read_rows] == [5, 6, 7, 8]
    assert read_rows[3].values["description"] == "Cable, 2 m; grey | red"
    assert read_rows[3].values["quantity"] == "1,5"


def test_semicolon_csv_with_decimal_commas_is_split_on_semicolons():
    text = "Line;Manufacturer;Unit Price;Total\n1;Ericsson AB;1,50;3,00\n2;Nokia;2,25;4,50\n"
    reader, rows = read(text.encode(), "eu.csv")
    assert rows[0].values == {"line": "1", "manufacturer": "Ericsson AB", "unit_price": "1,50", "total_price": "3,00"}


@pytest.mark.parametrize(
    ("encoding", "maker"),
    [
        ("utf-8", "华为技术有限公司"),
        ("utf-8-sig", "Müller GmbH"),
        ("cp1252", "Müller GmbH – Société Générale"),
        ("gb18030", "华为技术有限公司"),
        ("gb2312", "中兴通讯股份有限公司"),
        ("utf-16", "АО «Лаборатория Касперского»"),
    ],
)
def test_csv_encodings_are_detected(encoding, maker):
    # given an export in this encoding / when it is read / then the name reads as written, with no error
    data = csv_bytes([["No.", "Manufacturer", "Qty"], ["1", maker, "2"], ["2", "Ericsson AB", "3"]],
                     delimiter=";", encoding=encoding)
    reader, rows = read(data, "export.csv")
    assert rows[0].get(Field.MANUFACTURER) == maker
    assert reader.errors == []


def test_gb18030_csv_with_title_in_chinese_reads_huawei():
    # given a GB18030 export such as a Chinese ERP writes, title block in Chinese
    text = "物料清单 投标 2024/17\n序号,制造商,型号,数量\n1,华为技术有限公司,AAU5613,2\n2,海思半导体有限公司,Hi1620,4\n"
    # when it is read
    reader, rows = read(text.encode("gb18030"), "bom.csv")
    # then the Chinese headers are recognised and the names decode as written
    assert reader.sheets[0].columns == {"line": "序号", "manufacturer": "制造商", "mpn": "型号", "quantity": "数量"}
    assert [r.get(Field.MANUFACTURER) for r in rows] == ["华为技术有限公司", "海思半导体有限公司"]


def test_cp1252_byte_that_is_not_utf8_far_into_the_file_is_still_read():
    lines = [["Line", "Manufacturer"]] + [[str(i), "Ericsson AB"] for i in range(1, 5000)] + [["5000", "Müller"]]
    _, rows = read(csv_bytes(lines, encoding="cp1252"), "long.csv")
    assert rows[-1].get(Field.MANUFACTURER) == "Müller"


def test_csv_row_numbers_count_records_and_excel_sep_line_is_not_a_row():
    text = 'sep=;\nManufacturer;Description\nHuawei;"two\nlines"\nZTE;one\n'
    reader, rows = read(text.encode(), "excel.csv")
    assert reader.sheets[0].header_row == 1
    assert [(r.row, r.get("description")) for r in rows] == [(2, "two\nlines"), (3, "one")]


def test_csv_numbers_in_company_columns_are_reported():
    reader, _ = read(b"Manufacturer,Qty\n4711,2\n2024-01-05,1\n3M,1\n", "n.csv")
    assert messages(reader) == [
        "2/Manufacturer: column Manufacturer holds a number or date, not a company name",
        "3/Manufacturer: column Manufacturer holds a number or date, not a company name",
    ]


def test_a_csv_that_is_really_an_xlsx_is_read_as_xlsx():
    reader, rows = read(simple_bom_xlsx(), "renamed.csv")
    assert reader.sheets[0].name == "RAN"
    assert len(rows) == 3


def test_ods_is_read():
    data = ods([["BOM for core"], ["Manufacturer", "Qty"], ["ZTE Corporation", 3], ["Nokia", 4.5]])
    reader, rows = read(data, "core.ods")
    assert [(r.row, r.values) for r in rows] == [
        (3, {"manufacturer": "ZTE Corporation", "quantity": "3"}),
        (4, {"manufacturer": "Nokia", "quantity": "4.5"}),
    ]


def test_xls_is_read_with_merges_numbers_and_dates():
    xlwt = pytest.importorskip("xlwt")
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("BOM")
    sheet.write(0, 0, "Bid 2024/17")
    sheet.write(2, 1, "Manufacturer")
    sheet.write(2, 2, "Qty")
    sheet.write_merge(3, 4, 1, 1, "Hikvision")
    sheet.write(3, 2, 5)
    sheet.write(4, 2, 2.5)
    sheet.write(5, 1, dt.date(2024, 1, 2), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    reader, rows = read(buffer.getvalue(), "old.xls")
    assert [(r.row, r.values) for r in rows] == [
        (4, {"manufacturer": "Hikvision", "quantity": "5"}),
        (5, {"manufacturer": "Hikvision", "quantity": "2.5"}),
        (6, {"manufacturer": "2024-01-02"}),
    ]
    assert messages(reader) == ["6/Manufacturer: column Manufacturer holds a date, not a company name"]


def test_xlsm_with_macros_is_read_without_running_them():
    data = rezip(simple_bom_xlsx(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run, not even parsed"})
    _, rows = read(data, "macros.xlsm")
    assert len(rows) == 3


def test_openpyxl_reads_what_calamine_refuses(monkeypatch):
    # given calamine refuses the workbook
    def refuse(*args, **kwargs):
        raise python_calamine.CalamineError("unsupported")

    monkeypatch.setattr(bom._CalamineBook, "__init__", refuse)

    def fill(workbook):
        write_rows(workbook.add_worksheet("Core"), [["Manufacturer", "Qty"], ["Ericsson AB", 2.0], [None, 1],
                                                   ["Nokia", 3]], first_row=4, first_col=2)

    # when it is read / then openpyxl reads the same rows, with the same numbers
    reader, rows = read(xlsx(fill))
    assert reader.sheets[0].header_row == 5
    assert [(r.row, r.values) for r in rows] == [
        (6, {"manufacturer": "Ericsson AB", "quantity": "2"}),
        (7, {"quantity": "1"}),
        (8, {"manufacturer": "Nokia", "quantity": "3"}),
    ]


def test_a_reader_panic_becomes_a_read_error(monkeypatch):
    class PanicException(BaseException):  # what pyo3 raises when Rust code panics
        pass

    def panic(*args, **kwargs):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(bom._CalamineBook, "__init__", panic)
    error = refused(compound_file(["Workbook"]), "bid.xls")
    assert "may be damaged (index out of bounds)" in error.message


def test_a_stream_that_cannot_seek_is_read():
    class Stream(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    reader = BomReader(Stream(simple_bom_xlsx()), filename="upload.xlsx")
    assert len(list(reader.rows())) == 3


def test_rows_can_be_read_again():
    reader, first = read(simple_bom_xlsx())
    again = list(reader.rows())
    assert [r.values for r in again] == [r.values for r in first]
    assert reader.rows_read == 3


# --- files that are refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "looks_like"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "bom.xlsx", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "bom.csv", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "bom.xls", "a JPEG image"),
        (b"<!DOCTYPE html><html><body><table><tr><td>Manufacturer</td></tr></table>", "bom.xls", "a web page"),
        (random.Random(7).randbytes(4096), "bom.xlsx", "binary data"),
        (compound_file(["WordDocument"]), "bom.xls", "a Word document"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data, filename, looks_like):
    error = refused(data, filename)
    assert error.message.startswith(f"the file is not a spreadsheet: it looks like {looks_like}")
    assert "Upload the BOM as an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV file" in error.message
    assert str(error).startswith(f"{filename}: ")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "it looks like a Word document" in refused(buffer.getvalue()).message


def test_empty_file_is_refused():
    assert refused(b"").message.startswith("the file is empty (0 bytes)")


def test_whitespace_only_csv_is_refused():
    assert refused(b"\r\n \r\n", "blank.csv").message.startswith("the file holds no data")


def test_workbook_with_only_empty_sheets_is_refused():
    data = xlsx(lambda w: (w.add_worksheet("A"), w.add_worksheet("B")))
    assert refused(data).message.startswith("the file holds no data: every sheet is empty")


def test_password_protected_workbook_is_refused_with_what_to_do():
    error = refused(compound_file(["EncryptionInfo", "EncryptedPackage"]), "locked.xlsx")
    assert error.message.startswith("the workbook is protected with a password")
    assert "remove the password" in error.message


def test_damaged_workbooks_are_refused():
    data = simple_bom_xlsx()
    assert "damaged" in refused(data[: len(data) // 2]).message
    assert "damaged" in refused(rezip(data, {"xl/workbook.xml": b"<workbook"})).message
    assert "holds no data: it has no sheets" in refused(compound_file(["Workbook"]), "old.xls").message


def test_zip_bomb_is_refused_by_its_compression_ratio():
    # given a sheet part of 300 MB of one repeated byte, compressed to about 300 KB
    data = zip_bomb_xlsx(300 * 1024 * 1024)
    # when it is read / then it is refused before any reader inflates it
    error = refused(data)
    assert "is unsafe to open: its part xl/worksheets/sheet1.xml would expand" in error.message
    assert "the limit is 200" in error.message


def test_workbook_expanding_past_the_total_limit_is_refused():
    error = refused(simple_bom_xlsx(), max_uncompressed_bytes=5_000)
    assert "would expand to" in error.message
    assert "the limit is 4.9 KB" in error.message


def test_zip_member_holding_more_than_it_declares_is_refused():
    # given a sheet part that declares 2 KB but inflates to 2 MB (the ratio on the declared size looks fine)
    base = members(simple_bom_xlsx())
    sheet = base["xl/worksheets/sheet1.xml"]
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 2_000_000)
    data = with_declared_size(rezip(simple_bom_xlsx(), {"xl/worksheets/sheet1.xml": padded}),
                              "xl/worksheets/sheet1.xml", 2048)
    # when it is read / then inflating it stops at the declared size and refuses it
    error = refused(data)
    assert "holds more data than the 2.0 KB it declares" in error.message


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_xml_entity_declarations_are_refused(part):
    xml = BILLION_LAUGHS if part.endswith("sharedStrings.xml") else members(simple_bom_xlsx())[part].replace(
        b"?>", b'?><!DOCTYPE worksheet [<!ENTITY x "y">]>', 1
    )
    error = refused(rezip(simple_bom_xlsx(), {part: xml}))
    assert f"its part {part} declares XML entities" in error.message


def test_doctype_in_utf16_xml_is_refused():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><sst/>'.encode("utf-16")
    error = refused(rezip(simple_bom_xlsx(), {"xl/sharedStrings.xml": xml}))
    assert "declares XML entities" in error.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("declaration", ["<!DOCTYPE x>", "<!entity a 'b'>"])
def test_an_entity_declaration_is_found_wherever_the_inflated_blocks_split_it(encoding, declaration):
    xml = f'<?xml version="1.0"?>{declaration}<sst count="1"><si><t>a &lt;! b</t></si></sst>'.encode(encoding)
    for split in range(1, len(xml)):
        scanner = bom._XmlDangerScanner(True)
        assert scanner.feed(xml[:split]) or scanner.feed(xml[split:]), f"split at byte {split}"
    plain = '<?xml version="1.0"?><sst><si><t>a &lt;!DOCTYPE b</t></si></sst>'.encode(encoding)
    assert not bom._XmlDangerScanner(True).feed(plain), "escaped text is no declaration"


def test_file_over_the_size_limit_is_refused():
    error = refused(simple_bom_xlsx(), max_file_bytes=1000)
    assert error.message.startswith("the file is ")
    assert "the limit is 1,000 bytes" in error.message


def test_more_rows_than_the_limit_names_the_row():
    # given a reader allowed two data rows, on a file with three
    reader = BomReader(io.BytesIO(simple_bom_xlsx()), filename="bid.xlsx", limits=ReadLimits(max_rows=2))
    # when the rows are read / then the third row is refused by its number
    with pytest.raises(BomReadError) as caught:
        list(reader.rows())
    assert (caught.value.location.sheet, caught.value.location.row) == ("RAN", 7)
    assert "more than 2 data rows" in caught.value.message
    assert str(caught.value).startswith("bid.xlsx, sheet RAN, row 7: ")


def test_more_columns_than_the_limit_is_refused():
    wide = xlsx(lambda w: write_rows(w.add_worksheet("Wide"), [["Manufacturer", "Qty"] + [f"c{i}" for i in range(20)]]))
    error = refused(wide, max_columns=10)
    assert error.location.sheet == "Wide"
    assert "22 columns wide (up to column V); the limit is 10" in error.message
    csv_error = refused(csv_bytes([["Manufacturer", "Qty"], ["Huawei", "1"] + ["x"] * 20]), "w.csv",
                        max_columns=10)
    assert csv_error.location.row == 2
    assert "has 22 columns; the limit is 10" in csv_error.message


# --- robustness -----------------------------------------------------------------------------------------


def _mutations(seed_files: list[bytes], rng: random.Random, count: int):
    for _ in range(count):
        data = bytearray(rng.choice(seed_files))
        action = rng.randrange(4)
        if action == 0:
            data = data[: rng.randrange(len(data))]
        elif action == 1:
            for _ in range(rng.randint(1, 12)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif action == 2:
            start = rng.randrange(len(data))
            data[start : start + rng.randint(1, 64)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        else:
            data = bytearray(rng.randrange(256) for _ in range(rng.randint(1, 2048)))
        yield bytes(data)


def _xml_mutations(workbook: bytes, rng: random.Random, count: int):
    """Valid archives with damaged XML inside, so the damage reaches the spreadsheet reader itself."""
    parts = members(workbook)
    xml_names = [n for n in parts if n.endswith(".xml")]
    for _ in range(count):
        name = rng.choice(xml_names)
        xml = bytearray(parts[name])
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(xml))
            xml[position : position + rng.randint(0, 8)] = rng.choice([b"<", b">", b"\"", b"&", b"\x00", b"9", b""])
        yield rezip(workbook, {name: bytes(xml)})


def test_damaged_and_random_bytes_only_ever_raise_bom_read_error():
    # given valid files of each kind, and a few hundred damaged copies of them
    rng = random.Random(20240317)
    seeds = [
        simple_bom_xlsx(),
        csv_bytes([*TITLE_BLOCK, HEADER, *LINES], delimiter=";"),
        csv_bytes([HEADER, *LINES], encoding="gb18030"),
        ods([["Manufacturer", "Qty"], ["ZTE", 1]]),
        compound_file(["EncryptionInfo", "EncryptedPackage"]),
    ]
    try:
        import xlwt

        workbook = xlwt.Workbook()
        sheet = workbook.add_sheet("BOM")
        for r, row in enumerate([HEADER, *LINES]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        sheet.merge(5, 6, 1, 1)
        buffer = io.BytesIO()
        workbook.save(buffer)
        seeds.append(buffer.getvalue())
    except ImportError:
        pass
    cases = list(_mutations(seeds, rng, 400)) + list(_xml_mutations(seeds[0], rng, 60))
    cases += list(_xml_mutations(seeds[3], rng, 20))
    outcomes = {"read": 0, "refused": 0}
    for data in cases:
        # when each is read, then it is read or refused with BomReadError, nothing else
        try:
            reader = BomReader(io.BytesIO(data), filename="fuzz.xlsx")
            for row in reader.rows():
                assert isinstance(row.values, dict)
            reader.chain_edges()
            outcomes["read"] += 1
        except BomReadError as error:
            assert error.message
            outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"]


def test_an_escaped_nul_in_a_cell_is_dropped():
    # given an xlsx whose cell holds NUL (written as _x0000_), which no database stores in text
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Manufacturer", "Qty"])
    sheet.write_row(1, 0, ["Hua\x00wei", 1])
    workbook.close()
    # when it is read
    _, rows = read(buffer.getvalue(), "nul.xlsx")
    # then the name arrives without it
    assert rows[0].values["manufacturer"] == "Huawei"
