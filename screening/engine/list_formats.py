"""Official list formats beside the project's own CSV/XLSX: OpenSanctions / FollowTheMoney entity JSON lines and
the US Consolidated Screening List (its API's JSON and its CSV), read as a stream of entries.

A reader yields one ListRecord at a time, so a 100k-entity file never needs 100k entries in memory; what it
leaves beside them is small: the relations by the file's own ids, the rejected records (the first
MAX_LISTED_ERRORS of them, and a count), and what was skipped (people, vessels...), counted by kind.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import BinaryIO

from .lists import MAX_NAME_CHARS, ListEntry, ParsedList, RelationEntry, parse_list_rows
from .records import BomReadError, Location, Message, RelationKind, RowError, gettext_noop

MAX_LISTED_ERRORS = 1000  # rejected records listed one by one; the rest are counted
SKIPPED_RELATIONS = "relations to skipped entities"  # a kind of skipped record beside the file's own schemata
SNIFF_BYTES = 64 * 1024
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")


class ListFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    FTM = "ftm"
    CSL_JSON = "csl-json"
    CSL_CSV = "csl-csv"


# How a reader numbers the places it reports: spreadsheet rows, lines of a JSON-lines file, or records.
UNITS = {
    ListFormat.CSV: "row",
    ListFormat.XLSX: "row",
    ListFormat.FTM: "line",
    ListFormat.CSL_JSON: "record",
    ListFormat.CSL_CSV: "row",
}

# FollowTheMoney schemata read as companies; any other entity is skipped and counted.
FTM_COMPANY_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
FTM_OWNERSHIP = "Ownership"
_FTM_NAME_PROPS = ("name",)
_FTM_ALIAS_PROPS = ("alias", "previousName")
_FTM_COUNTRY_PROPS = ("country", "jurisdiction", "mainCountry")
_FTM_REGISTRATION_PROPS = (
    "registrationNumber", "uscCode", "ogrnCode", "innCode", "taxNumber", "vatCode", "idNumber", "dunsCode",
    "permId", "cageCode", "uniqueEntityId", "swiftBic", "okpoCode", "kppCode", "cikCode",
)
CSL_ENTITY_TYPES = frozenset({"entity", ""})  # the others are individuals, vessels and aircraft
# Columns only the CSL's CSV has (the project's own format reads "alt_names" too).
_CSL_SIGNATURE = {
    "_id", "source_list_url", "federal_register_notice", "entity_number", "programs", "source_information_url"
}


@dataclass(slots=True)
class ListRecord:
    """One entry of a list file, under the id the file gives it (the name for the project's own format)."""

    key: str
    entry: ListEntry


@dataclass(frozen=True, slots=True)
class RawRelation:
    """A relation by the file's ids, resolved once every entry has been read."""

    child: str
    parent: str
    kind: RelationKind
    divested: bool
    row: int


@dataclass
class ListStream(ABC):
    """Reads one list file record by record; each format's subclass gives `records`."""

    filename: str
    format: ListFormat
    relations: list[RawRelation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    skipped: Counter = field(default_factory=Counter)  # kind of record -> how many were left out
    skipped_keys: set[str] = field(default_factory=set)  # ids of skipped entities, so links to them are skipped

    @property
    def unit(self) -> str:
        return UNITS[self.format]

    def reject(self, row: int | None, column: str, message: Message | str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(Location(self.filename, "", row, column), message))

    @abstractmethod
    def records(self) -> Iterator[ListRecord]:
        """The file's records in order, calling `reject` for each bad one."""

    def skipped_text(self) -> str:
        """What was left out, for the officer: "3 Person, 1 Vessel"."""
        return str(self.skipped_message())

    def skipped_message(self) -> Message:
        """skipped_text as a message: the file's own kinds (schemata, CSL types) as written, counted."""
        return Message.join([
            Message("{count} {kind}", {
                "count": count, "kind": _SKIPPED_RELATIONS if kind == SKIPPED_RELATIONS else kind,
            })
            for kind, count in sorted(self.skipped.items())
        ], ", ")


_SKIPPED_RELATIONS = Message(gettext_noop("relations to skipped entities"))


# ---------------------------------------------------------------------------------------------------------
# Sniffing: the content decides the format


def sniff_format(head: bytes, *, filename: str = "") -> ListFormat:
    """The format of a list file from its first bytes (SNIFF_BYTES are plenty)."""
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        return ListFormat.XLSX
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"["):
        return ListFormat.CSL_JSON
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0]
        try:
            first = json.loads(first_line)
        except ValueError:
            first = None  # a JSON document over several lines: the CSL API's response
        if isinstance(first, dict) and "schema" in first and "results" not in first:
            return ListFormat.FTM
        return ListFormat.CSL_JSON
    header_line = text.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    header = {cell.strip().strip('"').strip() for cell in header_line.split(",")}
    if "name" in header and header & _CSL_SIGNATURE:
        return ListFormat.CSL_CSV
    return ListFormat.CSV


