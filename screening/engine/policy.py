"""Turns what the matcher and the chain walk found about one company in one cell into findings, by small rules.

Each rule has a code, a default severity per network domain, and a `check` that yields findings. A screening's
`PolicyConfig` chooses which rules run, their severities per domain and the fuzzy review threshold; rules named
in the site's settings join the built-in ones through `register_rule`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .categories import CategoryMatch
from .chains import Hit
from .records import Finding, ListKind, Location, Message, NetworkDomain, Severity, Verdict, gettext_noop

# Domains where an untrusted party is a review case (EU 5G Toolbox critical assets, Sweden's central functions).
# In the others (NFVI/cloud, OSS/BSS, site, other) an untrusted vendor is only worth a low note.
CRITICAL_DOMAINS = frozenset({NetworkDomain.CORE, NetworkDomain.MANAGEMENT, NetworkDomain.RAN, NetworkDomain.TRANSPORT})

NO_DOMAIN = ""  # the key for "the line has no domain" in severity tables

_DOMAIN_WORDS: dict[NetworkDomain, tuple[str, ...]] = {
    NetworkDomain.CORE: ("core", "5gc", "epc", "ims", "packet core", "core network", "udm", "hss", "subscriber data"),
    NetworkDomain.MANAGEMENT: (
        "management",
        "mano",
        "nfv mano",
        "oam",
        "o&m",
        "nms",
        "ems",
        "orchestration",
        "management and orchestration",
    ),
    NetworkDomain.RAN: ("ran", "access", "radio", "radio access", "gnb", "enb", "baseband", "antenna", "access / ran"),
    NetworkDomain.TRANSPORT: (
        "transport",
        "backhaul",
        "fronthaul",
        "midhaul",
        "ip/mpls",
        "mpls",
        "dwdm",
        "microwave",
        "optical",
        "ip",
    ),
    NetworkDomain.NFVI: ("nfvi", "cloud", "nfvi / cloud", "nfvi/cloud", "datacenter", "data centre", "data center"),
    NetworkDomain.OSS_BSS: ("oss", "bss", "oss/bss", "oss / bss", "billing"),
    NetworkDomain.SITE: ("site", "cctv", "security", "power", "site infrastructure", "civil works", "tower"),
    NetworkDomain.OTHER: ("other", "misc", "miscellaneous", "general"),
}
_DOMAIN_LOOKUP = {word: domain for domain, words in _DOMAIN_WORDS.items() for word in (*words, domain.value)}


def normalise_domain(text: str) -> NetworkDomain | None:
    """Read a BOM's domain cell ("RAN", "5GC", "Backhaul", "OSS/BSS") as a network domain, or None."""
    key = re.sub(r"\s+", " ", (text or "").strip().lower())
    if not key:
        return None
    if key in _DOMAIN_LOOKUP:
        return _DOMAIN_LOOKUP[key]
    words = set(re.split(r"[^a-z0-9&]+", key))
    for word in sorted(words):
        if word in _DOMAIN_LOOKUP:
            return _DOMAIN_LOOKUP[word]
    return None


@dataclass
class PolicyConfig:
    """How strict one screening is. Severity overrides: {rule code: {domain value or "": severity}}.

    `extra_headers` are the officer's own header -> field pairs for the reader ("Firma" -> "manufacturer"): they
    decide which columns are screened, so they travel with the screening and its re-screens.
    """

    review_threshold: float = 0.88
    default_domain: str = ""  # the tender lot's domain, for lines without one
    enabled_rules: tuple[str, ...] | None = None  # None: every registered rule
    severities: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    trusted_in_force: bool = False
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    def severity(self, rule: Rule, domain: NetworkDomain | None) -> Severity:
        overrides = self.severities.get(rule.code, {})
        key = domain.value if domain else NO_DOMAIN
        if key in overrides:
            severity = Severity(overrides[key])
        elif "*" in overrides:
            severity = Severity(overrides["*"])
        else:
            severity = rule.default_severity(domain)
        # A rule may cap its severity (a product category is a review case, never a block).
        return severity if severity.rank <= rule.max_severity.rank else rule.max_severity

    def as_dict(self) -> dict:
        data = {
            "review_threshold": self.review_threshold,
            "default_domain": self.default_domain,
            "enabled_rules": list(self.enabled_rules) if self.enabled_rules is not None else None,
            "severities": {code: dict(table) for code, table in self.severities.items()},
            "trusted_in_force": self.trusted_in_force,
        }
        if self.extra_headers:  # left out when empty, so policies stored before it existed compare equal
            data["extra_headers"] = dict(self.extra_headers)
        return data

    @classmethod
    def from_dict(cls, data: Mapping | None) -> PolicyConfig:
        data = dict(data or {})
        rules = data.get("enabled_rules")
        return cls(
            review_threshold=float(data.get("review_threshold", cls.review_threshold)),
            default_domain=data.get("default_domain") or "",
            enabled_rules=tuple(rules) if rules is not None else None,
            severities=data.get("severities") or {},
            trusted_in_force=bool(data.get("trusted_in_force", False)),
            extra_headers=dict(data.get("extra_headers") or {}),
        )


