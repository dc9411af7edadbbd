"""The REST API as an e-procurement system uses it: tokens, tenders, bids, screenings, findings, decisions,
lists and matching, with the web app's permissions, one error shape and safe retries."""

from __future__ import annotations

import hashlib
import json

import pytest
from rest_framework.test import APIClient

from procurement.choices import Role
from procurement.models import Tender
from screening.api.throttling import ClientRateThrottle
from screening.models import ApiToken
from screening.services.tokens import api_token_revoke
from tests.conftest import FIXTURES

from .conftest import assert_error, screen_bid

pytestmark = pytest.mark.django_db
BOMS = FIXTURES / "boms"


def _tender(api, sample_lists, reference="5G-RAN-2026/01", **extra):
    body = {
        "reference": reference,
        "title": "5G radio access network",
        "status": "open",
        "restricted_lists": [sample_lists["restricted"].supplier_list_id],
        "trusted_lists": [sample_lists["trusted"].supplier_list_id],
        "lots": [{"number": 1, "title": "RAN", "domain": "ran"}, {"number": 2, "title": "Core", "domain": "core"}],
        **extra,
    }
    response = api.post("/api/v1/tenders/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _upload(api, tender_id, path=BOMS / "direct_hits.xlsx", headers=None, **extra):
    with path.open("rb") as handle:
        return api.post(f"/api/v1/tenders/{tender_id}/bids/",
                        {"bidder_name": "Nordic Radio AB", "bidder_country": "SE", "lots": [1], "boms": [handle],
                         **extra}, format="multipart", **(headers or {}))


# -- authentication


def test_requests_without_a_valid_token_get_401_in_the_error_shape(officer_api):
    anonymous = APIClient()
    response = anonymous.get("/api/v1/tenders/")
    assert_error(response, 401, field="Authorization", location="header")
    assert response["WWW-Authenticate"].startswith("Bearer")

    anonymous.credentials(HTTP_AUTHORIZATION="Bearer tsk_not-a-real-token")
    assert_error(anonymous.get("/api/v1/tenders/"), 401, text="unknown or revoked")

    assert officer_api.get("/api/v1/tenders/").status_code == 200
    token = ApiToken.objects.get(user=officer_api.account)
    assert token.key_hash == hashlib.sha256(officer_api.key.encode()).hexdigest()
    assert officer_api.key not in json.dumps(list(ApiToken.objects.values()), default=str), "only the hash is kept"
    api_token_revoke(token=token)
    assert_error(officer_api.get("/api/v1/tenders/"), 401)


def test_the_browser_session_works_too(client, org_a):
    from tests.factories import UserFactory

    client.force_login(UserFactory(organisation=org_a, role=Role.OFFICER))
    assert client.get("/api/v1/tenders/").json()["results"] == []


# -- the whole session: tender, bid, poll, findings, decision


def test_an_e_procurement_system_submits_a_bid_and_decides_on_a_finding(
    officer_api, reviewer_api, sample_lists
):
    tender = _tender(officer_api, sample_lists)
    assert [lot["number"] for lot in tender["lots"]] == [1, 2]

    response = _upload(officer_api, tender["id"])
    assert response.status_code == 201, response.content
    bid = response.json()
    assert response["Location"] == f"/api/v1/bids/{bid['id']}/"
    assert bid["documents"][0]["sha256"] == hashlib.sha256((BOMS / "direct_hits.xlsx").read_bytes()).hexdigest()
    assert bid["screening"]["status"] == "queued"

    screening = screen_bid(bid["id"])
    polled = officer_api.get(f"/api/v1/bids/{bid['id']}/").json()["screening"]
    assert polled["status"] == "done" and polled["verdict"] == "fail"
    assert polled["progress"] == 1.0
    assert {v["list_name"] for v in polled["list_versions"]} == {"High-risk vendors (sample)",
                                                                 "Trusted network vendors (sample)"}
    assert polled["counts"]["high"] + polled["counts"]["critical"] > 0

    page = officer_api.get(f"/api/v1/screenings/{screening.pk}/findings/?severity=high&page_size=5").json()
    assert page["results"] and all(f["severity"] == "high" for f in page["results"])
    assert len(page["results"]) <= 5
    assert "cursor=" in (page["next"] or "cursor=")
    seen = [f["id"] for f in page["results"]]
    while page["next"]:
        page = officer_api.get(page["next"]).json()
        seen += [f["id"] for f in page["results"]]
    assert len(seen) == len(set(seen)) == screening.findings.filter(severity="high").count()

    finding = officer_api.get(f"/api/v1/findings/{seen[0]}/").json()
    assert finding["file"] == "direct_hits.xlsx" and finding["row"] and finding["column"]
    assert finding["entity"]["list"] == "High-risk vendors (sample)"

    assert_error(officer_api.post(f"/api/v1/findings/{seen[0]}/decision/",
                                  {"decision": "confirmed", "reason": "x"}, format="json"), 403)
    decided = reviewer_api.post(f"/api/v1/findings/{seen[0]}/decision/",
                                {"decision": "confirmed", "reason": "Huawei RRU in the RAN lot"}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["decision"] == "confirmed"
    assert decided.json()["decision_reason"] == "Huawei RRU in the RAN lot"

    bulk = reviewer_api.post(f"/api/v1/screenings/{screening.pk}/decisions/",
                             {"findings": seen[1:3], "decision": "dismissed", "reason": "Checked the invoice"},
                             format="json")
    assert bulk.status_code == 200 and {f["decision"] for f in bulk.json()} == {"dismissed"}

    assert_error(reviewer_api.post("/api/v1/tenders/", {"reference": "X", "title": "Y"}, format="json"), 403)


def test_a_bid_as_json_lines_with_its_chain_and_a_cyclonedx_bom(officer_api, sample_lists):
    tender = _tender(officer_api, sample_lists)
    response = officer_api.post(f"/api/v1/tenders/{tender['id']}/bids/", {
        "bidder_name": "Nordic Build AB",
        "lines": [{"manufacturer": "Ericsson", "part_number": "AIR 3268", "domain": "ran"},
                  {"manufacturer": "Eastern Tower Works", "description": "Tower works"}],
        "subcontractors": [{"contractor": "Nordic Build AB", "subcontractor": "Eastern Tower Works"},
                           {"contractor": "Eastern Tower Works", "subcontractor": "ZTE Kangxun Telecom"}],
    }, format="json")
    assert response.status_code == 201, response.content
    screening = screen_bid(response.json()["id"])
    paths = [f.path for f in screening.findings.filter(rule="restricted_entity")]
    assert any("ZTE Kangxun Telecom" in " ".join(path) for path in paths), paths

    cyclonedx = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
        {"type": "device", "name": "AAU", "manufacturer": {"name": "Huawei Technologies Co., Ltd."},
         "supplier": {"name": "Acme"}}]}
    response = officer_api.post(f"/api/v1/tenders/{tender['id']}/bids/",
                                {"bidder_name": "Acme", "cyclonedx": cyclonedx}, format="json")
    assert response.status_code == 201, response.content
    screening = screen_bid(response.json()["id"])
    finding = screening.findings.get(rule="restricted_entity")
    assert (finding.sheet, finding.row, finding.column) == ("components", 1, "manufacturer.name")

    assert_error(officer_api.post(f"/api/v1/tenders/{tender['id']}/bids/", {"bidder_name": "Acme", "lines": [
        {"description": "no company"}]}, format="json"), 400, field="lines.0")