def open_list(fileobj: BinaryIO, *, filename: str, list_format: ListFormat | str | None = None) -> ListStream:
    """A reader for the file, of the given format or the one its content shows. The file must be seekable."""
    if list_format:
        list_format = ListFormat(list_format)
    else:
        head = fileobj.read(SNIFF_BYTES)
        fileobj.seek(0)
        list_format = sniff_format(head, filename=filename)
    reader = {
        ListFormat.CSV: TableListStream,
        ListFormat.XLSX: TableListStream,
        ListFormat.FTM: FtmListStream,
        ListFormat.CSL_JSON: CslJsonListStream,
        ListFormat.CSL_CSV: CslCsvListStream,
    }[list_format]
    return reader(fileobj, filename=filename, list_format=list_format)


# ---------------------------------------------------------------------------------------------------------
# The project's own CSV / XLSX: read whole (rows of one name are merged), then handed out as records


class TableListStream(ListStream):
    def __init__(self, fileobj: BinaryIO, *, filename: str, list_format: ListFormat):
        super().__init__(filename=filename, format=list_format)
        self.fileobj = fileobj

    def records(self) -> Iterator[ListRecord]:
        from .bom import iter_table_rows

        try:
            parsed = parse_list_rows(_first_sheet(iter_table_rows(self.fileobj, filename=self.filename)),
                                     filename=self.filename)
        except BomReadError as error:
            parsed = ParsedList(errors=[RowError(error.location, error.text)])
        self.errors = parsed.errors[:MAX_LISTED_ERRORS]
        self.error_count = len(parsed.errors)
        self.relations = [
            RawRelation(rel.child, rel.parent, rel.kind, rel.divested, rel.row) for rel in parsed.relations
        ]
        for entry in parsed.entries:
            yield ListRecord(entry.name, entry)


def _first_sheet(rows):
    """A list is one table: the first sheet with any content."""
    first = None
    for sheet, row, cells in rows:
        if first is None:
            first = sheet
        elif sheet != first:
            return
        yield row, cells


# ---------------------------------------------------------------------------------------------------------
# Shared checks


_NAME_TOO_LONG = gettext_noop("the name is {length} characters long; the limit is {limit}.")


def _clean_name(stream: ListStream, row: int, column: str, name) -> str | None:
    name = " ".join(str(name or "").split())
    if not name:
        stream.reject(row, column, Message(gettext_noop("the entity has no name; every entity needs one.")))
        return None
    if len(name) > MAX_NAME_CHARS:
        stream.reject(row, column, Message(_NAME_TOO_LONG, {"length": len(name), "limit": MAX_NAME_CHARS}))
        return None
    return name


def _add_aliases(entry: ListEntry, names: Iterable) -> None:
    for alias in names:
        alias = " ".join(str(alias or "").split())
        if alias and alias != entry.name and alias not in entry.aliases and len(alias) <= MAX_NAME_CHARS:
            entry.aliases.append(alias)


def _is_past(text: str, today: date) -> bool:
    """Whether a date as FollowTheMoney writes it ("2020", "2020-11", "2020-11-17") lies wholly before today."""
    text = text.strip()[:10]
    if not re.match(r"^\d{4}(-\d{2}){0,2}$", text):
        return False
    return text < today.isoformat()[: len(text)]


# ---------------------------------------------------------------------------------------------------------
# FollowTheMoney entities, one JSON object a line (OpenSanctions' entities.ftm.json)


