"""The plain records that flow through the engine: BOM rows in, findings out.

Every stage (bom -> matcher -> chains -> policy) speaks in these types, so each can be tested alone and the
Django side only has to turn them into rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby
from json.encoder import encode_basestring_ascii as _json_string  # json.dumps's own (ensure_ascii)
from operator import itemgetter


class Field(StrEnum):
    """What a BOM column means, whatever its header says."""

    LINE = "line"
    PART_NUMBER = "part_number"
    MPN = "mpn"
    DESCRIPTION = "description"
    MANUFACTURER = "manufacturer"
    SUPPLIER = "supplier"
    SUBCONTRACTOR = "subcontractor"
    CONTRACTOR = "contractor"  # only on a subcontractor declaration sheet
    COUNTRY = "country_of_origin"
    QUANTITY = "quantity"
    UNIT = "unit"
    UNIT_PRICE = "unit_price"
    TOTAL_PRICE = "total_price"
    CURRENCY = "currency"
    DOMAIN = "domain"
    SOFTWARE = "software"
    SCOPE = "scope"  # declaration: what the subcontractor does
    SHARE = "share"  # declaration: share subcontracted
    REGISTRATION = "registration_number"
    PRODUCT_CODE = "product_code"  # HS / HTS / commodity code of the line's product


# Cells in these columns describe the product; a listed product category is matched against them.
PRODUCT_FIELDS: tuple[Field, ...] = (Field.PRODUCT_CODE, Field.DESCRIPTION, Field.PART_NUMBER, Field.MPN)


# Not a column but read from one: the country-of-origin cell as ISO 3166-1 alpha-2 codes ("CN", or "SE,CN" for a
# cell naming two), set by the reader beside the cell as written when every country in it is recognised.
COUNTRY_CODE = "country_code"

# Cells in these columns name companies and are screened.
PARTY_FIELDS: tuple[Field, ...] = (Field.MANUFACTURER, Field.SUPPLIER, Field.SUBCONTRACTOR)

# A sheet may have more than one column of a party kind ("Manufacturer" and "Brand"): the second and third
# arrive in BomRow.values as "manufacturer~2", "manufacturer~3", and are screened like the first.
MAX_PARTY_COLUMNS = 3


def party_key(field: Field | str, n: int) -> str:
    return str(field) if n == 1 else f"{field}~{n}"


# (key in BomRow.values, the party field it holds), every party column a sheet may have
PARTY_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (party_key(field, n), str(field)) for field in PARTY_FIELDS for n in range(1, MAX_PARTY_COLUMNS + 1)
)


class ListKind(StrEnum):
    RESTRICTED = "restricted"
    TRUSTED = "trusted"


class RelationKind(StrEnum):
    SUBSIDIARY_OF = "subsidiary_of"
    AFFILIATE_OF = "affiliate_of"
    SUBCONTRACTS_TO = "subcontracts_to"


class EntityKind(StrEnum):
    """What a list entry describes: a company, or a product category with no named vendor."""

    COMPANY = "company"
    CATEGORY = "category"


OWNERSHIP_RELATIONS = frozenset({RelationKind.SUBSIDIARY_OF, RelationKind.AFFILIATE_OF})


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    REVIEW = "review"
    FAIL = "fail"


class NetworkDomain(StrEnum):
    CORE = "core"
    MANAGEMENT = "management"
    RAN = "ran"
    TRANSPORT = "transport"
    NFVI = "nfvi"
    OSS_BSS = "oss_bss"
    SITE = "site"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Location:
    """Where something sits in an uploaded file, as a spreadsheet program shows it."""

    file: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the header as written, or the column letter when there is no header


# ---------------------------------------------------------------------------------------------------------
# Messages for people: English here, in the reader's language on the Django side


def gettext_noop(text: str) -> str:
    """Marks a message template for translation and returns it unchanged.

    The engine never imports Django; Django's makemessages extracts every string passed to a function of this name
    (it calls xgettext with --keyword=gettext_noop), and screening.messages translates the template when it shows
    the message.
    """
    return text


def english_number(value: int | float) -> str:
    """A number in a message, as the English text writes it: 1,234 and 1,234.5."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def english_size(n: int) -> str:
    """A size in bytes as the English text writes it: "613 bytes", "1.5 MB"."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Message:
    """A message for people: an English template with {named} placeholders, and the values to put in them.

    str() is the English text. The Django side shows the same message in the reader's language: it translates the
    template (and every template among the values: a value that is itself words is a Message of its own) and
    writes the numbers as the language does. Ints and floats are quantities, written with grouping (1,000,000);
    a row number or other identifier goes in as text.
    """

    template: str
    params: dict = field(default_factory=dict)
    # as_json()'s text, once made: a finding's copies share one message, written for each of thousands of rows.
    _json: str | None = field(default=None, init=False, repr=False, compare=False)

    def __str__(self) -> str:
        return self.render()

    def render(
        self,
        translate: Callable[[str], str] = _same,
        language: str = "en",
        number: Callable[[int | float], str] = english_number,
        size: Callable[[int], str] = english_size,
    ) -> str:
        """The text, with `translate` applied to every template, `number` writing every number and `size` every
        FileSize."""
        values = {
            name: _render_param(value, translate, language, number, size) for name, value in self.params.items()
        }
        translated = translate(self.template)
        try:
            return translated.format_map(values)
        except (KeyError, IndexError, ValueError):  # a translation that lost or mistyped a placeholder
            return self.template.format_map(values)

    def as_dict(self) -> dict:
        """The message as JSON: {"template": ..., "params": {...}}, values that are messages as such dicts."""
        return {"template": self.template, "params": {name: _param_as_json(v) for name, v in self.params.items()}}

    def as_json(self) -> str:
        """as_dict() as compact JSON text, encoded once per message (a message is not changed once made)."""
        if self._json is None:
            text = json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":"))
            object.__setattr__(self, "_json", text)  # frozen: only this cache is ever set after __init__
        return self._json

    @classmethod
    def from_dict(cls, data: dict) -> Message:
        params = data.get("params") or {}
        return cls(str(data.get("template", "")), {name: _param_from_json(v) for name, v in params.items()})

    @classmethod
    def plain(cls, text: str) -> Message:
        """Text that is not to be translated (a library's own message, a name), as a message."""
        return cls("{text}", {"text": text})

    @classmethod
    def join(cls, parts: Iterable[Message | str], separator: str = " ") -> Message:
        """Several messages as one, in order, separated as given ("" parts left out)."""
        parts = [part for part in parts if part != ""]
        if len(parts) == 1 and isinstance(parts[0], Message):
            return parts[0]
        escaped = separator.replace("{", "{{").replace("}", "}}")
        template = escaped.join(f"{{part{i}}}" for i in range(len(parts)))
        return cls(template, {f"part{i}": part for i, part in enumerate(parts)})


def as_message(message: Message | str) -> Message:
    return message if isinstance(message, Message) else Message.plain(str(message))


@dataclass(frozen=True, slots=True)
class HeaderWords:
    """A value of a message: the headers to give a column of `field`, as "Manufacturer (or Mfr, Make, Brand, OEM)".

    In English it names `english`; in another language, the reader's own header words for the field
    (engine.data.header_words) first, then the first English one, all of which the reader recognises.
    """

    field: str
    english: tuple[str, ...]

    def render(self, translate: Callable[[str], str] = _same, language: str = "en") -> str:
        words = list(self.english)
        native = _native_header_words(self.field, language)
        if native:
            words = [*native[:3], *(word for word in self.english[:1] if word not in native)]
        if len(words) == 1:
            return words[0]
        either = Message(gettext_noop("{first} (or {others})"), {"first": words[0], "others": ", ".join(words[1:])})
        return either.render(translate, language)

    def __str__(self) -> str:
        return self.render()


def _native_header_words(field_name: str, language: str) -> tuple[str, ...]:
    from screening.engine.data.header_words import HEADER_WORDS  # it imports this module

    try:
        return HEADER_WORDS.get(Field(field_name), {}).get(language.split("-")[0].lower(), ())
    except ValueError:
        return ()


@dataclass(frozen=True, slots=True)
class FileSize:
    """A value of a message: a size in bytes, written as the reader's language writes sizes ("1.5 MB")."""

    bytes: int

    def __str__(self) -> str:
        return english_size(self.bytes)


def file_size(n: float) -> FileSize:
    return FileSize(int(n))


@dataclass(frozen=True, slots=True)
class Localised:
    """A value of a message already written in each language (a library's own message, rendered once per
    language where it was raised): `texts` by language code, "en" the English one."""

    texts: dict

    def render(self, language: str = "en") -> str:
        texts = self.texts
        return texts.get(language) or texts.get(language.split("-")[0]) or texts.get("en", "")

    def __str__(self) -> str:
        return self.render()


def _render_param(value, translate, language, number, size) -> str:
    if isinstance(value, Message):
        return value.render(translate, language, number, size)
    if isinstance(value, FileSize):
        return size(value.bytes)
    if isinstance(value, HeaderWords):
        return value.render(translate, language)
    if isinstance(value, Localised):
        return value.render(language)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def _param_as_json(value):
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, HeaderWords):
        return {"header_words": value.field, "english": list(value.english)}
    if isinstance(value, FileSize):
        return {"file_size": value.bytes}
    if isinstance(value, Localised):
        return {"localised": dict(value.texts)}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


