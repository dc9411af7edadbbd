"""Reads uploaded BOM workbooks and CSV files into BomRow / ChainEdge records, streaming and defensively.

Whole-file problems raise BomReadError; problems with one cell or row are collected as RowError.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import queue
import re
import shutil
import struct
import tempfile
import threading
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, islice, repeat
from operator import add, ge, itemgetter
from typing import BinaryIO
from xml.parsers import expat

import python_calamine
from anyascii import anyascii

from screening.engine.countries import country_codes
from screening.engine.data.header_words import HEADER_WORDS
from screening.engine.jsonbom import CYCLONEDX_SHEET, CycloneDxBook, JsonLinesBook, sniff_json
from screening.engine.records import (
    COUNTRY_CODE,
    MAX_PARTY_COLUMNS,
    PARTY_FIELDS,
    BomReadError,
    BomRow,
    ChainEdge,
    CodedColumn,
    Field,
    FileSize,
    HeaderWords,
    Location,
    Message,
    NoHeaderError,
    RowError,
    RowTable,
    file_size,
    gettext_noop,
    party_key,
)

# ---------------------------------------------------------------------------------------------------------
# Limits and results


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 100 * 1024 * 1024
    max_rows: int = 1_000_000  # data rows per file
    max_columns: int = 256
    max_cell_chars: int = 2_000  # longer cells are cut, with a RowError
    max_uncompressed_bytes: int = 1024 * 1024 * 1024  # sum of zip members' declared sizes
    max_compression_ratio: int = 200  # per zip member
    header_search_rows: int = 30
    max_zip_members: int = 10_000


SHEET_BOM = "bom"
SHEET_CHAIN = "chain"
SHEET_SKIPPED = "skipped"


@dataclass(slots=True)
class SheetInfo:
    name: str  # "" for a CSV file
    kind: str  # SHEET_BOM | SHEET_CHAIN | SHEET_SKIPPED
    header_row: int | None = None  # 1-based, as a spreadsheet program numbers it
    columns: dict[str, str] = field(default_factory=dict)  # Field value -> header as written
    reason: str = ""  # why a sheet was skipped (English; given as a Message, which stays as reason_text)
    hidden: bool = False  # hidden sheets are read all the same: a hidden line is still a line of the bid
    reason_text: Message | None = None

    def __post_init__(self) -> None:
        if isinstance(self.reason, Message):
            self.reason_text, self.reason = self.reason, str(self.reason)


# ---------------------------------------------------------------------------------------------------------
# Header variants

HEADER_ALIASES: dict[Field, tuple[str, ...]] = {
    Field.LINE: (
        "Line", "Line No.", "Line Number", "Line #", "Item", "Item No.", "Item Number", "Item #", "No.",
        "#", "Nr.", "Pos.", "Position", "Pos. No.", "S/N", "Sl. No.", "Sr. No.", "序号",
    ),
    Field.PART_NUMBER: (
        "Part Number", "Part No.", "Part #", "P/N", "PN", "Part", "Item Code", "Material", "Material No.",
        "Material Number", "SKU", "Article", "Article No.", "Product Code", "Catalog No.", "Catalogue No.",
        "Order Code", "Ordering Code", "物料编码", "料号",
    ),
    Field.MPN: (
        "MPN", "Manufacturer Part Number", "Manufacturer Part No.", "Manufacturer Part #", "Manufacturer P/N",
        "Mfr Part Number", "Mfr Part No.", "Mfr Part #", "Mfr P/N", "Mfr PN", "Mfg Part Number",
        "Mfg Part No.", "Mfg P/N", "OEM P/N", "OEM Part Number", "OEM Part No.", "Model", "Model No.",
        "Model Number", "型号",
    ),
    Field.DESCRIPTION: (
        "Description", "Desc.", "Item Description", "Product Description", "Material Description",
        "Part Description", "Item Name", "Product Name", "描述", "名称",
    ),
    Field.MANUFACTURER: (
        "Manufacturer", "Manufacturer Name", "Mfr", "Mfr.", "Mfr Name", "Mfg", "Mfg.", "Manf", "Manuf",
        "Make", "OEM", "OEM Name", "Brand", "Brand Name", "Maker", "Producer", "Manufacturer/Brand",
        "制造商", "生产商", "生产厂家", "厂家", "品牌",
    ),
    Field.SUPPLIER: (
        "Supplier", "Supplier Name", "Distributor", "Reseller", "Seller", "Source", "Vendor",
        "Vendor Name", "Sub-supplier", "供应商",
    ),
    Field.SUBCONTRACTOR: (
        "Subcontractor", "Sub-contractor", "Subcontractor Name", "Installer", "Service Partner",
        "O&M Provider", "分包商", "分包单位",
    ),
    Field.CONTRACTOR: (
        "Contractor", "Main Contractor", "Prime", "Prime Contractor", "General Contractor", "Tenderer",
        "Bidder", "Parent Contractor", "Contractor Name", "承包商", "总承包商",
    ),
    Field.COUNTRY: (
        "Country of Origin", "COO", "Origin", "Made in", "Country of Manufacture", "Origin Country",
        "Country", "原产地", "产地",
    ),
    Field.QUANTITY: ("Qty", "Quantity", "Qty.", "Quant.", "数量"),
    Field.UNIT: ("UOM", "Unit", "Unit of Measure", "Units", "单位"),
    Field.UNIT_PRICE: ("Unit Price", "Price", "Unit Cost", "Price per Unit", "单价"),
    Field.TOTAL_PRICE: (
        "Total", "Total Price", "Ext. Price", "Extended Price", "Line Total", "Total Cost", "Total Amount",
        "总价",
    ),
    Field.CURRENCY: ("Currency", "Curr.", "CCY", "币种"),
    Field.DOMAIN: ("Domain", "Network Domain", "Segment", "Network Segment", "Layer", "Subsystem"),
    Field.SOFTWARE: (
        "SW Version", "Software Version", "Software", "SW", "Firmware", "Firmware Version", "FW",
        "FW Version", "Release", "SW Release",
    ),
    Field.SCOPE: ("Scope", "Scope of Work", "Work Scope", "Subcontracted Scope"),
    Field.SHARE: ("Share", "Share (%)", "Share of Contract", "Subcontracted Share", "Percentage"),
    Field.PRODUCT_CODE: (
        "HS Code", "HS", "HS No.", "HTS", "HTS Code", "HTSUS", "HS Tariff Code", "Tariff Code", "Tariff No.",
        "Customs Tariff Code", "Customs Code", "Commodity Code", "CN Code", "Harmonized Code", "Harmonised Code",
        "Harmonized System Code", "HSN", "HSN Code", "ECCN", "UNSPSC", "UNSPSC Code", "Product Class",
        "Product Category", "海关编码", "商品编码", "HS编码",
    ),
    Field.REGISTRATION: (
        "Registration No.", "Registration Number", "Reg. No.", "Company Registration No.",
        "Company Registration Number", "Company No.", "Company Number", "Business Registration No.",
    ),
}

_NON_WORD = re.compile(r"[\W_]+")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")


def normalise_header(text: str) -> str:
    """The key a header is looked up by: case, width, punctuation, spacing and diacritics do not matter
    ("Mfr. P/N", "Výrobce" = "VYROBCE"), and Cyrillic is transliterated ("Цена" in Bulgarian and Macedonian).
    """
    text = unicodedata.normalize("NFKC", text)
    # "#" is how people write "No." ("Part #", "Mfr Part #"); "&" keeps "O&M" apart from "OM".
    text = text.replace("#", " no ").replace("&", " and ")
    if not text.isascii():
        text = anyascii(text)
    return _NON_WORD.sub("", text.casefold())


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _all_header_words() -> Iterator[tuple[Field, str]]:
    for fld, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            yield fld, alias
    for fld, by_language in HEADER_WORDS.items():
        for language, words in by_language.items():
            for word in words:
                yield fld, word
                if language == "de":  # German typed without umlauts: "Stueckzahl", "Waehrung", "Haendler"
                    yield fld, word.translate(_UMLAUTS)


def _build_alias_index() -> dict[str, Field]:
    index: dict[str, Field] = {}
    for fld, alias in _all_header_words():
        key = normalise_header(alias)
        if index.get(key, fld) is not fld:
            raise ValueError(f"header alias {alias!r} means both {index[key]} and {fld}")
        index[key] = fld
    return index


_ALIAS_INDEX = _build_alias_index()
_FIELD_LABEL = {fld: aliases[0] for fld, aliases in HEADER_ALIASES.items()}
# Columns whose cells name companies: a number or date there is worth telling the officer about, and a
# vertically merged cell there is filled down, since the company applies to every line it spans.
_COMPANY_FIELDS = frozenset(str(f) for f in (*PARTY_FIELDS, Field.CONTRACTOR))
_PARTY_KEYS = frozenset(str(f) for f in PARTY_FIELDS)


IGNORE_COLUMN = "ignore"  # an officer's mapping may say a column is not to be read at all


def header_mapping(extra_headers: Mapping[str, str] | None) -> dict[str, Field | None]:
    """An officer's own header -> field pairs ("Firma" -> "manufacturer"), keyed as headers are looked up.

    The field is a Field value, or "ignore" for a column that must not be read. Raises ValueError naming the
    pair that is wrong, with the fields that can be given.
    """
    mapping: dict[str, Field | None] = {}
    for header, name in (extra_headers or {}).items():
        key = normalise_header(str(header))
        if not key:
            raise ValueError(f"the column name {header!r} has no letters or digits; give it as the header reads.")
        name = str(name).strip().lower()
        if name == IGNORE_COLUMN:
            mapping[key] = None
            continue
        try:
            mapping[key] = Field(name)
        except ValueError:
            known = ", ".join(f.value for f in Field)
            raise ValueError(
                f"column {header!r}: {name!r} is not a field; use one of {known} or {IGNORE_COLUMN}."
            ) from None
    return mapping


def field_named(text: str) -> Field | None:
    """The field an officer means by a word: a field's name ("manufacturer", "country_of_origin") or any header
    the tables know for it ("Manufacturer", "Výrobce", "Hersteller")."""
    text = str(text).strip()
    try:
        return Field(text.lower().replace(" ", "_"))
    except ValueError:
        return _field_for_header(text)


@lru_cache(maxsize=4096)
def _field_for_header(text: str) -> Field | None:
    # Exact lookups only, first as written and then without bracketed notes ("Unit Price (EUR)"): guessing
    # by substring would read "Manufacturer Part Number" as a manufacturer and a title as a header.
    if not text or len(text) > 80 or text.endswith(":"):  # "Supplier:" labels a value in a title block
        return None
    found = _ALIAS_INDEX.get(normalise_header(text))
    if found is None and ("(" in text or "[" in text or "{" in text or "（" in text):
        found = _ALIAS_INDEX.get(normalise_header(_BRACKETED.sub(" ", unicodedata.normalize("NFKC", text))))
    return found


# ---------------------------------------------------------------------------------------------------------
# Messages

# Every message is an English template with {named} values (records.Message), marked for translation.
_FORMATS_HINT = Message(gettext_noop("Upload the BOM as an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV file."))
_RESAVE_HINT = Message(gettext_noop("Open it in Excel or LibreOffice, save it again as .xlsx and upload the new file."))
_ENCRYPTED_MESSAGE = Message(gettext_noop(
    "the workbook is protected with a password, so it cannot be read. Open it, remove the password "
    "(in Excel: File > Info > Protect Workbook > Encrypt with Password, clear the password), save it and "
    "upload it again."
))
_UNSAFE_RESAVE = gettext_noop("the workbook is unsafe to open: {problem} {hint}")
_DAMAGED_PART = gettext_noop("the workbook is damaged: its part {part} {problem}. {hint}")
_ZIP_DAMAGED = gettext_noop("the file starts like an Excel or ZIP file but is damaged ({detail}). {hint}")
_TOO_WIDE_ROW = gettext_noop(
    "the row has {count} columns; the limit is {limit}. Delete the unused columns and upload the file again."
)
_TOO_MANY_ROWS = gettext_noop(
    "the file has more than {limit} data rows; this row is over the limit. Split the BOM into smaller files and "
    "upload each."
)
_NOT_A_COMPANY = gettext_noop("column {column} holds {what}, not a company name")
_CELL_CUT = gettext_noop("the cell is {length} characters long; only the first {limit} are read")
# U+FFFD written as itself, not escaped: xgettext would extract the escape, not the character Python looks up.
_UNREADABLE_CHARACTERS = gettext_noop(
    "some characters could not be read as {encoding} and show as �; save the file as CSV UTF-8 and upload it again"
)
# What a typed cell holds, as _non_text names it, in the sentence above.
_CELL_KINDS = {
    "number": Message(gettext_noop("a number")),
    "date": Message(gettext_noop("a date")),
    "TRUE/FALSE value": Message(gettext_noop("a TRUE/FALSE value")),
    "duration": Message(gettext_noop("a duration")),
    "value": Message(gettext_noop("a value")),
}
_NUMBER_OR_DATE = Message(gettext_noop("a number or date"))
# The headers to suggest when none was recognised; each language's own come from data/header_words.
_MANUFACTURER_HEADERS = HeaderWords(str(Field.MANUFACTURER), ("Manufacturer", "Mfr", "Make", "Brand", "OEM"))
_SUPPLIER_HEADERS = HeaderWords(str(Field.SUPPLIER), ("Supplier", "Vendor", "Distributor"))
_SUBCONTRACTOR_HEADERS = HeaderWords(str(Field.SUBCONTRACTOR), ("Subcontractor",))
_CONTRACTOR_HEADERS = HeaderWords(str(Field.CONTRACTOR), ("Contractor", "Main Contractor", "Tenderer", "Bidder"))


def _size(n: float) -> FileSize:
    return file_size(n)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------------------
# Sniffing: the bytes decide the format, never the file name

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_NOT_SPREADSHEETS = (
    (b"\x89PNG\r\n\x1a\n", Message(gettext_noop("a PNG image"))),
    (b"\xff\xd8\xff", Message(gettext_noop("a JPEG image"))),
    (b"GIF87a", Message(gettext_noop("a GIF image"))),
    (b"GIF89a", Message(gettext_noop("a GIF image"))),
    (b"II*\x00", Message(gettext_noop("a TIFF image"))),
    (b"MM\x00*", Message(gettext_noop("a TIFF image"))),
    (b"\x1f\x8b", Message(gettext_noop("a gzip archive"))),
    (b"7z\xbc\xaf\x27\x1c", Message(gettext_noop("a 7-Zip archive"))),
    (b"Rar!\x1a\x07", Message(gettext_noop("a RAR archive"))),
    (b"\x7fELF", Message(gettext_noop("a program"))),
    (b"{\\rtf", Message(gettext_noop("an RTF document"))),
)
_BINARY = Message(gettext_noop("binary data, not text"))
_RESAVE_THEN_FORMATS = Message.join([_RESAVE_HINT, _FORMATS_HINT])


def _not_a_spreadsheet(what: Message, filename: str, hint: Message = _FORMATS_HINT) -> BomReadError:
    return BomReadError(
        Message(gettext_noop("the file is not a spreadsheet: it looks like {what}. {hint}"),
                {"what": what, "hint": hint}),
        location=Location(filename),
    )


def _sniff_known_non_spreadsheet(head: bytes) -> tuple[Message, Message] | None:
    """What the file looks like instead, and what to do about it."""
    for magic, what in _NOT_SPREADSHEETS:
        if head.startswith(magic):
            return what, _FORMATS_HINT
    if head.startswith(b"MZ") and b"This program cannot be run" in head[:512]:
        return Message(gettext_noop("a Windows program")), _FORMATS_HINT
    if b"%PDF-" in head[:1024]:
        return Message(gettext_noop("a PDF document")), _FORMATS_HINT
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return Message(gettext_noop("a WebP image")), _FORMATS_HINT
    text = head.lstrip(codecs.BOM_UTF8).lstrip()[:2048].lower()
    if text.startswith((b"<!doctype html", b"<html")) or (text.startswith(b"<") and b"<table" in text):
        return Message(gettext_noop("a web page (HTML) saved with a spreadsheet name")), _RESAVE_THEN_FORMATS
    if text.startswith(b"mime-version:"):
        return Message(gettext_noop("a web archive (MHTML)")), _RESAVE_THEN_FORMATS
    if text.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            return Message(gettext_noop("an Excel 2003 XML spreadsheet, which is not read here")), _RESAVE_THEN_FORMATS
        return Message(gettext_noop("an XML document")), _FORMATS_HINT
    return None


# ---------------------------------------------------------------------------------------------------------
# ZIP containers (xlsx, xlsm, xlsb, ods): checked before any reader sees them

_XML_DANGER = (b"<!doctype", b"<!entity")
_XML_DANGER_UTF16 = tuple(
    pattern.decode().encode(enc) for pattern in _XML_DANGER for enc in ("utf-16-le", "utf-16-be")
)
# Real sheets compress 10-50 times; the ratio only matters for members big enough to hurt.
_RATIO_EXEMPT_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024


def _zip_kind(zf: zipfile.ZipFile, names: set[str], filename: str) -> str:
    if "mimetype" in names:
        info = zf.getinfo("mimetype")
        mimetype = zf.read(info).strip() if info.file_size < 200 else b""
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            raise _not_a_spreadsheet(Message(gettext_noop("an OpenDocument text document")), filename)
        if mimetype.startswith(b"application/vnd.oasis.opendocument.presentation"):
            raise _not_a_spreadsheet(Message(gettext_noop("an OpenDocument presentation")), filename)
    lowered = {name.lower() for name in names}
    if any(name.endswith("workbook.xml") for name in lowered) and "[content_types].xml" in lowered:
        return "xlsx"
    if any(name.endswith("workbook.bin") for name in lowered):
        return "xlsb"
    if "word/document.xml" in lowered:
        raise _not_a_spreadsheet(_WORD, filename)
    if "ppt/presentation.xml" in lowered:
        raise _not_a_spreadsheet(_POWERPOINT, filename)
    shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
    if not shown:
        raise _not_a_spreadsheet(Message(gettext_noop("an empty ZIP archive")), filename)
    raise _not_a_spreadsheet(Message(gettext_noop("a ZIP archive (holding {names})"), {"names": shown}), filename)


_WORD = Message(gettext_noop("a Word document"))
_POWERPOINT = Message(gettext_noop("a PowerPoint presentation"))


# What zipfile raises on damaged archives besides BadZipFile (odd versions, methods, names, offsets).
_ZIP_DAMAGE = (
    zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, ValueError,
    EOFError, OverflowError, zlib.error, struct.error, KeyError,
)


def _check_zip(
    fileobj: BinaryIO, filename: str, limits: ReadLimits,
    before_inflating: Callable[[zipfile.ZipFile, str], Mapping[str, Callable[[bytes | None], None]]] | None = None,
) -> str:
    """Refuses zip bombs and XML entity tricks before calamine or openpyxl reads a byte; returns the kind.

    `before_inflating(archive, kind)` is called once the declared sizes have passed, before the members are
    inflated and scanned (the longest part of the check). It may return sinks by member name: a member's
    inflated bytes go to its sink block by block as they pass the check, then None once the whole member has."""
    where = Location(filename)
    try:
        fileobj.seek(0)
        zf = zipfile.ZipFile(fileobj)
        members = zf.infolist()
    except _ZIP_DAMAGE as exc:
        raise BomReadError(
            Message(_ZIP_DAMAGED, {"detail": str(exc), "hint": _RESAVE_HINT}),
            location=where,
        ) from exc
    if len(members) > limits.max_zip_members:
        raise BomReadError(
            Message(gettext_noop("the workbook holds {count} parts; the limit is {limit}. {hint}"),
                    {"count": len(members), "limit": limits.max_zip_members, "hint": _RESAVE_HINT}),
            location=where,
        )
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_EXEMPT_BYTES and ratio > limits.max_compression_ratio:
            raise BomReadError(
                Message(_UNSAFE_RESAVE, {"hint": _RESAVE_HINT, "problem": Message(gettext_noop(
                    "its part {part} would expand from {compressed} to {size} ({ratio} times; the limit is {limit})."
                ), {"part": info.filename, "compressed": _size(info.compress_size), "size": _size(info.file_size),
                    "ratio": round(ratio), "limit": limits.max_compression_ratio})}),
                location=where,
            )
    if total > limits.max_uncompressed_bytes:
        raise BomReadError(
            Message(gettext_noop(
                "the workbook is unsafe to open: it would expand to {size}; the limit is {limit}. Split the BOM into "
                "smaller files."
            ), {"size": _size(total), "limit": _size(limits.max_uncompressed_bytes)}),
            location=where,
        )
    names = {info.filename for info in members}
    try:
        kind = _zip_kind(zf, names, filename)
    except _ZIP_DAMAGE as exc:
        raise BomReadError(
            Message(_ZIP_DAMAGED, {"detail": str(exc), "hint": _RESAVE_HINT}),
            location=where,
        ) from exc
    sinks = dict(before_inflating(zf, kind) or {}) if before_inflating is not None else {}
    for info in members:
        if info.flag_bits & 0x1:
            raise BomReadError(_ENCRYPTED_MESSAGE, location=where)
        try:
            _verify_member(fileobj, info, filename, well_formed=kind == "ods" and _is_xml_name(info.filename),
                           sink=sinks.pop(info.filename, None))
        except _ZIP_DAMAGE as exc:
            raise BomReadError(
                Message(_DAMAGED_PART, {"part": info.filename, "hint": _RESAVE_HINT, "problem": Message(
                    gettext_noop("cannot be read ({detail})"), {"detail": str(exc)})}),
                location=where,
            ) from exc
    # An ODS password encrypts content.xml and says so in the manifest (verified above, so safe to read).
    try:
        manifest = zf.read("META-INF/manifest.xml") if kind == "ods" and "META-INF/manifest.xml" in names else b""
    except _ZIP_DAMAGE as exc:
        raise BomReadError(
            Message(gettext_noop("the workbook is damaged: its manifest cannot be read ({detail}). {hint}"),
                    {"detail": str(exc), "hint": _RESAVE_HINT}),
            location=where,
        ) from exc
    if b"encryption-data" in manifest:
        raise BomReadError(_ENCRYPTED_MESSAGE, location=where)
    return kind


def _is_xml_name(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _verify_member(
    fileobj: BinaryIO, info: zipfile.ZipInfo, filename: str, *, well_formed: bool,
    sink: Callable[[bytes | None], None] | None = None,
) -> None:
    """Decompresses one member ourselves, so its real size is known, not just the size it declares.

    Python's zipfile stops at the declared size and a reader in another language may not, so the raw
    deflate stream is inflated here with the output bounded, and XML is scanned for DOCTYPE/ENTITY on the way.
    With `well_formed`, the XML is also parsed (expat, no handlers, fast): calamine's ODS reader loops for
    ever on a mismatched end tag, so an ODS part must be well-formed before calamine sees it. (xlsx parts
    are not parsed: 9,000 damaged xlsx gave no hang, and some exporters write control characters that
    calamine reads but a strict parser refuses.)
    """
    where = Location(filename)

    def damaged(why: Message) -> BomReadError:
        return BomReadError(
            Message(_DAMAGED_PART, {"part": info.filename, "problem": why, "hint": _RESAVE_HINT}), location=where
        )

    fileobj.seek(info.header_offset)
    local = fileobj.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise damaged(Message(gettext_noop("cannot be found where the archive says it is")))
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fileobj.seek(info.header_offset + 30 + name_len + extra_len)

    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise damaged(Message(gettext_noop("uses compression method {method}, which spreadsheet programs don't write"),
                              {"method": str(info.compress_type)}))

    scanner = _XmlDangerScanner(True if info.filename.lower().endswith((".xml", ".rels", ".vml")) else None)
    parser = _strict_xml_parser() if well_formed else None
    produced = 0
    crc = 0
    remaining = info.compress_size

    def take(out: bytes) -> None:
        nonlocal produced, crc
        produced += len(out)
        if produced > info.file_size:
            raise BomReadError(
                Message(_UNSAFE_RESAVE, {"hint": _RESAVE_HINT, "problem": Message(gettext_noop(
                    "its part {part} holds more data than the {size} it declares."
                ), {"part": info.filename, "size": _size(info.file_size)})}),
                location=where,
            )
        crc = zlib.crc32(out, crc)
        if scanner.feed(out):
            raise BomReadError(
                Message(_UNSAFE_RESAVE, {"hint": _RESAVE_HINT, "problem": Message(gettext_noop(
                    "its part {part} declares XML entities (<!DOCTYPE> or <!ENTITY>), which spreadsheet programs "
                    "never write."
                ), {"part": info.filename})}),
                location=where,
            )
        if parser is not None:
            parser.Parse(out, False)
        if sink is not None:
            sink(out)

    try:
        while remaining > 0 and not (inflater is not None and inflater.eof):
            chunk = fileobj.read(min(_CHUNK, remaining))
            if not chunk:
                raise damaged(_CUT_SHORT)
            remaining -= len(chunk)
            if inflater is None:
                take(chunk)
                continue
            data = chunk
            while data and not inflater.eof:
                take(inflater.decompress(data, _CHUNK))
                data = inflater.unconsumed_tail
        if inflater is not None:
            if not inflater.eof:
                raise damaged(_CUT_SHORT)
            take(inflater.flush())
        if parser is not None:
            parser.Parse(b"", True)
    except zlib.error as exc:
        raise damaged(Message(gettext_noop("cannot be decompressed ({detail})"), {"detail": str(exc)})) from exc
    except (expat.ExpatError, LookupError) as exc:  # LookupError: an XML encoding nobody knows
        raise damaged(Message(gettext_noop("is not well-formed XML ({detail})"), {"detail": str(exc)})) from exc
    if produced != info.file_size:
        raise damaged(Message(gettext_noop("holds {size}, not the {declared} it declares"),
                              {"size": _size(produced), "declared": _size(info.file_size)}))
    if crc != info.CRC:
        raise damaged(Message(gettext_noop("fails its checksum")))
    if sink is not None:
        sink(None)


_CUT_SHORT = Message(gettext_noop("is cut short"))


def _strict_xml_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()

    def refuse(*args: object) -> None:
        raise expat.ExpatError("DOCTYPE or entity declaration")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


class _XmlDangerScanner:
    """Finds <!DOCTYPE / <!ENTITY in a stream of chunks, in UTF-8 or UTF-16, across chunk borders."""

    _KEEP = 32

    def __init__(self, is_xml: bool | None = None) -> None:
        self._tail = b""
        self._is_xml = is_xml

    def feed(self, chunk: bytes) -> bool:
        if not chunk:
            return False
        if self._is_xml is None:
            start = chunk.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1]
            if not start:
                return False
            # Binary parts (images, vbaProject.bin, xlsb records) are not XML and no reader parses them as
            # XML; scanning them would only risk false alarms.
            self._is_xml = start == b"<"
        if not self._is_xml:
            return False
        window = self._tail + chunk
        self._tail = window[-self._KEEP :]
        if b"<!" not in window and b"<\x00!" not in window:  # no declaration begins here (UTF-8, UTF-16 LE or BE)
            return False
        window = window.lower()
        if any(p in window for p in _XML_DANGER):
            return True
        return b"\x00" in window and any(p in window for p in _XML_DANGER_UTF16)


# ---------------------------------------------------------------------------------------------------------
# OLE2 compound files (xls, and password-protected xlsx, which Office wraps in OLE2)


def _ole_stream_names(fileobj: BinaryIO, size: int) -> set[str] | None:
    """Names of the streams and storages in an OLE2 compound file; None when the directory cannot be read."""
    try:
        fileobj.seek(0)
        header = fileobj.read(512)
        if len(header) < 512 or header[:8] != _OLE_MAGIC:
            return None
        sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
        if sector_shift not in (9, 12):
            return None
        sector_size = 1 << sector_shift
        n_fat = struct.unpack_from("<I", header, 0x2C)[0]
        first_dir = struct.unpack_from("<I", header, 0x30)[0]
        first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
        max_sectors = size // sector_size + 1

        def read_sector(n: int) -> bytes:
            if n >= max_sectors:
                raise ValueError("sector out of range")
            fileobj.seek((n + 1) * sector_size)
            data = fileobj.read(sector_size)
            if len(data) != sector_size:
                raise ValueError("short sector")
            return data

        fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]
        difat, seen = first_difat, 0
        while difat < 0xFFFFFFFA and seen < n_difat and seen < max_sectors:
            data = read_sector(difat)
            entries = struct.unpack(f"<{sector_size // 4}I", data)
            fat_sectors += [s for s in entries[:-1] if s < 0xFFFFFFFA]
            difat, seen = entries[-1], seen + 1
        fat_sectors = fat_sectors[: max(n_fat, 0)]

        def next_sector(n: int) -> int:
            per = sector_size // 4
            index, offset = divmod(n, per)
            if index >= len(fat_sectors):
                raise ValueError("FAT index out of range")
            return struct.unpack_from("<I", read_sector(fat_sectors[index]), offset * 4)[0]

        names: set[str] = set()
        sector, hops = first_dir, 0
        while sector < 0xFFFFFFFA and hops < max_sectors:
            data = read_sector(sector)
            for offset in range(0, sector_size, 128):
                entry = data[offset : offset + 128]
                name_len = struct.unpack_from("<H", entry, 0x40)[0]
                if entry[0x42] in (1, 2, 5) and 2 <= name_len <= 64:
                    names.add(entry[: name_len - 2].decode("utf-16-le", "replace"))
            sector, hops = next_sector(sector), hops + 1
        return names
    except (ValueError, struct.error, OSError, IndexError):
        return None


def _check_ole(fileobj: BinaryIO, size: int, filename: str) -> None:
    names = _ole_stream_names(fileobj, size)
    if names is None:
        return  # let calamine try; it will say if it cannot read it either
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        raise BomReadError(_ENCRYPTED_MESSAGE, location=Location(filename))
    if names & {"Workbook", "Book"}:
        return
    if "WordDocument" in names:
        raise _not_a_spreadsheet(_WORD, filename)
    if "PowerPoint Document" in names:
        raise _not_a_spreadsheet(_POWERPOINT, filename)
    if any(name.startswith("__substg1.0_") for name in names):
        raise _not_a_spreadsheet(
            Message(gettext_noop("an Outlook message")), filename,
            hint=Message(gettext_noop("Save the BOM attached to the message and upload that.")),
        )
    raise _not_a_spreadsheet(Message(gettext_noop("an Office file that holds no workbook")), filename)


# ---------------------------------------------------------------------------------------------------------
# Text files: encoding and delimiter

_CJK_CODECS = frozenset({
    "gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "shift_jis", "shift_jis_2004",
    "shift_jisx0213", "cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "euc_kr", "cp949", "johab",
})
_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 256 * 1024
_HIGH_RUNS = re.compile(rb"[\x80-\xff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _first_non_utf8_offset(fileobj: BinaryIO) -> int | None:
    """Where the file stops being valid UTF-8, or None if all of it is (checked whole: it is fast)."""
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    consumed = 0
    while chunk := fileobj.read(_CHUNK):
        try:
            decoder.decode(chunk, final=False)
        except UnicodeDecodeError as exc:
            return consumed + exc.start
        consumed += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return consumed
    return None


def _legacy_encoding(sample: bytes) -> str:
    """Picks between the 8-bit and double-byte code pages a BOM export comes in when it is not UTF-8.

    charset-normalizer alone is unsure on short samples (a few Chinese company names among ASCII): it may
    say Big5 or Shift-JIS for GB2312 text. The shape of the non-ASCII runs decides first: Chinese in GB18030
    is pairs of high bytes; Western text in cp1252 is mostly single accented letters between ASCII ones.
    """
    from charset_normalizer import from_bytes

    runs = _HIGH_RUNS.findall(sample)
    double_byte = bool(runs) and sum(1 for r in runs if len(r) % 2 == 0) >= 0.8 * len(runs)
    if double_byte and _decodes(sample, "gb18030"):
        guesses = [m.encoding for m in from_bytes(sample[:65536])]
        if "gb18030" in guesses or not guesses:
            return "gb18030"
        if "big5" in guesses:
            return "big5"
        return guesses[0] if guesses[0] in _CJK_CODECS else "gb18030"
    long_runs = bool(runs) and sum(len(r) for r in runs) / len(runs) >= 3
    if long_runs or not _decodes(sample, "cp1252"):
        # Whole words of high bytes: Cyrillic, Greek, ... in their own code page. Among the guesses that read
        # (nearly) as cleanly as the best, the officers' own code pages win: a short Macedonian export in cp1251
        # is otherwise taken for Greek.
        matches = [m for m in from_bytes(sample[:65536]) if m.encoding not in ("utf_8", "ascii")]
        if matches:
            cleanest = min(m.chaos for m in matches)
            close = {m.encoding for m in matches if m.chaos <= cleanest + 0.01}
            preferred = next((enc for enc in _OFFICERS_CODE_PAGES if enc in close), None)
            return preferred or matches[0].encoding
    if _decodes(sample, "cp1250") and _central_european(sample.decode("cp1252")):
        return "cp1250"
    return "cp1252"


# The code pages of the officers' countries: cp1251 (Bulgarian, Macedonian), cp1250 (Czech, Albanian).
_OFFICERS_CODE_PAGES = ("cp1251", "cp1250")

# Letters that cp1250 text (Czech "ř ě ů ň ď", Slovak "ľ", Polish "ą ł ś ż") shows as when read as cp1252, and
# that Western text seldom has inside a word; and the Western letters that cp1250 would turn into rare ones.
_CP1250_AS_CP1252 = frozenset("øìùòïØÌÙÒÏ¾¹³¼¿Ÿœ¥ªº")
_WESTERN_ONLY = frozenset("àåæñãõûêÀÅÆÑÃÕÛÊ")


def _central_european(text: str) -> bool:
    """Whether text that decodes as cp1252 reads better as cp1250: a Czech "Země původu" read as cp1252 is
    "Zemì pùvodu". Only letters inside words count, so a German "Ø 28 mm" stays cp1252."""
    odd = western = 0
    for index, char in enumerate(text):
        if char in _CP1250_AS_CP1252 or char in _WESTERN_ONLY:
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isalpha() or after.isalpha():
                if char in _WESTERN_ONLY:
                    western += 1
                else:
                    odd += 1
    return odd >= 2 and odd > 2 * western


def _detect_encoding(fileobj: BinaryIO, head: bytes) -> tuple[str, bool]:
    """The text encoding, and whether every byte of the file is known to decode with it."""
    if head.startswith(codecs.BOM_UTF8):
        offset = _first_non_utf8_offset(fileobj)
        return "utf-8-sig", offset is None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False  # Excel's "Unicode Text" export
    even, odd = head[0:2048:2], head[1:2048:2]
    if len(head) >= 4 and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le", False
    if len(head) >= 4 and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be", False
    offset = _first_non_utf8_offset(fileobj)
    if offset is None:
        return "utf-8", True
    # Sample from the start of the line holding the first non-UTF-8 byte: "\n" is never part of a
    # multi-byte character in these code pages, so the sample starts on a character.
    start = max(0, offset - 4096)
    fileobj.seek(start)
    sample = fileobj.read(_SAMPLE_BYTES)
    if start:
        cut = sample.find(b"\n")
        sample = sample[cut + 1 :] if 0 <= cut < offset - start else sample
    if len(sample) == _SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rfind(b"\n") + 1]
    return _legacy_encoding(sample), False


_MAX_LINE_CHARS = 16 * 1024 * 1024


def _iter_text_lines(fileobj: BinaryIO, encoding: str, filename: str) -> Iterator[str]:
    """Decoded lines with their endings, for csv.reader; splits on line feeds only (as newline='' does)."""
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    separator: str | None = None
    while True:
        chunk = fileobj.read(_CHUNK)
        text = decoder.decode(chunk, final=not chunk)
        if separator is None and (text or not chunk):
            probe = pending + text
            # Old Mac exports end lines with a bare carriage return.
            separator = "\r" if "\n" not in probe and "\r" in probe.rstrip("\r") else "\n"
        pending += text
        if separator is not None and separator in pending:
            parts = pending.split(separator)
            pending = parts.pop()
            for part in parts:
                yield part + separator
        if len(pending) > _MAX_LINE_CHARS:
            raise BomReadError(
                Message(gettext_noop("a line is longer than {limit} characters, so this is not a readable CSV file. "
                                     "{hint}"), {"limit": _MAX_LINE_CHARS, "hint": _FORMATS_HINT}),
                location=Location(filename),
            )
        if not chunk:
            break
    if pending:
        yield pending


def _pick_delimiter(lines: list[str], limits: ReadLimits, extra: Mapping[str, Field | None]) -> str:
    """The delimiter under which the sample has the best header row, else the most regular one."""
    best: tuple | None = None
    best_delimiter = ","
    for delimiter in _DELIMITERS:
        try:
            records = list(islice(csv.reader(lines, delimiter=delimiter), 200))
        except csv.Error:
            continue
        counts = [len(r) for r in records if any(c.strip() for c in r)]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        regular = counts.count(modal) if modal > 1 else 0
        scan = _scan_header(
            ((i, r) for i, r in enumerate(records[: limits.header_search_rows], start=1)), limits, extra
        )
        header_fields = len(scan.header.fields) if scan.header else 0
        score = (header_fields, regular, modal)
        if best is None or score > best:
            best, best_delimiter = score, delimiter
    return best_delimiter


# ---------------------------------------------------------------------------------------------------------
# Cell values


def _float_text(value: float) -> str:
    """A number as a spreadsheet shows it: whole numbers without ".0", 15 digits (0.3, not 0.30000000000000004)."""
    return str(int(value)) if value.is_integer() and -1e16 < value < 1e16 else format(value, ".15g")


def _non_text(value: object) -> tuple[str, str]:
    """A typed cell as text, and what type it was, for the officer ("number", "date")."""
    if value.__class__ is bool:
        return ("TRUE" if value else "FALSE"), "TRUE/FALSE value"
    if isinstance(value, float):
        return _float_text(value), "number"
    if isinstance(value, int):
        return str(value), "number"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat(), "date"
        return value.isoformat(timespec="seconds"), "date"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(), "date"
    if isinstance(value, dt.timedelta):
        return str(value), "duration"
    return str(value).strip(), "value"


_NUMBER_OR_DATE_TEXT = re.compile(
    r"[-+]?(\d{1,3}([,.' ]\d{3})*|\d+)([.,]\d+)?([eE][-+]?\d+)?%?|\d{1,4}[-./]\d{1,2}[-./]\d{1,4}"
)


def _cell_as_text(value: object) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return value.replace("\x00", "").strip()
    return _non_text(value)[0]


# ---------------------------------------------------------------------------------------------------------
# Header detection


@dataclass(slots=True)
class _Column:
    index: int  # position in the row list
    key: str  # Field value
    header: str  # as written, whitespace tidied
    is_company: bool


@dataclass(slots=True)
class _Header:
    row: int
    kind: str  # SHEET_BOM | SHEET_CHAIN
    columns: list[_Column]
    fields: dict[str, str]  # Field value -> header as written
    duplicates: list[tuple[int, str, str, str, int]]  # (index, header, key, first header, its index)


@dataclass(slots=True)
class _HeaderScan:
    header: _Header | None
    found: list[str]  # the header-like texts of the likeliest row, for the message when there is no header
    found_row: int | None
    too_wide: tuple[int, int] | None = None  # (row, width) when a row in the window is over the limit


def _row_fields(cells: list, extra: Mapping[str, Field | None]) -> list[tuple[int, Field, str]]:
    mapped = []
    for index, cell in enumerate(cells):
        text = _cell_as_text(cell)
        if text:
            # The officer's own mapping wins over the tables.
            fld = extra[key] if extra and (key := normalise_header(text)) in extra else _field_for_header(text)
            if fld is not None:
                mapped.append((index, fld, " ".join(text.split())))
    return mapped


def _make_header(row: int, mapped: list[tuple[int, Field, str]]) -> _Header:
    columns: list[_Column] = []
    fields: dict[str, str] = {}
    first_index: dict[str, int] = {}
    duplicates = []
    for index, fld, header in mapped:
        key = str(fld)
        if key in fields:
            # A second manufacturer, supplier or subcontractor column ("Brand" beside "Manufacturer") is
            # screened too: a restricted vendor must not hide in it. Other duplicates are noted and skipped.
            free = [party_key(fld, n) for n in range(2, MAX_PARTY_COLUMNS + 1) if party_key(fld, n) not in fields]
            if key not in _PARTY_KEYS or not free:
                duplicates.append((index, header, key, fields[key], first_index[key]))
                continue
            key = free[0]
        fields[key] = header
        first_index[key] = index
        columns.append(_Column(index, key, header, key in _COMPANY_FIELDS or key.partition("~")[0] in _PARTY_KEYS))
    keys = set(fields)
    is_chain = (
        str(Field.CONTRACTOR) in keys
        and str(Field.SUBCONTRACTOR) in keys
        and not keys & {str(Field.MANUFACTURER), str(Field.SUPPLIER)}
    )
    return _Header(row, SHEET_CHAIN if is_chain else SHEET_BOM, columns, fields, duplicates)


def _scan_header(
    rows: Iterable[tuple[int, list]], limits: ReadLimits, extra: Mapping[str, Field | None] | None = None
) -> _HeaderScan:
    """Finds the header row among the first rows: the first with a company column and one more known column.

    A title block above it ("Bill of Materials - Bid 2024/17", "Supplier: ACME") does not qualify: titles
    are not exact header names and labels end with a colon. If no row qualifies, a row made only of known
    headers with a company column among them (a one-column list of manufacturers) is taken instead.
    """
    fallback: tuple[int, list] | None = None
    likeliest: tuple[tuple[int, int], int, list[str]] | None = None
    seen = 0
    for rownum, cells in rows:
        texts = [t for t in (_cell_as_text(c) for c in cells) if t]
        if not texts and seen == 0:
            continue  # the window starts at the first row with anything in it
        seen += 1
        if seen > limits.header_search_rows:
            break
        if len(cells) > limits.max_columns and any(_cell_as_text(c) for c in cells[limits.max_columns :]):
            return _HeaderScan(None, [], None, too_wide=(rownum, len(cells)))
        mapped = _row_fields(cells, extra or {})
        keys = {str(fld) for _, fld, _ in mapped}
        has_party = bool(keys & _PARTY_KEYS)
        if has_party and len(keys) >= 2:
            return _HeaderScan(_make_header(rownum, mapped), [], None)
        if fallback is None and has_party and len(mapped) == len(texts):
            fallback = (rownum, mapped)
        strength = (len(keys), len(texts))
        if texts and (likeliest is None or strength > likeliest[0]):
            likeliest = (strength, rownum, [" ".join(t.split())[:40] for t in texts[:12]])
    if fallback is not None:
        return _HeaderScan(_make_header(*fallback), [], None)
    if likeliest is None:
        return _HeaderScan(None, [], None)
    return _HeaderScan(None, likeliest[2], likeliest[1])


# ---------------------------------------------------------------------------------------------------------
# Sources: calamine (xlsx, xlsm, xlsb, xls, ods), openpyxl (fallback for xlsx), csv


@dataclass(slots=True)
class _OpenSheet:
    """A loaded sheet: rows come as lists whose item i is column `col_offset + i` (0-based)."""

    first_row: int  # 1-based number of the first row the iterator can give
    col_offset: int
    merges: list[tuple[tuple[int, int], tuple[int, int]]]  # 0-based (row, col) corners, whole sheet
    rows_from: Callable[[int], Iterator[tuple[int, list]]]  # rows numbered >= n, in order
    check_width: bool  # rows can be wider than the limit (CSV, openpyxl): check each one


@dataclass(slots=True)
class _SheetHandle:
    name: str
    hidden: bool
    skip_reason: str = ""


_DAMAGED = gettext_noop("the workbook cannot be read: it may be damaged ({detail}). {hint}")


def _reader_failed(exc: BaseException, filename: str, sheet: str = "") -> BomReadError:
    if isinstance(exc, python_calamine.PasswordError):
        return BomReadError(_ENCRYPTED_MESSAGE, location=Location(filename, sheet))
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return BomReadError(Message(_DAMAGED, {"detail": detail, "hint": _RESAVE_HINT}), location=Location(filename, sheet))


def _is_reader_panic(exc: BaseException) -> bool:
    # A Rust panic inside calamine reaches Python as pyo3's PanicException, a BaseException: a damaged
    # file must not take the worker down with it.
    return type(exc).__name__ == "PanicException"


def _read_failure(exc: BaseException, filename: str, sheet: str = "") -> BomReadError | None:
    """What a third-party reader's failure means for the officer, or None for what must go on up as it is (our
    own BomReadError, KeyboardInterrupt, SystemExit)."""
    if isinstance(exc, BomReadError) or not (isinstance(exc, Exception) or _is_reader_panic(exc)):
        return None
    return _reader_failed(exc, filename, sheet)


def _guarded(call: Callable, filename: str, sheet: str = ""):
    """Runs a reader call, turning any failure of a third-party reader into BomReadError."""
    try:
        return call()
    except BaseException as exc:
        failure = _read_failure(exc, filename, sheet)
        if failure is None:
            raise
        raise failure from exc


# A big worksheet is parsed in parts, on threads: calamine parses without holding the GIL, and it holds a parsed
# sheet whole (about 1 MB per 1,000 rows of 12 columns). The sheet's XML is cut between rows into stand-alone
# workbooks (every other part copied as it is, the sheet's own head and tail in each), and the parts are parsed a
# few ahead of the rows being read and let go once read (_PartedSheet): the first rows come after one part's
# parse, not the whole sheet's, and a 500,000-row sheet never sits in memory whole.
PARSE_THREADS = 2  # parts parsed at once, ahead of the one being read: a worker process on a 2-CPU host
PARSE_PARTS_MIN_BYTES = 8 * 1024 * 1024  # the sheet's XML, uncompressed: about 20,000 rows of 12 columns
PARSE_PART_BYTES = 4 * 1024 * 1024  # of the sheet's XML per part: about 10,000 rows of 12 columns
PARSE_PARTS_MAX = 64  # parts of one sheet, at most (and under 2, sheets are parsed whole)


def _part_count(archive: zipfile.ZipFile, sheet_bytes: int) -> int:
    """How many parts to cut a worksheet of `sheet_bytes` of XML into. Every part carries the workbook's shared
    strings, parsed again with each part: a part is at least twice their size."""
    shared = archive.NameToInfo.get("xl/sharedStrings.xml")
    part_bytes = max(PARSE_PART_BYTES, 2 * shared.file_size if shared is not None else 0, 1)
    return max(2, min(PARSE_PARTS_MAX, -(-sheet_bytes // part_bytes)))


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')


def _worksheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the archive member holding it, from xl/workbook.xml and its relationships."""
    import defusedxml.ElementTree as ElementTree  # the archive has been checked; these parts are small

    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter(f"{_NS_PKG}Relationship")
    }
    members = {}
    for sheet in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def _cut_sheet(
    source: zipfile.ZipFile, member: str, parts: int, directory: str, stop: threading.Event | None = None,
    sheet_xml: _Blocks | None = None,
) -> list[tuple[str, int | None]] | None:
    """Write the workbook `parts` times into `directory`, each copy holding one run of the sheet's rows, cut at
    row boundaries; returns each copy's path and the number of its first row (None for the first copy), or None
    when the sheet's XML is not written the plain way this relies on (the caller then parses it whole). The
    sheet's XML is read from `sheet_xml` when given, else inflated from `source`."""
    info = source.getinfo(member)
    cuts = [info.file_size * k // parts for k in range(1, parts)]
    copies = [zipfile.ZipFile(f"{directory}/part{k}.xlsx", "w", zipfile.ZIP_STORED) for k in range(parts)]
    try:
        for other in source.infolist():
            if other.filename != member:
                data = source.read(other)
                for copy in copies:
                    copy.writestr(other.filename, data)
        writers = [copy.open(member, "w", force_zip64=True) for copy in copies]
        with contextlib.nullcontext(sheet_xml) if sheet_xml is not None else source.open(info) as stream:
            firsts = _cut_rows(stream, cuts, writers, stop)
        for writer in writers:
            writer.close()
    finally:
        for copy in copies:
            copy.close()
    if firsts is None:
        return None
    return [(f"{directory}/part{k}.xlsx", ([None, *firsts])[k]) for k in range(parts)]


class _SheetCut:
    """The biggest worksheet of an xlsx, cut into parts (_cut_sheet) on a thread of its own while the archive's
    members are still being inflated and scanned for the safety check, so that the two overlap. The cut takes the
    sheet's XML as the check inflates it (`sink`), block by block as each passes, so the sheet is inflated once;
    the workbook's other parts it copies from its own copy of the file's bytes, since the check reads the file
    meanwhile. Nothing parses the parts until the whole check has passed (the workbook is opened only then)."""

    def __init__(self, data: bytes, member: str, parts: int):
        self.member = member
        self._directory = tempfile.mkdtemp(prefix="screening-parts-")
        self._stop = threading.Event()
        self.sink = _Blocks(self._stop)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet-cut")
        self._future = pool.submit(self._cut, data, parts)
        pool.shutdown(wait=False)

    def _cut(self, data: bytes, parts: int) -> list[tuple[str, int | None]] | None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as source:
                return _cut_sheet(source, self.member, parts, self._directory, self._stop, self.sink)
        finally:
            self.sink.gone()  # the check goes on without handing it more

    def result(self) -> list[tuple[str, int | None]] | None:
        """The parts, once cut; None when the sheet could not be cut (it is parsed whole)."""
        try:
            return self._future.result()
        except Exception:  # noqa: BLE001 - a sheet that cannot be cut is parsed whole, as it always could be
            return None

    def close(self) -> None:
        """Stop cutting, and delete the parts."""
        self._stop.set()
        with contextlib.suppress(Exception):
            self._future.result()
        shutil.rmtree(self._directory, ignore_errors=True)


class _Blocks:
    """A member's inflated bytes, handed block by block from the check (the sink: `self(block)`, then
    `self(None)` at its end) to the cut (read). At most a few blocks wait; once the cut is gone or stopped,
    blocks are dropped and reading gives nothing more."""

    def __init__(self, stop: threading.Event):
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._stop = stop
        self._gone = threading.Event()
        self._pending = b""
        self._ended = False

    def __call__(self, block: bytes | None) -> None:
        while not (self._stop.is_set() or self._gone.is_set()):
            try:
                self._queue.put(block, timeout=0.05)
                return
            except queue.Full:
                continue

    def gone(self) -> None:
        self._gone.set()

    def read(self, size: int) -> bytes:
        """Up to `size` bytes, fewer only at the member's end; b"" once it has ended or the cut is stopped."""
        pieces, have = [self._pending], len(self._pending)
        while have < size and not self._ended:
            try:
                block = self._queue.get(timeout=0.05)
            except queue.Empty:
                if self._stop.is_set():
                    return b""
                continue
            if block is None:
                self._ended = True
            else:
                pieces.append(block)
                have += len(block)
        data = b"".join(pieces)
        self._pending = data[size:]
        return data[:size]


def _biggest_worksheet(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The worksheet member worth cutting into parts, if any."""
    sheets = [info for info in archive.infolist()
              if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")]
    biggest = max(sheets, key=lambda info: info.file_size, default=None)
    return biggest if biggest is not None and biggest.file_size >= PARSE_PARTS_MIN_BYTES else None


def _cut_rows(stream, cuts: list[int], writers: list, stop: threading.Event | None = None) -> list[int] | None:
    """Stream the sheet's XML into the writers: writer k gets the head (up to <sheetData>), the rows from cut k
    on to cut k + 1, and the tail (from </sheetData>). Returns the first row number after each cut."""
    head_end, tag = -1, b"<sheetData>"
    head = b""
    while head_end < 0:  # the head: every part starts with it
        block = stream.read(1 << 20)
        if not block or len(head) > (1 << 22):
            return None
        head += block
        head_end = head.find(tag)
    head_end += len(tag)
    # The head's <dimension> states the whole sheet's range; it is dropped so that no part claims rows it lacks.
    prefix = re.sub(rb"<dimension\b[^>]*/>", b"", head[:head_end], count=1)
    pending = head[head_end:]
    offset = head_end  # of `pending`, in the sheet's XML
    current, firsts, last = 0, [], b""
    order = _RowOrder()
    writers[0].write(prefix)
    while True:
        if not order.feed(pending):
            return None  # rows stored out of order: a part's rows would not all lie between its cuts
        while current < len(cuts) and offset + len(pending) > cuts[current]:
            at = pending.find(b"<row ", max(0, cuts[current] - offset))
            if at < 0:
                break  # the next row starts in a later block
            number = _ROW_NUMBER.match(pending, at, at + 4096)
            if number is None:
                return None  # rows without numbers: a part could not say where it starts
            writers[current].write(pending[:at])
            current += 1
            firsts.append(int(number.group(1)))
            writers[current].write(prefix)
            offset += at
            pending = pending[at:]
        writers[current].write(pending)
        offset += len(pending)
        if stop is not None and stop.is_set():
            return None
        last, pending = (last + pending)[-(1 << 20):], stream.read(1 << 22)
        if not pending:
            break
    if (stop is not None and stop.is_set()) or not order.feed(b"", last=True):
        return None
    tail = last  # the sheet's last megabyte: its tail (merges, page set-up...) follows its last row
    end = tail.rfind(b"</sheetData>")
    if current < len(cuts) or end < 0:
        return None
    for writer in writers[:current]:
        writer.write(tail[end:])
    return firsts


class _RowOrder:
    """Whether the rows of a sheet's XML, fed to it block by block, are stored in ascending order of their numbers
    (as Excel and LibreOffice write them; calamine places a row by its number wherever it is stored)."""

    def __init__(self):
        self.last = 0
        self._carry = b""  # from the last row tag of the blocks so far, which may go on in the next block

    def feed(self, block: bytes, *, last: bool = False) -> bool:
        data = self._carry + block
        end = len(data) if last else data.rfind(b"<row")
        if end < 0:
            self._carry = data[-8:]
            return True
        self._carry = data[end:]
        numbers = list(map(int, _ROW_NUMBER.findall(data, 0, end)))
        if not numbers:
            return True
        if numbers[0] <= self.last or any(map(ge, numbers, islice(numbers, 1, None))):
            return False
        self.last = numbers[-1]
        return True


class _PartedSheet:
    """A sheet cut into parts (_cut_sheet), read as calamine reads a whole one: iter_rows() gives every row from the
    top, padded with empty rows above the used range, each from column A (so `start` is (first row, 0)).

    Parts are parsed on PARSE_THREADS threads, up to one more than that ahead of the part being read, and each is
    let go once its rows are being read (read again, it is parsed again). The cut has checked that the numbered rows
    are stored in ascending order; still, before a part's rows are given, the next part holding cells is checked to
    start below it, where its cut said, and if it does not (a row without a number, numbered past the cut), the rest
    of the sheet is parsed whole and read from there. `check` sees each part parsed (the width limit)."""

    def __init__(self, cut: list[tuple[str, int | None]], parse: Callable[[str], python_calamine.CalamineSheet],
                 check: Callable[[python_calamine.CalamineSheet], None], whole: Callable[[], object]):
        self._cut, self._parse, self._check, self._whole = cut, parse, check, whole
        self._pool = ThreadPoolExecutor(max_workers=PARSE_THREADS, thread_name_prefix="sheet-part")
        self._parsed: dict[int, Future] = {}
        try:
            head = self._part(0)
            if head.start is None:
                raise _PartsUnusable
        except BaseException:
            self.close()
            raise
        self.start = (head.start[0], 0)
        self.end = head.end
        self.height = head.end[0] - head.start[0] + 1  # the first part's: the others are not parsed yet
        self.width = head.end[1] + 1
        self.merged_cell_ranges = head.merged_cell_ranges  # the tail, with the merges, is in every part

    def _part(self, k: int) -> python_calamine.CalamineSheet:
        for ahead in range(k, min(k + PARSE_THREADS + 1, len(self._cut))):
            if ahead not in self._parsed:
                self._parsed[ahead] = self._pool.submit(self._parse, self._cut[ahead][0])
        part = self._parsed[k].result()
        if part.start is not None:
            self._check(part)
        return part

    def iter_rows(self) -> Iterator[list]:
        # Chained, not yielded one by one: a Python frame per row of a 500k-row sheet costs more than half a second.
        return chain.from_iterable(self._pieces())

    def _pieces(self) -> Iterator[Iterable[list]]:
        row_index = 0  # 0-based number of the next row to give
        k, current = 0, self._part(0)  # the first part holds cells (see __init__)
        while current is not None:
            j, following = self._holding_cells(k + 1)
            if following is not None and (
                following.start[0] + 1 < self._cut[j][1] or following.start[0] <= current.end[0]
            ):
                # Rows out of place across the cut (a row without a number takes the one after the row above it,
                # which may be the next part's first): the rest as the whole sheet gives it, from column A.
                whole = self._whole()
                rows: Iterable[list] = islice(whole.iter_rows(), row_index, None)
                if whole.start is not None and whole.start[1]:
                    rows = map(add, repeat([None] * whole.start[1]), rows)
                yield rows
                return
            (top, left), end = current.start, current.end[0]
            # Its used range only: iter_rows would pad it with a row of empty cells per row of the parts above.
            rows = current.to_python(skip_empty_area=True)
            for read in range(k, j):  # held as Python rows now: the parsed part (and any empty ones) let go
                self._parsed.pop(read, None)
            current = None
            yield [[] for _ in range(top - row_index)]  # empty rows above it
            if left:  # its used range starts right of column A
                rows = map(add, repeat([None] * left), rows)
            yield rows
            row_index = end + 1
            k, current = j, following

    def _holding_cells(self, k: int) -> tuple[int, python_calamine.CalamineSheet | None]:
        """The first part from part k on that holds cells, and its number (past the last part: None). A part can
        hold none: two cuts in one long row, or rows of nothing."""
        while k < len(self._cut):
            part = self._part(k)
            if part.start is not None:
                return k, part
            k += 1
        return k, None

    def close(self) -> None:
        for future in self._parsed.values():
            future.cancel()
        self._pool.shutdown(wait=True)
        self._parsed.clear()


class _PartsUnusable(Exception):
    """The sheet's parts cannot stand for it (its first part holds no cells): it is parsed whole."""


class _CalamineBook:
    # Loaded sheets are kept while they are small in total, so classifying the sheets and then reading
    # them parses each sheet once; a big workbook is parsed again per sheet instead of held whole.
    _CACHE_CELLS = 3_000_000

    def __init__(self, fileobj: BinaryIO, filename: str, limits: ReadLimits, kind: str = "",
                 cut: _SheetCut | None = None):
        self.filename = filename
        self.limits = limits
        self._fileobj, self._kind, self._cut = fileobj, kind, cut
        self._members: dict[str, tuple[str, int, int]] | None = None
        self._parted: list[contextlib.ExitStack] = []  # the sheets read in parts, with their parts on disk
        fileobj.seek(0)
        self._book = python_calamine.CalamineWorkbook.from_filelike(fileobj)
        self._cache: dict[str, python_calamine.CalamineSheet | _PartedSheet] = {}
        self.sheets = []
        for meta in self._book.sheets_metadata:
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            reason = ""
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                reason = Message(gettext_noop("not a worksheet ({kind})"), {"kind": str(meta.typ).split(".")[-1]})
            self.sheets.append(_SheetHandle(meta.name, hidden, reason))

    def _load(self, name: str) -> python_calamine.CalamineSheet | _PartedSheet:
        sheet = self._cache.get(name)
        if sheet is None:
            sheet = self._parse_in_parts(name) or self._book.get_sheet_by_name(name)
            cells = sheet.height * sheet.width
            if sum(s.height * s.width for s in self._cache.values()) + cells > self._CACHE_CELLS:
                self._cache.clear()
            self._cache[name] = sheet
        return sheet

    def _parse_in_parts(self, name: str) -> _PartedSheet | None:
        """The sheet read in parts (_PartedSheet), when it is big enough to gain by it; None otherwise, or when its
        XML does not cut cleanly (the caller parses it whole, as it always could)."""
        if self._kind != "xlsx" or PARSE_PARTS_MAX < 2:
            return None
        if self._members is None:  # sheet name -> (member, its size), read once per workbook
            self._fileobj.seek(0)
            with zipfile.ZipFile(self._fileobj) as archive:
                try:
                    members = _worksheet_members(archive)
                except (KeyError, SyntaxError, ValueError):  # no such part, or XML the parser refuses
                    members = {}
                self._members = {
                    sheet: (member, info.file_size, _part_count(archive, info.file_size))
                    for sheet, member in members.items() if (info := archive.NameToInfo.get(member)) is not None
                }
        member, size, parts = self._members.get(name, ("", 0, 0))
        if size < PARSE_PARTS_MIN_BYTES:  # small, or not found: parsed whole
            return None

        def parse(path: str) -> python_calamine.CalamineSheet:
            return python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name(name)

        def check(part: python_calamine.CalamineSheet) -> None:
            self._check_width(name, part.end[1] + 1, part.end)

        with contextlib.ExitStack() as cleanup:
            try:
                if self._cut is not None and self._cut.member == member:  # cut while the file was checked
                    cut_by, self._cut = self._cut, None
                    cleanup.callback(cut_by.close)
                    cut = cut_by.result()
                else:
                    directory = tempfile.mkdtemp(prefix="screening-parts-")
                    cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
                    self._fileobj.seek(0)
                    with zipfile.ZipFile(self._fileobj) as source:
                        cut = _cut_sheet(source, member, parts, directory)
                if cut is None:
                    return None
                sheet = _PartedSheet(cut, parse, check, lambda: self._book.get_sheet_by_name(name))
            except BomReadError:
                raise
            except BaseException as exc:  # a part calamine cannot read: the whole sheet may still be read
                if not (isinstance(exc, Exception) or _is_reader_panic(exc)):
                    raise
                return None
            cleanup.callback(sheet.close)
            self._parted.append(cleanup.pop_all())  # its parts stay until the workbook closes
            return sheet

    def _check_width(self, name: str, width: int, end: tuple[int, int] | None) -> None:
        if width > self.limits.max_columns:
            raise BomReadError(
                Message(gettext_noop(
                    "the sheet is {count} columns wide (up to column {last}); the limit is {limit}. Delete the unused "
                    "columns and upload the file again."
                ), {"count": width, "last": _column_letter(end[1]), "limit": self.limits.max_columns}),
                location=Location(self.filename, name),
            )

    def open(self, handle: _SheetHandle) -> _OpenSheet | None:
        sheet = self._load(handle.name)
        start = sheet.start
        if start is None or sheet.height == 0:
            return None
        self._check_width(handle.name, sheet.width, sheet.end or start)
        first_row = start[0] + 1

        def rows_from(n: int) -> Iterator[tuple[int, list]]:
            # calamine's iter_rows pads the rows above the used range with empty rows (so row i of the
            # iterator is spreadsheet row i + 1) but starts each row at the used range's first column.
            skip = max(n, first_row) - 1
            return enumerate(islice(sheet.iter_rows(), skip, None), start=skip + 1)

        return _OpenSheet(first_row, start[1], sheet.merged_cell_ranges or [], rows_from, check_width=False)

    def close(self) -> None:
        self._cache.clear()
        for parted in self._parted:
            parted.close()
        self._parted.clear()
        with contextlib.suppress(python_calamine.CalamineError):  # closed already
            self._book.close()
        if self._cut is not None:
            self._cut.close()


class _OpenpyxlBook:
    """Fallback for xlsx files calamine refuses (unusual part names or XML from some generators).

    openpyxl is about six times slower but streams in read-only mode, reads cached formula values with
    data_only=True and, like calamine, never runs macros. Merged ranges are not available in read-only mode,
    so nothing is filled down here.
    """

    def __init__(self, fileobj: BinaryIO, filename: str, limits: ReadLimits):
        import openpyxl

        self.filename = filename
        self.limits = limits
        fileobj.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._book = openpyxl.load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
        self.sheets = []
        for name in self._book.sheetnames:
            sheet = self._book[name]
            reason = "" if hasattr(sheet, "iter_rows") else Message(gettext_noop("not a worksheet ({kind})"),
                                                                     {"kind": "chart"})
            hidden = getattr(sheet, "sheet_state", "visible") != "visible"
            self.sheets.append(_SheetHandle(name, hidden, reason))

    def open(self, handle: _SheetHandle) -> _OpenSheet | None:
        sheet = self._book[handle.name]

        def rows_from(n: int) -> Iterator[tuple[int, list]]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield from enumerate(sheet.iter_rows(min_row=max(n, 1), values_only=True), start=max(n, 1))

        return _OpenSheet(1, 0, [], rows_from, check_width=True)

    def close(self) -> None:
        self._book.close()


class _CsvBook:
    def __init__(
        self, fileobj: BinaryIO, filename: str, limits: ReadLimits, head: bytes, extra: Mapping[str, Field | None]
    ):
        self.filename = filename
        self.limits = limits
        self._fileobj = fileobj
        self.encoding, self.verified = _detect_encoding(fileobj, head)
        sample_lines = list(islice(_iter_text_lines(fileobj, self.encoding, filename), 400))
        sample = "".join(sample_lines[:50])
        if _CONTROL.search(sample) and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
            raise _not_a_spreadsheet(_BINARY, filename)
        self._skip_sep_line = False
        first = sample_lines[0].strip() if sample_lines else ""
        if len(first) == 5 and first.lower().startswith("sep="):
            # Excel's "sep=;" hint line: Excel hides it, so it is not counted as a row either.
            self.delimiter = first[4]
            self._skip_sep_line = True
        else:
            self.delimiter = _pick_delimiter(sample_lines, limits, extra)
        self.sheets = [_SheetHandle("", False)]

    def open(self, handle: _SheetHandle) -> _OpenSheet | None:
        def rows_from(n: int) -> Iterator[tuple[int, list]]:
            lines = _iter_text_lines(self._fileobj, self.encoding, self.filename)
            if self._skip_sep_line:
                next(lines, None)
            reader = csv.reader(lines, delimiter=self.delimiter)
            number = 0
            try:
                for number, record in enumerate(reader, start=1):  # noqa: B007 - used after the loop
                    if number >= n:
                        yield number, record
            except csv.Error as exc:
                raise BomReadError(
                    Message(gettext_noop("the text cannot be read as CSV after this row ({detail}); check for an "
                                         "unclosed quote"), {"detail": str(exc)}),
                    location=Location(self.filename, "", number + 1),
                ) from exc

        return _OpenSheet(1, 0, [], rows_from, check_width=True)

    def close(self) -> None:
        pass


class _JsonBook:
    """JSON lines or a CycloneDX BOM as one sheet (see jsonbom)."""

    def __init__(self, fileobj: BinaryIO, filename: str, kind: str):
        self.filename = filename
        if kind == "cyclonedx":
            self._source = CycloneDxBook(fileobj, filename)
            self.sheets = [_SheetHandle(CYCLONEDX_SHEET, False)]
        else:
            self._source = JsonLinesBook(fileobj, filename)
            self.sheets = [_SheetHandle("", False)]

    def open(self, handle: _SheetHandle) -> _OpenSheet | None:
        def rows_from(n: int) -> Iterator[tuple[int, list]]:
            return ((number, cells) for number, cells in self._source.rows() if number >= n)

        return _OpenSheet(0, 0, [], rows_from, check_width=True)

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------------------
# The workbook: sniff, check, open, classify sheets


@dataclass(slots=True)
class _Plan:
    info: SheetInfo
    handle: _SheetHandle
    header: _Header | None
    has_data: bool = True
    found: str = ""  # what the likeliest header row held, when no header was found


class _Workbook:
    def __init__(
        self,
        fileobj: BinaryIO,
        *,
        filename: str,
        limits: ReadLimits | None,
        extra_headers: Mapping[str, str] | None = None,
    ):
        self.filename = filename
        self.limits = limits or ReadLimits()
        self.extra = header_mapping(extra_headers)
        self.errors: list[RowError] = []
        self._fileobj, size = _seekable_within_limit(fileobj, filename, self.limits)
        self._cut: _SheetCut | None = None
        try:
            self._open(filename, size)
        except BaseException:
            if self._cut is not None:
                self._cut.close()
            raise

    def _open(self, filename: str, size: int) -> None:
        kind, head = self._sniff(size)
        if kind in ("jsonl", "cyclonedx"):
            self._book = _guarded(lambda: _JsonBook(self._fileobj, filename, kind), filename)
            self.plans = _guarded(self._classify_all, filename)
        elif kind == "csv":
            self._book = _guarded(lambda: _CsvBook(self._fileobj, filename, self.limits, head, self.extra), filename)
            self.plans = _guarded(self._classify_all, filename)
        else:
            self._open_workbook(kind)
        if not any(p.has_data for p in self.plans):
            raise BomReadError(
                Message(gettext_noop("the file holds no data: every sheet is empty. Check that this is the BOM you "
                                     "meant to upload."))
                if self.plans else
                Message(gettext_noop("the file holds no data: it has no sheets. Check that this is the BOM you meant "
                                     "to upload.")),
                location=Location(filename),
            )

    def _sniff(self, size: int) -> tuple[str, bytes]:
        fileobj, filename = self._fileobj, self.filename
        if size == 0:
            raise BomReadError(
                Message(gettext_noop("the file is empty (0 bytes). Upload the BOM again.")), location=Location(filename)
            )
        fileobj.seek(0)
        head = fileobj.read(8192)
        if not isinstance(head, bytes):
            raise TypeError("BomReader needs a file opened in binary mode")
        if head.startswith(_ZIP_MAGICS):
            return _check_zip(fileobj, filename, self.limits, self._begin_cut), head
        if head.startswith(_OLE_MAGIC):
            _check_ole(fileobj, size, filename)
            return "xls", head
        known = _sniff_known_non_spreadsheet(head)
        if known is not None:
            what, hint = known
            raise _not_a_spreadsheet(what, filename, hint=hint)
        json_kind = sniff_json(head)
        if json_kind is not None:
            return json_kind, head
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head)
        if b"\x00" in head and not utf16:
            raise _not_a_spreadsheet(_BINARY, filename)
        return "csv", head

    def _begin_cut(self, archive: zipfile.ZipFile, kind: str) -> dict[str, Callable[[bytes | None], None]]:
        """Begin cutting a big worksheet into parts while the rest of the check runs (see _SheetCut); returns
        the sink the check hands the sheet's XML to as it inflates it."""
        info = _biggest_worksheet(archive) if kind == "xlsx" and PARSE_PARTS_MAX > 1 else None
        if info is None or len(archive.NameToInfo) != len(archive.infolist()):  # a name twice: which one is read?
            return {}
        self._fileobj.seek(0)
        self._cut = _SheetCut(self._fileobj.read(), info.filename, _part_count(archive, info.file_size))
        return {info.filename: self._cut.sink}

    def _open_workbook(self, kind: str) -> None:
        try:
            self._book = _CalamineBook(self._fileobj, self.filename, self.limits, kind, self._cut)
            self.plans = self._classify_all()
            return
        except BomReadError:
            raise
        except BaseException as exc:
            if not (isinstance(exc, Exception) or _is_reader_panic(exc)):
                raise
            failure = exc
        if isinstance(getattr(self, "_book", None), _CalamineBook):
            self._book.close()
        if kind == "xlsx" and not isinstance(failure, python_calamine.PasswordError):
            # calamine refuses some xlsx that Excel opens (odd part names, generators' quirks); openpyxl
            # reads most of those, slower. Its own error is not shown: calamine's says more.
            try:
                self._book = _OpenpyxlBook(self._fileobj, self.filename, self.limits)
                self.errors = []
                self.plans = self._classify_all()
                return
            except BomReadError:
                raise
            except Exception:  # noqa: S110
                pass
        raise _reader_failed(failure, self.filename) from failure

    def _classify_all(self) -> list[_Plan]:
        return [self._classify(handle) for handle in self._book.sheets]

    def _classify(self, handle: _SheetHandle) -> _Plan:
        if handle.skip_reason:
            info = SheetInfo(handle.name, SHEET_SKIPPED, reason=handle.skip_reason, hidden=handle.hidden)
            return _Plan(info, handle, None, has_data=False)
        opened = self._book.open(handle)
        empty = _Plan(SheetInfo(handle.name, SHEET_SKIPPED, reason=Message(gettext_noop("empty sheet")),
                                hidden=handle.hidden), handle, None, has_data=False)
        if opened is None:
            return empty
        scan = _scan_header(opened.rows_from(opened.first_row), self.limits, self.extra)
        if scan.too_wide is not None:
            raise BomReadError(
                Message(gettext_noop(
                    "row {row} has {count} columns; the limit is {limit}. Delete the unused columns and upload the "
                    "file again."
                ), {"row": str(scan.too_wide[0]), "count": scan.too_wide[1], "limit": self.limits.max_columns}),
                location=Location(self.filename, handle.name, scan.too_wide[0]),
            )
        header = scan.header
        if header is None:
            if scan.found_row is None:
                return empty
            found = Message(gettext_noop("{headers} (row {row})"),
                            {"headers": ", ".join(scan.found), "row": str(scan.found_row)})
            reason = Message(gettext_noop(
                "no header row with a Manufacturer, Supplier or Subcontractor column in the first {rows} rows; "
                "found: {found}"
            ), {"rows": self.limits.header_search_rows, "found": found})
            info = SheetInfo(handle.name, SHEET_SKIPPED, reason=reason, hidden=handle.hidden)
            return _Plan(info, handle, None, found=found)
        shift = opened.col_offset
        for index, written, key, first, first_index in header.duplicates:
            self.errors.append(RowError(
                Location(self.filename, handle.name, header.row, written),
                Message(gettext_noop(
                    "column {column} also looks like {field}; the first such column, {first} (column {first_column}), "
                    "is read and this one is not. Rename or remove one of them if that is wrong."
                ), {"column": _column_letter(index + shift), "field": _FIELD_LABEL[Field(key)], "first": first,
                    "first_column": _column_letter(first_index + shift)}),
            ))
        info = SheetInfo(handle.name, header.kind, header.row, dict(header.fields), hidden=handle.hidden)
        return _Plan(info, handle, header)

    @property
    def sheets(self) -> list[SheetInfo]:
        return [plan.info for plan in self.plans]

    @property
    def found_headers(self) -> Message:
        """What the likeliest header row of each sheet held, for a message when no header was found."""
        found = [Message.join([p.info.name, p.found], ": ") if p.info.name else p.found for p in self.plans if p.found]
        return Message.join(found, "; ") if found else Message(gettext_noop("nothing that looks like a header"))

    def no_header_message(self, wanted: str, hint: Message) -> Message:
        """`wanted`: "party" for a company column, "chain" for a contractor and a subcontractor column."""
        several = len(self.plans) > 1 or bool(self.plans[0].info.name)
        template = {
            ("party", True): gettext_noop(
                "no header row with a Manufacturer, Supplier or Subcontractor column in the first {rows} rows of any "
                "sheet; found: {found}."
            ),
            ("party", False): gettext_noop(
                "no header row with a Manufacturer, Supplier or Subcontractor column in the first {rows} rows of the "
                "file; found: {found}."
            ),
            ("chain", True): gettext_noop(
                "no header row with both a Contractor and a Subcontractor column in the first {rows} rows of any "
                "sheet; found: {found}."
            ),
            ("chain", False): gettext_noop(
                "no header row with both a Contractor and a Subcontractor column in the first {rows} rows of the "
                "file; found: {found}."
            ),
        }[(wanted, several)]
        return Message.join([
            Message(template, {"rows": self.limits.header_search_rows, "found": self.found_headers}), hint
        ])

    def read(self, plan: _Plan) -> Iterator[tuple[int, list]]:
        """The sheet's rows after its header, with merged company cells filled down."""
        opened = _guarded(lambda: self._book.open(plan.handle), self.filename, plan.info.name)
        if opened is None or plan.header is None:
            return iter(())
        rows = opened.rows_from(plan.header.row + 1)
        if opened.check_width:
            rows = self._width_checked(rows, plan.info.name)
        fills = _merge_fills(opened, plan.header)
        return _filled(rows, fills) if fills else rows

    def _width_checked(self, rows: Iterator[tuple[int, list]], sheet: str) -> Iterator[tuple[int, list]]:
        limit = self.limits.max_columns
        for rownum, cells in rows:
            if len(cells) > limit and any(_cell_as_text(c) for c in cells[limit:]):
                raise BomReadError(
                    Message(_TOO_WIDE_ROW, {"count": len(cells), "limit": limit}),
                    location=Location(self.filename, sheet, rownum),
                )
            yield rownum, cells

    def close(self) -> None:
        self._book.close()
        if self._cut is not None:  # begun for a book that did not use it (read by openpyxl instead)
            self._cut.close()


def _looks_utf16(head: bytes) -> bool:
    even, odd = head[0:2048:2], head[1:2048:2]
    return len(head) >= 4 and (
        (odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even))
        or (even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd))
    )


