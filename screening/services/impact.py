"""Which screenings a new list version can change, and why: what the import changed, matched against the company
names each screening has already seen (its BOM rows and its declared chain).

Only the changed entities are indexed, so checking a thousand screenings costs one small index and one pass over
their names. A screening's names are recorded once it is done (`screening_party_names_record`, run after
finalising); an older screening's are read back from its chunk rows the first time they are asked for.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_noop

from screening import conf
from screening.choices import RelationKind
from screening.engine.matcher import EntityIndex
from screening.engine.names import normalise, split_parties
from screening.engine.records import PARTY_COLUMNS, ListedEntity, ListKind, Location, Message, where_message
from screening.models import Entity, Finding, ListImportImpact, ListVersion, Relation, Screening, ScreeningChunk

from .screenings import chunk_payload_cells

_PARTY_KEYS = frozenset(key for key, _field in PARTY_COLUMNS)
BOM, CHAIN = "bom", "chain"
# The attributes whose change can change a finding (its entity, evidence or severity).
_ATTRIBUTES = ("aliases", "country", "registration_number", "lei", "reason", "source")

# Why a screening may change, as its re-screen's reason says it (in the reader's language when shown).
_CHANGES = {
    ("new", BOM): gettext_noop("new entity {entity} matches '{name}' in the BOM"),
    ("new", CHAIN): gettext_noop("new entity {entity} matches '{name}' in the subcontractor chain"),
    ("removed", BOM): gettext_noop("removed entity {entity} matched '{name}' in the BOM"),
    ("removed", CHAIN): gettext_noop("removed entity {entity} matched '{name}' in the subcontractor chain"),
    ("changed", BOM): gettext_noop("changed entity {entity} ({changed}) matches '{name}' in the BOM"),
    ("changed", CHAIN): gettext_noop("changed entity {entity} ({changed}) matches '{name}' in the subcontractor chain"),
}
_PRODUCED = gettext_noop("removed entity {entity} produced a finding on '{value}' ({where})")
# What changed about an entity, in the words a reason uses.
_CHANGED_WORDS = {
    "aliases": gettext_noop("aliases"),
    "country": gettext_noop("country"),
    "registration_number": gettext_noop("registration number"),
    "lei": gettext_noop("LEI"),
    "reason": gettext_noop("reason"),
    "source": gettext_noop("source"),
    "relations": gettext_noop("relations"),
    "listed subcontractors": gettext_noop("listed subcontractors"),
}


# -- the names a screening has seen


def _add_party(found: dict[str, str], text: str) -> None:
    for party in split_parties(text):
        key = normalise(party)
        if key and key not in found:
            found[key] = party


def screening_party_names_read(*, screening: Screening) -> dict[str, dict[str, str]]:
    """{"bom": {normalised name: as written}, "chain": {...}}: every company the screening's rows and chain name."""
    bom: dict[str, str] = {}
    cells: set[str] = set()
    payloads = ScreeningChunk.objects.filter(screening_id=screening.pk).values_list("payload", flat=True)
    for payload in payloads.iterator(chunk_size=20):
        cells.update(value for value in chunk_payload_cells(payload, _PARTY_KEYS) if isinstance(value, str))
    for cell in sorted(cells):
        _add_party(bom, cell)
    chain: dict[str, str] = {}
    if screening.bidder:
        _add_party(chain, screening.bidder)
    for edge in screening.chain_edges or ():
        for name in (edge.get("contractor", ""), edge.get("subcontractor", "")):
            _add_party(chain, name or "")
    return {BOM: bom, CHAIN: chain}


def screening_party_names_record(*, screening_id: int) -> dict[str, dict[str, str]]:
    """Read and keep the screening's names (once it is done); safe to run again."""
    screening = Screening.objects.get(pk=screening_id)
    names = screening_party_names_read(screening=screening)
    Screening.objects.filter(pk=screening_id).update(party_names=names)
    return names