def _param_from_json(value):
    if isinstance(value, dict):
        if "header_words" in value:
            return HeaderWords(str(value["header_words"]), tuple(str(word) for word in value.get("english") or ()))
        if "file_size" in value:
            return FileSize(int(value["file_size"]))
        if "localised" in value:
            return Localised({str(code): str(text) for code, text in (value["localised"] or {}).items()})
        return Message.from_dict(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


# How a place in a file is written before a message about it: "bid.xlsx, sheet RAN, row 14, column Mfr".
_SHEET = gettext_noop("sheet {sheet}")
_ROW = gettext_noop("row {row}")
_LINE = gettext_noop("line {row}")
_RECORD = gettext_noop("record {row}")
_COLUMN = gettext_noop("column {column}")
_FIELD = gettext_noop("field {column}")
_UNITS = {"row": _ROW, "line": _LINE, "record": _RECORD}


def where_message(location: Location, *, unit: str = "row") -> Message:
    """The place as words: the file, then the sheet, the row (or line, or record) and the column (or field)."""
    parts: list[Message | str] = [location.file]
    if location.sheet:
        parts.append(Message(_SHEET, {"sheet": location.sheet}))
    if location.row:
        parts.append(Message(_UNITS.get(unit, _ROW), {"row": str(location.row)}))
    if location.column:
        parts.append(Message(_COLUMN if unit == "row" else _FIELD, {"column": location.column}))
    return Message.join(parts, ", ")


def located(location: Location, message: Message, *, unit: str = "row") -> Message:
    """"where: what", or the message alone when the place is unknown."""
    where = where_message(location, unit=unit)
    return Message.join([where, message], ": ") if where.params else message


@dataclass(slots=True, init=False)
class RowError:
    """A problem with one place in a file; the rest of the file is still screened.

    `text` is the message with its template (shown in the reader's language); `message` is its English text.
    """

    location: Location
    text: Message

    def __init__(self, location: Location, message: Message | str):
        self.location = location
        self.text = as_message(message)

    @property
    def message(self) -> str:
        return str(self.text)

    def __repr__(self) -> str:
        return f"RowError({self.location!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowError) and (self.location, self.text) == (other.location, other.text)

    def as_dict(self) -> dict:
        return {
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
            "message": self.message,
        }


class BomReadError(Exception):
    """The file as a whole cannot be screened (not a spreadsheet, encrypted, too big, no header...).

    `text` is the message with its template; `message` its English text; str() the English text after the place.
    """

    def __init__(self, message: Message | str, *, location: Location):
        self.text = as_message(message)
        self.message = str(self.text)
        super().__init__(self.message)
        self.location = location

    def __str__(self) -> str:
        return str(self.located_text)

    @property
    def located_text(self) -> Message:
        """The message after the place it is about, as str() gives it in English."""
        return located(self.location, self.text)

    def as_dict(self) -> dict:
        return RowError(self.location, self.text).as_dict()


class NoHeaderError(BomReadError):
    """No sheet has a header row with a company column; `found` is what the likeliest header row held (English),
    `found_text` the same as a message."""

    def __init__(self, message: Message | str, *, location: Location, found: Message | str = ""):
        super().__init__(message, location=location)
        self.found_text = as_message(found)
        self.found = str(self.found_text)


@dataclass(slots=True)
class BomRow:
    """One BOM line: the mapped fields as text, and where each came from."""

    file: str
    sheet: str
    row: int  # 1-based, as a spreadsheet program numbers it
    values: dict[str, str]  # Field value -> cell text (stripped; empty cells left out)
    headers: dict[str, str] = field(default_factory=dict)  # Field value -> header as written

    def get(self, name: Field | str) -> str:
        return self.values.get(str(name), "")

    @property
    def country_codes(self) -> tuple[str, ...]:
        """The ISO 3166-1 alpha-2 codes of the line's country of origin; the cell as written is
        get(Field.COUNTRY)."""
        codes = self.values.get(COUNTRY_CODE, "")
        return tuple(codes.split(",")) if codes else ()


@dataclass(slots=True)
class RowTable:
    """BOM lines of one sheet held by column, as a chunk task screens them: a column per mapped field (and the
    country codes), one cell text per line, "" where the line leaves it empty. Screening 10,000 lines this way
    makes no dict per line; row(i) gives line i as a BomRow (for the few lines that have findings)."""

    file: str
    sheet: str
    headers: dict[str, str]  # Field value -> header as written, shared with the BomRows
    rows: list[int]  # each line's row number
    columns: dict[str, list]  # Field value -> the column's cells, in line order
    # Columns kept as read, their text made only for the lines row() gives (numbers, descriptions...: what the
    # screening itself does not read), by `text`; their cells have been checked already.
    deferred: frozenset[str] = frozenset()
    text: Callable[[object], str] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, i: int) -> BomRow:
        text, deferred = self.text, self.deferred
        cells = ((name, text(column[i]) if name in deferred else column[i]) for name, column in self.columns.items())
        values = {name: cell for name, cell in cells if cell}
        return BomRow(self.file, self.sheet, self.rows[i], values, self.headers)

    def bom_rows(self) -> list[BomRow]:
        return [self.row(i) for i in range(len(self.rows))]

    def cells(self, i: int) -> dict[str, str]:
        """Line i's non-empty cells by the header they sit under, as a finding keeps them for evidence."""
        row = self.row(i)
        return {row.headers.get(name, name): value for name, value in row.values.items()}

    def cells_json(self, lines: Sequence[int]) -> list[str]:
        """json.dumps(self.cells(i)) for each of `lines`, made a column at a time: each distinct cell of a column is
        encoded once, and a line's text is joined from its columns' pieces."""
        headers = [self.headers.get(name, name) for name in self.columns]
        if not lines or len(set(headers)) != len(headers):  # two columns under one header: as a dict keeps them
            return [json.dumps(self.cells(i)) for i in lines]
        encode = _json_string
        pick = itemgetter(*lines) if len(lines) > 1 else (lambda column, i=lines[0]: (column[i],))
        pieces = []
        for header, (name, column) in zip(headers, self.columns.items(), strict=True):
            values = pick(column)
            prefix = encode(header) + ": "
            if name in self.deferred:  # kept as read: a cell's text depends on its kind too (1, 1.0, "1 ")
                values = list(zip(map(type, values), values, strict=True))
                texts = {}
                for kind_value in set(values):
                    text = self.text(kind_value[1])
                    texts[kind_value] = prefix + encode(text) if text else ""
            else:
                texts = {value: prefix + encode(value) if value else "" for value in set(values)}
            pieces.append(map(texts.__getitem__, values))
        return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*pieces, strict=True)]

    @classmethod
    def of_rows(cls, rows: Iterable[BomRow]) -> list[RowTable]:
        """BomRows as tables, one per run of rows from the same sheet."""
        tables: list[RowTable] = []
        for (file, sheet), group in groupby(rows, key=lambda row: (row.file, row.sheet)):
            group = list(group)
            names = list(dict.fromkeys(name for row in group for name in row.values))
            tables.append(cls(
                file, sheet, group[0].headers, [row.row for row in group],
                {name: [row.values.get(name, "") for row in group] for name in names},
            ))
        return tables