def _seekable_within_limit(fileobj: BinaryIO, filename: str, limits: ReadLimits) -> tuple[BinaryIO, int]:
    too_big = gettext_noop(
        "the file is {size}; the limit is {limit}. Split the BOM into smaller files and upload each."
    )
    seekable = getattr(fileobj, "seekable", None)
    if seekable is not None and seekable():
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
        if size > limits.max_file_bytes:
            raise BomReadError(
                Message(too_big, {"size": _size(size), "limit": _size(limits.max_file_bytes)}),
                location=Location(filename),
            )
        return fileobj, size
    # A stream (a socket, a pipe): spool it, stopping at the limit rather than reading it all first.
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - lives with the reader
    copied = 0
    limit = _size(limits.max_file_bytes)
    while chunk := fileobj.read(_CHUNK):
        copied += len(chunk)
        if copied > limits.max_file_bytes:
            spool.close()
            raise BomReadError(
                Message(too_big, {"size": Message(gettext_noop("over {size}"), {"size": limit}), "limit": limit}),
                location=Location(filename),
            )
        spool.write(chunk)
    spool.seek(0)
    return spool, copied  # type: ignore[return-value]


def _merge_fills(opened: _OpenSheet, header: _Header) -> dict[int, list[tuple[int, int, int]]]:
    """Row number -> (target index, source index, last row) for merged ranges that cover company cells."""
    if not opened.merges:
        return {}
    company = {c.index for c in header.columns if c.is_company}
    fills: dict[int, list[tuple[int, int, int]]] = {}
    for (r0, c0), (r1, c1) in opened.merges:
        first, last = r0 + 1, r1 + 1
        source = c0 - opened.col_offset
        if first <= header.row or source not in company:
            continue
        for target in range(c0 - opened.col_offset, c1 - opened.col_offset + 1):
            if target in company:
                fills.setdefault(first, []).append((target, source, last))
    return fills