# -- permissions


def test_no_route_reaches_another_organisations_objects(officer_api, other_api, sample_lists):
    tender = _tender(officer_api, sample_lists)
    bid = _upload(officer_api, tender["id"]).json()
    screening = screen_bid(bid["id"])
    finding = screening.findings.first()
    attempts = [
        ("get", f"/api/v1/tenders/{tender['id']}/"),
        ("patch", f"/api/v1/tenders/{tender['id']}/"),
        ("post", f"/api/v1/tenders/{tender['id']}/rescreen/"),
        ("get", f"/api/v1/tenders/{tender['id']}/bids/"),
        ("post", f"/api/v1/tenders/{tender['id']}/bids/"),
        ("get", f"/api/v1/bids/{bid['id']}/"),
        ("post", f"/api/v1/bids/{bid['id']}/rescreen/"),
        ("get", f"/api/v1/screenings/{screening.pk}/"),
        ("get", f"/api/v1/screenings/{screening.pk}/findings/"),
        ("get", f"/api/v1/screenings/{screening.pk}/errors/"),
        ("post", f"/api/v1/screenings/{screening.pk}/cancel/"),
        ("post", f"/api/v1/screenings/{screening.pk}/rescreen/"),
        ("post", f"/api/v1/screenings/{screening.pk}/decisions/"),
        ("get", f"/api/v1/findings/{finding.pk}/"),
        ("post", f"/api/v1/findings/{finding.pk}/decision/"),
    ]
    for method, url in attempts:
        response = getattr(other_api, method)(url, {}, format="json")
        assert_error(response, 404, location="path")
    assert other_api.get("/api/v1/tenders/").json()["results"] == []
    assert other_api.get("/api/v1/screenings/").json()["results"] == []
    assert Tender.objects.get(pk=tender["id"]).bids.count() == 1


