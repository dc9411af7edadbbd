"""Walks from a company named in a BOM to the listed entities behind it: down subcontractor chains (declared in
the bid or listed) and up ownership to the group. Every walk is breadth-first and remembers where it has been,
so cycles and long chains end, and the shortest path is the one reported.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .names import normalise
from .records import (
    OWNERSHIP_RELATIONS,
    ChainEdge,
    ListedEntity,
    ListedRelation,
    Match,
    Message,
    RelationKind,
    gettext_noop,
)

_LISTED_SUBCONTRACTOR = gettext_noop("{child} is listed as a subcontractor of {entity}")

MAX_DEPTH = 25  # far beyond any real chain; a bound keeps a hostile declaration from walking forever


@dataclass(frozen=True, slots=True)
class Hit:
    """A listed entity reached from a party, and how."""

    match: Match  # how the last company on the path matched the listed entity
    path: tuple[str, ...]  # party named in the BOM -> subcontractors ... -> listed entity's canonical name
    ownership: tuple[str, ...]  # the listed entity, then its owners up to the group
    former_affiliate: bool  # listed only through divested ownership: a review case, not a block

    @property
    def entity(self) -> ListedEntity:
        return self.match.entity

    @property
    def through_chain(self) -> bool:
        return len(self.path) > 2


class ChainGraph:
    """Ownership between listed entities, and subcontracting between listed entities and declared parties."""

    def __init__(
        self,
        *,
        entities: Mapping[str, ListedEntity],
        relations: Iterable[ListedRelation] = (),
        declared: Iterable[ChainEdge] = (),
    ):
        self.entities = entities
        self._owners: dict[str, list[ListedRelation]] = defaultdict(list)
        self._listed_subcontractors: dict[str, list[str]] = defaultdict(list)
        for relation in relations:
            if relation.child not in entities or relation.parent not in entities:
                continue
            if relation.kind in OWNERSHIP_RELATIONS:
                self._owners[relation.child].append(relation)
            elif relation.kind == RelationKind.SUBCONTRACTS_TO:
                self._listed_subcontractors[relation.parent].append(relation.child)

        self._declared_subcontractors: dict[str, list[str]] = defaultdict(list)
        self._declared_contractors: dict[str, list[str]] = defaultdict(list)
        for edge in declared:
            contractor, subcontractor = normalise(edge.contractor), normalise(edge.subcontractor)
            if not contractor or not subcontractor or contractor == subcontractor:
                continue
            if edge.subcontractor not in self._declared_subcontractors[contractor]:
                self._declared_subcontractors[contractor].append(edge.subcontractor)
            if edge.contractor not in self._declared_contractors[subcontractor]:
                self._declared_contractors[subcontractor].append(edge.contractor)

    def declared_subcontractors(self, party: str) -> list[str]:
        return self._declared_subcontractors.get(normalise(party), [])

    def listed_subcontractors(self, key: str) -> list[ListedEntity]:
        return [self.entities[child] for child in self._listed_subcontractors.get(key, [])]

    def former_affiliate(self, key: str) -> bool:
        """Listed only because of ownership that has since been divested."""
        owners = self._owners.get(key, [])
        return bool(owners) and all(relation.divested for relation in owners)

    def ownership(self, key: str) -> tuple[str, ...]:
        """The entity and its live owners up to the group, by the first live owner at each step."""
        path = [key]
        seen = {key}
        while len(path) <= MAX_DEPTH:
            live = [r for r in self._owners.get(path[-1], []) if not r.divested and r.parent not in seen]
            if not live:
                break
            path.append(live[0].parent)
            seen.add(live[0].parent)
        return tuple(self.entities[k].name for k in path)

    def path_from_root(self, party: str) -> tuple[str, ...]:
        """The shortest declared chain from a top contractor (the bidder) down to `party`, ending with it."""
        start = normalise(party)
        came_from: dict[str, str | None] = {start: None}
        written = {start: party}
        queue = deque([start])
        root = start
        while queue:
            current = queue.popleft()
            contractors = self._declared_contractors.get(current, [])
            if not contractors:
                root = current
                break
            for contractor in contractors:
                key = normalise(contractor)
                if key not in came_from and len(came_from) <= MAX_DEPTH * 10:
                    came_from[key] = current
                    written[key] = contractor
                    queue.append(key)
        else:
            # every contractor above is itself a subcontractor: a cycle; start from the party itself
            root = start
        path = []
        node: str | None = root
        while node is not None:
            path.append(written[node])
            node = came_from[node]
        return tuple(path)


class ChainResolver:
    """Finds every listed entity behind a party, memoised per distinct name."""

    def __init__(self, graph: ChainGraph, matches_for: Callable[[str], list[Match]]):
        self.graph = graph
        self.matches_for = matches_for
        self._memo: dict[tuple[str, bool], list[Hit]] = {}

    def hits(self, party: str, *, descend: bool = True) -> list[Hit]:
        """Listed entities matching `party` and, with `descend`, those anywhere down its subcontractor chain."""
        memo_key = (party, descend)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._walk(party, descend)
        return self._memo[memo_key]

    def _walk(self, party: str, descend: bool) -> list[Hit]:
        found: dict[str, Hit] = {}  # entity key -> the first (shortest) hit
        seen_names = {normalise(party)}
        seen_entities: set[str] = set()
        queue: deque[tuple[str, tuple[str, ...]]] = deque([(party, (party,))])
        while queue:
            name, path = queue.popleft()
            for match in self.matches_for(name):
                self._reach(match, path, found, seen_entities, descend)
            if not descend or len(path) > MAX_DEPTH:
                continue
            for subcontractor in self.graph.declared_subcontractors(name):
                key = normalise(subcontractor)
                if key not in seen_names:
                    seen_names.add(key)
                    queue.append((subcontractor, (*path, subcontractor)))
        return sorted(found.values(), key=lambda hit: (len(hit.path), -hit.match.score, hit.entity.name))

    def _reach(
        self,
        match: Match,
        path: tuple[str, ...],
        found: dict[str, Hit],
        seen_entities: set[str],
        descend: bool,
    ) -> None:
        # A listed entity's own listed subcontractors are reached too (relations of kind subcontracts_to).
        pending: deque[tuple[Match, tuple[str, ...]]] = deque([(match, path)])
        while pending:
            current, trail = pending.popleft()
            entity = current.entity
            hit_path = trail if trail[-1] == entity.name else (*trail, entity.name)
            previous = found.get(entity.key)
            if previous is None or _better(current, hit_path, previous):
                found[entity.key] = Hit(
                    match=current,
                    path=hit_path,
                    ownership=self.graph.ownership(entity.key),
                    former_affiliate=self.graph.former_affiliate(entity.key),
                )
            if entity.key in seen_entities or not descend or len(hit_path) > MAX_DEPTH:
                continue
            seen_entities.add(entity.key)
            for child in self.graph.listed_subcontractors(entity.key):
                reached = Match(
                    entity=child,
                    score=current.score,
                    confirmed=current.confirmed,
                    matched_name=child.name,
                    explanation=Message(_LISTED_SUBCONTRACTOR, {"child": child.name, "entity": entity.name}),
                )
                pending.append((reached, hit_path))


def _better(match: Match, path: tuple[str, ...], previous: Hit) -> bool:
    """Prefer a confirmed match, then a shorter path, then a higher score."""
    return (not match.confirmed, len(path), -match.score) < (
        not previous.match.confirmed,
        len(previous.path),
        -previous.match.score,
    )