class FtmListStream(ListStream):
    """Company, Organization, LegalEntity (and PublicBody) entities become entries; Ownership entities and a
    company's `parent` property become subsidiary_of relations (divested when the ownership ended before
    `today`); every other schema is skipped and counted."""

    def __init__(self, fileobj: BinaryIO, *, filename: str, list_format: ListFormat = ListFormat.FTM,
                 today: date | None = None):
        super().__init__(filename=filename, format=list_format)
        self.fileobj = fileobj
        self.today = today or date.today()

    def records(self) -> Iterator[ListRecord]:
        for number, raw in enumerate(self.fileobj, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError:
                self.reject(number, "", Message(gettext_noop(
                    "the line is not UTF-8 text; FollowTheMoney files are UTF-8."
                )))
                continue
            except ValueError as error:
                self.reject(number, "", Message(gettext_noop("the line is not a JSON object ({detail})."),
                                                {"detail": str(error)}))
                continue
            record = self._record(number, data)
            if record is not None:
                yield record

    def _properties(self, number: int, data) -> dict | None:
        if not isinstance(data, dict):
            self.reject(number, "", Message(gettext_noop(
                "the line is not a JSON object with id, schema and properties."
            )))
            return None
        missing = [key for key in ("id", "schema") if not isinstance(data.get(key), str) or not data.get(key)]
        if missing:
            self.reject(number, missing[0], Message(gettext_noop(
                "the entity has no '{key}'; every entity needs an id and a schema."
            ), {"key": missing[0]}))
            return None
        properties = data.get("properties", {})
        if not isinstance(properties, dict):
            self.reject(number, "properties", Message(gettext_noop(
                "'properties' must be an object of lists of values."
            )))
            return None
        for key, values in properties.items():
            if not isinstance(values, list):
                self.reject(number, key, Message(gettext_noop(
                    "property '{key}' must be a list of values, as FollowTheMoney writes them."
                ), {"key": key}))
                return None
        return properties

    def _record(self, number: int, data) -> ListRecord | None:
        properties = self._properties(number, data)
        if properties is None:
            return None
        schema, key = data["schema"], data["id"]
        if schema == FTM_OWNERSHIP:
            self._ownership(number, key, properties)
            return None
        if schema not in FTM_COMPANY_SCHEMATA:
            self.skipped[schema] += 1
            self.skipped_keys.add(key)
            return None

        def values(*props: str) -> list[str]:
            return [str(v) for prop in props for v in properties.get(prop, ()) if v not in (None, "")]

        names = values(*_FTM_NAME_PROPS) or ([data["caption"]] if data.get("caption") else [])
        name = _clean_name(self, number, "name", names[0] if names else "")
        if name is None:
            return None
        entry = ListEntry(name=name, row=number)
        _add_aliases(entry, names[1:] + values(*_FTM_ALIAS_PROPS))
        entry.country = next((c.upper() for c in values(*_FTM_COUNTRY_PROPS) if _COUNTRY.match(c)), "")
        entry.lei = next((v.upper() for v in values("leiCode") if _LEI.match(v.upper())), "")
        entry.registration_number = next(iter(values(*_FTM_REGISTRATION_PROPS)), "")[:100]
        notes = values("notes", "summary", "program", "description")
        topics = values("topics")
        reason = "; ".join(notes[:2])
        if topics:
            reason = f"{reason} (topics: {', '.join(topics)})" if reason else f"Topics: {', '.join(topics)}."
        entry.reason = reason
        datasets = data.get("datasets") if isinstance(data.get("datasets"), list) else []
        sources = values("sourceUrl") or values("publisher")
        if sources:
            entry.source = sources[0]
        elif datasets:
            entry.source = f"OpenSanctions: {', '.join(map(str, datasets))}"
        for parent in values("parent"):
            if parent != key:
                self.relations.append(RawRelation(key, parent, RelationKind.SUBSIDIARY_OF, False, number))
        return ListRecord(key, entry)

    def _ownership(self, number: int, key: str, properties: dict) -> None:
        owners = [str(v) for v in properties.get("owner", ()) if v]
        assets = [str(v) for v in properties.get("asset", ()) if v]
        if not owners or not assets:
            side = "owner" if not owners else "asset"
            self.reject(number, side, Message(gettext_noop(
                "the Ownership '{key}' has no {side}; it needs an owner and an asset."
            ), {"key": key, "side": side}))
            return
        ended = [str(v) for v in properties.get("endDate", ()) if v]
        divested = bool(ended) and all(_is_past(end, self.today) for end in ended)
        for owner in owners:
            for asset in assets:
                self.relations.append(RawRelation(asset, owner, RelationKind.SUBSIDIARY_OF, divested, number))


# ---------------------------------------------------------------------------------------------------------
# The US Consolidated Screening List


def _csl_list(value) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _csl_text(value) -> str:
    if isinstance(value, list):
        return "; ".join(_csl_text(v) for v in value if v not in (None, ""))
    return " ".join(str(value).split()) if value is not None else ""


class _CslRecords(ListStream):
    """What the CSL's JSON and CSV share: one entry per CSL record of type Entity (or none given)."""

    def _entry(self, number: int, item: dict) -> ListRecord | None:
        kind = _csl_text(item.get("type")).lower()
        if kind not in CSL_ENTITY_TYPES:
            self.skipped[_csl_text(item.get("type"))] += 1
            return None
        name = _clean_name(self, number, "name", item.get("name"))
        if name is None:
            return None
        entry = ListEntry(name=name, row=number)
        _add_aliases(entry, self._alt_names(item.get("alt_names")))
        for address in self._addresses(item.get("addresses")):
            if _COUNTRY.match(address):
                entry.country = address.upper()
                break
        for id_type, number_text in self._ids(item.get("ids")):
            if not number_text:
                continue
            if ("lei" in id_type.lower() or "legal entity" in id_type.lower()) and _LEI.match(number_text.upper()):
                entry.lei = entry.lei or number_text.upper()
            elif not entry.registration_number:
                entry.registration_number = number_text[:100]
        programs = _csl_text(item.get("programs"))
        notice = _csl_text(item.get("federal_register_notice"))
        start = _csl_text(item.get("start_date"))
        remarks = _csl_text(item.get("remarks"))
        parts = [f"Programs: {programs}" if programs else "",
                 f"{notice} ({start})" if notice and start else notice or (f"listed {start}" if start else ""),
                 remarks]
        entry.reason = ". ".join(part.rstrip(".") for part in parts if part) + ("." if any(parts) else "")
        source = _csl_text(item.get("source"))
        url = _csl_text(item.get("source_list_url"))
        entry.source = ", ".join(part for part in (source, url) if part)
        key = _csl_text(item.get("id") or item.get("_id") or item.get("entity_number")) or f"#{number}"
        return ListRecord(f"{key}#{number}", entry)

    @staticmethod
    def _alt_names(value) -> list[str]:
        return [name for name in _csl_list(value) if isinstance(name, str)]

    @staticmethod
    def _addresses(value) -> Iterator[str]:
        """The country codes of the record's addresses."""
        for address in _csl_list(value):
            if isinstance(address, dict):
                yield _csl_text(address.get("country"))

    @staticmethod
    def _ids(value) -> Iterator[tuple[str, str]]:
        for item in _csl_list(value):
            if isinstance(item, dict):
                yield _csl_text(item.get("type")), _csl_text(item.get("number"))


class CslJsonListStream(_CslRecords):
    """The CSL API's search response ({"results": [...]}) or a bare list of its records, read with ijson."""

    def __init__(self, fileobj: BinaryIO, *, filename: str, list_format: ListFormat = ListFormat.CSL_JSON):
        super().__init__(filename=filename, format=list_format)
        self.fileobj = fileobj

    def records(self) -> Iterator[ListRecord]:
        import ijson

        head = self.fileobj.read(SNIFF_BYTES).lstrip(codecs.BOM_UTF8).lstrip()
        self.fileobj.seek(0)
        prefix = "item" if head.startswith(b"[") else "results.item"
        number = 0
        try:
            for number, item in enumerate(ijson.items(_SkipBom(self.fileobj), prefix, use_float=True), start=1):
                if not isinstance(item, dict):
                    self.reject(number, "", Message(gettext_noop("the record is not a JSON object.")))
                    continue
                record = self._entry(number, item)
                if record is not None:
                    yield record
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as error:
            self.reject(None, "", Message(gettext_noop(
                "the file is not valid JSON after record {record} ({detail}). Nothing was read from there on: download "
                "the file again."
            ), {"record": str(number), "detail": str(error)}))
        if number == 0 and not self.error_count:
            self.reject(None, "", Message(gettext_noop(
                "no records found: a CSL JSON file is the API's response ({example}) or a list of its records."
            ), {"example": '{"results": [...]}'}))


class _SkipBom:
    """A byte stream without a leading UTF-8 BOM, for ijson."""

    def __init__(self, fileobj: BinaryIO):
        self.fileobj = fileobj
        self.first = True

    def read(self, size: int = -1) -> bytes:
        data = self.fileobj.read(size)
        if self.first:
            self.first = False
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
        return data


class CslCsvListStream(_CslRecords):
    """The CSL's CSV download: one row per record; list fields (alt_names, addresses, ids) joined with ";"."""

    def __init__(self, fileobj: BinaryIO, *, filename: str, list_format: ListFormat = ListFormat.CSL_CSV):
        super().__init__(filename=filename, format=list_format)
        self.fileobj = fileobj

    def records(self) -> Iterator[ListRecord]:
        text = io.TextIOWrapper(self.fileobj, encoding="utf-8-sig", newline="")
        try:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                self.reject(None, "", Message(gettext_noop(
                    "the file is empty: it needs the CSL's header row, then one row per record."
                )))
                return
            columns = [cell.strip().lower() for cell in header]
            if "name" not in columns:
                found = ", ".join(header)
                self.reject(1, "", Message(gettext_noop("no 'name' column in the header row (found: {found})."),
                                           {"found": found}) if found else
                            Message(gettext_noop("no 'name' column in the header row (found: nothing).")))
                return
            row = 1
            for cells in reader:
                row += 1
                if not any(cell.strip() for cell in cells):
                    continue
                item = dict(zip(columns, cells, strict=False))
                item["alt_names"] = _split(item.get("alt_names", ""))
                item["addresses"] = [{"country": _address_country(a)} for a in _split(item.get("addresses", ""))]
                item["ids"] = [_csv_id(i) for i in _split(item.get("ids", ""))]
                record = self._entry(row, item)
                if record is not None:
                    yield record
                row = max(row, reader.line_num)  # a quoted cell over several lines
        except UnicodeDecodeError:
            self.reject(None, "", Message(gettext_noop(
                "the file is not UTF-8 text; save the CSV as UTF-8 and import it again."
            )))
        except csv.Error as error:
            self.reject(None, "", Message(gettext_noop("the CSV cannot be read ({detail})."), {"detail": str(error)}))
        finally:
            text.detach()


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _address_country(address: str) -> str:
    """The country code the CSL CSV ends each address with ("Bantian, Longgang, Shenzhen, CN")."""
    last = address.rsplit(",", 1)[-1].strip()
    return last if _COUNTRY.match(last) else ""


def _csv_id(text: str) -> dict:
    """An id as the CSL CSV writes it: "type, number[, country]"."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) >= 2:
        return {"type": parts[0], "number": parts[1]}
    return {"type": "", "number": parts[0]}


# ---------------------------------------------------------------------------------------------------------
# Relations by file id, and a whole file in memory (screening against list files, tests)


def resolve_relations(
    stream: ListStream, target: Callable[[str], object | None]
) -> Iterator[tuple[object, object, RelationKind, bool]]:
    """The stream's relations as (child, parent, kind, divested) with ids mapped by `target` (None: no entry of
    that id). A link to a skipped entity (a person, say) is skipped and counted; to an unknown id, rejected."""
    for relation in stream.relations:
        child, parent = target(relation.child), target(relation.parent)
        if child is None or parent is None:
            missing = relation.child if child is None else relation.parent
            if missing in stream.skipped_keys:
                stream.skipped[SKIPPED_RELATIONS] += 1
                continue
            if stream.format in (ListFormat.CSV, ListFormat.XLSX):
                stream.reject(relation.row, "parent", Message(gettext_noop(
                    "parent '{name}' is not an entity of this file."
                ), {"name": missing}))
            elif child is None:
                stream.reject(relation.row, "", Message(gettext_noop(
                    "the owned company '{name}' is not an entity of this file (or was rejected above)."
                ), {"name": missing}))
            else:
                stream.reject(relation.row, "", Message(gettext_noop(
                    "the owner '{name}' is not an entity of this file (or was rejected above)."
                ), {"name": missing}))
            continue
        if child == parent:
            continue  # two ids of one merged name
        yield child, parent, relation.kind, relation.divested


def read_list(
    fileobj: BinaryIO, *, filename: str, list_format: ListFormat | str | None = None
) -> tuple[ParsedList, ListStream]:
    """A whole list file in memory, records of one name merged, as the CSV reader gives it."""
    stream = open_list(fileobj, filename=filename, list_format=list_format)
    parsed = ParsedList()
    by_name: dict[str, ListEntry] = {}
    name_of: dict[str, str] = {}
    for record in stream.records():
        held = by_name.get(record.entry.name)
        if held is None:
            by_name[record.entry.name] = record.entry
            parsed.entries.append(record.entry)
        else:
            held.merge(record.entry)
        name_of[record.key] = record.entry.name
    seen = set()
    for child, parent, kind, divested in resolve_relations(stream, name_of.get):
        if (child, parent, kind) not in seen:
            seen.add((child, parent, kind))
            parsed.relations.append(RelationEntry(child, parent, kind, divested, 0))
    parsed.errors = list(stream.errors)
    if not parsed.entries and not stream.error_count:
        parsed.errors.append(RowError(Location(filename), no_entities_message(stream)))
        stream.error_count += 1
    return parsed, stream


def no_entities_message(stream: ListStream) -> Message:
    if stream.skipped:
        return Message(gettext_noop("the file holds no companies or categories to import (skipped: {skipped})."),
                       {"skipped": stream.skipped_message()})
    return Message(gettext_noop("the file holds no companies or categories to import."))

