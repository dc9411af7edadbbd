"""Schemathesis against the served OpenAPI schema: generated requests to every operation, as an authenticated
API client of an organisation with a tender, a screened bid and findings. No response may be a 5xx, and every
response must match the schema (status code, content type, body and headers)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from procurement.choices import Role
from screening.api.throttling import ClientRateThrottle
from tests.conftest import FIXTURES

from .conftest import api_for, screen_bid

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture
def fuzzed(transactional_db, sample_lists, monkeypatch):
    from tests.factories import OrganisationFactory

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "100000/min", "anonymous": "100000/min"})
    organisation = OrganisationFactory(name="Fuzzed Agency")
    api = api_for(organisation, Role.ADMIN)
    tender = api.post("/api/v1/tenders/", {
        "reference": "FUZZ-1", "title": "Fuzzed", "status": "open",
        "restricted_lists": [sample_lists["restricted"].supplier_list_id],
        "lots": [{"number": 1, "title": "RAN", "domain": "ran"}]}, format="json").json()
    with (FIXTURES / "boms" / "direct_hits.xlsx").open("rb") as handle:
        bid = api.post(f"/api/v1/tenders/{tender['id']}/bids/", {"bidder_name": "Fuzz AB", "boms": [handle]},
                       format="multipart").json()
    screening = screen_bid(bid["id"])
    webhook = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hook"}, format="json").json()
    version = sample_lists["restricted"]
    api.ids = {
        "tenders": tender["id"], "bids": bid["id"], "screenings": screening.pk,
        "findings": screening.findings.first().pk, "lists": version.supplier_list_id, "versions": version.pk,
        "entities": version.entities.first().pk, "webhooks": webhook["id"],
    }
    return api


def _real_ids(operation, ids: dict) -> dict | None:
    """Path parameters naming the fixture's own objects, so reads of real objects are checked too."""
    names = [name for name in ("id", "tender_pk") if "{" + name + "}" in operation.path]
    if not names:
        return None
    collection = operation.path.split("/api/v1/", 1)[1].split("/", 1)[0]
    if collection not in ids:
        return None
    return {name: ids[collection] for name in names}


def test_every_operation_answers_within_its_schema_and_never_with_a_5xx(fuzzed, live_server):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {fuzzed.key}"}
    failures, real_reads = [], 0
    operations = [result.ok() for result in schema.get_all_operations()]
    # The fixture's own objects are read first: the generated requests below may delete one of them (a DELETE
    # whose generated id happens to be the fixture webhook's).
    for operation in operations:
        real = _real_ids(operation, fuzzed.ids)
        if real is None or operation.method.upper() != "GET":
            continue
        try:
            query = {"against": fuzzed.ids["versions"]} if operation.path.endswith("/diff/") else None
            response = operation.Case(path_parameters=real, query=query).call_and_validate(
                base_url=live_server.url, headers=headers, checks=CHECKS
            )
            assert response.status_code == 200, f"{operation.path} with the fixture's ids: {response.status_code}"
            real_reads += 1
        except Exception as failure:  # noqa: BLE001 - every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as failure:  # noqa: BLE001 - every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert len(operations) >= 25, "the schema lost operations"
    assert real_reads >= 12, "reads of the fixture's own objects were checked"
    assert not failures, "\n\n".join(failures)