def test_a_private_list_of_another_organisation_cannot_be_used(officer_api, other_api, sample_lists):
    with (FIXTURES / "lists" / "restricted.csv").open("rb") as handle:
        response = other_api.post("/api/v1/lists/import/", {"file": handle, "name": "B's own", "kind": "restricted"},
                                  format="multipart")
    assert response.status_code == 201, response.content
    private = response.json()["list"]
    assert private not in [item["id"] for item in officer_api.get("/api/v1/lists/").json()["results"]]
    assert_error(officer_api.get(f"/api/v1/lists/{private}/"), 404)
    assert_error(officer_api.post("/api/v1/tenders/", {"reference": "T", "title": "T", "restricted_lists": [private]},
                                  format="json"), 400, field="restricted_lists")


# -- safe retries


def test_the_same_idempotency_key_returns_the_first_response_and_another_body_is_409(officer_api, sample_lists):
    body = {"reference": "R-1", "title": "Core network"}
    first = officer_api.post("/api/v1/tenders/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    again = officer_api.post("/api/v1/tenders/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert Tender.objects.filter(reference="R-1").count() == 1

    other = officer_api.post("/api/v1/tenders/", {**body, "title": "Other"}, format="json",
                             HTTP_IDEMPOTENCY_KEY="key-1")
    assert_error(other, 409, field="Idempotency-Key", location="header", text="another request")

    # a multipart retry is the same request even though the client picks a new boundary
    tender = first.json()["id"]
    uploads = [_upload(officer_api, tender, lots=[], headers={"HTTP_IDEMPOTENCY_KEY": "upload-1"}) for _ in range(2)]
    assert uploads[0].status_code == 201, uploads[0].content
    assert uploads[0].json() == uploads[1].json()
    assert Tender.objects.get(pk=tender).bids.count() == 1

    assert_error(officer_api.post("/api/v1/tenders/", body, format="json", HTTP_IDEMPOTENCY_KEY=" "), 400,
                 field="Idempotency-Key")


# -- errors


def test_bad_input_gets_a_4xx_that_says_what_and_where(officer_api, sample_lists, settings):
    response = officer_api.post("/api/v1/tenders/", "{not json", content_type="application/json")
    assert_error(response, 400, text="JSON")
    assert_error(officer_api.post("/api/v1/tenders/", {}, format="json"), 400, field="reference", location="body")
    assert_error(officer_api.get("/api/v1/nothing-here/"), 404, location="path")
    assert_error(officer_api.delete("/api/v1/tenders/"), 405)

    tender = _tender(officer_api, sample_lists)
    response = officer_api.post(f"/api/v1/tenders/{tender['id']}/bids/",
                                {"bidder_name": "X", "boms": [_file("virus.exe", b"MZ...")]}, format="multipart")
    assert_error(response, 400, field="boms", text="not screened")
    assert_error(officer_api.post(f"/api/v1/tenders/{tender['id']}/bids/", {"bidder_name": "X", "lots": [9],
                                  "boms": [_file("bom.csv", b"Manufacturer\nNokia\n")]}, format="multipart"),
                 400, field="lots")

    settings.SCREENING_MAX_UPLOAD_BYTES = 100
    response = officer_api.post(f"/api/v1/tenders/{tender['id']}/bids/",
                                {"bidder_name": "X", "boms": [_file("big.csv", b"Manufacturer\n" + b"Nokia\n" * 50)]},
                                format="multipart")
    assert_error(response, 413, text="limit")


def test_a_client_over_its_rate_limit_gets_429_with_retry_after(officer_api, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min", "anonymous": "3/min"})
    statuses = [officer_api.get("/api/v1/tenders/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = officer_api.get("/api/v1/tenders/")
    body = assert_error(response, 429, text="Retry after")
    assert int(response["Retry-After"]) > 0, body


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# -- lists, versions, entities, match


def test_lists_import_diff_search_and_match(admin_api, officer_api, sample_lists, tmp_path):
    original = (FIXTURES / "lists" / "restricted.csv").read_text(encoding="utf-8")
    first = tmp_path / "ours.csv"
    first.write_text(original, encoding="utf-8")
    with first.open("rb") as handle:
        response = admin_api.post("/api/v1/lists/import/", {"file": handle, "name": "Ours", "kind": "restricted"},
                                  format="multipart")
    assert response.status_code == 201, response.content
    v1 = response.json()
    with first.open("rb") as handle:
        again = admin_api.post("/api/v1/lists/import/", {"file": handle, "name": "Ours", "kind": "restricted"},
                               format="multipart")
    assert again.status_code == 200 and again.json()["id"] == v1["id"]

    second = tmp_path / "ours2.csv"
    second.write_text(original + "Shenzhen Example Radio Co.,,CN,ZTE Corporation,subsidiary_of,,test\n",
                      encoding="utf-8")
    with second.open("rb") as handle:
        v2 = admin_api.post("/api/v1/lists/import/", {"file": handle, "name": "Ours", "kind": "restricted"},
                            format="multipart").json()
    diff = admin_api.get(f"/api/v1/versions/{v2['id']}/diff/?against={v1['id']}").json()
    assert diff["added"] == ["Shenzhen Example Radio Co."]
    assert {"child": "Shenzhen Example Radio Co.", "kind": "subsidiary_of", "parent": "ZTE Corporation",
            "divested": False, "divested_before": None} in diff["relations_added"]
    assert_error(admin_api.get(f"/api/v1/versions/{v2['id']}/diff/?against=abc"), 400, location="query",
                 field="against")

    bad = tmp_path / "bad.csv"
    bad.write_text("name,country,parent,relation\nGood Co,CN,,\nBad Co,CHINA,Nobody,subsidiary_of\n",
                   encoding="utf-8")
    with bad.open("rb") as handle:
        response = admin_api.post("/api/v1/lists/import/", {"file": handle, "name": "Ours", "kind": "restricted"},
                                  format="multipart")
    body = assert_error(response, 400, field="file")
    assert {entry["row"] for entry in body["errors"]} == {3}
    with first.open("rb") as handle:
        assert_error(officer_api.post("/api/v1/lists/import/", {"file": handle, "name": "Mine", "kind": "restricted"},
                                      format="multipart"), 403)

    found = officer_api.get("/api/v1/entities/?q=Huawei").json()["results"]
    assert any(entity["name"] == "Huawei Technologies Co., Ltd." for entity in found)

    match = officer_api.post("/api/v1/match/", {"name": "Huawei Technologies Deutschland GmbH", "country": "de"},
                             format="json").json()
    assert match["country"] == "DE"
    best = match["candidates"][0]
    assert best["score"] > 0.8 and best["explanation"]
    assert best["chain"][0] == best["entity"]["name"]
    decoy = officer_api.post("/api/v1/match/", {"name": "Hualong Cable Co."}, format="json").json()
    assert not [c for c in decoy["candidates"] if c["entity"]["kind"] == "restricted" and c["score"] >= 0.88]


# -- the schema and its docs


def test_the_openapi_schema_and_docs_are_served_by_the_app(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"]["/api/v1/tenders/{tender_pk}/bids/"]["post"]
    assert {"400", "401", "403", "404", "409", "413", "429"} <= set(operation["responses"])
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
    assert "bearerToken" in document["components"]["securitySchemes"]

    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "https://" not in docs


def test_a_retry_while_the_first_request_runs_is_409_and_an_abandoned_one_runs_again(officer_api):
    from datetime import timedelta

    from django.utils import timezone

    from screening.models import IdempotencyRecord

    body = {"reference": "R-2", "title": "Transport"}
    first = officer_api.post("/api/v1/tenders/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-2")
    record = IdempotencyRecord.objects.get(key="key-2")
    record.status_code = None  # as if the first request were still running
    record.save()
    busy = officer_api.post("/api/v1/tenders/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-2")
    assert_error(busy, 409, text="still running")
    assert busy["Retry-After"] == "2"

    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    Tender.objects.filter(pk=first.json()["id"]).update(reference="R-2-old")
    again = officer_api.post("/api/v1/tenders/", body, format="json", HTTP_IDEMPOTENCY_KEY="key-2")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]


def test_official_list_formats_import_through_the_api(admin_api):
    with (FIXTURES / "lists" / "fcc_covered.ftm.jsonl").open("rb") as handle:
        response = admin_api.post("/api/v1/lists/import/", {"file": handle, "name": "FCC (FtM)", "kind": "restricted"},
                                  format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["entity_count"] > 0 and response.json()["relation_count"] > 0
    with (FIXTURES / "lists" / "csl_sample.csv").open("rb") as handle:
        response = admin_api.post("/api/v1/lists/import/", {"file": handle, "name": "CSL", "kind": "restricted",
                                                            "format": "csl-csv"}, format="multipart")
    assert response.status_code == 201, response.content
