"""Webhooks and the OCDS export through the API."""

from __future__ import annotations

import pytest

from screening.models import WebhookDelivery
from tests.conftest import FIXTURES

from .conftest import assert_error, screen_bid

pytestmark = pytest.mark.django_db


def _screened_bid(api, sample_lists):
    tender = api.post("/api/v1/tenders/", {
        "reference": "WH-1", "title": "Core", "status": "open",
        "restricted_lists": [sample_lists["restricted"].supplier_list_id],
        "lots": [{"number": 1, "title": "Core", "domain": "core"}]}, format="json").json()
    with (FIXTURES / "boms" / "direct_hits.xlsx").open("rb") as handle:
        bid = api.post(f"/api/v1/tenders/{tender['id']}/bids/", {"bidder_name": "Acme", "boms": [handle],
                                                                 "lots": [1]}, format="multipart").json()
    return tender, bid


def test_a_client_registers_a_webhook_and_sees_its_deliveries(
    officer_api, other_api, sample_lists, django_capture_on_commit_callbacks
):
    created = officer_api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["screening.done"]},
                               format="json")
    assert created.status_code == 201, created.content
    hook = created.json()
    assert hook["secret"] and hook["events"] == ["screening.done"]
    assert "secret" not in officer_api.get(f"/api/v1/webhooks/{hook['id']}/").json()
    assert_error(officer_api.post("/api/v1/webhooks/", {"url": "ftp://example.org/x"}, format="json"), 400,
                 field="url")
    assert_error(other_api.get(f"/api/v1/webhooks/{hook['id']}/"), 404)
    assert other_api.get("/api/v1/webhooks/").json()["results"] == []

    _tender, bid = _screened_bid(officer_api, sample_lists)
    with django_capture_on_commit_callbacks(execute=True):
        screen_bid(bid["id"])
    deliveries = officer_api.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"]
    assert [d["event_type"] for d in deliveries] == ["screening.done"]
    assert deliveries[0]["payload"]["data"]["screening"]["verdict"] == "fail"
    assert_error(other_api.post(f"/api/v1/webhook-deliveries/{deliveries[0]['id']}/redeliver/"), 404)

    rotated = officer_api.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/").json()["secret"]
    assert rotated != hook["secret"]
    patched = officer_api.patch(f"/api/v1/webhooks/{hook['id']}/", {"is_active": False}, format="json").json()
    assert patched["is_active"] is False
    assert officer_api.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204
    assert not WebhookDelivery.objects.exists()


def test_a_tender_as_an_ocds_release_package(officer_api, other_api, sample_lists, settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01"
    tender, bid = _screened_bid(officer_api, sample_lists)
    screen_bid(bid["id"])
    package = officer_api.get(f"/api/v1/tenders/{tender['id']}/ocds/").json()
    release = package["releases"][0]
    assert release["ocid"] == f"ocds-test01-{tender['id']}"
    assert [t["name"] for t in release["tender"]["tenderers"]] == ["Acme"]
    assert_error(other_api.get(f"/api/v1/tenders/{tender['id']}/ocds/"), 404)


def test_many_bids_in_one_zip_through_the_api(officer_api, other_api, sample_lists, settings):
    import io
    import zipfile

    from procurement.bulk import bulk_upload_process

    tender = officer_api.post("/api/v1/tenders/", {"reference": "BULK-1", "title": "Bulk", "status": "open",
                                                   "restricted_lists": [sample_lists["restricted"].supplier_list_id]},
                              format="json").json()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Nordic Radio AB.csv", "Manufacturer;Part Number\nHuawei;X1\nNokia;X2\n")
        archive.writestr("Baltic Build.csv", "Manufacturer;Part Number\nEricsson;Y1\n")
        archive.writestr("../escape.csv", "Manufacturer\nNokia\n")
    buffer.seek(0)
    buffer.name = "bids.zip"
    response = officer_api.post(f"/api/v1/tenders/{tender['id']}/bulk-uploads/", {"file": buffer},
                                format="multipart")
    assert response.status_code == 202, response.content
    bulk = response.json()
    assert bulk["sha256"] and bulk["status"] == "queued"
    assert_error(other_api.get(f"/api/v1/bulk-uploads/{bulk['id']}/"), 404)

    bulk_upload_process(bulk_upload_id=bulk["id"])
    done = officer_api.get(f"/api/v1/bulk-uploads/{bulk['id']}/").json()
    outcomes = {item["member"]: (item["outcome"], item["bidder_name"]) for item in done["items"]}
    assert outcomes["Nordic Radio AB.csv"] == ("ok", "Nordic Radio AB")
    assert outcomes["Baltic Build.csv"] == ("ok", "Baltic Build")
    broken = [item for item in done["items"] if item["outcome"] == "error"]
    assert len(broken) == 1 and ".." in broken[0]["member"] and broken[0]["error_message"]
    assert done["progress"]["items_ok"] == 2 and done["progress"]["items_failed"] == 1

    settings.PROCUREMENT_BULK_MAX_UPLOAD_BYTES = 10
    buffer.seek(0)
    assert_error(officer_api.post(f"/api/v1/tenders/{tender['id']}/bulk-uploads/", {"file": buffer},
                                  format="multipart"), 413)
