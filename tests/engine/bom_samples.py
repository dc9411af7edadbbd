"""Sample BOM files built in memory for the engine.bom tests: workbooks, CSV exports and hostile files."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

import xlsxwriter

TITLE_BLOCK = [
    ["Bill of Materials — Bid 2024/17"],
    ["Prepared by ACME Networks AB, 2024-03-01"],
    [],
]
HEADER = ["Item No.", "Mfr P/N", "Description", "Manufacturer", "Supplier", "Qty"]
LINES = [
    [1, "AAU5613", "Active antenna unit", "Huawei Technologies Co., Ltd.", "Nordic Telecom Supply AB", 12],
    [2, "ZXRAN R9", "Radio unit", "ZTE Corporation", "Nordic Telecom Supply AB", 4],
    [3, "AIR 3268", "Antenna integrated radio", "Ericsson AB", "Ericsson AB", 30],
]


def xlsx(fill: Callable[[xlsxwriter.Workbook], None]) -> bytes:
    """An xlsx written by XlsxWriter (shared strings, as Excel writes them); `fill` adds the sheets."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fill(workbook)
    workbook.close()
    return buffer.getvalue()


def write_rows(sheet, rows: Iterable[list], first_row: int = 0, first_col: int = 0) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(first_row + r, first_col + c, value)


def simple_bom_xlsx(rows: list[list] | None = None, *, title: bool = True, sheet: str = "RAN") -> bytes:
    def fill(workbook):
        write_rows(workbook.add_worksheet(sheet), (TITLE_BLOCK if title else []) + [HEADER] + (rows or LINES))

    return xlsx(fill)


def csv_bytes(rows: Iterable[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def ods(rows: list[list]) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice would store it."""
    cells_xml = []
    for row in rows:
        cells = []
        for value in row:
            if value is None or value == "":
                cells.append("<table:table-cell/>")
            elif isinstance(value, int | float):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}'
                    "</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
                    "</table:table-cell>"
                )
        cells_xml.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="BOM">'
        + "".join(cells_xml)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def rezip(archive_bytes: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same archive with some members' contents replaced or added."""
    replace = replace or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as source, zipfile.ZipFile(buffer, "w", compression) as out:
        for info in source.infolist():
            out.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return buffer.getvalue()


def members(archive_bytes: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_bomb_xlsx(member_bytes: int) -> bytes:
    """A valid-looking xlsx whose sheet part expands to `member_bytes` of one repeated byte, written streaming."""
    base = members(simple_bom_xlsx())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in base.items():
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(name, data)
        chunk = b" " * (1024 * 1024)
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            written = 0
            while written < member_bytes:
                piece = chunk[: min(len(chunk), member_bytes - written)]
                member.write(piece)
                written += len(piece)
    return buffer.getvalue()


def with_declared_size(archive_bytes: bytes, member: str, declared: int) -> bytes:
    """The archive with `member`'s uncompressed size rewritten in both headers: a member that lies."""
    data = bytearray(archive_bytes)
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        info = archive.getinfo(member)
        struct.pack_into("<I", data, info.header_offset + 22, declared)
        directory = archive.start_dir
    encoded = member.encode()
    position = directory
    while True:
        position = data.index(b"PK\x01\x02", position)
        name_len = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_len]) == encoded:
            struct.pack_into("<I", data, position + 24, declared)
            return bytes(data)
        position += 4


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol2;</t></si></sst>"
)


def compound_file(stream_names: list[str]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding empty streams with these names.

    Office saves a password-protected xlsx this way, with EncryptionInfo and EncryptedPackage streams.
    """
    free, end_of_chain, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [fat_sector, end_of_chain] + [free] * 126
    fat_bytes = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 0x44, free, right, child)
        struct.pack_into("<IQ", raw, 0x74, end_of_chain, 0)
        return bytes(raw)

    entries = [entry("Root Entry", 5, child=1)]
    for position, name in enumerate(stream_names, start=1):
        right = position + 1 if position < len(stream_names) else free
        entries.append(entry(name, 2, right=right))
    directory = b"".join(entries).ljust(512, b"\x00")
    return bytes(header) + fat_bytes + directory
