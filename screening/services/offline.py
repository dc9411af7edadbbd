"""Screening files in one process, with no jobs and no database writes: the CLI's path through the engine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from screening.engine.bom import BomReader, ReadLimits, read_declaration
from screening.engine.policy import PolicyConfig, verdict
from screening.engine.records import BomReadError, ChainEdge, Finding, ListKind, Location, RowError, Verdict
from screening.engine.screen import ListSet, Screener

from .lists import supplier_list_parse


@dataclass
class ScreeningResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_screened: int = 0
    lists: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(str(finding.severity) for finding in self.findings)

    @property
    def verdict(self) -> Verdict:
        return verdict(self.counts)

    def as_dict(self) -> dict:
        return {
            "verdict": str(self.verdict),
            "rows_screened": self.rows_screened,
            "counts": dict(self.counts),
            "lists": self.lists,
            "findings": [finding.as_dict() for finding in self.findings],
            "errors": [error.as_dict() for error in self.errors],
        }


def list_files_load(*, restricted: Iterable[Path], trusted: Iterable[Path]) -> ListSet:
    """Read list files into a ListSet; raises BomReadError naming the first bad row of any file."""
    entities, relations, lists = {}, [], []
    for kind, paths in ((ListKind.RESTRICTED, restricted), (ListKind.TRUSTED, trusted)):
        for path in paths:
            with path.open("rb") as handle:
                parsed = supplier_list_parse(fileobj=handle, filename=path.name)
            if parsed.errors:
                first = parsed.errors[0]
                more = f" ({len(parsed.errors) - 1} more rows rejected)" if len(parsed.errors) > 1 else ""
                raise BomReadError(f"{first.message}{more}", location=first.location)
            version = f"file {path.name}"
            found, links = parsed.listed(list_name=path.stem, kind=kind, version=version)
            entities.update(found)
            relations.extend(links)
            lists.append({"name": path.stem, "kind": str(kind), "version": version})
    return ListSet(entities=entities, relations=relations, lists=lists)


def files_screen(
    *,
    boms: list[Path],
    declarations: list[Path],
    list_set: ListSet,
    config: PolicyConfig,
    limits: ReadLimits | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> ScreeningResult:
    """Screen BOM files (and declaration files) against a ListSet. Unreadable input raises BomReadError."""
    config.trusted_in_force = list_set.trusted_in_force
    result = ScreeningResult(lists=[{k: v for k, v in item.items() if k != "version_id"} for item in list_set.lists])
    edges: list[ChainEdge] = []
    for path in declarations:
        with _open(path) as handle:
            found, problems = read_declaration(
                handle, filename=path.name, limits=limits, extra_headers=config.extra_headers
            )
        edges.extend(found)
        result.errors.extend(problems)

    with ExitStack() as stack:
        readers = []
        for path in boms:
            handle = stack.enter_context(_open(path))
            reader = stack.enter_context(
                BomReader(handle, filename=path.name, limits=limits, extra_headers=config.extra_headers)
            )
            edges.extend(reader.chain_edges())  # a workbook's chain sheet may follow its BOM sheets
            readers.append(reader)

        screener = Screener(list_set, config=config, declared=edges)
        result.findings.extend(screener.screen_declaration(edges))
        for reader in readers:
            result.findings.extend(screener.screen_rows(_counted(reader.rows(), result, on_rows)))
            result.errors.extend(reader.errors)
    return result


def _counted(rows, result: ScreeningResult, on_rows):
    for row in rows:
        result.rows_screened += 1
        if on_rows is not None and result.rows_screened % 1000 == 0:
            on_rows(result.rows_screened)
        yield row
    if on_rows is not None:
        on_rows(result.rows_screened)


def _open(path: Path):
    try:
        return path.open("rb")
    except OSError as error:
        raise BomReadError(f"cannot open the file: {error.strerror}.", location=Location(path.name)) from error
