"""The entity index: which listed company a BOM name refers to, how sure, and why; and what must not match."""

from __future__ import annotations

import random
import time

import pytest

from screening.engine.matcher import EntityIndex
from screening.engine.records import ListedEntity, ListKind


def entity(key: str, name: str, aliases: str = "", *, kind: ListKind = ListKind.RESTRICTED) -> ListedEntity:
    return ListedEntity(
        key=key,
        name=name,
        list_name="test restricted" if kind == ListKind.RESTRICTED else "test trusted",
        list_kind=kind,
        list_version="1",
        aliases=tuple(alias for alias in aliases.split("|") if alias),
    )


ENTITIES = (
    entity("huawei", "Huawei Technologies Co., Ltd.", "华为技术有限公司|Huawei Technologies Company|Huawei"),
    entity("hisilicon", "HiSilicon Technologies Co., Ltd.", "海思半导体有限公司"),
    entity("zte", "ZTE Corporation", "中兴通讯股份有限公司|Zhongxing Telecommunication Equipment Corporation"),
    entity(
        "hikvision",
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "杭州海康威视数字技术股份有限公司|海康威视|Hikvision",
    ),
    entity("dahua", "Zhejiang Dahua Technology Co., Ltd.", "浙江大华技术股份有限公司|大华|Dahua"),
    entity("hytera", "Hytera Communications Corporation Limited", "海能达通信股份有限公司|HYT"),
    entity("kaspersky", "AO Kaspersky Lab", "АО «Лаборатория Касперского»|Kaspersky Lab"),
    entity("ericsson", "Ericsson AB", kind=ListKind.TRUSTED),
    entity("nokia", "Nokia Solutions and Networks Oy", kind=ListKind.TRUSTED),
    entity("samsung", "Samsung Electronics Co., Ltd.", kind=ListKind.TRUSTED),
    entity("nec", "NEC Corporation", kind=ListKind.TRUSTED),
    entity("cisco", "Cisco Systems, Inc.", kind=ListKind.TRUSTED),
)


@pytest.fixture(scope="module")
def index() -> EntityIndex:
    return EntityIndex(ENTITIES)


CONFIRMED, POSSIBLE = True, False

