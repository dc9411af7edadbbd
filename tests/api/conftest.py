"""API clients of two organisations, A and B, with tokens; helpers to run a bid's screening in-process."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from procurement.choices import Role
from procurement.selectors import bid_latest_screening
from procurement.services import api_client_create
from screening.tasks import after_finalize
from tests.factories import OrganisationFactory
from tests.screening.helpers import run_inline


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Agency A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Agency B")


def api_for(organisation, role=Role.OFFICER, name=None) -> APIClient:
    client_row, key = api_client_create(organisation=organisation, name=name or f"{role} system", role=role,
                                        user=None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    api.key = key
    api.account = client_row.user
    return api


@pytest.fixture
def officer_api(org_a):
    return api_for(org_a, Role.OFFICER)


@pytest.fixture
def reviewer_api(org_a):
    return api_for(org_a, Role.REVIEWER)


@pytest.fixture
def admin_api(org_a):
    return api_for(org_a, Role.ADMIN)


@pytest.fixture
def other_api(org_b):
    return api_for(org_b, Role.ADMIN, name="B's system")


def screen_bid(bid_id: int):
    """Run the bid's queued screening through the service steps the worker runs."""
    from procurement.models import Bid

    screening = bid_latest_screening(Bid.objects.get(pk=bid_id))
    run_inline(screening)
    after_finalize(screening_id=screening.pk)
    screening.refresh_from_db()
    return screening


def assert_error(response, status: int, *, field: str | None = None, location: str | None = None, text: str = ""):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    assert body["errors"], body
    for entry in body["errors"]:
        assert set(entry) >= {"location", "field", "message"} and entry["message"]
    if field is not None:
        assert field in [entry["field"] for entry in body["errors"]], body
    if location is not None:
        assert location in [entry["location"] for entry in body["errors"]], body
    if text:
        assert any(text in entry["message"] for entry in body["errors"]), body
    return body