@dataclass(frozen=True, slots=True)
class CodedColumn:
    """A column of raw cells kept as its distinct cells and, per line, the index of its cell among them: a BOM's
    text columns repeat a few thousand names and words over their lines, so a chunk task checks and strips each
    distinct cell once (SheetLayout.cook_columns)."""

    values: Sequence  # the distinct cells, in order of first appearance
    codes: Sequence[int]  # per line, its cell's index in `values`

    def __len__(self) -> int:
        return len(self.codes)

    def cell(self, i: int) -> object:
        return self.values[self.codes[i]]

    def expand(self, values: Sequence | None = None) -> list:
        """The column line by line: its cells, or the corresponding item of `values` (one per distinct cell)."""
        return list(map((self.values if values is None else values).__getitem__, self.codes))


@dataclass(frozen=True, slots=True)
class ChainEdge:
    """A declared subcontracting link: `contractor` subcontracts work to `subcontractor`."""

    contractor: str
    subcontractor: str
    scope: str = ""
    share: str = ""
    domain: str = ""
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """An entity of one version of a supplier list, as the matcher sees it."""

    key: str  # stable within the list version (the database id, or a row-derived key offline)
    name: str
    list_name: str
    list_kind: ListKind
    list_version: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    identifiers: tuple[str, ...] = ()
    reason: str = ""
    source: str = ""
    kind: EntityKind = EntityKind.COMPANY
    keywords: tuple[str, ...] = ()  # a category's words and phrases, matched in a line's description
    product_codes: tuple[str, ...] = ()  # a category's product codes (HS code prefixes, model numbers)


