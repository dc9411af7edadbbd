"""The official list formats (FollowTheMoney JSON lines, the CSL's JSON and CSV), product categories on lists,
and the category rule, read from the fixture files and small samples, with no database."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from screening.engine.bom import BomReader
from screening.engine.categories import CategoryIndex
from screening.engine.list_formats import (
    MAX_LISTED_ERRORS,
    CslJsonListStream,
    FtmListStream,
    ListFormat,
    open_list,
    read_list,
    sniff_format,
)
from screening.engine.lists import parse_list_rows
from screening.engine.policy import PolicyConfig, verdict
from screening.engine.records import BomRow, EntityKind, ListKind, RelationKind, Severity
from screening.engine.screen import ListSet, Screener
from tests.conftest import FIXTURES

LISTS = FIXTURES / "lists"


def read(name: str, list_format=None):
    with (LISTS / name).open("rb") as handle:
        return read_list(handle, filename=name, list_format=list_format)


def read_bytes(data: bytes, filename: str = "list", list_format=None):
    return read_list(io.BytesIO(data), filename=filename, list_format=list_format)


def ftm_lines(*entities) -> bytes:
    return "".join((e if isinstance(e, str) else json.dumps(e, ensure_ascii=False)) + "\n" for e in entities).encode()


def company(key, name, **properties):
    return {"id": key, "schema": "Company", "properties": {"name": [name], **properties}}


# -- sniffing


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fcc_covered.ftm.jsonl", ListFormat.FTM),
        ("csl_sample.json", ListFormat.CSL_JSON),
        ("csl_sample.csv", ListFormat.CSL_CSV),
        ("restricted.csv", ListFormat.CSV),
    ],
)
def test_the_content_tells_the_format_whatever_the_name(name, expected):
    assert sniff_format((LISTS / name).read_bytes()[:65536], filename="upload.txt") == expected


def test_sniffing_tells_a_bare_csl_list_and_an_own_csv_with_alt_names_apart():
    assert sniff_format(b'\xef\xbb\xbf [{"name": "Acme"}]') == ListFormat.CSL_JSON
    assert sniff_format(b"name,alt_names,country\nAcme,ACME,CN\n") == ListFormat.CSV
    assert sniff_format(b"PK\x03\x04rest") == ListFormat.XLSX


# -- FollowTheMoney


def test_the_ftm_fixture_gives_companies_ownership_relations_and_counts_what_it_skips():
    parsed, stream = read("fcc_covered.ftm.jsonl")

    assert parsed.errors == []
    names = {entry.name: entry for entry in parsed.entries}
    assert len(names) == 14
    huawei = names["Huawei Technologies Co., Ltd."]
    assert huawei.country == "CN" and "华为技术有限公司" in huawei.aliases and "Huawei" in huawei.aliases
    assert huawei.source == "https://www.fcc.gov/supplychain/coveredlist" and "2021-03-12" in huawei.reason
    assert "Shenzhen Zhongxingxin Telecommunications Equipment Co., Ltd." in names  # a LegalEntity
    assert "China Electronics Technology Group Corporation" in names  # an Organization
    relations = {(r.child, r.parent): r for r in parsed.relations}
    assert len(relations) == 9
    assert all(r.kind == RelationKind.SUBSIDIARY_OF for r in parsed.relations)
    assert not relations[("HiSilicon Technologies Co., Ltd.", "Huawei Technologies Co., Ltd.")].divested
    assert relations[("Honor Device Co., Ltd.", "Huawei Technologies Co., Ltd.")].divested, "ended 2020-11-17"
    assert ("Hikvision Europe B.V.", "Hangzhou Hikvision Digital Technology Co., Ltd.") in relations  # `parent`
    assert stream.skipped == {"Person": 1, "Address": 1, "relations to skipped entities": 1}
    assert "1 Person" in stream.skipped_text()


def test_an_ownership_that_ends_in_the_future_is_not_divested():
    data = ftm_lines(
        company("a", "Alpha Holding"), company("b", "Beta Radio"),
        {"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "endDate": ["2031-01"]}},
    )
    stream = FtmListStream(io.BytesIO(data), filename="f.jsonl", today=date(2026, 11, 22))
    list(stream.records())

    (relation,) = stream.relations
    assert (relation.child, relation.parent, relation.divested) == ("b", "a", False)


def test_every_bad_ftm_line_is_reported_with_its_line_number_and_reason():
    data = ftm_lines(
        company("a", "Alpha Holding"),
        "{not json",
        {"id": "x", "properties": {"name": ["No Schema Ltd"]}},
        {"id": "y", "schema": "Company", "properties": {"name": "Not A List Ltd"}},
        {"id": "z", "schema": "Company", "properties": {"country": ["cn"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["a"]}},
        {"id": "o2", "schema": "Ownership", "properties": {"owner": ["ghost"], "asset": ["a"]}},
        company("b", "Beta Radio"),
    )

    parsed, stream = read_bytes(data, "bad.ftm.jsonl")

    by_line = {error.location.row: error.message for error in parsed.errors}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7]
    assert "not a JSON object" in by_line[2]
    assert "no 'schema'" in by_line[3]
    assert "must be a list" in by_line[4]
    assert "no name" in by_line[5]
    assert "has no asset" in by_line[6]
    assert "'ghost' is not an entity of this file" in by_line[7]
    assert stream.unit == "line" and stream.error_count == 6
    assert [entry.name for entry in parsed.entries] == ["Alpha Holding", "Beta Radio"]


def test_rejected_records_beyond_the_cap_are_counted_not_listed():
    data = ftm_lines(*(["{oops"] * (MAX_LISTED_ERRORS + 234)))

    parsed, stream = read_bytes(data, "junk.jsonl", list_format="ftm")

    assert len(parsed.errors) == MAX_LISTED_ERRORS
    assert stream.error_count == MAX_LISTED_ERRORS + 234


def test_records_of_one_name_are_merged_and_their_links_follow():
    data = ftm_lines(
        company("p", "Parent Group", country=["cn"]),
        company("c1", "Child Co", alias=["Child One"]),
        company("c2", "Child Co", alias=["Child Two"], parent=["p"]),
    )

    parsed, _stream = read_bytes(data)

    (child,) = [entry for entry in parsed.entries if entry.name == "Child Co"]
    assert child.aliases == ["Child One", "Child Two"]
    assert [(r.child, r.parent) for r in parsed.relations] == [("Child Co", "Parent Group")]


def test_the_ftm_reader_is_lazy_it_reads_no_further_than_the_record_it_hands_out():
    data = ftm_lines(*(company(f"e{i}", f"Company {i} Ltd") for i in range(20_000)))
    handle = io.BytesIO(data)
    stream = open_list(handle, filename="big.jsonl")

    records = stream.records()
    first = next(records)

    assert first.entry.name == "Company 0 Ltd"
    assert handle.tell() < 1000 < len(data)
    assert sum(1 for _ in records) == 19_999


# -- the Consolidated Screening List


def test_the_csl_json_fixture_maps_names_countries_ids_reasons_and_sources():
    parsed, stream = read("csl_sample.json")

    assert parsed.errors == []
    names = {entry.name: entry for entry in parsed.entries}
    assert len(names) == 5
    dji = names["SZ DJI Technology Co., Ltd."]
    assert dji.aliases == ["DJI", "Shenzhen Da-Jiang Innovations Sciences and Technologies Company Limited",
                           "深圳市大疆创新科技有限公司"]
    assert dji.country == "CN" and "CMIC-EO13959" in dji.reason
    assert dji.source.startswith("Non-SDN Chinese Military-Industrial Complex") and "https://" in dji.source
    shell = names["Example Shell Trading Limited"]
    assert (shell.registration_number, shell.country) == ("TS-HK-0001", "HK")
    assert "00 FR 00000" in shell.reason and "Fictional test record" in shell.reason
    assert stream.skipped == {"Individual": 1, "Vessel": 1}


def test_the_csl_csv_fixture_gives_the_same_entries_with_either_separator():
    from_json, _ = read("csl_sample.json")
    from_csv, stream = read("csl_sample.csv")

    assert from_csv.errors == []
    assert [(e.name, e.aliases, e.country, e.registration_number, e.source) for e in from_csv.entries] == [
        (e.name, e.aliases, e.country, e.registration_number, e.source) for e in from_json.entries
    ]
    assert stream.skipped == {"Individual": 1, "Vessel": 1}


def test_a_bare_csl_list_and_its_bad_records_by_number():
    data = json.dumps([{"name": "Acme Telecom", "alt_names": ["ACME"]}, "oops", {"name": "  "}]).encode()

    parsed, stream = read_bytes(data, "csl.json")

    assert [e.name for e in parsed.entries] == ["Acme Telecom"]
    assert [(e.location.row, e.message.split(";")[0]) for e in parsed.errors] == [
        (2, "the record is not a JSON object."), (3, "the entity has no name")
    ]
    assert stream.unit == "record"


def test_broken_csl_json_is_reported_after_the_last_good_record():
    data = b'{"results": [{"name": "Acme Telecom"}, {"name": "Beta'

    parsed, _stream = read_bytes(data, "cut.json")

    assert "not valid JSON after record 1" in parsed.errors[-1].message


def test_a_csl_csv_row_without_a_name_is_reported_by_row():
    data = b"_id,source,name,alt_names,addresses\n1,EL,Acme Telecom,ACME; Acme,\"Road 1, Shenzhen, CN\"\n2,EL,,,\n"

    parsed, _stream = read_bytes(data, "csl.csv")

    assert parsed.entries[0].country == "CN" and parsed.entries[0].aliases == ["ACME", "Acme"]
    assert [(e.location.row, e.location.column) for e in parsed.errors] == [(3, "name")]


def test_the_csl_json_reader_streams_the_results_array():
    results = [{"name": f"Company {i} Ltd", "type": "Entity", "alt_names": [f"C{i}"]} for i in range(30_000)]
    data = json.dumps({"total": len(results), "results": results}).encode()
    handle = io.BytesIO(data)

    records = CslJsonListStream(handle, filename="big.json").records()
    next(records)

    assert handle.tell() < len(data) / 4


# -- categories in the project's own format


def rows(text: str):
    return [(n, line.split(",")) for n, line in enumerate(text.strip().splitlines(), start=1)]


def test_a_category_row_gives_keywords_and_product_codes():
    parsed = parse_list_rows(
        rows("name,type,keywords,product_codes\nForeign drones,category,drone|unmanned aircraft,8806|8807.30\n"
             "Acme Telecom,,,\n"),
        filename="l.csv",
    )

    assert parsed.errors == []
    drones, acme = parsed.entries
    assert (drones.kind, drones.keywords, drones.product_codes) == (
        EntityKind.CATEGORY, ["drone", "unmanned aircraft"], ["8806", "8807.30"]
    )
    assert acme.kind == EntityKind.COMPANY


def test_bad_category_rows_are_reported():
    parsed = parse_list_rows(
        rows("name,type,keywords,product_codes,parent\n"
             "Acme Telecom,company,radio,,\n"  # keywords on a company
             "Empty category,category,,,\n"  # nothing to match on
             "Odd,vendor,,,\n"  # unknown type
             "Drones,category,drone,,Acme Telecom\n"),  # a category with a parent
        filename="l.csv",
    )

    messages = {error.location.row: error.message for error in parsed.errors}
    assert "set the row's type to category" in messages[2]
    assert "needs keywords or product codes" in messages[3]
    assert "use company or category" in messages[4]
    assert "no parent" in messages[5]


# -- matching categories and the rule


def listed_categories():
    parsed = parse_list_rows(
        rows("name,type,keywords,product_codes,reason\n"
             "Foreign UAS,category,drone|unmanned aircraft|UAV,8806|8807.30,FCC Covered List\n"
             "Huawei Technologies Co. Ltd.,,,,Covered\n"),
        filename="l.csv",
    )
    return parsed.listed(list_name="covered", kind=ListKind.RESTRICTED, version="v1")


def test_categories_match_whole_words_plurals_phrases_and_code_prefixes():
    entities, _ = listed_categories()
    index = CategoryIndex(entities.values())

    def matched(**values):
        return [(m.field, m.term, m.how) for m in index.match_line(values)]

    assert matched(description="Survey DRONES, 2 pcs") == [("description", "drone", "keyword")]
    assert matched(description="Unmanned  aircraft system kit") == [("description", "unmanned aircraft", "keyword")]
    assert matched(product_code="8806.21.00", description="drone") == [("product_code", "8806", "product code")]
    assert matched(part_number="8807.30") == [("part_number", "8807.30", "part number")]
    assert matched(description="Hydronic cooling unit", product_code="8415.82") == []
    assert matched(description="Aircraft warning light, unmanned site") == []
    assert matched(part_number="880622-X") == [], "a part number is compared whole, not by prefix"


def test_a_category_hit_is_a_medium_review_finding_never_a_block_whatever_the_policy():
    entities, relations = listed_categories()
    lists = ListSet(entities=entities, relations=relations, lists=[{"name": "covered", "kind": "restricted"}])
    line = BomRow("bom.xlsx", "BOM", 7, {"description": "Inspection drone", "manufacturer": "Nokia",
                                         "domain": "core"}, {"description": "Item Description"})
    strict = PolicyConfig(severities={"restricted_category": {"*": "critical"}})

    for config in (PolicyConfig(), strict):
        (finding,) = list(Screener(lists, config=config).screen_rows([line]))
        assert (finding.rule, finding.severity, finding.location.row, finding.location.column) == (
            "restricted_category", Severity.MEDIUM, 7, "Item Description"
        )
        assert finding.entity.name == "Foreign UAS" and finding.value == "Inspection drone"
        assert 'contains "drone"' in finding.explanation and "FCC Covered List" in finding.explanation
        assert verdict({str(finding.severity): 1}).value == "review"


def test_a_category_name_is_never_matched_as_a_company():
    entities, relations = listed_categories()
    lists = ListSet(entities=entities, relations=relations, lists=[{"name": "covered", "kind": "restricted"}])
    line = BomRow("bom.xlsx", "BOM", 2, {"manufacturer": "Foreign UAS", "description": "Radio unit"}, {})

    assert list(Screener(lists, config=PolicyConfig()).screen_rows([line])) == []


def test_the_category_fixture_bom_reads_its_hs_code_column():
    with (FIXTURES / "boms" / "category_hits.xlsx").open("rb") as handle, BomReader(
        handle, filename="category_hits.xlsx"
    ) as reader:
        by_row = {row.row: row for row in reader.rows()}

    assert by_row[5].values["product_code"] == "8807.30.00"
    assert by_row[5].headers["product_code"] == "HS Code"
