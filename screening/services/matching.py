"""The lists a screening runs against, loaded from the database and indexed once per worker process."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.core.cache import cache

from screening import conf
from screening.engine.categories import CategoryIndex
from screening.engine.matcher import EntityIndex
from screening.engine.records import EntityKind, ListedEntity, ListedRelation, ListKind, Match, Message, RelationKind
from screening.engine.screen import ListSet
from screening.models import Entity, ListVersion, Relation, SupplierList


def list_versions_in_force(*, lists: Iterable[SupplierList] | None = None) -> list[ListVersion]:
    """The newest version of each given list, or of every active list."""
    queryset = SupplierList.objects.filter(is_active=True) if lists is None else lists
    versions = []
    for supplier_list in queryset:
        version = supplier_list.current_version
        if version is not None:
            versions.append(version)
    return versions


def versions_key(version_ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(version_ids)))


def list_set_load(*, version_ids: tuple[int, ...]) -> ListSet:
    versions = ListVersion.objects.filter(pk__in=version_ids).select_related("supplier_list")
    labels = {}
    lists = []
    for version in versions:
        labels[version.pk] = (version.supplier_list.name, ListKind(version.supplier_list.kind), f"v{version.number}")
        lists.append(
            {
                "name": version.supplier_list.name,
                "kind": version.supplier_list.kind,
                "version": f"v{version.number}",
                "version_id": version.pk,
                "imported_at": version.created_at.isoformat(),
            }
        )
    entities: dict[str, ListedEntity] = {}
    rows = Entity.objects.filter(version_id__in=version_ids).values_list(
        "pk", "version_id", "name", "aliases", "country", "registration_number", "lei", "reason", "source",
        "kind", "keywords", "product_codes",
    )
    for (
        pk, version_id, name, aliases, country, registration, lei, reason, source, entity_kind, keywords, codes
    ) in rows.iterator(chunk_size=5000):
        list_name, kind, label = labels[version_id]
        entities[str(pk)] = ListedEntity(
            key=str(pk),
            name=name,
            list_name=list_name,
            list_kind=kind,
            list_version=label,
            aliases=tuple(aliases or ()),
            country=country,
            identifiers=tuple(i for i in (registration, lei) if i),
            reason=reason,
            source=source,
            kind=EntityKind(entity_kind),
            keywords=tuple(keywords or ()),
            product_codes=tuple(codes or ()),
        )
    relations = [
        ListedRelation(child=str(child), parent=str(parent), kind=RelationKind(kind), divested=divested)
        for child, parent, kind, divested in Relation.objects.filter(version_id__in=version_ids).values_list(
            "child_id", "parent_id", "kind", "divested"
        )
    ]
    return ListSet(entities=entities, relations=relations, lists=lists)


@lru_cache(maxsize=4)
def indexed_lists(version_ids: tuple[int, ...], review_threshold: float) -> tuple[ListSet, EntityIndex]:
    """Versions never change, so a worker process indexes a set of them once and keeps it."""
    list_set = list_set_load(version_ids=version_ids)
    index = EntityIndex(list_set.entities.values(), review_threshold=review_threshold)
    # The lists and their index are hundreds of thousands of long-lived objects. Chunks allocate a lot, so the
    # garbage collector's full passes come often, and each would scan all of them again: move what the process
    # holds now into the permanent generation, which the collector skips (gc.freeze; the lists hold no cycles,
    # so an index dropped from this cache is still freed by reference counting).
    gc.freeze()
    return list_set, index


@lru_cache(maxsize=4)
def indexed_categories(version_ids: tuple[int, ...], review_threshold: float) -> CategoryIndex:
    """The product categories of a set of list versions, indexed once per worker process."""
    list_set, _index = indexed_lists(version_ids, review_threshold)
    return CategoryIndex(list_set.entities.values())


# Match results this process has seen, per scope (list versions and threshold), in front of Django's cache:
# a warm worker then needs no cache round trip per chunk, and results are reused within the process even when
# the cache is a small per-process LocMemCache. Bounded in scopes and names; emptied when a scope's entities
# are loaded again (a new ListSet object), so it never hands out entities of another load.
LOCAL_SCOPES = 4
LOCAL_NAMES = 200_000
_local: dict[str, tuple[Mapping[str, ListedEntity], dict[str, list[Match]]]] = {}


def _local_matches(prefix: str, entities: Mapping[str, ListedEntity]) -> dict[str, list[Match]]:
    held = _local.get(prefix)
    if held is None or held[0] is not entities:
        _local.pop(prefix, None)
        while len(_local) >= LOCAL_SCOPES:
            _local.pop(next(iter(_local)))
        held = _local[prefix] = (entities, {})
    return held[1]


class CachedMatchStore:
    """Match results in Django's cache, keyed by list versions and name, so later screenings reuse them."""

    def __init__(self, list_set: ListSet, *, version_ids: tuple[int, ...], review_threshold: float):
        self.entities = list_set.entities
        scope = f"{','.join(map(str, version_ids))}:{review_threshold}"
        # match2: the explanation is kept as a message (template and values), no longer as English text.
        self.prefix = "screening:match2:" + hashlib.sha1(scope.encode(), usedforsecurity=False).hexdigest()[:16]
        self.timeout = conf.get("MATCH_CACHE_TIMEOUT")

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()}"

    def _remember(self, matches: Mapping[str, list[Match]]) -> None:
        local = _local_matches(self.prefix, self.entities)
        if len(local) + len(matches) > LOCAL_NAMES:
            local.clear()
        local.update(matches)

    def get_many(self, names: list[str]) -> dict[str, list[Match]]:
        local = _local_matches(self.prefix, self.entities)
        found = {name: list(local[name]) for name in names if name in local}
        missing = [name for name in names if name not in found]
        if not missing:
            return found
        keys = {self._key(name): name for name in missing}
        fetched = {}
        for key, stored in cache.get_many(list(keys)).items():
            matches = [
                Match(self.entities[entity_key], score, confirmed, matched_name, Message.from_dict(explanation))
                for entity_key, score, confirmed, matched_name, explanation in stored
                if entity_key in self.entities
            ]
            fetched[keys[key]] = matches
        self._remember(fetched)
        found.update((name, list(matches)) for name, matches in fetched.items())
        return found

    def set_many(self, matches: Mapping[str, list[Match]]) -> None:
        cache.set_many(
            {
                self._key(name): [
                    (m.entity.key, m.score, m.confirmed, m.matched_name, m.explanation.as_dict()) for m in found
                ]
                for name, found in matches.items()
            },
            timeout=self.timeout,
        )
        self._remember({name: list(found) for name, found in matches.items()})