def _filled(rows: Iterator[tuple[int, list]], fills: dict) -> Iterator[tuple[int, list]]:
    active: list[tuple[int, object, int]] = []  # (target index, value, last row)
    for rownum, cells in rows:
        starting = fills.get(rownum)
        if starting:
            for target, source, last in starting:
                value = cells[source] if source < len(cells) else ""
                active.append((target, value, last))
        if active:
            active = [a for a in active if a[2] >= rownum]
            cells = list(cells)
            for target, value, _last in active:
                if target >= len(cells):  # a row the reader gives short: empty between the parts of a sheet
                    cells += [None] * (target + 1 - len(cells))
                if cells[target] is None or cells[target] == "":
                    cells[target] = value
        yield rownum, cells


# ---------------------------------------------------------------------------------------------------------
# Public API


class BomReader:
    """Reads one uploaded BOM file. Opening it checks the whole file; rows() then streams the lines."""

    def __init__(
        self,
        fileobj: BinaryIO,
        *,
        filename: str,
        limits: ReadLimits | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ):
        """`extra_headers`: the officer's own header -> field pairs for columns the tables do not know."""
        self.filename = filename
        self._workbook = _Workbook(fileobj, filename=filename, limits=limits, extra_headers=extra_headers)
        self.limits = self._workbook.limits
        self.sheets: list[SheetInfo] = self._workbook.sheets
        self.rows_read = 0  # the BOM lines rows() gave
        self._raw_count = 0
        self._row_errors: list[RowError] = []
        self._chain_errors: list[RowError] = []
        if not any(s.kind in (SHEET_BOM, SHEET_CHAIN) for s in self.sheets):
            self._workbook.close()
            raise NoHeaderError(
                self._workbook.no_header_message("party", Message(gettext_noop(
                    "Head the column of manufacturers {manufacturer}, that of suppliers {supplier}, that of "
                    "subcontractors {subcontractor}, and upload the file again."
                ), {"manufacturer": _MANUFACTURER_HEADERS, "supplier": _SUPPLIER_HEADERS,
                    "subcontractor": _SUBCONTRACTOR_HEADERS})),
                location=Location(filename),
                found=self._workbook.found_headers,
            )

    @property
    def errors(self) -> list[RowError]:
        return self._workbook.errors + self._row_errors + self._chain_errors

    def rows(self) -> Iterator[BomRow]:
        """BOM lines of every BOM sheet in order; each call reads the file again from the top."""
        self.rows_read = self._raw_count = 0
        self._row_errors = []
        for plan in self._workbook.plans:
            if plan.info.kind == SHEET_BOM:
                yield from self._sheet_rows(plan)

    def chain_edges(self) -> list[ChainEdge]:
        self._chain_errors = []
        edges: list[ChainEdge] = []
        for plan in self._workbook.plans:
            if plan.info.kind == SHEET_CHAIN:
                edges += _chain_rows(self._workbook, plan, self._chain_errors)
        return edges

    def close(self) -> None:
        self._workbook.close()

    def __enter__(self) -> BomReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def raw_sheets(self, batch_rows: int = 1_000) -> Iterator[tuple[SheetLayout, Iterator[list[tuple[int, tuple]]]]]:
        """Each BOM sheet's layout and its rows as read, in batches of up to `batch_rows`: lists of (row number,
        the mapped columns' raw cells). Blank rows are left out and counted against the row limit; `layout.cook`
        or `layout.cook_table` makes lines of the rest, where and when the caller likes (a job cooks them in its
        chunk tasks, in parallel). Iterate each sheet's batches before taking the next sheet."""
        self.rows_read = self._raw_count = 0
        self._row_errors = []
        for plan in self._workbook.plans:
            if plan.info.kind == SHEET_BOM:
                layout = self._layout(plan)
                yield layout, self._raw_batches(plan, batch_rows)

    def _layout(self, plan: _Plan) -> SheetLayout:
        header = plan.header
        assert header is not None
        book = self._workbook._book
        text_checks = isinstance(book, _CsvBook)
        return SheetLayout(
            file=self.filename,
            sheet=plan.info.name,
            columns=[(c.key, c.header, c.is_company) for c in header.columns],
            header_fields=header.fields,
            max_chars=self.limits.max_cell_chars,
            text_checks=text_checks,
            encoding=book.encoding if text_checks and not book.verified else "",
        )

    def _raw_batches(self, plan: _Plan, size: int) -> Iterator[list[tuple[int, tuple]]]:
        """The sheet's non-blank rows, `size` at a time: each batch is sliced, picked and checked with C-level
        builtins over the whole batch, the job's one loop that runs alone over every row of the file."""
        filename, sheet = self.filename, plan.info.name
        indexes = [c.index for c in plan.header.columns]
        width_needed = max(indexes) + 1
        pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells, i=indexes[0]: (cells[i],))
        blank = len(indexes)
        max_rows = self.limits.max_rows
        rows = self._workbook.read(plan)
        try:  # as _guarded_iter does, without one more generator per row
            while batch := list(islice(rows, size)):
                numbers, cells = zip(*batch, strict=True)
                if min(map(len, cells)) < width_needed:
                    pad = [None] * width_needed
                    cells = [row if len(row) >= width_needed else [*row, *pad[len(row):]] for row in cells]
                picked = list(map(pick, cells))
                kept = list(map(any, picked))  # falsy cells only (None, "", 0, False): blank if None or ""
                for i in [i for i, some in enumerate(kept) if not some]:
                    kept[i] = picked[i].count(None) + picked[i].count("") != blank
                batch = list(compress(zip(numbers, picked, strict=True), kept))
                if self._raw_count + len(batch) > max_rows:
                    raise BomReadError(
                        Message(_TOO_MANY_ROWS, {"limit": max_rows}),
                        location=Location(filename, sheet, batch[max_rows - self._raw_count][0]),
                    )
                self._raw_count += len(batch)
                if batch:
                    yield batch
        except BaseException as exc:
            failure = _read_failure(exc, filename, sheet)
            if failure is None:
                raise
            raise failure from exc

    def _sheet_rows(self, plan: _Plan) -> Iterator[BomRow]:
        layout = self._layout(plan)
        cook, errors = layout.cook, self._row_errors
        for batch in self._raw_batches(plan, 1_000):
            for rownum, cells in batch:
                row = cook(rownum, cells, errors)
                if row is not None:
                    self.rows_read += 1
                    yield row


