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
def api_key(transactional_db, sample_lists, monkeypatch):
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
    screen_bid(bid["id"])
    return api.key


def test_every_operation_answers_within_its_schema_and_never_with_a_5xx(api_key, live_server):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {api_key}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as failure:  # noqa: BLE001 - every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert operations >= 25, "the schema lost operations"
    assert not failures, "\n\n".join(failures)