# BOM name -> the entity it must match first, and whether the match is confirmed or possible.
POSITIVES = [
    ("Huawei Technologies Co., Ltd.", "huawei", CONFIRMED),
    ("HUAWEI TECHNOLOGIES CO LTD", "huawei", CONFIRMED),
    ("Huawei Technologies Company Limited", "huawei", CONFIRMED),
    ("Huawei Tech. Co Ltd", "huawei", CONFIRMED),
    ("Huawei", "huawei", CONFIRMED),
    ("Huawei Technologies", "huawei", CONFIRMED),
    ("华为技术有限公司", "huawei", CONFIRMED),
    ("華為技術有限公司", "huawei", CONFIRMED),
    ("华为 技术 有限公司", "huawei", CONFIRMED),
    ("华为", "huawei", CONFIRMED),
    ("ＨＵＡＷＥＩ", "huawei", CONFIRMED),
    ("Hua\u200bwei", "huawei", CONFIRMED),
    ("Huawei\u00a0Technologies", "huawei", CONFIRMED),
    ("Hua Wei Technologies", "huawei", CONFIRMED),
    ("Huawai Technologies", "huawei", POSSIBLE),
    ("Huawei Technologies Co., Ltd. (Shenzhen)", "huawei", POSSIBLE),
    ("Huawei Marine Networks", "huawei", POSSIBLE),
    ("HiSilicon", "hisilicon", CONFIRMED),
    ("Hisilicon Technologies Co Ltd", "hisilicon", CONFIRMED),
    ("海思半导体有限公司", "hisilicon", CONFIRMED),
    ("HiSilicom Technologies", "hisilicon", POSSIBLE),
    ("ZTE", "zte", CONFIRMED),
    ("ZTE Corporation", "zte", CONFIRMED),
    ("ZTE Corp.", "zte", CONFIRMED),
    ("ZTE Corporatoin", "zte", POSSIBLE),
    ("中兴通讯股份有限公司", "zte", CONFIRMED),
    ("Zhongxing Telecommunication Equipment Corp", "zte", CONFIRMED),
    ("中兴", "zte", CONFIRMED),
    ("Hangzhou Hikvision Digital Technology Co., Ltd.", "hikvision", CONFIRMED),
    ("HIKVISION DIGITAL TECHNOLOGY CO.,LTD", "hikvision", POSSIBLE),
    ("Hikvision Technology", "hikvision", CONFIRMED),
    ("Hikvision", "hikvision", CONFIRMED),
    ("Hik Vision", "hikvision", CONFIRMED),
    ("Hikvison", "hikvision", POSSIBLE),
    ("海康威视", "hikvision", CONFIRMED),
    ("杭州海康威视数字技术股份有限公司", "hikvision", CONFIRMED),
    ("Zhejiang Dahua Technology Co., Ltd.", "dahua", CONFIRMED),
    ("Dahua", "dahua", CONFIRMED),
    ("Dahua Technology", "dahua", CONFIRMED),
    ("大华", "dahua", CONFIRMED),
    ("浙江大华技术股份有限公司", "dahua", CONFIRMED),
    ("Zhejiang Dahua Technolgy Co", "dahua", POSSIBLE),
    ("Hytera Communications Corporation Limited", "hytera", CONFIRMED),
    ("Hytera", "hytera", CONFIRMED),
    ("HYT", "hytera", CONFIRMED),
    ("Hytera Comunications", "hytera", POSSIBLE),
    ("Hytera Mobilfunk GmbH", "hytera", POSSIBLE),
    ("海能达通信股份有限公司", "hytera", CONFIRMED),
    ("АО «Лаборатория Касперского»", "kaspersky", CONFIRMED),
    ("Лаборатория Касперского", "kaspersky", CONFIRMED),
    ("ООО Лаборатория Касперского", "kaspersky", CONFIRMED),
    ("AO Kaspersky Lab", "kaspersky", CONFIRMED),
    ("Kaspersky Lab", "kaspersky", CONFIRMED),
    ("Kaspersky Labs Limited", "kaspersky", CONFIRMED),
    ("Kaspersky", "kaspersky", POSSIBLE),
    ("Ericsson AB", "ericsson", CONFIRMED),
    ("Nokia Solutions & Networks", "nokia", CONFIRMED),
    ("Samsung", "samsung", CONFIRMED),
    ("Cisco Systems Inc", "cisco", CONFIRMED),
]

# BOM names that share a generic word or a few letters with a listed one, and must match nothing at all.
NEGATIVES = [
    "Hualong Cable",
    "Zetec Instruments",
    "Zetec",
    "ZTC Ltd",
    "ZTT International",
    "Hytech Communications",
    "Hytec Electronics",
    "Hyundai Communications",
    "China Telecom Equipment Resellers",
    "China Mobile",
    "Hua Tech",
    "Dahai",
    "Dahon Systems",
    "Technologies Co Ltd",
    "Digital Technology Co",
    "Beijing Digital Technology Co., Ltd.",
    "Shenzhen Electronics Group",
    "International Telecom Systems Inc",
    "Huami Technology",
    "Huaxin Cable Co., Ltd.",
    "Hisense Broadband",
    "Hikari Networks",
    "Kasper Systems",
    "Kapsch CarrierCom",
    "Lab Equipment Ltd",
    "中国电信",
    "华龙电缆",
    "大海",
    "Лаборатория Медтехники",
    "Siemens AG",
    "NET Communications Co",
]


@pytest.mark.parametrize(("name", "key", "confirmed"), POSITIVES)
def test_bom_names_match_their_listed_company(index, name, key, confirmed):
    # given a BOM name for a listed company, however it is written
    # when it is matched
    matches = index.match(name)
    # then that company comes first, confirmed or possible as expected, scored in [0, 1]
    assert matches, f"{name!r} matched nothing"
    best = matches[0]
    assert (best.entity.key, best.confirmed) == (key, confirmed), best.explanation
    if confirmed:
        assert best.score == 1.0
    else:
        assert index.review_threshold <= best.score < 1.0


