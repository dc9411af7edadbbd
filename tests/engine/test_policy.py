"""Rules, severities per domain, verdicts, and a whole engine screening of plain rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from screening.engine import policy
from screening.engine.policy import PolicyConfig, Rule, normalise_domain, register_rule, verdict
from screening.engine.records import BomRow, ChainEdge, Finding, NetworkDomain, Severity, Verdict
from screening.engine.screen import ListSet, Screener
from tests.engine.test_chains import ENTITIES, RELATIONS


def screener(**config) -> Screener:
    lists = ListSet(
        entities=ENTITIES,
        relations=RELATIONS,
        lists=[
            {"name": "test", "kind": "restricted", "version": "v1"},
            {"name": "ok", "kind": "trusted", "version": "v1"},
        ],
    )
    return Screener(lists, config=PolicyConfig(trusted_in_force=True, **config))


def row(number: int, **values: str) -> BomRow:
    return BomRow("bid.xlsx", "RAN", number, values, {name: name.title() for name in values})


def findings_for(*rows: BomRow, **config) -> list[Finding]:
    return list(screener(**config).screen_rows(rows))


@pytest.mark.parametrize(
    ("domain", "severity"),
    [
        ("Core", Severity.CRITICAL),
        ("5GC", Severity.CRITICAL),
        ("NMS", Severity.CRITICAL),
        ("RAN", Severity.HIGH),
        ("Backhaul", Severity.HIGH),
        ("Site", Severity.HIGH),
        ("", Severity.HIGH),
    ],
)
def test_a_restricted_vendor_is_critical_in_core_and_management_and_high_elsewhere(domain, severity):
    (finding,) = findings_for(row(2, manufacturer="HiSilicon", domain=domain))

    assert (finding.rule, finding.severity) == ("restricted_entity", severity)
    assert finding.location.row == 2 and finding.location.column == "Manufacturer"
    assert "Huawei Technologies Co., Ltd." in finding.explanation, "the owner is named"


def test_a_divested_former_affiliate_is_a_medium_review_case():
    (finding,) = findings_for(row(2, manufacturer="Honor Device Co., Ltd.", domain="core"))

    assert (finding.rule, finding.severity) == ("divested_affiliate", Severity.MEDIUM)


def test_a_typo_is_a_possible_match_and_one_finding_only():
    (finding,) = findings_for(row(2, manufacturer="HiSillicon", domain="ran"))

    assert (finding.rule, finding.severity) == ("possible_match", Severity.MEDIUM)
    assert 0.88 <= finding.score < 1


def test_an_untrusted_party_is_medium_in_critical_domains_and_low_elsewhere():
    ran, site = findings_for(
        row(2, manufacturer="Unknown Radio Works", domain="ran"),
        row(3, manufacturer="Unknown Radio Works", domain="site"),
    )

    assert (ran.rule, ran.severity, site.severity) == ("untrusted_party", Severity.MEDIUM, Severity.LOW)
    assert ran.entity is None


def test_a_trusted_party_raises_nothing():
    assert findings_for(row(2, manufacturer="Ericsson AB", supplier="Ericsson AB", domain="core")) == []


def test_a_cell_naming_two_makers_is_screened_for_each():
    found = findings_for(row(2, manufacturer="Ericsson / HiSilicon", domain="ran"))

    assert [(f.party, f.rule) for f in found] == [("HiSilicon", "restricted_entity")]
    assert found[0].value == "Ericsson / HiSilicon"


def test_the_lot_domain_applies_to_lines_without_one():
    (finding,) = findings_for(row(2, manufacturer="HiSilicon"), default_domain="core")

    assert finding.severity == Severity.CRITICAL and finding.domain == "core"


def test_severities_and_rules_are_set_per_screening():
    config = {"severities": {"restricted_entity": {"ran": "medium"}}, "enabled_rules": ("restricted_entity",)}

    found = findings_for(
        row(2, manufacturer="HiSilicon", domain="RAN"), row(3, manufacturer="Nobody Ltd", domain="RAN"), **config
    )

    assert [(f.location.row, f.severity) for f in found] == [(2, Severity.MEDIUM)]


def test_declared_subcontractors_are_screened_with_the_path_from_the_bidder():
    edges = [
        ChainEdge("Bidder Ltd", "Nordic Site Services AB", domain="site"),
        ChainEdge("Nordic Site Services AB", "HiSilicon", domain="site"),
    ]
    engine = Screener(ListSet(entities=ENTITIES, relations=RELATIONS, lists=[]), config=PolicyConfig(), declared=edges)

    found = list(engine.screen_declaration(edges))

    assert [(f.party, f.path) for f in found] == [
        ("HiSilicon", ("Bidder Ltd", "Nordic Site Services AB", "HiSilicon", "HiSilicon Technologies Co., Ltd.")),
    ]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, Verdict.PASS),
        ({"low": 3, "info": 1}, Verdict.PASS),
        ({"medium": 1, "low": 2}, Verdict.REVIEW),
        ({"high": 1, "medium": 4}, Verdict.FAIL),
        ({"critical": 1}, Verdict.FAIL),
    ],
)
def test_verdict(counts, expected):
    assert verdict(counts) == expected


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("RAN", NetworkDomain.RAN),
        ("Radio Access", NetworkDomain.RAN),
        ("OSS/BSS", NetworkDomain.OSS_BSS),
        ("IP/MPLS backhaul", NetworkDomain.TRANSPORT),
        ("NFVI / cloud", NetworkDomain.NFVI),
        ("", None),
        ("xyz", None),
    ],
)
def test_domain_cells_are_read_as_network_domains(text, domain):
    assert normalise_domain(text) == domain


def test_a_registered_rule_joins_the_screening():
    class CountryOfOriginRule(Rule):
        code = "test_country_of_origin"
        title = "Made in a listed country"
        severity = Severity.INFO

        def check(self, context, config) -> Iterator[Finding]:
            yield context.finding(self, config, None, "noted")

    register_rule(CountryOfOriginRule)
    try:
        found = findings_for(row(2, manufacturer="Ericsson AB"))
    finally:
        policy.RULES.pop("test_country_of_origin")

    assert [(f.rule, f.severity) for f in found] == [("test_country_of_origin", Severity.INFO)]


def test_matching_is_done_once_per_distinct_name():
    engine = screener()
    calls = []
    original = engine.index.match_many

    def counting(names):
        names = list(names)
        calls.append(len(names))
        return original(names)

    engine.index.match_many = counting
    rows = [row(i, manufacturer="HiSilicon", supplier="Ericsson AB") for i in range(2, 2002)]

    found = list(engine.screen_rows(rows))

    assert len(found) == 2000
    assert sum(calls) == 2, "two distinct names, matched once each"


def test_a_restricted_vendor_in_a_second_manufacturer_column_is_found_there():
    brand = BomRow(
        "bid.xlsx", "RAN", 4,
        {"manufacturer": "Ericsson AB", "manufacturer~2": "HiSilicon", "domain": "ran"},
        {"manufacturer": "Manufacturer", "manufacturer~2": "Brand", "domain": "Domain"},
    )

    (finding,) = findings_for(brand)

    assert (finding.field, finding.location.column, finding.value) == ("manufacturer", "Brand", "HiSilicon")
    assert finding.rule == "restricted_entity"