def screening_party_names(*, screening: Screening) -> dict[str, dict[str, str]]:
    """The recorded names, or (for a screening done before they were recorded) read and recorded now."""
    if screening.party_names is not None:
        return screening.party_names
    if not screening.is_finished:
        return screening_party_names_read(screening=screening)
    names = screening_party_names_record(screening_id=screening.pk)
    screening.party_names = names
    return names


# -- what an import changed


@dataclass(frozen=True)
class _EntityState:
    pk: int
    name: str
    aliases: tuple[str, ...]
    attributes: dict
    parents: frozenset  # (kind, parent name, divested)


@dataclass
class ListDelta:
    """The entities one version adds, changes and removes against another, by name, with what changed."""

    list_name: str
    list_kind: str
    before_label: str
    after_label: str
    added: dict[str, _EntityState] = field(default_factory=dict)
    changed: dict[str, tuple[_EntityState, _EntityState, list[str]]] = field(default_factory=dict)  # before, after
    removed: dict[str, _EntityState] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass
class _Version:
    """One version's entities as raw rows (aliases still JSON text: decoding 100k of them to compare is most of
    the cost, and equal text is equal aliases) and each entity's parents."""

    rows: dict[str, tuple] = field(default_factory=dict)  # name -> (pk, aliases JSON, *other attributes)
    parents: dict[str, frozenset] = field(default_factory=dict)  # name -> {(kind, parent name, divested)}

    def state(self, name: str) -> _EntityState:
        pk, aliases_text, *rest = self.rows[name]
        aliases = tuple(json.loads(aliases_text) if aliases_text else ())
        attributes = dict(zip(_ATTRIBUTES, (frozenset(aliases), *rest), strict=True))
        return _EntityState(pk, name, aliases, attributes, self.parents.get(name, frozenset()))


def _load(version: ListVersion | None) -> _Version:
    loaded = _Version()
    if version is None:
        return loaded
    parents: dict[str, set] = defaultdict(set)
    relations = Relation.objects.filter(version=version).values_list("child__name", "kind", "parent__name", "divested")
    for child, kind, parent, divested in relations.iterator(chunk_size=5000):
        parents[child].add((kind, parent, divested))
    loaded.parents = {name: frozenset(found) for name, found in parents.items()}
    rows = (
        Entity.objects.filter(version=version)
        .annotate(aliases_text=Cast("aliases", TextField()))
        .values_list("name", "pk", "aliases_text", *_ATTRIBUTES[1:])
    )
    loaded.rows = {name: tuple(rest) for name, *rest in rows.iterator(chunk_size=5000)}
    return loaded


def _contractors_above(names: Iterable[str], *versions: _Version) -> set[str]:
    """The names and every listed contractor above them (relations "subcontracts_to"): a BOM naming any of them
    reaches the listed subcontractors below."""
    above: dict[str, set[str]] = defaultdict(set)
    for version in versions:
        for child, relations in version.parents.items():
            for kind, parent, _divested in relations:
                if kind == RelationKind.SUBCONTRACTS_TO:
                    above[child].add(parent)
    found, pending = set(), list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(above.get(name, ()))
    return found