@dataclass(frozen=True, slots=True)
class ListedRelation:
    """`child` is a subsidiary / affiliate of `parent`, or `child` subcontracts to `parent`."""

    child: str  # ListedEntity.key
    parent: str  # ListedEntity.key
    kind: RelationKind
    divested: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A name from a BOM that resolves to a listed entity."""

    entity: ListedEntity
    score: float  # in [0, 1]
    confirmed: bool  # exact or alias match after normalisation; False: possible (fuzzy) match
    matched_name: str  # the canonical name or alias that matched
    explanation: Message  # str() is the English text


@dataclass(slots=True)
class Finding:
    """One flag on one cell, with the evidence an officer needs to decide on it."""

    location: Location
    field: str
    value: str  # the cell as written
    party: str  # the one company out of the cell this finding is about
    rule: str
    severity: Severity
    entity: ListedEntity | None
    score: float | None
    path: tuple[str, ...]  # from the party named in the BOM to the listed entity
    explanation: str  # English
    domain: str = ""
    # The explanation with its template, to show it in the reader's language; the copies of one rule's result
    # for one cell share it (and `explanation`), so a writer encodes each once.
    explanation_text: Message | None = None

    def placed(self, location: Location, value: str) -> Finding:
        """This finding (a rule's result for a cell) on one row's cell: a copy at `location`, quoting `value`."""
        return Finding(
            location, self.field, value, self.party, self.rule, self.severity, self.entity, self.score, self.path,
            self.explanation, self.domain, self.explanation_text,
        )

    @property
    def dedupe_key(self) -> tuple:
        """Two findings with this key are the same flag; the database enforces it too."""
        return (
            self.location.file,
            self.location.sheet,
            self.location.row,
            self.field,
            self.party,
            self.rule,
            self.entity.key if self.entity else "",
        )

    def as_dict(self) -> dict:
        """The finding in the CLI's JSON contract (also used by reports and the API)."""
        entity = None
        if self.entity is not None:
            entity = {
                "name": self.entity.name,
                "list": self.entity.list_name,
                "kind": str(self.entity.list_kind),
                "version": self.entity.list_version,
                "source": self.entity.source,
            }
        return {
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
            "field": self.field,
            "value": self.value,
            "party": self.party,
            "rule": self.rule,
            "severity": str(self.severity),
            "domain": self.domain,
            "entity": entity,
            "score": self.score,
            "path": list(self.path),
            "explanation": self.explanation,
        }