_UNHASHABLE = frozenset({dict, list})  # a typed cell carried through a payload as {"text", "what"}
_NUMBER_KINDS = frozenset({bool, int, float})
_NUMBER_TEXT_KINDS = frozenset({int, float, type(None)})


class _Cooked(str):
    """Text the checked path made of a cell of a column kept as read: final (a cut cell may end in a space)."""

    __slots__ = ()


def _deferred_text(value: object) -> str:
    """A cell of a column kept as read (SheetLayout.cook_table), as cook() would have made it: text stripped,
    numbers as a spreadsheet shows them."""
    cls = value.__class__
    if cls is str:
        return value.strip()
    if value is None:
        return ""
    if cls is float:
        return _float_text(value)
    return str.__str__(value) if cls is _Cooked else str(value)


class SheetLayout:
    """How one BOM sheet's raw cells become BomRows: the mapped columns in order, their headers as written, and
    the checks that apply to the cells. It is plain data (as_dict / from_dict), so a job can keep a sheet's raw
    rows and cook them elsewhere, with the same result and the same row errors as BomReader.rows()."""

    __slots__ = (
        "file", "sheet", "columns", "header_fields", "row_headers", "max_chars", "text_checks", "encoding", "_keys",
        "_company",
    )

    def __init__(
        self,
        *,
        file: str,
        sheet: str,
        columns: Iterable[tuple[str, str, bool]],
        header_fields: Mapping[str, str],
        max_chars: int,
        text_checks: bool = False,
        encoding: str = "",
    ):
        self.file = file
        self.sheet = sheet
        self.columns = [(key, header, bool(is_company)) for key, header, is_company in columns]
        self._keys = tuple(key for key, _header, _company in self.columns)
        self._company = tuple(company for _key, _header, company in self.columns)
        self.header_fields = dict(header_fields)  # Field value -> header as written
        self.max_chars = max_chars
        self.text_checks = text_checks  # cells from a text file: a company cell that reads as a number is noted
        self.encoding = encoding  # set when the text's decoding was guessed: a U+FFFD in a cell is noted
        # One dict shared by the sheet's rows: they all have the same headers. The country of origin gets its
        # ISO 3166-1 codes beside the cell as written, which stays the evidence.
        country = str(Field.COUNTRY)
        self.row_headers = self.header_fields
        if country in self.header_fields:
            self.row_headers = {**self.header_fields, COUNTRY_CODE: f"{self.header_fields[country]} (ISO 3166-1)"}

    def as_dict(self) -> dict:
        return {
            "file": self.file, "sheet": self.sheet, "columns": [list(c) for c in self.columns],
            "header_fields": self.header_fields, "max_chars": self.max_chars, "text_checks": self.text_checks,
            "encoding": self.encoding,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SheetLayout:
        return cls(
            file=data["file"], sheet=data["sheet"], columns=data["columns"], header_fields=data["header_fields"],
            max_chars=data["max_chars"], text_checks=data.get("text_checks", False),
            encoding=data.get("encoding", ""),
        )

    @staticmethod
    def portable_cell(value: object) -> dict:
        """A typed cell JSON cannot hold (a date, a duration...) as {"text", "what"}; cook reads it back as that
        text and type. Strings, numbers, booleans and None need no such help."""
        text, what = _non_text(value)
        return {"text": text, "what": what}

    def cook(self, rownum: int, cells: list, errors: list[RowError]) -> BomRow | None:
        """The BomRow for one raw row (the mapped columns' cells in order), or None for a blank row or the
        header repeated on a new page; problems with its cells are added to `errors`."""
        # Most rows hold text and numbers and nothing to report: take them in one quick pass, and go over a row
        # again with every check (and its messages) only when something in it needs a word.
        values: dict[str, str] = {}
        max_chars, number_text, encoding = self.max_chars, self.text_checks, self.encoding
        for key, is_company, value in zip(self._keys, self._company, cells, strict=False):
            cls = value.__class__
            if cls is str:
                if "\x00" in value:
                    return self._cook_checked(rownum, cells, errors)
                value = value.strip()
                if not value:
                    continue
                if is_company and number_text and _NUMBER_OR_DATE_TEXT.fullmatch(value):
                    return self._cook_checked(rownum, cells, errors)
                if encoding and "\ufffd" in value:
                    return self._cook_checked(rownum, cells, errors)
            elif value is None:
                continue
            elif cls is float and not is_company:
                value = _float_text(value)
            elif cls is int and not is_company:
                value = str(value)
            else:  # a date, a boolean, or a number where a company is named
                return self._cook_checked(rownum, cells, errors)
            if len(value) > max_chars:
                return self._cook_checked(rownum, cells, errors)
            values[key] = value
        return self._row(rownum, values)

    def cook_table(
        self, raw: list[tuple[int, list]], errors: list[RowError], needed: Collection[str] | None = None
    ) -> RowTable:
        """The lines of many raw rows of this sheet as one RowTable: the same lines, values and row errors as
        cook() row by row, worked out a column at a time (cook_columns)."""
        width = len(self._keys)
        rows_cells = [cells for _rownum, cells in raw]
        if any(len(cells) != width for cells in rows_cells):
            rows_cells = [[*cells[:width], *([None] * (width - len(cells)))] for cells in rows_cells]
        raw_columns = list(zip(*rows_cells, strict=True)) if raw else [() for _key in self._keys]
        return self.cook_columns([rownum for rownum, _cells in raw], raw_columns, errors, needed)

    def cook_columns(
        self, numbers: list[int], raw_columns: Sequence[Sequence | CodedColumn], errors: list[RowError],
        needed: Collection[str] | None = None,
    ) -> RowTable:
        """The lines of raw rows of this sheet, given as their row numbers and a column of raw cells per mapped
        column (a CodedColumn, or the cells line by line), as one RowTable: the same lines, values and row errors
        as cook() row by row. Text columns (most of a BOM) are checked and stripped with a few passes of C-level
        builtins, a CodedColumn's distinct cells once each; rows that need a word (a NUL, a long cell, a date or a
        number where a company belongs...) are cooked one by one by the checked path, as cook() would.

        With `needed` (the fields the screening reads), the other columns whose cells need no word (text, numbers
        where no company belongs) are checked but kept as read: their text is made only for the lines a caller
        asks for (RowTable.row), which are the few with findings."""
        checked: set[int] = set()  # rows to cook one by one, with every check
        deferred: set[str] = set()
        table_columns: dict[str, list] = {}
        for key, raw_column, is_company in zip(self._keys, raw_columns, self._company, strict=True):
            coded = isinstance(raw_column, CodedColumn)
            cells = raw_column.values if coded else raw_column
            needs_word = set() if coded else checked  # a CodedColumn's: indexes of its distinct cells
            if needed is not None and key not in needed and key != _COUNTRY_KEY and not is_company and (
                self._deferrable(cells, needs_word)
            ):
                deferred.add(key)
                column = list(cells)
            else:
                column = self._cook_column(cells, is_company, needs_word)
            if coded:
                if needs_word:
                    checked.update(i for i, code in enumerate(raw_column.codes) if code in needs_word)
                column = raw_column.expand(column)
            table_columns[key] = column
        country = table_columns.get(_COUNTRY_KEY)
        if country is not None:
            codes = {cell: ",".join(country_codes(cell)) if cell else "" for cell in set(country)}
            table_columns[COUNTRY_CODE] = [codes[cell] for cell in country]
        cooked = [cells for key, cells in table_columns.items() if key not in deferred and key != COUNTRY_CODE]
        keep = list(map(any, zip(*cooked, strict=True))) if cooked else [False] * len(numbers)
        if deferred:  # a line may hold nothing but a number or a description
            for i in [i for i, some in enumerate(keep) if not some]:
                keep[i] = any(_deferred_text(table_columns[key][i]) for key in deferred)
        for i in sorted(checked):  # in row order, so their row errors come in the order cook() gives them
            raw_cells = [c.cell(i) if isinstance(c, CodedColumn) else c[i] for c in raw_columns]
            row = self._cook_checked(numbers[i], raw_cells, errors)
            keep[i] = row is not None
            if row is not None:
                for name, cells in table_columns.items():
                    text = row.values.get(name, "")
                    cells[i] = _Cooked(text) if name in deferred else text
        table = RowTable(self.file, self.sheet, self.row_headers, numbers, table_columns,
                         frozenset(deferred), _deferred_text if deferred else None)
        self._drop_repeated_headers(table, keep, checked)
        if not all(keep):
            table.rows = list(compress(numbers, keep))
            table.columns = {name: list(compress(cells, keep)) for name, cells in table_columns.items()}
        return table

    def _deferrable(self, raw_column: Sequence, checked: set[int]) -> bool:
        """Whether a column the screening does not read can be kept as read (text, or numbers), after its checks;
        the rows that need the checked path go to `checked`."""
        kinds = set(map(type, raw_column))
        if kinds <= _NUMBER_TEXT_KINDS:
            # A number's text is at most 24 characters, under any sensible length limit.
            return self.max_chars >= 32
        if not kinds <= {str, type(None)}:
            return False
        self._text_cells(raw_column, kinds, checked, strip=False)
        return True

    def _text_cells(self, raw_column: Sequence, kinds: set, checked: set[int], *, strip: bool) -> Sequence[str]:
        """A column of text and empty cells as text, stripped when `strip`; the rows holding a NUL, an unreadable
        character or a cell over the length limit go to `checked`."""
        texts = raw_column if type(None) not in kinds else [cell or "" for cell in raw_column]
        joined = "\x1f".join(texts)
        if "\x00" in joined:
            checked.update(i for i, cell in enumerate(texts) if "\x00" in cell)
        if self.encoding and "\ufffd" in joined:
            checked.update(i for i, cell in enumerate(texts) if "\ufffd" in cell)
        cells = list(map(str.strip, texts)) if strip else texts
        if cells and max(map(len, cells)) > self.max_chars:  # unstripped, only a longer cell than it reads
            checked.update(i for i, cell in enumerate(cells) if len(cell.strip()) > self.max_chars)
        return cells

    def _cook_column(self, raw_column: Sequence, is_company: bool, checked: set[int]) -> list[str]:
        """One column's cells as text ("" for empty); the rows that need the checked path go to `checked`."""
        number_text = self.text_checks and is_company
        kinds = set(map(type, raw_column))
        if kinds <= {str, type(None)}:
            cells = self._text_cells(raw_column, kinds, checked, strip=True)
            if number_text:
                fullmatch = _NUMBER_OR_DATE_TEXT.fullmatch
                checked.update(i for i, cell in enumerate(cells) if cell and fullmatch(cell))
            return cells
        if not (kinds & _UNHASHABLE or (kinds & _NUMBER_KINDS and len(kinds & _NUMBER_KINDS) > 1)):
            # Numbers and the like repeat down a column (quantities, prices, dates): each distinct value is
            # turned into text once. (No column mixes kinds that compare equal, so 1, 1.0 and True stay apart.)
            texts: dict = {}
            wrong: set = set()
            for value in set(raw_column):
                text, fine = self._cell_text(value, is_company)
                texts[value] = text
                if not fine:
                    wrong.add(value)
            if wrong:
                checked.update(i for i, value in enumerate(raw_column) if value in wrong)
            return [texts[value] for value in raw_column]
        cooked = [self._cell_text(value, is_company) for value in raw_column]  # mixed kinds: rare
        checked.update(i for i, (_text, fine) in enumerate(cooked) if not fine)
        return [text for text, _fine in cooked]

    def _cell_text(self, value: object, is_company: bool) -> tuple[str, bool]:
        """A cell as cook() reads it on its quick pass, and whether that pass takes it as it is (False: the row
        goes to the checked path)."""
        cls = value.__class__
        if cls is str:
            if "\x00" in value:
                return "", False
            text = value.strip()
            if text and ((is_company and self.text_checks and _NUMBER_OR_DATE_TEXT.fullmatch(text))
                         or (self.encoding and "\ufffd" in text)):
                return text, False
        elif value is None:
            return "", True
        elif cls is float and not is_company:
            text = _float_text(value)
        elif cls is int and not is_company:
            text = str(value)
        else:  # a date, a boolean, a typed cell from a payload, or a number where a company is named
            return "", False
        return text, len(text) <= self.max_chars

    def _drop_repeated_headers(self, table: RowTable, keep: list[bool], checked: set[int]) -> None:
        """Marks the rows that repeat the header (a new page of a printed export) as not kept, as _row does."""
        fields = self.header_fields
        key = next((key for key in self._keys if key in fields and key not in table.deferred), None)
        if key is None:
            return
        header = fields[key]
        for i, cell in enumerate(table.columns[key]):
            if cell == header and keep[i] and i not in checked:
                values = table.row(i).values
                values.pop(COUNTRY_CODE, None)
                if values == fields:
                    keep[i] = False

    def _cook_checked(self, rownum: int, cells: list, errors: list[RowError]) -> BomRow | None:
        filename, sheet, max_chars = self.file, self.sheet, self.max_chars
        text_checks, encoding = self.text_checks, self.encoding
        values: dict[str, str] = {}
        for (key, column, is_company), value in zip(self.columns, cells, strict=False):
            if value.__class__ is str:
                if not value:
                    continue
                if "\x00" in value:  # an escaped NUL (_x0000_): no database stores it in text
                    value = value.replace("\x00", "")
                value = value.strip()
                if not value:
                    continue
                if text_checks and is_company and _NUMBER_OR_DATE_TEXT.fullmatch(value):
                    errors.append(RowError(
                        Location(filename, sheet, rownum, column),
                        Message(_NOT_A_COMPANY, {"column": column, "what": _NUMBER_OR_DATE}),
                    ))
            elif value is None:
                continue
            else:
                value, what = (value["text"], value["what"]) if value.__class__ is dict else _non_text(value)
                if not value:
                    continue
                if is_company:
                    errors.append(RowError(
                        Location(filename, sheet, rownum, column),
                        Message(_NOT_A_COMPANY, {"column": column, "what": _CELL_KINDS[what]}),
                    ))
            if len(value) > max_chars:
                errors.append(RowError(
                    Location(filename, sheet, rownum, column),
                    Message(_CELL_CUT, {"length": len(value), "limit": max_chars}),
                ))
                value = value[:max_chars]
            if encoding and "\ufffd" in value:
                errors.append(RowError(
                    Location(filename, sheet, rownum, column),
                    Message(_UNREADABLE_CHARACTERS, {"encoding": encoding}),
                ))
            values[key] = value
        return self._row(rownum, values)

    def _row(self, rownum: int, values: dict[str, str]) -> BomRow | None:
        if not values or values == self.header_fields:  # blank, or the header repeated on a new page
            return None
        country = values.get(_COUNTRY_KEY)
        if country and (codes := country_codes(country)):
            values[COUNTRY_CODE] = ",".join(codes)
        return BomRow(self.file, self.sheet, rownum, values, self.row_headers)


_COUNTRY_KEY = str(Field.COUNTRY)


def _chain_rows(workbook: _Workbook, plan: _Plan, errors: list[RowError]) -> list[ChainEdge]:
    header = plan.header
    assert header is not None
    filename, sheet = workbook.filename, plan.info.name
    max_chars, max_rows = workbook.limits.max_cell_chars, workbook.limits.max_rows
    contractor_key, sub_key = str(Field.CONTRACTOR), str(Field.SUBCONTRACTOR)
    edges: list[ChainEdge] = []
    count = 0
    for rownum, cells in _guarded_iter(workbook.read(plan), filename, sheet):
        values: dict[str, str] = {}
        for column in header.columns:
            raw = cells[column.index] if column.index < len(cells) else None
            text = _cell_as_text(raw)
            if not text:
                continue
            where = Location(filename, sheet, rownum, column.header)
            if column.is_company and raw.__class__ is not str:
                what = _non_text(raw)[1]
                errors.append(RowError(
                    where, Message(_NOT_A_COMPANY, {"column": column.header, "what": _CELL_KINDS[what]})
                ))
            if len(text) > max_chars:
                errors.append(RowError(where, Message(_CELL_CUT, {"length": len(text), "limit": max_chars})))
                text = text[:max_chars]
            values[column.key] = text
        if not values or values == header.fields:
            continue
        count += 1
        if count > max_rows:
            raise BomReadError(
                Message(gettext_noop("the declaration has more than {limit} data rows; this row is over the limit. "
                                     "Split it into smaller files and upload each."), {"limit": max_rows}),
                location=Location(filename, sheet, rownum),
            )
        contractor, subcontractor = values.get(contractor_key, ""), values.get(sub_key, "")
        if not contractor or not subcontractor:
            missing = header.fields[contractor_key] if not contractor else header.fields[sub_key]
            errors.append(RowError(
                Location(filename, sheet, rownum, missing),
                Message(gettext_noop("column {column} is empty, so this subcontracting line is not read"),
                        {"column": missing}),
            ))
            continue
        edges.append(ChainEdge(
            contractor=contractor,
            subcontractor=subcontractor,
            scope=values.get(str(Field.SCOPE), ""),
            share=values.get(str(Field.SHARE), ""),
            domain=values.get(str(Field.DOMAIN), ""),
            location=Location(filename, sheet, rownum, header.fields[sub_key]),
        ))
    return edges


def read_declaration(
    fileobj: BinaryIO,
    *,
    filename: str,
    limits: ReadLimits | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> tuple[list[ChainEdge], list[RowError]]:
    """Reads a separate subcontractor declaration (contractor -> subcontractor lines), in any format."""
    workbook = _Workbook(fileobj, filename=filename, limits=limits, extra_headers=extra_headers)
    try:
        if not any(p.info.kind == SHEET_CHAIN for p in workbook.plans):
            raise NoHeaderError(
                workbook.no_header_message("chain", Message(gettext_noop(
                    "Head the columns {contractor} and {subcontractor}, and upload the file again."
                ), {"contractor": _CONTRACTOR_HEADERS, "subcontractor": _SUBCONTRACTOR_HEADERS})),
                location=Location(filename),
                found=workbook.found_headers,
            )
        errors: list[RowError] = []
        edges: list[ChainEdge] = []
        for plan in workbook.plans:
            if plan.info.kind == SHEET_CHAIN:
                edges += _chain_rows(workbook, plan, errors)
        return edges, workbook.errors + errors
    finally:
        workbook.close()


def iter_table_rows(
    fileobj: BinaryIO, *, filename: str, limits: ReadLimits | None = None
) -> Iterator[tuple[str, int, list[str]]]:
    """Every non-empty row of every worksheet as (sheet, row number, cells as text), for tables that are not
    BOMs (supplier lists). The same sniffing and safety checks apply; headers are left to the caller.
    """
    workbook = _Workbook(fileobj, filename=filename, limits=limits)
    max_rows = workbook.limits.max_rows
    count = 0
    try:
        for plan in workbook.plans:
            if plan.handle.skip_reason:
                continue
            name = plan.info.name
            opened = _guarded(lambda handle=plan.handle: workbook._book.open(handle), filename, name)
            if opened is None:
                continue
            rows = opened.rows_from(opened.first_row)
            if opened.check_width:
                rows = workbook._width_checked(rows, name)
            for rownum, cells in _guarded_iter(rows, filename, name):
                texts = [_cell_as_text(cell) for cell in cells]
                if not any(texts):
                    continue
                count += 1
                if count > max_rows:
                    raise BomReadError(
                        Message(gettext_noop("the file has more than {limit} rows; this row is over the limit. Split "
                                             "it into smaller files and upload each."), {"limit": max_rows}),
                        location=Location(filename, name, rownum),
                    )
                yield name, rownum, texts
    finally:
        workbook.close()


def _guarded_iter(rows: Iterator[tuple[int, list]], filename: str, sheet: str) -> Iterator[tuple[int, list]]:
    """The rows, with a reader's failure while iterating (openpyxl parses as it goes) as BomReadError."""
    try:
        yield from rows
    except BaseException as exc:
        failure = _read_failure(exc, filename, sheet)
        if failure is None:
            raise
        raise failure from exc


__all__ = [
    "HEADER_ALIASES",
    "IGNORE_COLUMN",
    "SHEET_BOM",
    "SHEET_CHAIN",
    "SHEET_SKIPPED",
    "BomReader",
    "ReadLimits",
    "SheetInfo",
    "SheetLayout",
    "field_named",
    "header_mapping",
    "normalise_header",
    "iter_table_rows",
    "read_declaration",
]
