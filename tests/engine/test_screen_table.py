"""A chunk task screens its lines a column at a time (SheetLayout.cook_table, then Screener.screen_table). That must
give the findings, in the same order, that screening the same lines one by one (cook, then screen_rows) gives."""

from __future__ import annotations

import io
import json
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


@pytest.mark.parametrize("path", BOMS, ids=lambda path: path.name)
def test_a_tables_cells_as_json_are_the_cells_of_its_lines(path, lists):
    """A finding keeps its line's cells as JSON; a chunk task makes that text a column at a time (cells_json),
    which must read back as the line's cells, headers and all, for every line and any choice of lines."""
    screener = Screener(lists, config=PolicyConfig(trusted_in_force=True))
    with BomReader(io.BytesIO(path.read_bytes()), filename=path.name) as reader:
        raw = [(layout, [row for batch in batches for row in batch]) for layout, batches in reader.raw_sheets()]
    tables = [layout.cook_table(sheet, [], screener.table_fields) for layout, sheet in raw]
    assert tables
    for table in tables:
        every = list(range(len(table)))
        expected = [{row.headers.get(k, k): v for k, v in row.values.items()} for row in table.bom_rows()]
        assert [json.loads(text) for text in table.cells_json(every)] == expected
        assert [json.loads(text) for text in table.cells_json(every[::-2])] == expected[::-2]
        assert table.cells_json([]) == []


def test_cells_json_escapes_what_json_must_escape():
    table = RowTable("f.xlsx", "BOM", {"manufacturer": 'Maker "quoted"', "notes": "Notes\\"}, [2, 3],
                     {"manufacturer": ['Huawei "HW"', ""], "notes": ["华为\n\ttab", "plain"]})

    texts = table.cells_json([0, 1])

    assert [json.loads(text) for text in texts] == [
        {'Maker "quoted"': 'Huawei "HW"', "Notes\\": "华为\n\ttab"}, {"Notes\\": "plain"},
    ]
    assert texts == [json.dumps(table.cells(0)), json.dumps(table.cells(1))]


def test_cells_json_of_columns_kept_as_read_tells_equal_cells_of_other_kinds_apart():
    from screening.engine import bom

    cut = bom._Cooked("Radio unit ")  # a cell cut at the length limit keeps its last space; the raw one does not
    table = RowTable("f.xlsx", "BOM", {"description": "Description", "quantity": "Qty"}, [2, 3, 4, 5],
                     {"description": [cut, "Radio unit ", "Radio unit ", None], "quantity": [1, 1.0, 2.5, 3]},
                     frozenset({"description", "quantity"}), bom._deferred_text)

    assert [json.loads(text) for text in table.cells_json([0, 1, 2, 3])] == [
        {"Description": "Radio unit ", "Qty": "1"}, {"Description": "Radio unit", "Qty": "1"},
        {"Description": "Radio unit", "Qty": "2.5"}, {"Qty": "3"},
    ]
    assert table.cells_json([0, 1, 2, 3]) == [json.dumps(table.cells(i)) for i in range(4)]
