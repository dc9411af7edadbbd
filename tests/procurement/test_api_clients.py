"""Organisation admins create API clients, see a token once, make new ones and revoke them."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from procurement.choices import Role
from procurement.models import ApiClient
from screening.models import AuditEntry
from tests.factories import UserFactory
from tests.procurement.conftest import client_for

pytestmark = pytest.mark.django_db


def _token_in(response) -> str:
    found = re.search(r'<code id="new-token">(tsk_[^<]+)</code>', response.content.decode())
    assert found, "the new token is shown"
    return found.group(1)


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_an_admin_creates_a_client_whose_token_is_shown_once_and_works_until_revoked(client, org_a, org_admin):
    client_for(client, org_admin)
    response = client.post("/members/api-clients/new/", {"name": "E-procurement", "role": Role.OFFICER})
    assert response.status_code == 200
    key = _token_in(response)
    api_client = ApiClient.objects.get(organisation=org_a, name="E-procurement")
    assert api_client.user.membership.role == Role.OFFICER
    assert not api_client.user.has_usable_password()
    assert _api(key).get("/api/v1/tenders/").status_code == 200

    page = client.get("/members/").content.decode()
    assert "E-procurement" in page and key not in page, "the token is not shown again"
    assert key[:12] in page, "its prefix tells it apart"
    assert api_client.user.get_username() not in page, "service accounts are not listed as people"

    second = _token_in(client.post(f"/members/api-clients/{api_client.pk}/tokens/new/"))
    token = api_client.user.api_tokens.get(prefix=key[:12])
    response = client.post(f"/members/api-tokens/{token.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    assert _api(key).get("/api/v1/tenders/").status_code == 401
    assert _api(second).get("/api/v1/tenders/").status_code == 200
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"api_token.created", "api_token.revoked"} <= actions

    duplicate = client.post("/members/api-clients/new/", {"name": "E-procurement", "role": Role.OFFICER})
    assert duplicate.status_code == 400 and "already has an API client" in duplicate.content.decode()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.REVIEWER])
def test_only_admins_manage_api_clients(client, org_a, role):
    client_for(client, UserFactory(organisation=org_a, role=role))
    assert client.post("/members/api-clients/new/", {"name": "X", "role": Role.ADMIN}).status_code == 403
    assert not ApiClient.objects.exists()