@dataclass
class PartyContext:
    """One company out of one cell, with everything found about it."""

    location: Location
    field: str
    value: str  # the whole cell as written
    party: str  # this company, as written in the cell
    domain: NetworkDomain | None
    hits: list[Hit]
    flagged: bool = False  # an earlier rule already raised a restricted-vendor finding for this party
    categories: list[CategoryMatch] = field(default_factory=list)  # for line rules: listed categories matched

    def restricted_hits(self) -> Iterator[Hit]:
        return (hit for hit in self.hits if hit.entity.list_kind == ListKind.RESTRICTED)

    def finding(self, rule: Rule, config: PolicyConfig, hit: Hit | None, explanation: Message) -> Finding:
        return Finding(
            location=self.location,
            field=self.field,
            value=self.value,
            party=self.party,
            rule=rule.code,
            severity=config.severity(rule, self.domain),
            entity=hit.entity if hit else None,
            score=round(hit.match.score, 4) if hit else None,
            path=hit.path if hit else (self.party,),
            explanation=str(explanation),
            domain=self.domain.value if self.domain else "",
            explanation_text=explanation,
        )


PARTY_RULE = "party"  # checks one company out of one cell (PartyContext.hits)
LINE_RULE = "line"  # checks a BOM line's product cells once (PartyContext.categories)


class Rule(ABC):
    """A screening rule. Subclasses set `code`, `title` and `check`, and may change `default_severity`."""

    code: str = ""
    title: str = ""
    severity: Severity = Severity.MEDIUM
    max_severity: Severity = Severity.CRITICAL  # no policy can raise the rule above this
    subject: str = PARTY_RULE

    def default_severity(self, domain: NetworkDomain | None) -> Severity:
        return self.severity

    @abstractmethod
    def check(self, context: PartyContext, config: PolicyConfig) -> Iterator[Finding]:
        """Yield this rule's findings about one party; set `context.flagged` on a restricted-vendor finding."""


RULES: dict[str, Rule] = {}


def register_rule(rule_class: type[Rule]) -> type[Rule]:
    """Add a rule to the registry (usable as a class decorator); a later rule with the same code replaces it."""
    if not rule_class.code:
        raise ValueError(f"{rule_class.__name__} has no code")
    RULES[rule_class.code] = rule_class()
    return rule_class


