"""A tender as an OCDS 1.1 release package: lots, bids with their BOM lines, verdicts and subcontractor chains.

`tender_release_package` is the one entry point (the web download and the REST API both call it). The package
declares two extensions: the official bids extension and this site's own (procurement/ocds_extension/, served at
/ocds/extension/), which adds each item's manufacturers, countries of origin and network domain, lots, the
screening verdict as a requirement response, and the declared subcontractor chain.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pycountry
from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from screening.choices import NetworkDomain, ScreeningStatus
from screening.engine.names import normalise, split_parties
from screening.engine.numbers import parse_amount
from screening.engine.policy import normalise_domain
from screening.engine.records import PARTY_COLUMNS, Field
from screening.models import Finding, Screening, ScreeningChunk
from screening.services.screenings import chunk_payload_rows

from .choices import TenderStatus
from .models import Bid, Tender
from .selectors import tender_bids

OCDS_VERSION = "1.1"
DEFAULT_OCID_PREFIX = "ocds-tscr01"
# The bids extension as the extension registry lists it; its schema is the one the tests validate against.
BIDS_EXTENSION_URL = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json"
EXTENSION_DIR = Path(__file__).resolve().parent / "ocds_extension"
EXTENSION_FILES = {
    "extension.json": "application/json",
    "release-schema.json": "application/json",
    "codelists/+partyRole.csv": "text/csv; charset=utf-8",
    "codelists/networkDomain.csv": "text/csv; charset=utf-8",
}
# A bid's items are its BOM lines; past this many the rest are left out (the bid's description says so) so an
# export stays a reasonable download. The screening report has every line.
MAX_ITEMS_PER_BID = 10_000

SCREENING_CRITERION = "supply-chain-screening"
VERDICT_REQUIREMENT = "screening-verdict"

TENDER_STATUS = {
    TenderStatus.DRAFT: "planning",
    TenderStatus.OPEN: "active",
    TenderStatus.EVALUATION: "active",
    TenderStatus.AWARDED: "complete",
    TenderStatus.CANCELLED: "cancelled",
}
RELEASE_TAG = {TenderStatus.DRAFT: "planning", TenderStatus.CANCELLED: "tenderCancellation"}

ROLE_FOR_FIELD = {
    Field.MANUFACTURER.value: "manufacturer",
    Field.SUPPLIER.value: "componentSupplier",
    Field.SUBCONTRACTOR.value: "subcontractor",
}
ITEM_KEY_FOR_FIELD = {
    Field.MANUFACTURER.value: "manufacturers",
    Field.SUPPLIER.value: "suppliers",
    Field.SUBCONTRACTOR.value: "subcontractors",
}
ROLE_ORDER = ["buyer", "procuringEntity", "tenderer", "subcontractor", "manufacturer", "componentSupplier"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Country cells as BOMs write them that ISO names and codes do not cover.
COUNTRY_ALIASES = {
    "prc": "CN", "p.r.c.": "CN", "p r c": "CN", "中国": "CN", "中國": "CN", "china": "CN", "mainland china": "CN",
    "uk": "GB", "great britain": "GB", "england": "GB", "usa": "US", "u.s.a.": "US", "u.s.": "US",
    "south korea": "KR", "korea": "KR", "taiwan": "TW", "russia": "RU", "vietnam": "VN", "czechia": "CZ",
    "deutschland": "DE", "schweiz": "CH", "sverige": "SE", "suomi": "FI",
}
_COUNTRY_SEPARATORS = str.maketrans({"/": ";", ",": ";", "|": ";", "+": ";", "、": ";", "\n": ";"})


def extension_url(base_url: str, name: str = "extension.json") -> str:
    return base_url.rstrip("/") + reverse("procurement:ocds_extension", args=[name])


def ocid_for(tender: Tender) -> str:
    return f"{getattr(settings, 'OCDS_OCID_PREFIX', DEFAULT_OCID_PREFIX)}-{tender.pk}"


def tender_release_package(*, tender: Tender, base_url: str) -> dict:
    """The tender as an OCDS release package holding one release, with absolute URIs under `base_url`."""
    base_url = base_url.rstrip("/")
    release = _ReleaseBuilder(tender=tender, base_url=base_url).build()
    return {
        "uri": base_url + reverse("procurement:tender_ocds", args=[tender.pk]),
        "version": OCDS_VERSION,
        "extensions": [BIDS_EXTENSION_URL, extension_url(base_url)],
        "publishedDate": release["date"],  # generated on demand: the date of the last change to its contents
        "publisher": {"name": tender.organisation.name},
        "releases": [release],
    }


# -- parts


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def country_codes(cell: str | None) -> list[str]:
    """ISO 3166-1 alpha-2 codes for a country-of-origin cell: "CN", "CHN", "PRC", "中国", "China", "SE/CN"."""
    if not cell or not str(cell).strip():
        return []
    text = str(cell).strip()
    candidates = [text, *(part.strip() for part in text.translate(_COUNTRY_SEPARATORS).split(";"))]
    codes: list[str] = []
    for candidate in candidates:
        code = _country_code(candidate)
        if code and code not in codes:
            codes.append(code)
        if code and candidate == text:
            break  # the whole cell names one country ("Korea, Republic of")
    return codes


def _country_code(text: str) -> str | None:
    if not text:
        return None
    alias = COUNTRY_ALIASES.get(text.casefold())
    if alias:
        return alias
    country = None
    if len(text) == 2 and text.isalpha():
        country = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
    else:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    return country.alpha_2 if country else None


def _currency(cell: str | None) -> str | None:
    code = (cell or "").strip().upper()
    return code if len(code) == 3 and pycountry.currencies.get(alpha_3=code) else None


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


@dataclass
class _Party:
    id: str
    name: str
    roles: set[str] = field(default_factory=set)
    extra: dict = field(default_factory=dict)

    def reference(self) -> dict:
        return {"id": self.id, "name": self.name}

    def as_ocds(self) -> dict:
        roles = sorted(self.roles, key=lambda role: (ROLE_ORDER.index(role) if role in ROLE_ORDER else 99, role))
        return {"id": self.id, "name": self.name, **self.extra, "roles": roles}


class _PartyBook:
    """The release's parties, one per company however often and however it is written (by normalised name)."""

    def __init__(self):
        self._parties: dict[str, _Party] = {}

    def add(self, name: str, role: str, *, party_id: str | None = None, **extra) -> _Party:
        name = display_name(name)
        key = normalise(name) or name.casefold()
        party = self._parties.get(key)
        if party is None:
            party_id = party_id or "TS-" + hashlib.sha256(key.encode()).hexdigest()[:12]
            party = self._parties[key] = _Party(id=party_id, name=name)
        elif len(name) > len(party.name):
            party.name = name  # the fullest spelling: "Ericsson AB" over "Ericsson"
        party.roles.add(role)
        for name_, value in extra.items():
            party.extra.setdefault(name_, value)
        return party

    def as_ocds(self) -> list[dict]:
        return [party.as_ocds() for party in self._parties.values()]

    def rename_references(self, data) -> None:
        """Give every reference to a party the party's final name (a fuller spelling may have come later)."""
        names = {party.id: party.name for party in self._parties.values()}
        stack = [data]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                if value.keys() == {"id", "name"} and value["id"] in names:
                    value["name"] = names[value["id"]]
                else:
                    stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)


