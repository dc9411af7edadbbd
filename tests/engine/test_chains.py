"""Chain walks: ownership up to the group and subcontracting down any number of tiers, safe against cycles."""

from __future__ import annotations

from screening.engine.chains import MAX_DEPTH, ChainGraph, ChainResolver
from screening.engine.matcher import EntityIndex
from screening.engine.records import ChainEdge, ListedEntity, ListedRelation, ListKind, RelationKind


def entity(key: str, name: str, *, kind=ListKind.RESTRICTED, aliases=()) -> ListedEntity:
    return ListedEntity(key=key, name=name, list_name="test", list_kind=kind, list_version="v1", aliases=tuple(aliases))


GROUP = entity("g", "Huawei Investment & Holding Co., Ltd.")
HUAWEI = entity("h", "Huawei Technologies Co., Ltd.", aliases=("华为技术有限公司",))
HISILICON = entity("s", "HiSilicon Technologies Co., Ltd.", aliases=("HiSilicon",))
HONOR = entity("o", "Honor Device Co., Ltd.")
ERICSSON = entity("e", "Ericsson AB", kind=ListKind.TRUSTED)
ENTITIES = {e.key: e for e in (GROUP, HUAWEI, HISILICON, HONOR, ERICSSON)}
RELATIONS = [
    ListedRelation("h", "g", RelationKind.SUBSIDIARY_OF),
    ListedRelation("s", "h", RelationKind.SUBSIDIARY_OF),
    ListedRelation("o", "h", RelationKind.AFFILIATE_OF, divested=True),
]


def resolver(declared=(), relations=RELATIONS, entities=ENTITIES) -> ChainResolver:
    index = EntityIndex(entities.values())
    graph = ChainGraph(entities=entities, relations=relations, declared=declared)
    return ChainResolver(graph, index.match)


def test_a_direct_match_ends_at_the_listed_entity_and_knows_its_owners():
    hits = resolver().hits("HiSilicon")

    assert [h.entity.name for h in hits] == ["HiSilicon Technologies Co., Ltd."]
    assert hits[0].path == ("HiSilicon", "HiSilicon Technologies Co., Ltd.")
    assert hits[0].ownership == (
        "HiSilicon Technologies Co., Ltd.",
        "Huawei Technologies Co., Ltd.",
        "Huawei Investment & Holding Co., Ltd.",
    )
    assert not hits[0].former_affiliate


def test_a_divested_affiliate_is_a_former_affiliate_and_its_ownership_stops():
    (hit,) = resolver().hits("Honor Device Co., Ltd.")

    assert hit.former_affiliate
    assert hit.ownership == ("Honor Device Co., Ltd.",)


def test_a_restricted_vendor_three_tiers_down_a_declared_chain_is_found_with_its_path():
    declared = [
        ChainEdge("Baltic Integrators", "Nordic Site Services AB"),
        ChainEdge("Nordic Site Services AB", "Eastern Tower Works"),
        ChainEdge("Eastern Tower Works", "Shenzhen Cabinets Ltd"),
        ChainEdge("Shenzhen Cabinets Ltd", "华为技术有限公司"),
    ]

    hits = [h for h in resolver(declared).hits("Nordic Site Services AB") if h.match.confirmed]

    assert [h.path for h in hits] == [
        (
            "Nordic Site Services AB",
            "Eastern Tower Works",
            "Shenzhen Cabinets Ltd",
            "华为技术有限公司",
            "Huawei Technologies Co., Ltd.",
        )
    ]
    assert hits[0].through_chain


def test_declared_names_are_compared_after_normalisation():
    declared = [ChainEdge("NORDIC SITE SERVICES AB", "HiSilicon")]

    hits = resolver(declared).hits("nordic  site services ab")

    assert [h.entity.name for h in hits] == ["HiSilicon Technologies Co., Ltd."]


def test_cycles_end_and_the_shortest_path_wins():
    declared = [
        ChainEdge("A Co", "B Co"),
        ChainEdge("B Co", "C Co"),
        ChainEdge("C Co", "A Co"),  # back to the top
        ChainEdge("C Co", "HiSilicon"),
        ChainEdge("A Co", "C Co"),  # a shortcut
    ]

    hits = resolver(declared).hits("A Co")

    assert [h.path for h in hits] == [("A Co", "C Co", "HiSilicon", "HiSilicon Technologies Co., Ltd.")]


def test_an_ownership_cycle_in_a_list_ends():
    relations = [
        ListedRelation("h", "g", RelationKind.SUBSIDIARY_OF),
        ListedRelation("g", "h", RelationKind.SUBSIDIARY_OF),
    ]

    (hit,) = [h for h in resolver(relations=relations).hits("Huawei Technologies Co., Ltd.") if h.match.confirmed]

    assert hit.ownership == ("Huawei Technologies Co., Ltd.", "Huawei Investment & Holding Co., Ltd.")


def test_a_very_long_chain_is_walked_to_its_bound_without_error():
    names = [f"Tier {i} Services" for i in range(MAX_DEPTH * 3)]
    declared = [ChainEdge(a, b) for a, b in zip(names, names[1:], strict=False)] + [ChainEdge(names[-1], "HiSilicon")]

    hits = resolver(declared).hits(names[0])

    assert hits == []  # the restricted vendor sits beyond any real chain; the walk stops instead of running away
    near = resolver(declared).hits(names[-3])
    assert [h.entity.name for h in near] == ["HiSilicon Technologies Co., Ltd."]


def test_listed_subcontracting_is_walked_too():
    integrator = entity("i", "Trusted Integrator Oy", kind=ListKind.RESTRICTED)
    entities = {**ENTITIES, "i": integrator}
    relations = [*RELATIONS, ListedRelation("s", "i", RelationKind.SUBCONTRACTS_TO)]

    hits = resolver(relations=relations, entities=entities).hits("Trusted Integrator Oy")

    paths = {h.entity.name: h.path for h in hits}
    assert paths["HiSilicon Technologies Co., Ltd."] == ("Trusted Integrator Oy", "HiSilicon Technologies Co., Ltd.")


def test_path_from_root_finds_the_bidder_above_a_subcontractor():
    graph = ChainGraph(
        entities=ENTITIES,
        declared=[
            ChainEdge("Bidder Ltd", "Tier One"),
            ChainEdge("Tier One", "Tier Two"),
            ChainEdge("Tier Two", "Tier One"),
        ],
    )

    assert graph.path_from_root("Tier Two") == ("Bidder Ltd", "Tier One", "Tier Two")
    assert graph.path_from_root("Unknown Co") == ("Unknown Co",)
