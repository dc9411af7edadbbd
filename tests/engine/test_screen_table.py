"""A chunk task screens its lines a column at a time (SheetLayout.cook_table, then Screener.screen_table). That must
give the findings, in the same order, that screening the same lines one by one (cook, then screen_rows) gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from screening.engine.bom import BomReader
from screening.engine.policy import PolicyConfig
from screening.engine.records import BomRow, Finding, RowTable
from screening.engine.screen import Screener
from screening.services.offline import list_files_load

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BOMS = sorted(
    path for path in [*(FIXTURES / "boms").glob("*.*"), *(FIXTURES / "boms" / "i18n").glob("*.*")]
    if path.suffix in (".xlsx", ".csv") and path.name != "chain_declaration.csv"
)


@pytest.fixture(scope="module")
def lists():
    return list_files_load(restricted=[FIXTURES / "lists" / "restricted.csv"],
                           trusted=[FIXTURES / "lists" / "trusted.csv"])


def both_ways(data: bytes, name: str, lists, config: PolicyConfig, size: int) -> tuple[list, list]:
    with BomReader(io.BytesIO(data), filename=name) as reader:
        edges = reader.chain_edges()
        raw = [(layout, [row for batch in batches for row in batch]) for layout, batches in reader.raw_sheets()]
    by_rows = Screener(lists, config=config, declared=edges)
    by_table = Screener(lists, config=config, declared=edges)
    errors: list = []
    rows: list[BomRow] = [row for layout, sheet in raw for n, cells in sheet if (row := layout.cook(n, cells, errors))]
    tables: list[RowTable] = [  # as a chunk task cooks them: other columns' text made for lines with findings
        layout.cook_table(sheet[start:start + size], errors, by_table.table_fields) for layout, sheet in raw
        for start in range(0, len(sheet), size)
    ]
    return list(by_rows.screen_rows(rows)), [f for table in tables for f in by_table.screen_table(table)]


def as_tuples(findings: list[Finding]) -> list[tuple]:
    return [(f.location, f.field, f.value, f.party, f.rule, f.severity, f.entity.key if f.entity else None, f.score,
             f.path, f.explanation, f.domain) for f in findings]


@pytest.mark.parametrize("path", BOMS, ids=lambda path: path.name)
@pytest.mark.parametrize("size", [3, 10_000])
def test_screening_a_table_gives_the_findings_of_screening_its_rows(path, size, lists):
    config = PolicyConfig(trusted_in_force=True, default_domain="ran")

    by_rows, by_table = both_ways(path.read_bytes(), path.name, lists, config, size)

    assert as_tuples(by_table) == as_tuples(by_rows)


def test_the_fixtures_give_findings_of_every_kind_through_tables(lists):
    """So that the comparison above has something to compare: parties, chains and product categories."""
    found = []
    for path in BOMS:
        _by_rows, by_table = both_ways(path.read_bytes(), path.name, lists, PolicyConfig(trusted_in_force=True), 50)
        found += by_table

    rules = {f.rule for f in found}
    assert {"restricted_entity", "restricted_category", "untrusted_party"} <= rules, rules
    assert any(len(f.path) >= 3 for f in found), "a restricted vendor reached through a chain"