def display_name(name: str) -> str:
    """A company name as written, without invisible characters and with full-width letters made plain."""
    text = unicodedata.normalize("NFKC", str(name))
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def _finding_as_ocds(finding: Finding) -> dict:
    entity = finding.entity
    data = {"rule": finding.rule, "severity": finding.severity, "field": finding.field or None,
            "party": finding.party}
    if entity is not None:
        data["listedEntity"] = entity.name
        data["list"] = str(entity.version)
    if finding.score is not None:
        data["score"] = round(min(max(finding.score, 0.0), 1.0), 4)
    if finding.path:
        data["path"] = [str(step) for step in finding.path]
    data["decision"] = finding.decision or "open"
    return data


class _ReleaseBuilder:
    def __init__(self, *, tender: Tender, base_url: str):
        self.tender = tender
        self.base_url = base_url
        self.ocid = ocid_for(tender)
        self.parties = _PartyBook()
        self.tenderers: list[dict] = []
        self.lots = list(tender.lots.all())
        self.lot_by_domain: dict[str, list[str]] = defaultdict(list)
        for lot in self.lots:
            self.lot_by_domain[lot.domain].append(str(lot.number))

    def url(self, name: str, *args) -> str:
        return self.base_url + reverse(name, args=args)

    def build(self) -> dict:
        tender = self.tender
        organisation = tender.organisation
        buyer = self.parties.add(
            organisation.name, "buyer", party_id=f"TS-ORG-{organisation.pk}", **self._address(organisation.country)
        )
        buyer.roles.add("procuringEntity")
        bids = tender_bids(tender=tender)
        details = [self._bid(bid) for bid in bids]
        tenderers = self.tenderers

        ocds_tender = {
            "id": tender.reference,
            "title": tender.title,
            "description": tender.description or None,
            "status": TENDER_STATUS.get(tender.status, "active"),
            "procuringEntity": buyer.reference(),
            "mainProcurementCategory": "goods",
            "items": [self._lot_item(lot) for lot in self.lots],
            "lots": [self._lot(lot) for lot in self.lots],
            "criteria": [self._criterion()],
            "numberOfTenderers": len(tenderers),
            "tenderers": tenderers,
            "documents": self._tender_documents(),
        }
        if tender.submission_deadline:
            ocds_tender["tenderPeriod"] = {"endDate": _timestamp(tender.submission_deadline)}
        release = {
            "ocid": self.ocid,
            "id": "",
            "date": _timestamp(self._last_change(bids)),
            "tag": [RELEASE_TAG.get(tender.status, "tender")],
            "initiationType": "tender",
            "language": "en",
            "parties": self.parties.as_ocds(),
            "buyer": buyer.reference(),
            "tender": _prune(ocds_tender),
        }
        if details:
            release["bids"] = {
                "statistics": [{"id": "bids", "measure": "bids", "value": len(details)},
                               {"id": "bidders", "measure": "bidders", "value": len(tenderers)}],
                "details": details,
            }
        self.parties.rename_references(release)
        # The same contents give the same id; any change gives a new one, as a release id must.
        digest = hashlib.sha256(json.dumps(release, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        release["id"] = f"{self.ocid}-{digest[:16]}"
        return release

    def _last_change(self, bids: list[Bid]) -> datetime:
        moments = [self.tender.updated_at]
        for bid in bids:
            moments.append(bid.created_at)
            screening = bid.latest_screening
            if screening is not None:
                moments.append(screening.finished_at or screening.created_at)
        screening_ids = [bid.latest_screening.pk for bid in bids if bid.latest_screening is not None]
        if screening_ids:
            decided = Finding.objects.filter(screening_id__in=screening_ids).aggregate(last=Max("decided_at"))["last"]
            if decided:
                moments.append(decided)
        return max(moments)

    @staticmethod
    def _address(country: str) -> dict:
        found = pycountry.countries.get(alpha_2=country.upper()) if country else None
        return {"address": {"countryName": found.name}} if found else {}

    # -- tender

    def _lot(self, lot) -> dict:
        return {
            "id": str(lot.number),
            "title": lot.title,
            "status": TENDER_STATUS.get(self.tender.status, "active"),
            "networkDomain": lot.domain,
        }

    def _lot_item(self, lot) -> dict:
        return {
            "id": f"lot-{lot.number}",
            "description": f"Lot {lot.number}: {lot.title} ({NetworkDomain(lot.domain).label})",
            "relatedLot": str(lot.number),
            "networkDomain": lot.domain,
        }

    def _criterion(self) -> dict:
        return {
            "id": SCREENING_CRITERION,
            "title": "Supply-chain screening of the bill of materials",
            "description": (
                "Every line of the bid's bills of materials, the companies' ownership and the declared "
                "subcontractor chain are screened against the restricted and trusted supplier lists in force "
                "for the tender. Screening is advisory: an officer reviews every finding."
            ),
            "source": "procuringEntity",
            "relatesTo": "tenderer",
            "requirementGroups": [{
                "id": f"{SCREENING_CRITERION}-1",
                "requirements": [{
                    "id": VERDICT_REQUIREMENT,
                    "title": "Screening verdict",
                    "description": (
                        "pass: no finding of medium severity or above; review: a medium finding (a possible "
                        "match, a divested affiliate, a party on no trusted list); fail: a critical or high "
                        "finding (a restricted vendor in a line, its ownership or the subcontractor chain)."
                    ),
                    "dataType": "string",
                    "expectedValue": "pass",
                }],
            }],
        }

    def _tender_documents(self) -> list[dict]:
        pk = self.tender.pk
        title = f"Screening summary: {self.tender.reference}"
        return [
            {"id": f"tender-{pk}-summary", "documentType": "evaluationReports", "title": title,
             "description": "The screening of every bid, side by side (for the buyer's officers; login required).",
             "url": self.url("procurement:tender_report", pk), "format": "text/html", "language": "en"},
            {"id": f"tender-{pk}-summary-xlsx", "documentType": "evaluationReports", "title": f"{title} (.xlsx)",
             "url": self.url("procurement:tender_report_xlsx", pk), "format": XLSX, "language": "en"},
        ]

    # -- bids

    def _bid(self, bid: Bid) -> dict:
        extra = self._address(bid.bidder_country)
        if bid.bidder_registration:
            extra["identifier"] = {"id": bid.bidder_registration, "legalName": bid.bidder_name}
        tenderer = self.parties.add(bid.bidder_name, "tenderer", **extra)
        if all(reference["id"] != tenderer.id for reference in self.tenderers):
            self.tenderers.append(tenderer.reference())
        lot_ids = [str(lot.number) for lot in bid.lots.all()]
        detail = {
            "id": str(bid.pk),
            "date": _timestamp(bid.created_at),
            "status": "pending",  # screening is advisory: it never decides a bid's validity
            "tenderers": [tenderer.reference()],
            "relatedLots": lot_ids or None,
        }
        screening = bid.latest_screening
        if screening is None:
            detail["description"] = "Not screened yet."
            return _prune(detail)
        findings = self._findings(screening)
        items, line_count = self._items(screening, lot_ids, findings)
        countries = sorted({code for item in items for code in item.get("countriesOfOrigin", [])})
        detail["items"] = items
        detail["countriesOfOrigin"] = countries or None
        if line_count > len(items):
            detail["description"] = (
                f"The first {len(items):,} of {line_count:,} bill of materials lines are listed as items; "
                "the screening report has every line."
            )
        subcontracts = self._subcontracts(screening, tenderer, findings)
        detail["hasSubcontracting"] = bool(subcontracts)
        if subcontracts:
            detail["subcontracting"] = {
                "description": f"{len(subcontracts)} declared subcontracting link(s), at every tier.",
                "subcontracts": subcontracts,
            }
        if screening.status == ScreeningStatus.DONE and screening.verdict:
            detail["requirementResponses"] = [self._verdict(bid, screening)]
            detail["documents"] = self._bid_documents(bid, screening)
        elif not detail.get("description"):
            detail["description"] = f"Screening #{screening.pk} is {screening.get_status_display().lower()}."
        return _prune(detail)

    def _findings(self, screening: Screening) -> dict[tuple, list[dict]]:
        """The screening's findings by place (file, sheet, row)."""
        by_line: dict[tuple, list[dict]] = defaultdict(list)
        findings = screening.findings.select_related("entity__version__supplier_list").order_by(
            "file_name", "sheet", "row", "field", "pk"
        )
        for finding in findings.iterator(chunk_size=2000):
            if finding.row is not None:
                by_line[(finding.file_name, finding.sheet, finding.row)].append(_finding_as_ocds(finding))
        return by_line

    def _items(self, screening: Screening, lot_ids: list[str], findings: dict) -> tuple[list[dict], int]:
        default_domain = (screening.policy or {}).get("default_domain") or ""  # as the screening read the lines
        items: list[dict] = []
        payloads = ScreeningChunk.objects.filter(screening=screening).order_by("index").values_list(
            "payload", flat=True
        )
        for payload in payloads.iterator(chunk_size=1):
            for row in chunk_payload_rows(payload):
                if len(items) == MAX_ITEMS_PER_BID:
                    return items, max(screening.rows_total, len(items) + 1)  # no need to read the rest
                items.append(self._item(row, len(items) + 1, lot_ids, findings, default_domain))
        return items, len(items)

    def _item(self, row, number: int, lot_ids: list[str], findings: dict, default_domain: str) -> dict:
        values = row.values
        item: dict = {
            "id": str(number),
            "description": values.get(Field.DESCRIPTION) or values.get(Field.PART_NUMBER)
            or values.get(Field.MPN) or None,
        }
        for key, kind in PARTY_COLUMNS:
            for name in split_parties(values.get(key, "")):
                party = self.parties.add(name, ROLE_FOR_FIELD[kind])
                references = item.setdefault(ITEM_KEY_FOR_FIELD[kind], [])
                if all(reference["id"] != party.id for reference in references):
                    references.append(party.reference())
        item["countriesOfOrigin"] = country_codes(values.get(Field.COUNTRY)) or None
        domain = normalise_domain(values.get(Field.DOMAIN, "")) or default_domain
        if domain:
            item["networkDomain"] = str(domain)
        related = self.lot_by_domain.get(domain, []) if domain else []
        related = [lot for lot in related if lot in lot_ids]
        if len(lot_ids) == 1:
            item["relatedLot"] = lot_ids[0]
        elif len(related) == 1:
            item["relatedLot"] = related[0]
        quantity = parse_amount(values.get(Field.QUANTITY))
        if quantity is not None:
            item["quantity"] = _number(quantity)
        unit: dict = {}
        if values.get(Field.UNIT):
            unit["name"] = values[Field.UNIT]
        unit_price, currency = parse_amount(values.get(Field.UNIT_PRICE)), _currency(values.get(Field.CURRENCY))
        if unit_price is not None and currency:
            unit["value"] = {"amount": _number(unit_price), "currency": currency}
        if unit:
            item["unit"] = unit
        item["bomLine"] = _prune({"file": row.file, "sheet": row.sheet, "row": row.row})
        flags = findings.get((row.file[:255], row.sheet[:255], row.row))
        if flags:
            item["screeningFindings"] = flags
        return _prune(item)

    def _subcontracts(self, screening: Screening, tenderer: _Party, findings: dict) -> list[dict]:
        edges = [edge for edge in screening.chain_edges or [] if edge.get("contractor") and edge.get("subcontractor")]
        tiers = _tiers(tenderer.name, edges)
        subcontracts = []
        for number, edge in enumerate(edges, start=1):
            contractor = self._chain_party(edge["contractor"], tenderer)
            subcontractor = self.parties.add(edge["subcontractor"], "subcontractor")
            domain = normalise_domain(edge.get("domain") or "")
            subcontract = {
                "id": str(number),
                "subcontractor": subcontractor.reference(),
                "tenderers": [tenderer.reference()],
                "contractor": contractor.reference(),
                "tier": tiers.get(number - 1),
                "description": edge.get("scope") or None,
                "share": str(edge["share"]) if edge.get("share") not in (None, "") else None,
                "networkDomain": str(domain) if domain else None,
            }
            if edge.get("file") and edge.get("row"):
                place = {"file": edge["file"], "sheet": edge.get("sheet"), "row": edge["row"]}
                subcontract["declaredAt"] = _prune(place)
                flags = findings.get((edge["file"][:255], (edge.get("sheet") or "")[:255], edge["row"]))
                if flags:
                    subcontract["screeningFindings"] = flags
            subcontracts.append(_prune(subcontract))
        return subcontracts

    def _chain_party(self, name: str, tenderer: _Party) -> _Party:
        if normalise(name) == normalise(tenderer.name):
            return tenderer
        return self.parties.add(name, "subcontractor")

    def _verdict(self, bid: Bid, screening: Screening) -> dict:
        counts = ", ".join(f"{count} {severity}" for severity, count in screening.counts.items())
        versions = ", ".join(str(version) for version in screening.list_versions.all())
        return _prune({
            "id": f"bid-{bid.pk}-screening-{screening.pk}",
            "title": f"Screening #{screening.pk}: {screening.get_verdict_display()}",
            "description": f"Findings: {counts}. Lists: {versions or 'none'}.",
            "value": screening.verdict,
            "requirement": {"id": VERDICT_REQUIREMENT, "title": "Screening verdict"},
            "date": _timestamp(screening.finished_at),
        })

    def _bid_documents(self, bid: Bid, screening: Screening) -> list[dict]:
        title = f"Screening report: {bid.bidder_name} (screening #{screening.pk})"
        published = _timestamp(screening.finished_at)
        return [_prune(document) for document in (
            {"id": f"screening-{screening.pk}-report", "documentType": "evaluationReports", "title": title,
             "description": "Every finding with its evidence (for the buyer's officers; login required).",
             "url": self.url("screening:report_html", screening.pk), "format": "text/html",
             "datePublished": published, "language": "en"},
            {"id": f"screening-{screening.pk}-report-xlsx", "documentType": "evaluationReports",
             "title": f"{title} (.xlsx)", "url": self.url("screening:report_xlsx", screening.pk), "format": XLSX,
             "datePublished": published, "language": "en"},
        )]


def _tiers(tenderer: str, edges: list[dict]) -> dict[int, int]:
    """Each edge's tier: 1 from the tenderer, 2 from a first-tier subcontractor...; unreachable edges have none."""
    by_contractor: dict[str, list[int]] = defaultdict(list)
    for index, edge in enumerate(edges):
        by_contractor[normalise(edge["contractor"])].append(index)
    tiers: dict[int, int] = {}
    seen = {normalise(tenderer)}
    queue = deque([(normalise(tenderer), 1)])
    while queue:
        company, tier = queue.popleft()
        for index in by_contractor.get(company, []):
            tiers.setdefault(index, tier)
            subcontractor = normalise(edges[index]["subcontractor"])
            if subcontractor not in seen:
                seen.add(subcontractor)
                queue.append((subcontractor, tier + 1))
    return tiers


def _prune(data: dict) -> dict:
    """Leave out empty fields: OCDS omits what is not known rather than writing null or []."""
    return {key: value for key, value in data.items() if value is not None and value != [] and value != ""}
