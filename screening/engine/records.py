"""The plain records that flow through the engine: BOM rows in, findings out.

Every stage (bom -> matcher -> chains -> policy) speaks in these types, so each can be tested alone and the
Django side only has to turn them into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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


@dataclass(slots=True)
class RowError:
    """A problem with one place in a file; the rest of the file is still screened."""

    location: Location
    message: str

    def as_dict(self) -> dict:
        return {
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
            "message": self.message,
        }


class BomReadError(Exception):
    """The file as a whole cannot be screened (not a spreadsheet, encrypted, too big, no header...)."""

    def __init__(self, message: str, *, location: Location):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.location.file,
                f"sheet {self.location.sheet}" if self.location.sheet else "",
                f"row {self.location.row}" if self.location.row else "",
                f"column {self.location.column}" if self.location.column else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return RowError(self.location, self.message).as_dict()


class NoHeaderError(BomReadError):
    """No sheet has a header row with a company column; `found` is what the likeliest header row held."""

    def __init__(self, message: str, *, location: Location, found: str = ""):
        super().__init__(message, location=location)
        self.found = found


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
    explanation: str


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
    explanation: str
    domain: str = ""

    def placed(self, location: Location, value: str) -> Finding:
        """This finding (a rule's result for a cell) on one row's cell: a copy at `location`, quoting `value`."""
        return Finding(
            location, self.field, value, self.party, self.rule, self.severity, self.entity, self.score, self.path,
            self.explanation, self.domain,
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