def list_delta(*, before: ListVersion | None, after: ListVersion) -> ListDelta:
    """What `after` adds, changes and removes against `before` (None: nothing, so every entity is added)."""
    old, new = _load(before), _load(after)
    delta = ListDelta(
        list_name=after.supplier_list.name,
        list_kind=after.supplier_list.kind,
        before_label=f"v{before.number}" if before else "nothing",
        after_label=f"v{after.number}",
        added={name: new.state(name) for name in new.rows.keys() - old.rows.keys()},
        removed={name: old.state(name) for name in old.rows.keys() - new.rows.keys()},
    )
    relation_changed: set[str] = set()
    empty = frozenset()
    for name in old.rows.keys() & new.rows.keys():
        same_parents = old.parents.get(name, empty) == new.parents.get(name, empty)
        if same_parents and old.rows[name][1:] == new.rows[name][1:]:
            continue  # the common case, without decoding anything
        a, b = old.state(name), new.state(name)
        what = [attribute for attribute in _ATTRIBUTES if a.attributes[attribute] != b.attributes[attribute]]
        if not same_parents:
            what.append("relations")
            # A changed "subcontracts_to" relation changes what a BOM naming the contractor (or any contractor
            # above it) reaches, so the contractors count as changed too.
            contractors = {p for kind, p, _d in a.parents ^ b.parents if kind == RelationKind.SUBCONTRACTS_TO}
            relation_changed.update(_contractors_above(contractors, old, new))
        if what:
            delta.changed[name] = (a, b, what)
    for name in relation_changed:
        if name in new.rows and name in old.rows and name not in delta.changed:
            delta.changed[name] = (old.state(name), new.state(name), ["listed subcontractors"])
    return delta


# -- matching the changes against the screenings' names


def _listed(state: _EntityState, key: str, delta: ListDelta, label: str) -> ListedEntity:
    return ListedEntity(key=key, name=state.name, list_name=delta.list_name, list_kind=ListKind(delta.list_kind),
                        list_version=label, aliases=state.aliases)


@dataclass
class _Change:
    kind: str  # "new", "changed", "removed"
    name: str
    what: list[str] = field(default_factory=list)

    def describe(self, written: str, where: str) -> Message:
        values = {"entity": self.name, "name": written}
        if self.kind == "changed":
            words = [Message(_CHANGED_WORDS[what]) if what in _CHANGED_WORDS else what.replace("_", " ")
                     for what in self.what]
            values["changed"] = Message.join(words, ", ")
        return Message(_CHANGES[(self.kind, where)], values)


def _change_index(delta: ListDelta, threshold: float) -> tuple[EntityIndex, dict[str, _Change]]:
    listed, changes = [], {}
    for name, state in delta.added.items():
        listed.append(_listed(state, f"new:{name}", delta, delta.after_label))
        changes[f"new:{name}"] = _Change("new", name)
    for name, (old, new, what) in delta.changed.items():
        listed.append(_listed(new, f"changed:{name}", delta, delta.after_label))
        changes[f"changed:{name}"] = _Change("changed", name, what)
        if set(old.aliases) - set(new.aliases):  # a dropped alias can no longer match: a name it matched changes
            listed.append(_listed(old, f"changed-before:{name}", delta, delta.before_label))
            changes[f"changed-before:{name}"] = changes[f"changed:{name}"]
    for name, state in delta.removed.items():
        listed.append(_listed(state, f"removed:{name}", delta, delta.before_label))
        changes[f"removed:{name}"] = _Change("removed", name)
    return EntityIndex(listed, review_threshold=threshold), changes


def _threshold(screening: Screening) -> float:
    try:
        return float((screening.policy or {}).get("review_threshold", conf.get("REVIEW_THRESHOLD")))
    except (TypeError, ValueError):
        return conf.get("REVIEW_THRESHOLD")


def _baselines(after: ListVersion, screenings: list[Screening]) -> dict[int, int | None]:
    """For each screening, the version of the imported list it was screened against (None: none of them)."""
    through = Screening.list_versions.through
    cited = dict(
        through.objects.filter(
            screening_id__in=[s.pk for s in screenings], listversion__supplier_list_id=after.supplier_list_id
        ).values_list("screening_id", "listversion_id")
    )
    return {screening.pk: cited.get(screening.pk) for screening in screenings}


