"""What the pages and reports show about a screening and its findings, built once for both."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from screening.choices import Decision, NetworkDomain, Severity
from screening.engine.names import normalise
from screening.engine.policy import RULES, PolicyConfig
from screening.models import Entity, Finding, Screening
from screening.selectors import ownership_chains


@dataclass
class ChainNode:
    name: str
    kind: str  # bidder, party, link, listed, owner
    link: str = ""  # the arrow into this node: "supplies", "subcontracts to", "matches", "owned by"


_FIRST_LINK = {
    "manufacturer": _("offers parts made by"), "supplier": _("sources from"), "subcontractor": _("subcontracts to")
}


def chain_nodes(finding: Finding, *, bidder: str, owners: list[Entity]) -> list[ChainNode]:
    """The chain as boxes: bidder → party named in the BOM → subcontractors … → listed entity → its group."""
    path = list(finding.path or [finding.party])
    nodes: list[ChainNode] = []
    if bidder and normalise(bidder) != normalise(path[0]):
        nodes.append(ChainNode(bidder, "bidder"))
    listed_last = finding.entity_id is not None
    for index, name in enumerate(path):
        last = index == len(path) - 1
        if last and listed_last:
            kind = "listed"
        elif index == 0:
            kind = "party"
        else:
            kind = "link"
        if not nodes:
            link = ""
        elif index == 0:
            link = str(_FIRST_LINK.get(finding.field, _("names")))
        elif last and listed_last:
            link = gettext("is listed as")
        else:
            link = gettext("subcontracts to")
        nodes.append(ChainNode(name, kind, link))
    for owner in owners:
        nodes.append(ChainNode(owner.name, "owner", gettext("owned by")))
    return nodes


@dataclass
class FindingView:
    finding: Finding
    chain: list[ChainNode]
    rule_title: str
    decision_note: str = ""
    cells: list[tuple[str, str]] = field(default_factory=list)


# The engine's rule titles (plain English, no Django there), as the pages show them in the reader's language.
RULE_TITLES = {
    "restricted_entity": _("Restricted vendor in the line or its chain"),
    "divested_affiliate": _("Former affiliate of a restricted vendor (divested)"),
    "possible_match": _("Possible match with a restricted vendor"),
    "untrusted_party": _("Party on no trusted list"),
    "restricted_category": _("Product of a restricted category"),
}


def rule_title(code: str) -> str:
    if code in RULE_TITLES:
        return str(RULE_TITLES[code])
    rule = RULES.get(code)
    return rule.title if rule and rule.title else code


def decision_note(finding: Finding) -> str:
    """Who decided, when, and how: by hand, by a standing exception, or carried over from an earlier screening."""
    if finding.decision == Decision.OPEN and not finding.decided_at:
        return ""
    who = finding.decided_by.get_username() if finding.decided_by_id and finding.decided_by else gettext("somebody")
    when = f"{finding.decided_at:%Y-%m-%d %H:%M}" if finding.decided_at else ""
    names = {"who": who, "when": when}
    if finding.decided_by_exception_id:
        return gettext("Standing exception #%(number)s, made by %(who)s on %(when)s") % {
            **names, "number": finding.decided_by_exception_id}
    if finding.carried_from_id:
        carried = finding.carried_from.screening_id if finding.carried_from else gettext("an earlier screening")
        return gettext("Decided by %(who)s on %(when)s; carried over from screening #%(carried)s") % {
            **names, "carried": carried}
    if finding.decision == Decision.OPEN:
        return gettext("Reopened by %(who)s on %(when)s") % names
    return gettext("Decided by %(who)s on %(when)s") % names


def finding_views(findings: Iterable[Finding], *, screening: Screening) -> list[FindingView]:
    findings = list(findings)
    owners = ownership_chains(entities={f.entity_id: f.entity for f in findings if f.entity_id}.values())
    return [
        FindingView(
            finding=finding,
            chain=chain_nodes(finding, bidder=screening.bidder, owners=owners.get(finding.entity_id, [])),
            rule_title=rule_title(finding.rule),
            decision_note=decision_note(finding),
            cells=[(str(k), str(v)) for k, v in (finding.cells or {}).items()],
        )
        for finding in findings
    ]


def policy_lines(screening: Screening) -> list[tuple[str, str]]:
    """The screening's policy as label/value lines a person can read."""
    policy = PolicyConfig.from_dict(screening.policy)
    domains = dict(NetworkDomain.choices)
    lines = [
        (gettext("Fuzzy review threshold"), f"{policy.review_threshold:.2f}"),
        (gettext("Domain for lines without one"), domains.get(policy.default_domain, gettext("none"))),
        (gettext("Trusted list in force"), gettext("yes") if policy.trusted_in_force else gettext("no")),
        (
            gettext("Rules"),
            ", ".join(rule_title(code) for code in policy.enabled_rules)
            if policy.enabled_rules is not None
            else gettext("all rules"),
        ),
    ]
    for code, table in policy.severities.items():
        cells = ", ".join(
            f"{_domain_label(domains, domain)}: {severity_label(severity)}" for domain, severity in table.items()
        )
        lines.append((gettext("Severity of %(rule)s") % {"rule": rule_title(code)}, cells))
    if policy.extra_headers:
        lines.append((
            gettext("Columns named by hand"),
            ", ".join(f"{header} = {name}" for header, name in policy.extra_headers.items()),
        ))
    return lines


def severity_label(code: str) -> str:
    """A severity's label in the reader's language ("high" -> "Hoch"); an unknown code as it is."""
    return str(Severity(code).label) if code in Severity.values else code


def severity_override_lines(overrides: dict | None) -> list[tuple[str, str, str, str]]:
    """A tender's severity changes ({rule code: {domain code or "": severity}}) as (rule code, domain code, domain
    label, severity label): the codes stay as they are, the labels are in the reader's language."""
    domains = dict(NetworkDomain.choices)
    return [
        (code, domain, _domain_label(domains, domain), severity_label(severity))
        for code, table in (overrides or {}).items()
        for domain, severity in table.items()
    ]


def _domain_label(domains: dict, domain: str) -> str:
    if domain == "":
        return gettext("no domain")
    if domain == "*":
        return gettext("every domain")
    return domains.get(domain, domain)
