"""One screening's engine: the lists in force, indexed once, screen BOM rows and declared chains into findings.

Matching costs per distinct company name, not per row: names are matched in batches and remembered, and rules
run once per (company, column, domain) with the result copied to every row that names it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

from .categories import CategoryIndex
from .chains import ChainGraph, ChainResolver
from .matcher import EntityIndex
from .names import split_parties
from .policy import LINE_RULE, PartyContext, PolicyConfig, active_rules, evaluate, normalise_domain
from .records import (
    PARTY_COLUMNS,
    PRODUCT_FIELDS,
    BomRow,
    ChainEdge,
    Field,
    Finding,
    ListedEntity,
    ListedRelation,
    ListKind,
    Location,
    Match,
    NetworkDomain,
    RowTable,
)

BATCH_ROWS = 5_000
# Per-screener memos (cells -> parties, domain texts -> domains, cells -> findings) are emptied when they hold
# more than this many entries, so a BOM of endless distinct names cannot grow a worker without bound.
MEMO_LIMIT = 100_000
_PARTY_KEYS: tuple[str, ...] = tuple(key for key, _field in PARTY_COLUMNS)
_DOMAIN_KEY = str(Field.DOMAIN)
_PRODUCT_KEYS: tuple[str, ...] = tuple(str(name) for name in PRODUCT_FIELDS)


@dataclass
class ListSet:
    """The list versions a screening runs against."""

    entities: dict[str, ListedEntity]
    relations: list[ListedRelation] = field(default_factory=list)
    lists: list[dict] = field(default_factory=list)  # {"name", "kind", "version"} per list version

    @property
    def trusted_in_force(self) -> bool:
        return any(item["kind"] == ListKind.TRUSTED for item in self.lists)


class MatchStore(Protocol):
    """Somewhere to keep match results between screenings against the same list versions."""

    def get_many(self, names: list[str]) -> dict[str, list[Match]]: ...

    def set_many(self, matches: Mapping[str, list[Match]]) -> None: ...


class Screener:
    def __init__(
        self,
        lists: ListSet,
        *,
        config: PolicyConfig,
        declared: Iterable[ChainEdge] = (),
        index: EntityIndex | None = None,
        match_store: MatchStore | None = None,
        categories: CategoryIndex | None = None,
    ):
        self.lists = lists
        self.config = config
        self.index = index or EntityIndex(lists.entities.values(), review_threshold=config.review_threshold)
        self.graph = ChainGraph(entities=lists.entities, relations=lists.relations, declared=declared)
        self.resolver = ChainResolver(self.graph, self._matches_for)
        rules = active_rules(config)
        self.rules = [rule for rule in rules if rule.subject != LINE_RULE]
        self.line_rules = [rule for rule in rules if rule.subject == LINE_RULE]
        self.categories = categories if categories is not None else CategoryIndex(lists.entities.values())
        # Category rules cost nothing when no list in force holds a category.
        self._screen_lines = bool(self.categories) and bool(self.line_rules)
        self._lines: dict[tuple, list[Finding]] = {}  # product cells + domain -> findings of a line
        self.match_store = match_store
        self._matches: dict[str, list[Match]] = {}
        self._verdicts: dict[tuple[str, str, NetworkDomain | None], list[Finding]] = {}
        self._default_domain = normalise_domain(config.default_domain)
        self._parties: dict[str, list[str]] = {}  # cell -> split_parties(cell)
        self._domains: dict[str, NetworkDomain | None] = {}  # domain cell -> domain
        self._cells: dict[tuple[str, str, NetworkDomain | None], list[Finding]] = {}  # findings of a whole cell

    @property
    def table_fields(self) -> frozenset[str]:
        """The fields screen_table reads; a table's other columns can be left as read (SheetLayout.cook_table)."""
        return frozenset((*_PARTY_KEYS, _DOMAIN_KEY, *(_PRODUCT_KEYS if self._screen_lines else ())))

    @property
    def memo_size(self) -> int:
        """Entries held in the screener's memos; a caller keeping a screener for later may check it."""
        return (
            len(self._matches) + len(self._verdicts) + len(self._parties) + len(self._cells)
            + len(self.resolver._memo) + len(self._lines)
        )

    # -- matching, once per distinct name

    def prefetch(self, names: Iterable[str]) -> None:
        unknown = list({name for name in names if name not in self._matches})
        if not unknown:
            return
        if self.match_store is not None:
            stored = self.match_store.get_many(unknown)
            self._matches.update(stored)
            unknown = [name for name in unknown if name not in stored]
        if unknown:
            fresh = self.index.match_many(unknown)
            fresh = {name: fresh.get(name, []) for name in unknown}
            self._matches.update(fresh)
            if self.match_store is not None:
                self.match_store.set_many(fresh)

    def _matches_for(self, name: str) -> list[Match]:
        if name not in self._matches:
            self.prefetch([name])
        return self._matches[name]

    # -- screening

    def screen_rows(self, rows: Iterable[BomRow]) -> Iterator[Finding]:
        """Findings for BOM rows, in row order; rows are consumed in batches so memory stays flat.

        Rules run once per (cell, column, domain); each row that has that cell gets a copy of their findings with
        its own place. This loop runs once per row of every BOM, so it is written for speed.
        """
        iterator = iter(rows)
        cell_findings, domain_of = self._cell_findings, self._domain
        while batch := list(islice(iterator, BATCH_ROWS)):
            cells = {cell for row in batch for name in _PARTY_KEYS if (cell := row.values.get(name))}
            self.prefetch(party for cell in cells for party in self._split(cell))
            for row in batch:
                values = row.values
                domain = domain_of(values.get(_DOMAIN_KEY, ""))
                for key, name in PARTY_COLUMNS:
                    cell = values.get(key)
                    if cell and (templates := cell_findings(cell, name, domain)):
                        location = Location(row.file, row.sheet, row.row, row.headers.get(key, name))
                        for template in templates:
                            yield template.placed(location, cell)
                if self._screen_lines:
                    yield from self._line_copies(row)

    def screen_table(self, table: RowTable) -> list[Finding]:
        """The findings of a table's lines, as screen_rows gives them for table.row(0), table.row(1)...

        A column at a time: each distinct (cell, domain) pair of a party column is screened once, and only the
        lines whose pair has findings are visited again, so a line with no finding costs a few C-level passes."""
        count = len(table)
        if not count:
            return []
        columns, headers = table.columns, table.headers
        domain_cells = columns.get(_DOMAIN_KEY)
        if domain_cells is None:
            domains: list = [self._domain("")] * count
        else:
            of = {cell: self._domain(cell) for cell in set(domain_cells)}
            domains = [of[cell] for cell in domain_cells]
        parties = [(j, key, name, columns[key]) for j, (key, name) in enumerate(PARTY_COLUMNS) if key in columns]
        distinct = {cell for *_rest, cells in parties for cell in set(cells) if cell}
        self.prefetch({party for cell in distinct for party in self._split(cell)})
        placed: list[tuple[int, int, list[Finding], str]] = []  # (line, column order, findings, column header)
        for j, key, name, cells in parties:
            pairs = list(zip(cells, domains, strict=True))
            found = {
                pair: templates for pair in set(pairs)
                if pair[0] and (templates := self._cell_findings(pair[0], name, pair[1]))
            }
            if found:
                column = headers.get(key, name)
                placed += [(i, j, found[pair], column) for i, pair in enumerate(pairs) if pair in found]
        if self._screen_lines:
            products = [columns.get(key) or [""] * count for key in _PRODUCT_KEYS]
            keys = [
                (*(cell or None for cell in cells), domain) for *cells, domain in zip(*products, domains, strict=True)
            ]
            found = {key: templates for key in set(keys) if (templates := self._line_findings_for(key))}
            placed += [(i, len(PARTY_COLUMNS), found[key], "") for i, key in enumerate(keys) if key in found]
        placed.sort(key=lambda item: (item[0], item[1]))
        file, sheet, rows = table.file, table.sheet, table.rows
        findings: list[Finding] = []
        for i, j, templates, column in placed:
            if j < len(PARTY_COLUMNS):
                cell = columns[PARTY_COLUMNS[j][0]][i]
                location = Location(file, sheet, rows[i], column)
                findings += [template.placed(location, cell) for template in templates]
            else:
                findings += [
                    dataclasses.replace(template, location=Location(
                        file, sheet, rows[i], headers.get(template.field, template.field)))
                    for template in templates
                ]
        return findings

    def screen_row(self, row: BomRow) -> Iterator[Finding]:
        return self.screen_rows([row])

    def _line_copies(self, row: BomRow) -> Iterator[Finding]:
        values = row.values
        for template in self._line_findings(values, self._domain(values.get(_DOMAIN_KEY, ""))):
            column = row.headers.get(template.field, template.field)
            yield dataclasses.replace(template, location=Location(row.file, row.sheet, row.row, column))

    def _line_findings(self, values: dict[str, str], domain: NetworkDomain | None) -> list[Finding]:
        return self._line_findings_for((*map(values.get, _PRODUCT_KEYS), domain))

    def _line_findings_for(self, key: tuple) -> list[Finding]:
        """A line's category findings, by its product cells (None where empty) and its domain."""
        templates = self._lines.get(key)
        if templates is None:
            if len(self._lines) >= MEMO_LIMIT:
                self._lines.clear()
            *cells, domain = key
            values = {name: cell for name, cell in zip(_PRODUCT_KEYS, cells, strict=True) if cell}
            context = PartyContext(
                location=Location(""), field="", value="", party="", domain=domain, hits=[],
                categories=self.categories.match_line(values),
            )
            templates = self._lines[key] = evaluate(context, self.config, self.line_rules) if context.categories else []
        return templates

    def _split(self, cell: str) -> list[str]:
        parties = self._parties.get(cell)
        if parties is None:
            if len(self._parties) >= MEMO_LIMIT:
                self._parties.clear()
            parties = self._parties[cell] = split_parties(cell)
        return parties

    def _domain(self, text: str) -> NetworkDomain | None:
        try:
            return self._domains[text]
        except KeyError:
            if len(self._domains) >= MEMO_LIMIT:
                self._domains.clear()
            domain = self._domains[text] = normalise_domain(text) or self._default_domain
            return domain

    def _cell_findings(self, cell: str, field_name: str, domain: NetworkDomain | None) -> list[Finding]:
        key = (cell, field_name, domain)
        templates = self._cells.get(key)
        if templates is None:
            if len(self._cells) >= MEMO_LIMIT:
                self._cells.clear()
            templates = self._cells[key] = [
                template for party in self._split(cell) for template in self._party_findings(party, field_name, domain)
            ]
        return templates

    def _party_findings(self, party: str, field_name: str, domain: NetworkDomain | None) -> list[Finding]:
        key = (party, field_name, domain)
        if key not in self._verdicts:
            if len(self._verdicts) >= MEMO_LIMIT:
                self._verdicts.clear()
            context = PartyContext(
                location=Location(""),
                field=field_name,
                value=party,
                party=party,
                domain=domain,
                hits=self.resolver.hits(party),
            )
            self._verdicts[key] = evaluate(context, self.config, self.rules)
        return self._verdicts[key]

    def screen_declaration(self, edges: Iterable[ChainEdge]) -> Iterator[Finding]:
        """Findings for each declared subcontractor, with the path from the top contractor (the bidder)."""
        for edge in edges:
            if not edge.subcontractor.strip():
                continue
            domain = normalise_domain(edge.domain) or self._default_domain
            above = self.graph.path_from_root(edge.contractor)
            location = edge.location or Location("")
            for party in split_parties(edge.subcontractor):
                context = PartyContext(
                    location=location,
                    field=Field.SUBCONTRACTOR.value,
                    value=edge.subcontractor,
                    party=party,
                    domain=domain,
                    hits=self.resolver.hits(party, descend=False),
                )
                for finding in evaluate(context, self.config, self.rules):
                    finding.path = (*above, *finding.path)
                    yield finding