@pytest.mark.parametrize("name", NEGATIVES)
def test_names_sharing_only_generic_words_or_letters_do_not_match(index, name):
    # given a name that merely looks like a listed one
    # when it is matched
    # then nothing matches, not even as a possible match
    assert index.match(name) == []


def test_a_name_of_another_company_with_the_same_generic_words_matches_only_that_company(index):
    # given "Nokia Technologies": it shares "Technologies" with Huawei, and "Nokia" with a trusted vendor
    # when it is matched
    matches = index.match("Nokia Technologies")
    # then only Nokia is suggested
    assert [m.entity.key for m in matches] == ["nokia"]


def test_a_confirmed_match_explains_which_alias_matched(index):
    # given the Chinese name of Huawei, which the list carries as an alias
    # when it is matched
    (match,) = index.match("华为技术有限公司")
    # then the evidence names the alias, the listed entity and the normalised form
    assert match.confirmed and match.matched_name == "华为技术有限公司"
    assert str(match.explanation) == (
        'alias "华为技术有限公司" of Huawei Technologies Co., Ltd. (after normalisation: "huawei technology")'
    )


def test_a_possible_match_explains_the_typo(index):
    # given a misspelt name
    # when it is matched
    (match,) = index.match("Huawai Technologies")
    # then the explanation shows which words differ
    assert not match.confirmed
    assert "typo: 'huawai' ~ 'huawei'" in str(match.explanation)
    assert "Huawei Technologies Co., Ltd." in str(match.explanation)


def test_an_extra_word_is_tolerated_only_next_to_a_long_exact_name():
    # given listed names, one long and distinctive, others short or everyday words
    listed = EntityIndex(
        [
            entity("huawei", "Huawei Technologies Co., Ltd."),
            entity("honor", "Honor Device Co., Ltd."),
            entity("nubia", "Nubia Technology Co., Ltd."),
            entity("zte", "ZTE Corporation"),
        ]
    )
    # when BOM names add a word of their own
    # then the long exact name is a possible match, and the others are not matched at all
    assert listed.match("Huawei Marine Networks")[0].entity.key == "huawei"
    decoys = (
        "Honor Guard Security Ltd",
        "Nubian Cables",
        "ZTE Kangxun Telecom",
        "Huawai Marine Networks",
        "Huawei Marine Cable Laying",
    )
    for decoy in decoys:
        assert listed.match(decoy) == [], decoy


def test_a_possible_match_on_extra_words_says_which(index):
    # given a subsidiary's name that the list does not carry
    (match,) = index.match("Huawei Marine Networks")
    # then it is a possible match for review, and the extra word is named
    assert match.entity.key == "huawei" and not match.confirmed
    assert "word not in the listed name: 'marine'" in str(match.explanation)


def test_a_descriptor_match_says_what_was_set_aside(index):
    (match,) = index.match("Hytera")
    assert match.confirmed
    assert 'without its generic descriptor "communication"' in str(match.explanation)


def test_short_names_match_exactly_or_not_at_all():
    # given listed names that are short but distinctive
    short = EntityIndex([entity(name.lower(), name) for name in ("ZTE", "DJI", "HMN", "SMIC")])
    # when near misses are matched, then nothing matches
    for near_miss in ("ZTC", "ZTE1", "Zetec", "DJL", "HMM", "SMIK", "SMICS"):
        assert short.match(near_miss) == [], near_miss
    # and the names themselves do
    assert short.match("ZTE (USA) Inc.")[0].entity.key == "zte"
    assert short.match("smic")[0].confirmed


def test_a_listed_name_of_generic_words_only_matches_exactly():
    # given a carrier listed under a name made of generic words
    carriers = EntityIndex([entity("cmi", "China Mobile International USA Inc.")])
    # then its own name matches, and near variants do not
    assert carriers.match("China Mobile International (USA) Inc")[0].confirmed
    assert carriers.match("China Mobile International UK") == []
    assert carriers.match("China Mobile Internacional USA") == []


def test_a_cell_naming_two_companies_unsplit_still_reaches_the_long_name(index):
    # given a cell that was not split ("and" is not a separator)
    matches = index.match("Huawei and Nokia")
    # then Huawei comes back as a possible match; "Nokia" is too short a name to spare a word for
    assert [(m.entity.key, m.confirmed) for m in matches] == [("huawei", False)]


