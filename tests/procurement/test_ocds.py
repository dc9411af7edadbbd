"""The OCDS export of a tender: valid against the published schemas and extensions, and saying what was screened."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.ocds import BIDS_EXTENSION_URL, EXTENSION_DIR, country_codes, tender_release_package
from procurement.selectors import bid_latest_screening
from procurement.services import bid_create, tender_create, tender_update
from screening.choices import NetworkDomain
from tests.conftest import FIXTURES
from tests.factories import TenderFactory, UserFactory
from tests.procurement.conftest import client_for
from tests.procurement.ocds_schema import errors, package_validator, release_validator
from tests.screening.helpers import run_inline

pytestmark = pytest.mark.django_db

BOMS = FIXTURES / "boms"
BASE = "https://screening.example.org"


def bom(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (BOMS / name).read_bytes())


@pytest.fixture
def screened_tender(officer, org_a, sample_lists):
    """A tender with three lots and two screened bids: direct hits in the BOM, and a restricted vendor three tiers
    down a declared subcontractor chain; and a third bid whose screening has not run yet."""
    tender = tender_create(
        organisation=org_a,
        user=officer,
        reference="5G-OCDS-1",
        title="5G RAN and core modernisation",
        description="Radio access, core and site works.",
        status="open",
        restricted_lists=[sample_lists["restricted"].supplier_list],
        trusted_lists=[sample_lists["trusted"].supplier_list],
        lots=[
            {"number": 1, "title": "Radio access", "domain": NetworkDomain.RAN},
            {"number": 2, "title": "Core", "domain": NetworkDomain.CORE},
            {"number": 3, "title": "Site works", "domain": NetworkDomain.SITE},
        ],
    )
    lots = {lot.number: lot for lot in tender.lots.all()}
    direct = bid_create(
        tender=tender, user=officer, bidder_name="Baltic Mobile Integrators Ltd", bidder_country="LT",
        bidder_registration="LT-300123456", lots=[lots[1]], boms=[bom("direct_hits.xlsx")],
    )
    chain = bid_create(
        tender=tender, user=officer, bidder_name="Baltic Mobile Integrators Ltd", bidder_country="LT",
        lots=[lots[1], lots[3]], boms=[bom("chain_hidden.xlsx")],
    )
    waiting = bid_create(
        tender=tender, user=officer, bidder_name="Late Bidder AB", bidder_country="SE", boms=[bom("clean.xlsx")]
    )
    screenings = {name: run_inline(bid_latest_screening(bid)) for name, bid in (("direct", direct), ("chain", chain))}
    return {"tender": tender, "bids": {"direct": direct, "chain": chain, "waiting": waiting},
            "screenings": screenings}


def party_named(release: dict, name: str) -> dict:
    found = [party for party in release["parties"] if party["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} parties"
    return found[0]


def bid_detail(release: dict, bid) -> dict:
    return next(detail for detail in release["bids"]["details"] if detail["id"] == str(bid.pk))


def test_the_export_is_a_valid_ocds_release_package_with_both_extensions(screened_tender):
    package = tender_release_package(tender=screened_tender["tender"], base_url=BASE)

    assert errors(package_validator(), package) == []
    assert len(package["releases"]) == 1
    release = package["releases"][0]
    assert errors(release_validator(), release) == []
    assert package["version"] == "1.1"
    assert package["extensions"] == [BIDS_EXTENSION_URL, f"{BASE}/ocds/extension/extension.json"]
    assert package["uri"] == f"{BASE}/tenders/{screened_tender['tender'].pk}/ocds.json"
    assert package["publisher"] == {"name": "Agency A"}
    assert package["publishedDate"] == release["date"]


def test_the_release_says_who_bid_for_which_lots_and_what_the_screening_found(screened_tender, settings):
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    tender, bids, screenings = screened_tender["tender"], screened_tender["bids"], screened_tender["screenings"]

    release = tender_release_package(tender=tender, base_url=BASE)["releases"][0]

    assert release["ocid"] == f"ocds-abc123-{tender.pk}"
    assert release["id"].startswith(f"ocds-abc123-{tender.pk}-")
    assert (release["tag"], release["initiationType"]) == (["tender"], "tender")
    buyer = party_named(release, "Agency A")
    assert buyer["roles"] == ["buyer", "procuringEntity"]
    assert release["buyer"] == {"id": buyer["id"], "name": "Agency A"}
    assert release["tender"]["status"] == "active"
    assert [(lot["id"], lot["title"], lot["networkDomain"]) for lot in release["tender"]["lots"]] == [
        ("1", "Radio access", "ran"), ("2", "Core", "core"), ("3", "Site works", "site")
    ]

    # one party per company, however many bids name it
    bidder = party_named(release, "Baltic Mobile Integrators Ltd")
    assert "tenderer" in bidder["roles"]
    assert bidder["identifier"] == {"id": "LT-300123456", "legalName": "Baltic Mobile Integrators Ltd"}
    assert bidder["address"] == {"countryName": "Lithuania"}
    assert release["tender"]["numberOfTenderers"] == 2
    direct = bid_detail(release, bids["direct"])
    assert direct["tenderers"] == [{"id": bidder["id"], "name": "Baltic Mobile Integrators Ltd"}]
    assert direct["relatedLots"] == ["1"] and direct["status"] == "pending"

    # the verdict, as a response to the tender's screening criterion
    [criterion] = release["tender"]["criteria"]
    [requirement] = criterion["requirementGroups"][0]["requirements"]
    [response] = direct["requirementResponses"]
    assert response["requirement"]["id"] == requirement["id"] == "screening-verdict"
    assert response["value"] == "fail"
    assert "High-risk vendors (sample) v1" in response["description"]

    # the flagged manufacturer, with its country of origin, on the line the screening flagged
    huawei = party_named(release, "Huawei Technologies Co., Ltd.")
    assert huawei["roles"] == ["manufacturer"]
    line = next(item for item in direct["items"] if item["bomLine"] == {"file": "direct_hits.xlsx", "sheet": "BOM",
                                                                        "row": 3})
    assert line["manufacturers"] == [{"id": huawei["id"], "name": "Huawei Technologies Co., Ltd."}]
    assert line["countriesOfOrigin"] == ["CN"]
    assert (line["networkDomain"], line["relatedLot"], line["quantity"]) == ("ran", "1", 18)
    assert line["unit"]["value"] == {"amount": 9800, "currency": "EUR"}
    flag = next(flag for flag in line["screeningFindings"] if flag["rule"] == "restricted_entity")
    assert flag["listedEntity"] == "Huawei Technologies Co., Ltd." and flag["decision"] == "open"
    assert "CN" in direct["countriesOfOrigin"] and "US" in direct["countriesOfOrigin"]
    two_makers = next(item for item in direct["items"] if item["description"].startswith("Remote radio unit B3"))
    assert [maker["name"] for maker in two_makers["manufacturers"]] == ["Ericsson AB", "Huawei"], "fullest spelling"
    assert two_makers["countriesOfOrigin"] == ["SE", "CN"]
    assert "componentSupplier" in bidder["roles"], "the bidder is also named as a supplier in its own BOM"

    # the bid report, as evaluation reports
    screening = screenings["direct"]
    urls = {document["format"]: document["url"] for document in direct["documents"]}
    assert urls["text/html"] == BASE + reverse("screening:report_html", args=[screening.pk])
    assert urls[
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ] == BASE + reverse("screening:report_xlsx", args=[screening.pk])
    assert {document["documentType"] for document in direct["documents"]} == {"evaluationReports"}


def test_the_declared_subcontractor_chain_is_exported_at_every_tier(screened_tender):
    bids = screened_tender["bids"]

    release = tender_release_package(tender=screened_tender["tender"], base_url=BASE)["releases"][0]

    chain = bid_detail(release, bids["chain"])
    assert chain["relatedLots"] == ["1", "3"] and chain["hasSubcontracting"] is True
    links = {
        (link["contractor"]["name"], link["subcontractor"]["name"]): link
        for link in chain["subcontracting"]["subcontracts"]
    }
    hidden = links[("Eastern Tower Works Sp. z o.o.", "ZTE Kangxun Telecom Company Limited")]
    assert hidden["tier"] == 3 and hidden["networkDomain"] == "site" and hidden["share"] == "3"
    assert hidden["tenderers"][0]["name"] == "Baltic Mobile Integrators Ltd"
    assert hidden["declaredAt"]["sheet"] == "Subcontractors"
    assert any(flag["rule"] == "restricted_entity" for flag in hidden["screeningFindings"])
    assert links[("Baltic Mobile Integrators Ltd", "Nordic Site Services AB")]["tier"] == 1
    assert links[("Eastern Tower Works Sp. z o.o.", "Nordic Site Services AB")]["tier"] == 3, "the cycle back"
    assert party_named(release, "ZTE Kangxun Telecom Company Limited")["roles"] == ["subcontractor"]
    assert chain["requirementResponses"][0]["value"] == "fail"
    installed = next(item for item in chain["items"] if item["bomLine"]["row"] == 5)
    assert installed["subcontractors"][0]["name"] == "Nordic Site Services AB"
    assert installed["relatedLot"] == "1", "a RAN line of a bid for the RAN and site lots"

    waiting = bid_detail(release, bids["waiting"])
    assert "requirementResponses" not in waiting and "items" not in waiting
    assert waiting["description"] == f"Screening #{bid_latest_screening(bids['waiting']).pk} is queued."


def test_the_release_id_changes_with_the_contents_and_only_then(screened_tender, officer):
    tender = screened_tender["tender"]
    first = tender_release_package(tender=tender, base_url=BASE)["releases"][0]
    again = tender_release_package(tender=tender, base_url=BASE)["releases"][0]

    tender_update(tender=tender, user=officer, data={"title": "5G RAN, core and site modernisation"})
    changed = tender_release_package(tender=tender, base_url=BASE)["releases"][0]

    assert again == first
    assert changed["id"] != first["id"] and changed["date"] >= first["date"]
    assert changed["tender"]["title"] == "5G RAN, core and site modernisation"


def test_a_long_bom_is_cut_short_and_the_bid_says_so(screened_tender, monkeypatch):
    monkeypatch.setattr("procurement.ocds.MAX_ITEMS_PER_BID", 5)

    release = tender_release_package(tender=screened_tender["tender"], base_url=BASE)["releases"][0]

    direct = bid_detail(release, screened_tender["bids"]["direct"])
    assert [item["id"] for item in direct["items"]] == ["1", "2", "3", "4", "5"]
    assert direct["description"] == (
        "The first 5 of 28 bill of materials lines are listed as items; the screening report has every line."
    )
    assert errors(release_validator(), release) == []


def test_the_export_takes_a_fixed_number_of_queries_per_bid(screened_tender, django_assert_max_num_queries):
    # the tender, its lots, bids and their latest screenings with list versions; then chunks and findings per bid
    with django_assert_max_num_queries(13):
        tender_release_package(tender=screened_tender["tender"], base_url=BASE)


def test_a_tender_without_bids_is_valid_too(org_a):
    tender = TenderFactory(organisation=org_a, status="draft")

    package = tender_release_package(tender=tender, base_url=BASE)

    release = package["releases"][0]
    assert errors(package_validator(), package) == [] and errors(release_validator(), release) == []
    assert release["tag"] == ["planning"] and "bids" not in release
    assert release["tender"]["numberOfTenderers"] == 0


def _break_item(release, **change):
    release["bids"]["details"][0]["items"][0].update(change)


BREAKAGES = {
    "bids as an object": lambda release: release["bids"].update(details={"id": "1"}),
    "a bid without an id": lambda release: release["bids"]["details"][0].pop("id"),
    "a bid status off the closed codelist": lambda release: release["bids"]["details"][0].update(status="screened"),
    "a manufacturer as plain text": lambda release: _break_item(release, manufacturers="Huawei"),
    "a country name instead of a code": lambda release: _break_item(release, countriesOfOrigin=["China"]),
    "an unknown network domain": lambda release: _break_item(release, networkDomain="radio"),
    "a field no extension declares": lambda release: _break_item(release, maker="Huawei"),
    "a report URL that is not absolute": lambda release: release["bids"]["details"][0]["documents"][0].update(
        url="/screening/1/report/"
    ),
    "a date without a time zone": lambda release: release.update(date="2026-11-22T10:00:00"),
    "no tag": lambda release: release.pop("tag"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_validator_rejects_a_release_of_the_wrong_shape(screened_tender, breakage):
    release = tender_release_package(tender=screened_tender["tender"], base_url=BASE)["releases"][0]
    broken = copy.deepcopy(release)

    BREAKAGES[breakage](broken)

    assert errors(release_validator(), release) == []
    assert errors(release_validator(), broken), f"{breakage} passed validation"


def test_without_the_local_extension_the_export_does_not_validate(screened_tender):
    release = tender_release_package(tender=screened_tender["tender"], base_url=BASE)["releases"][0]

    problems = errors(release_validator(local_extension=False), release)

    assert any("manufacturers" in problem for problem in problems)
    assert any("lots" in problem for problem in problems)


# -- the web


def test_members_download_the_export_from_the_tender_page(officer_client, screened_tender):
    tender = screened_tender["tender"]
    url = reverse("procurement:tender_ocds", args=[tender.pk])

    page = officer_client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()
    response = officer_client.get(url)

    assert f'href="{url}"' in page and "OCDS (.json)" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="5g-ocds-1-ocds.json"'
    package = json.loads(response.content)
    assert package == tender_release_package(tender=tender, base_url="http://testserver")
    assert package["extensions"][1] == "http://testserver/ocds/extension/extension.json"
    assert "华为技术有限公司" in response.content.decode(), "names as written, not escaped"


def test_another_organisations_user_gets_404_and_a_visitor_the_login_page(client, org_b, screened_tender):
    url = reverse("procurement:tender_ocds", args=[screened_tender["tender"].pk])

    anonymous = client.get(url)
    other = client_for(client, UserFactory(organisation=org_b)).get(url)

    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    assert other.status_code == 404


def test_the_local_extension_is_served_to_anyone_and_cacheable(client):
    extension = client.get(reverse("procurement:ocds_extension", args=["extension.json"]))
    schema = client.get("/ocds/extension/release-schema.json")
    codelist = client.get("/ocds/extension/codelists/+partyRole.csv")

    assert extension.status_code == 200 and "public" in extension["Cache-Control"]
    declared = json.loads(extension.content)
    assert declared["schemas"] == ["release-schema.json"]
    assert declared["dependencies"] == [BIDS_EXTENSION_URL]
    assert declared["documentationUrl"] == {"en": "http://testserver/ocds/extension/release-schema.json"}
    for name in declared["codelists"]:
        assert client.get(f"/ocds/extension/codelists/{name}").status_code == 200
    assert json.loads(schema.content) == json.loads((EXTENSION_DIR / "release-schema.json").read_text())
    assert codelist.content.decode().startswith("Code,Title,Description\nmanufacturer,")
    assert client.get("/ocds/extension/../settings.py").status_code == 404
    assert client.get("/ocds/extension/codelists/../../ocds.py").status_code == 404


@pytest.mark.parametrize(
    ("cell", "codes"),
    [("CN", ["CN"]), ("chn", ["CN"]), ("PRC", ["CN"]), ("中国", ["CN"]), ("SE/CN", ["SE", "CN"]),
     ("Korea, Republic of", ["KR"]), ("Germany", ["DE"]), ("EU", []), ("", []), ("various", [])],
)
def test_countries_of_origin_are_read_as_iso_codes(cell, codes):
    assert country_codes(cell) == codes