# A finding's explanation: sentences an officer reads in their language (the Django side translates them).
_MATCHED = "{match}."  # the matcher's evidence as a sentence: nothing to translate
_THROUGH_CHAIN = gettext_noop("Reached through the subcontractor chain {path}.")
_OWNED_BY = gettext_noop("Owned by {owners}.")
_LISTED = gettext_noop("{entity} is on {list} (version {version}).")
_LISTED_FOR = gettext_noop("{entity} is on {list} (version {version}): {reason}.")
_DIVESTED = gettext_noop(
    "It is listed as a divested former affiliate: check the current ownership before deciding."
)
_POSSIBLE = gettext_noop("Possible match (score {score}): {match}.")
_ALSO_CLOSE = gettext_noop("Also close: {names}.")
_UNTRUSTED = gettext_noop("{party} is on none of the trusted lists in force.")
_CLOSEST_TRUSTED = gettext_noop(
    "Closest trusted entry: {entity} on {list} (score {score}); confirm it is the same company."
)
_CATEGORY = gettext_noop("{entity} is a product category on {list} (version {version}).")
_CATEGORY_FOR = gettext_noop("{entity} is a product category on {list} (version {version}): {reason}.")
_CATEGORY_NO_VENDOR = gettext_noop("A category names no vendor: check where the product is made before deciding.")
# How a line's product cell matched a listed category: (how, field) -> sentence.
_CATEGORY_EVIDENCE = {
    ("product code", "product_code"): gettext_noop('The product code "{value}" falls under the listed code "{term}".'),
    ("keyword", "description"): gettext_noop('The description "{value}" contains "{term}".'),
    ("keyword", "part_number"): gettext_noop('The part number "{value}" contains "{term}".'),
    ("keyword", "mpn"): gettext_noop('The mpn "{value}" contains "{term}".'),
    ("part number", "part_number"): gettext_noop('The part number "{value}" is the listed code "{term}".'),
    ("part number", "mpn"): gettext_noop('The mpn "{value}" is the listed code "{term}".'),
}
_CATEGORY_EVIDENCE_OTHER = {  # a field not above: named as the engine names it
    "product code": 'The {field} "{value}" falls under the listed code "{term}".',
    "keyword": 'The {field} "{value}" contains "{term}".',
    "part number": 'The {field} "{value}" is the listed code "{term}".',
}


def _score(score: float) -> str:
    return f"{score:.2f}"


def _sentence_end(text: str) -> str:
    """Text that closes a sentence whose template supplies the full stop: "Co., Ltd." or a reason that ends in
    one would otherwise read "Ltd..". """
    return text[:-1] if text.endswith(".") else text


def _chain_text(hit: Hit) -> Message | str:
    if not hit.through_chain:
        return ""
    return Message(_THROUGH_CHAIN, {"path": _sentence_end(" → ".join(hit.path))})


def _ownership_text(hit: Hit) -> Message | str:
    if len(hit.ownership) < 2:
        return ""
    return Message(_OWNED_BY, {"owners": _sentence_end(" → ".join(hit.ownership[1:]))})


def _listed(hit: Hit) -> Message:
    entity = hit.entity
    values = {"entity": entity.name, "list": entity.list_name, "version": entity.list_version}
    if entity.reason:
        return Message(_LISTED_FOR, {**values, "reason": _sentence_end(entity.reason)})
    return Message(_LISTED, values)


def _sentences(*parts: Message | str) -> Message:
    return Message.join(parts, " ")


@register_rule
class RestrictedEntityRule(Rule):
    code = "restricted_entity"
    title = "Restricted vendor in the line or its chain"

    def default_severity(self, domain):
        if domain in (NetworkDomain.CORE, NetworkDomain.MANAGEMENT):
            return Severity.CRITICAL
        return Severity.HIGH

    def check(self, context, config):
        for hit in context.restricted_hits():
            if hit.match.confirmed and not hit.former_affiliate:
                context.flagged = True
                yield context.finding(
                    self,
                    config,
                    hit,
                    _sentences(
                        Message(_MATCHED, {"match": hit.match.explanation}), _listed(hit), _ownership_text(hit),
                        _chain_text(hit),
                    ),
                )


@register_rule
class FormerAffiliateRule(Rule):
    code = "divested_affiliate"
    title = "Former affiliate of a restricted vendor (divested)"
    severity = Severity.MEDIUM

    def check(self, context, config):
        for hit in context.restricted_hits():
            if hit.match.confirmed and hit.former_affiliate:
                context.flagged = True
                yield context.finding(
                    self,
                    config,
                    hit,
                    _sentences(
                        Message(_MATCHED, {"match": hit.match.explanation}), _listed(hit), Message(_DIVESTED),
                        _chain_text(hit),
                    ),
                )