def test_confirmed_matches_come_before_possible_ones():
    # given two entities, one named exactly, one only close
    two = EntityIndex([entity("a", "Hikvision"), entity("b", "Hikvisian Systems")])
    # when the exact name is matched
    matches = two.match("Hikvision")
    # then the confirmed match is first
    assert [(m.entity.key, m.confirmed) for m in matches] == [("a", True), ("b", False)]


def test_the_review_threshold_drops_possible_matches_but_never_confirmed_ones():
    strict = EntityIndex(ENTITIES, review_threshold=0.995)
    assert strict.match("Huawai Technologies") == []
    assert strict.match("Huawei")[0].confirmed


def test_match_many_answers_every_name_once(index):
    # given a BOM's distinct names, with blanks and repeats
    names = ["Huawei", "Nokia Oyj", "", "---", "Hualong Cable", "Huawei", "華為技術有限公司"]
    # when they are matched in one call
    results = index.match_many(names)
    # then every name has an answer, and equal names answer alike
    assert set(results) == set(names)
    assert results[""] == [] and results["---"] == [] and results["Hualong Cable"] == []
    assert results["Huawei"][0].entity.key == results["華為技術有限公司"][0].entity.key == "huawei"
    assert results["Nokia Oyj"][0].entity.key == "nokia"


@pytest.mark.parametrize("order", [1, -1])
def test_names_that_normalise_alike_are_each_told_the_listed_name_written_like_them(index, order):
    # given the Chinese and the English name of Huawei in one BOM, which normalise alike, in either order
    names = ["华为技术有限公司", "Huawei Technologies Company"][::order]
    # when they are matched in one call
    results = index.match_many(names)
    # then each one's evidence names the listed alias written like it, not the one that came first
    assert results["华为技术有限公司"][0].matched_name == "华为技术有限公司"
    assert results["Huawei Technologies Company"][0].matched_name == "Huawei Technologies Company"
    assert '"Huawei Technologies Company"' in str(results["Huawei Technologies Company"][0].explanation)


def test_entity_count_counts_entities_not_names(index):
    assert index.entity_count == len(ENTITIES)


# --- scale ----------------------------------------------------------------------------------------------

SYLLABLES = [consonant + vowel for consonant in "bklmnrst" for vowel in "aeio"]
GENERIC = ("Technologies", "Communications", "Electronics", "Systems", "Networks", "Digital", "Holdings")
FORMS = ("Co., Ltd.", "Inc.", "LLC", "GmbH", "S.A.", "Corporation", "Limited", "AB", "Oy", "PLC")


def synthetic_entities(count: int, seed: int = 7) -> list[ListedEntity]:
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    entities = []
    for i in range(count):
        base = f"{word()} {word()}" if rng.random() < 0.3 else word()
        generic = rng.choice(GENERIC)
        entities.append(
            ListedEntity(
                key=str(i),
                name=f"{base} {generic} {rng.choice(FORMS)}",
                list_name="synthetic",
                list_kind=ListKind.RESTRICTED,
                list_version="1",
                aliases=(base, f"{base} {rng.choice(GENERIC)}"),
            )
        )
    return entities


def test_indexing_100k_entities_runs_and_still_finds_names():
    # given a list the size of a large consolidated screening list
    entities = synthetic_entities(100_000)
    entities.append(entity("huawei", "Huawei Technologies Co., Ltd.", "华为技术有限公司"))
    # when it is indexed
    started = time.perf_counter()
    big = EntityIndex(entities)
    elapsed = time.perf_counter() - started
    # then it holds every entity (the budget is 5 s on a developer machine; no tight assert here)
    assert big.entity_count == 100_001
    assert elapsed < 60
    # and a BOM's worth of names matches in one call
    names = [e.name for e in entities[:1000]] + [f"{e.aliases[0]}x" for e in entities[1000:2000]]
    names += ["華為技術有限公司", "Huawai Technologies"]
    results = big.match_many(names)
    assert all(results[e.name] and results[e.name][0].confirmed for e in entities[:1000])
    assert results["華為技術有限公司"][0].entity.key == "huawei"
    assert results["Huawai Technologies"][0].entity.key == "huawei"
