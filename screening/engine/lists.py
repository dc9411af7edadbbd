"""Reads a supplier list file (CSV or XLSX: name, aliases, country, parent, relation, reason, source, and type,
keywords, product_codes for product categories) into entities and relations, checking every row; the caller
stores nothing when any row is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .categories import code_key
from .records import (
    EntityKind,
    ListedEntity,
    ListedRelation,
    ListKind,
    Location,
    Message,
    RelationKind,
    RowError,
    gettext_noop,
)

COLUMNS = (
    "name",
    "aliases",
    "country",
    "parent",
    "relation",
    "divested",
    "registration_number",
    "lei",
    "reason",
    "source",
    "type",
    "keywords",
    "product_codes",
)
REQUIRED = ("name",)
_HEADER_SYNONYMS = {
    "entity": "name",
    "company": "name",
    "alias": "aliases",
    "alt_names": "aliases",
    "registration": "registration_number",
    "registration_no": "registration_number",
    "reg_no": "registration_number",
    "relation_type": "relation",
    "relationship": "relation",
    "parent_company": "parent",
    "owner": "parent",
    "kind": "type",
    "entity_type": "type",
    "entry_type": "type",
    "keyword": "keywords",
    "product_code": "product_codes",
    "codes": "product_codes",
    "hs_codes": "product_codes",
}
_KINDS = {
    "": EntityKind.COMPANY,
    "company": EntityKind.COMPANY,
    "entity": EntityKind.COMPANY,
    "organisation": EntityKind.COMPANY,
    "organization": EntityKind.COMPANY,
    "category": EntityKind.CATEGORY,
    "product_category": EntityKind.CATEGORY,
}
_RELATIONS = {
    "subsidiary_of": RelationKind.SUBSIDIARY_OF,
    "subsidiary": RelationKind.SUBSIDIARY_OF,
    "affiliate_of": RelationKind.AFFILIATE_OF,
    "affiliate": RelationKind.AFFILIATE_OF,
    "subcontracts_to": RelationKind.SUBCONTRACTS_TO,
    "subcontractor": RelationKind.SUBCONTRACTS_TO,
    "subcontractor_of": RelationKind.SUBCONTRACTS_TO,
    # a former affiliate, kept on the list for review
    "divested": RelationKind.AFFILIATE_OF,
    "former_affiliate": RelationKind.AFFILIATE_OF,
}
_TRUE = {"yes", "y", "true", "1", "x", "divested"}
_FALSE = {"", "no", "n", "false", "0"}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
ALIAS_SEPARATOR = "|"
MAX_NAME_CHARS = 500
MIN_KEYWORD_CHARS = 2
MIN_PRODUCT_CODE_CHARS = 2


def _header_key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")
    return _HEADER_SYNONYMS.get(key, key)


@dataclass
class ListEntry:
    name: str
    row: int
    aliases: list[str] = field(default_factory=list)
    country: str = ""
    registration_number: str = ""
    lei: str = ""
    reason: str = ""
    source: str = ""
    kind: EntityKind = EntityKind.COMPANY
    keywords: list[str] = field(default_factory=list)
    product_codes: list[str] = field(default_factory=list)

    def merge(self, other: ListEntry) -> None:
        """Take in another record of the same name: its names, codes and whatever this one lacks."""
        for alias in other.aliases:
            if alias != self.name and alias not in self.aliases:
                self.aliases.append(alias)
        for mine, theirs in ((self.keywords, other.keywords), (self.product_codes, other.product_codes)):
            mine.extend(value for value in theirs if value not in mine)
        for key in ("country", "registration_number", "lei", "reason", "source"):
            if not getattr(self, key) and getattr(other, key):
                setattr(self, key, getattr(other, key))


@dataclass(frozen=True)
class RelationEntry:
    child: str
    parent: str
    kind: RelationKind
    divested: bool
    row: int


@dataclass
class ParsedList:
    entries: list[ListEntry] = field(default_factory=list)
    relations: list[RelationEntry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.entries)

    def listed(self, *, list_name: str, kind: ListKind, version: str) -> tuple[dict[str, ListedEntity], list]:
        """The entries as the matcher sees them, keyed by name (for screening without a database)."""
        entities = {
            entry.name: ListedEntity(
                key=f"{list_name}:{entry.name}",
                name=entry.name,
                list_name=list_name,
                list_kind=kind,
                list_version=version,
                aliases=tuple(entry.aliases),
                country=entry.country,
                identifiers=tuple(i for i in (entry.registration_number, entry.lei) if i),
                reason=entry.reason,
                source=entry.source,
                kind=entry.kind,
                keywords=tuple(entry.keywords),
                product_codes=tuple(entry.product_codes),
            )
            for entry in self.entries
        }
        relations = [
            ListedRelation(
                child=entities[rel.child].key, parent=entities[rel.parent].key, kind=rel.kind, divested=rel.divested
            )
            for rel in self.relations
        ]
        return {entity.key: entity for entity in entities.values()}, relations


def parse_list_rows(rows: Iterable[tuple[int, list[str]]], *, filename: str, sheet: str = "") -> ParsedList:
    """Check every row of a list table (the first non-empty row is the header) and collect entries.

    Rows with the same name are merged, so an entity can be given a second parent on a row of its own.
    """
    parsed = ParsedList()
    columns: dict[str, int] | None = None
    header_cells: list[str] = []
    by_name: dict[str, ListEntry] = {}
    pending_relations: list[tuple[str, str, str, str, int]] = []

    def error(row: int | None, column: str, message: Message) -> None:
        parsed.errors.append(RowError(Location(filename, sheet, row, column), message))

    for row_number, cells in rows:
        cells = ["" if cell is None else str(cell).strip() for cell in cells]
        if not any(cells):
            continue
        if columns is None:
            header_cells = cells
            columns = {}
            for index, cell in enumerate(cells):
                key = _header_key(cell)
                if key in COLUMNS and key not in columns:
                    columns[key] = index
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                found = ", ".join(c for c in cells if c)
                error(row_number, "", Message(gettext_noop(
                    "no '{column}' column in the header row (found: {found}). The columns are: {columns}; only 'name' "
                    "is required."
                ), {"column": missing[0], "found": found or Message(gettext_noop("nothing")),
                    "columns": ", ".join(COLUMNS)}))
                return parsed
            continue

        def cell(key: str, cells=cells, columns=columns) -> str:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        name = cell("name")
        if not name:
            error(row_number, header_cells[columns["name"]],
                  Message(gettext_noop("the name is empty; every row needs the entity's name.")))
            continue
        if len(name) > MAX_NAME_CHARS:
            error(row_number, "name", Message(gettext_noop(
                "the name is {length} characters long; the limit is {limit}."
            ), {"length": len(name), "limit": MAX_NAME_CHARS}))
            continue
        entry = by_name.get(name)
        if entry is None:
            entry = by_name[name] = ListEntry(name=name, row=row_number)
            parsed.entries.append(entry)
        for alias in cell("aliases").split(ALIAS_SEPARATOR):
            alias = alias.strip()
            if alias and alias != name and alias not in entry.aliases:
                entry.aliases.append(alias)
        country = cell("country").upper()
        if country:
            if not _COUNTRY.match(country):
                error(row_number, "country", Message(gettext_noop(
                    "'{value}' is not a two-letter ISO 3166 country code (CN, US, DE...)."
                ), {"value": cell("country")}))
            else:
                entry.country = entry.country or country
        lei = cell("lei").upper()
        if lei:
            if not _LEI.match(lei):
                error(row_number, "lei", Message(gettext_noop("'{value}' is not a 20-character LEI."),
                                                 {"value": cell("lei")}))
            else:
                entry.lei = entry.lei or lei
        for key in ("registration_number", "reason", "source"):
            value = cell(key)
            if value and not getattr(entry, key):
                setattr(entry, key, value)

        kind = _KINDS.get(_header_key(cell("type")))
        if kind is None:
            error(row_number, "type", Message(gettext_noop(
                "'{value}' is not a type of entry; use company or category."
            ), {"value": cell("type")}))
            kind = entry.kind
        elif entry.row != row_number and kind != entry.kind:
            template = (gettext_noop("'{name}' is a category on row {row}; a name has one type.")
                        if entry.kind == EntityKind.CATEGORY else
                        gettext_noop("'{name}' is a company on row {row}; a name has one type."))
            error(row_number, "type", Message(template, {"name": name, "row": str(entry.row)}))
        entry.kind = kind
        keywords = _split_terms(cell("keywords"))
        codes = _split_terms(cell("product_codes"))
        if kind == EntityKind.CATEGORY:
            short = [term for term in keywords if len(term) < MIN_KEYWORD_CHARS]
            short += [code for code in codes if len(code_key(code)) < MIN_PRODUCT_CODE_CHARS]
            if short:
                error(row_number, "keywords" if short[0] in keywords else "product_codes", Message(gettext_noop(
                    "'{value}' is too short to match on; give words or codes of two characters or more."
                ), {"value": short[0]}))
            entry.keywords.extend(term for term in keywords if term not in entry.keywords)
            entry.product_codes.extend(code for code in codes if code not in entry.product_codes)
        elif keywords or codes:
            error(row_number, "keywords" if keywords else "product_codes", Message(gettext_noop(
                "keywords and product codes are for product categories: set the row's type to category, or clear them."
            )))

        parent, relation, divested = cell("parent"), cell("relation"), cell("divested")
        if kind == EntityKind.CATEGORY and (parent or relation):
            error(row_number, "parent", Message(gettext_noop(
                "a product category has no parent or relation; clear them."
            )))
            continue
        if parent or relation:
            pending_relations.append((name, parent, relation, divested, row_number))
        elif divested.lower() not in _FALSE:
            error(row_number, "divested", Message(gettext_noop(
                "'divested' is set but the row names no parent it was divested from."
            )))

    if columns is None:
        error(None, "", Message(gettext_noop(
            "the file is empty: it needs a header row with at least a 'name' column, then one row per entity."
        )))
        return parsed

    seen: set[tuple[str, str, RelationKind]] = set()
    for child, parent, relation, divested, row_number in pending_relations:
        if not parent:
            error(row_number, "parent", Message(gettext_noop(
                "relation '{relation}' needs a parent: the name of another entity in this file."
            ), {"relation": relation}))
            continue
        if parent not in by_name:
            error(row_number, "parent", Message(gettext_noop(
                "parent '{name}' is not an entity of this file; add a row for it or correct the name."
            ), {"name": parent}))
            continue
        if parent == child:
            error(row_number, "parent", Message(gettext_noop("an entity cannot be its own parent.")))
            continue
        key = _header_key(relation) if relation else "subsidiary_of"
        if key not in _RELATIONS:
            error(row_number, "relation", Message(gettext_noop(
                "unknown relation '{relation}'; use subsidiary_of, affiliate_of or subcontracts_to."
            ), {"relation": relation}))
            continue
        flag = divested.lower()
        if flag not in _TRUE and flag not in _FALSE:
            error(row_number, "divested", Message(gettext_noop("'{value}' is not yes or no."), {"value": divested}))
            continue
        is_divested = flag in _TRUE or key in ("divested", "former_affiliate")
        kind = _RELATIONS[key]
        if (child, parent, kind) in seen:
            continue
        seen.add((child, parent, kind))
        parsed.relations.append(RelationEntry(child, parent, kind, is_divested, row_number))

    for entry in parsed.entries:
        if entry.kind == EntityKind.CATEGORY and not entry.keywords and not entry.product_codes:
            error(entry.row, "keywords", Message(gettext_noop(
                "the category '{name}' needs keywords or product codes to be matched."
            ), {"name": entry.name}))

    if not parsed.entries and not parsed.errors:
        error(None, "", Message(gettext_noop("the file has a header row but no entities.")))
    return parsed


def _split_terms(text: str) -> list[str]:
    terms: list[str] = []
    for term in text.split(ALIAS_SEPARATOR):
        term = " ".join(term.split())
        if term and term not in terms:
            terms.append(term)
    return terms