@register_rule
class PossibleMatchRule(Rule):
    code = "possible_match"
    title = "Possible match with a restricted vendor"
    severity = Severity.MEDIUM

    def check(self, context, config):
        # A confirmed match already flags the cell; near misses on its sister companies would only be noise.
        # Otherwise one finding names the closest entity and mentions the others.
        if context.flagged:
            return
        possible = [
            hit
            for hit in context.restricted_hits()
            if not hit.match.confirmed and hit.match.score >= config.review_threshold
        ]
        if not possible:
            return
        best = max(possible, key=lambda hit: (hit.match.score, -len(hit.path)))
        others = sorted({hit.entity.name for hit in possible} - {best.entity.name})
        names = _sentence_end(", ".join(others[:5])) + (" …" if len(others) > 5 else "")
        also = Message(_ALSO_CLOSE, {"names": names}) if others else ""
        context.flagged = True
        yield context.finding(
            self,
            config,
            best,
            _sentences(
                Message(_POSSIBLE, {"score": _score(best.match.score), "match": best.match.explanation}),
                _listed(best), _chain_text(best), also,
            ),
        )


@register_rule
class UntrustedPartyRule(Rule):
    code = "untrusted_party"
    title = "Party on no trusted list"

    def default_severity(self, domain):
        if domain is None or domain in CRITICAL_DOMAINS:
            return Severity.MEDIUM
        return Severity.LOW

    def check(self, context, config):
        if not config.trusted_in_force or context.flagged:
            return
        direct_trusted = [
            hit for hit in context.hits if hit.entity.list_kind == ListKind.TRUSTED and not hit.through_chain
        ]
        if any(hit.match.confirmed for hit in direct_trusted):
            return
        explanation = Message(_UNTRUSTED, {"party": context.party})
        if direct_trusted:
            best = direct_trusted[0]
            closest = Message(
                _CLOSEST_TRUSTED,
                {"entity": best.entity.name, "list": best.entity.list_name, "score": _score(best.match.score)},
            )
            explanation = _sentences(explanation, closest)
        yield context.finding(self, config, None, explanation)


@register_rule
class RestrictedCategoryRule(Rule):
    code = "restricted_category"
    title = "Product of a restricted category"
    severity = Severity.MEDIUM
    max_severity = Severity.MEDIUM  # a category names no vendor: a review case, never a block
    subject = LINE_RULE

    def check(self, context, config):
        for found in context.categories:
            entity = found.entity
            evidence = _CATEGORY_EVIDENCE.get((found.how, found.field))
            if evidence is None:
                evidence = Message(
                    _CATEGORY_EVIDENCE_OTHER[found.how],
                    {"field": found.field.replace("_", " "), "value": found.value, "term": found.term},
                )
            else:
                evidence = Message(evidence, {"value": found.value, "term": found.term})
            values = {"entity": entity.name, "list": entity.list_name, "version": entity.list_version}
            if entity.reason:
                category = Message(_CATEGORY_FOR, {**values, "reason": entity.reason.rstrip(". ")})
            else:
                category = Message(_CATEGORY, values)
            explanation = _sentences(evidence, category, Message(_CATEGORY_NO_VENDOR))
            yield Finding(
                location=context.location,
                field=found.field,
                value=found.value,
                party=entity.name,
                rule=self.code,
                severity=config.severity(self, context.domain),
                entity=entity,
                score=None,
                path=(entity.name,),
                explanation=str(explanation),
                domain=context.domain.value if context.domain else "",
                explanation_text=explanation,
            )


def active_rules(config: PolicyConfig) -> list[Rule]:
    if config.enabled_rules is None:
        return list(RULES.values())
    return [RULES[code] for code in config.enabled_rules if code in RULES]


def evaluate(context: PartyContext, config: PolicyConfig, rules: Iterable[Rule]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check(context, config))
    return findings


def verdict(counts: Mapping[str, int] | Counter) -> Verdict:
    """fail on any critical or high finding, review on any medium, pass otherwise."""
    if counts.get(Severity.CRITICAL, 0) or counts.get(Severity.HIGH, 0):
        return Verdict.FAIL
    if counts.get(Severity.MEDIUM, 0):
        return Verdict.REVIEW
    return Verdict.PASS