def screenings_affected_by(
    *, before: ListVersion | None, after: ListVersion, screenings: QuerySet[Screening] | Iterable[Screening]
) -> list[tuple[Screening, list[Message]]]:
    """The screenings whose findings the import of `after` can change, each with the reasons (str() is English),
    in the given order.

    A screening can change when an added or changed entity's names (canonical and aliases, normalised as the
    matcher does, at the screening's own review threshold) match a company its BOM or chain names, or when a
    removed entity matched one of them or produced one of its findings. Each screening is compared with the
    version of this list it was screened against: normally `before`, the version `after` replaced; one that
    cites an older version is compared with that one, and one that cites none with an empty list. A screening
    already against `after` is not affected.
    """
    if before is not None and before.supplier_list_id != after.supplier_list_id:
        raise ValueError("Compare two versions of the same list.")
    screenings = list(screenings)
    baselines = _baselines(after, screenings)
    versions = {v.pk: v for v in ListVersion.objects.filter(pk__in={b for b in baselines.values() if b})}
    if before is not None:
        versions[before.pk] = before
    reasons: dict[int, list[Message]] = defaultdict(list)

    groups: dict[tuple[int | None, float], list[Screening]] = defaultdict(list)
    for screening in screenings:
        baseline = baselines[screening.pk]
        if baseline == after.pk:
            continue
        groups[(baseline, _threshold(screening))].append(screening)
    deltas: dict[int | None, ListDelta] = {}
    for (baseline, threshold), group in groups.items():
        if baseline not in deltas:
            deltas[baseline] = list_delta(before=versions.get(baseline), after=after)
        delta = deltas[baseline]
        if delta.empty:
            continue
        if delta.removed:
            _removed_findings(delta, after, group, reasons)
        _match_names(delta, threshold, group, reasons)
    return [(screening, reasons[screening.pk]) for screening in screenings if reasons.get(screening.pk)]


def _match_names(
    delta: ListDelta, threshold: float, group: list[Screening], reasons: dict[int, list[Message]]
) -> None:
    index, changes = _change_index(delta, threshold)
    seen_by: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # normalised name -> (screening, where, text)
    for screening in group:
        names = screening_party_names(screening=screening)
        for where in (BOM, CHAIN):
            for key, written in (names.get(where) or {}).items():
                seen_by[key].append((screening.pk, where, written))
    for key, matches in index.match_many(list(seen_by)).items():
        for match in matches:
            change = changes[match.entity.key]
            for screening_id, where, written in seen_by[key]:
                text = change.describe(written, where)
                said = reasons[screening_id]
                if change.kind == "removed" and any(
                    r.template == _PRODUCED and r.params["entity"] == change.name for r in said
                ):
                    continue  # its finding says more than its name
                if text not in said:
                    reasons[screening_id].append(text)


def _removed_findings(delta: ListDelta, after: ListVersion, group: list[Screening], reasons) -> None:
    rows = (
        Finding.objects.filter(
            screening__in=[s.pk for s in group],
            entity__version__supplier_list_id=after.supplier_list_id,
            entity__name__in=list(delta.removed),
        )
        .order_by("screening_id", "file_name", "sheet", "row", "pk")
        .values_list("screening_id", "entity__name", "value", "file_name", "sheet", "row")
    )
    seen = set()
    for screening_id, entity_name, value, file_name, sheet, row in rows:
        if (screening_id, entity_name) in seen:
            continue
        seen.add((screening_id, entity_name))
        where = where_message(Location(file_name, sheet, row))
        reasons[screening_id].append(Message(_PRODUCED, {"entity": entity_name, "value": value, "where": where}))


# -- recording what an import did


def import_impact_claim(*, version: ListVersion) -> tuple[ListImportImpact, bool]:
    """The version's impact row, locked; False when its work is already done (a second delivery of the import's
    news). Call inside the transaction that does the work, so a worker that dies leaves nothing claimed."""
    impact, _created = ListImportImpact.objects.select_for_update().get_or_create(version=version)
    return impact, impact.finished_at is None


def import_impact_finish(
    *, impact: ListImportImpact, checked: int, affected: int, rescreened: int, details: list[dict]
) -> ListImportImpact:
    impact.screenings_checked = checked
    impact.screenings_affected = affected
    impact.screenings_rescreened = rescreened
    impact.details = details
    impact.finished_at = timezone.now()
    impact.save()
    return impact
