"""Two organisations, A and B, with their people, bids and finished screenings, for the plugin's pages.

The host site is installed in the test settings, so its organisations and roles give the users their scopes;
the plugin itself only sees them through screening.access.
"""

from __future__ import annotations

import pytest

from procurement.choices import Role
from tests.factories import BidFactory, OrganisationFactory, TenderFactory, UserFactory
from tests.screening.helpers import upload
from tests.screening.scenarios import BOMS, screen, start


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Agency A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Agency B")


@pytest.fixture
def officer_a(org_a):
    return UserFactory(organisation=org_a, role=Role.OFFICER, username="officer_a")


@pytest.fixture
def reviewer_a(org_a):
    return UserFactory(organisation=org_a, role=Role.REVIEWER, username="reviewer_a")


@pytest.fixture
def admin_a(org_a):
    return UserFactory(organisation=org_a, role=Role.ADMIN, username="admin_a")


@pytest.fixture
def officer_b(org_b):
    return UserFactory(organisation=org_b, role=Role.OFFICER, username="officer_b")


@pytest.fixture
def reviewer_b(org_b):
    return UserFactory(organisation=org_b, role=Role.REVIEWER, username="reviewer_b")


@pytest.fixture
def admin_b(org_b):
    return UserFactory(organisation=org_b, role=Role.ADMIN, username="admin_b")


@pytest.fixture
def bid_a(org_a):
    return BidFactory(tender=TenderFactory(organisation=org_a), bidder_name="Baltic Mobile Integrators Ltd")


@pytest.fixture
def bid_b(org_b):
    return BidFactory(tender=TenderFactory(organisation=org_b), bidder_name="Bidder of B")


@pytest.fixture
def screening_a(sample_lists, officer_a, bid_a):
    """A finished screening of organisation A: direct hits, so it fails with many findings."""
    return screen(start(upload(BOMS / "direct_hits.xlsx"), user=officer_a, subject=bid_a, bidder="Bidder A"))


@pytest.fixture
def chain_screening_a(sample_lists, officer_a, bid_a):
    bom = upload(BOMS / "chain_hidden.xlsx")
    return screen(start(bom, user=officer_a, subject=bid_a, bidder="Baltic Mobile Integrators Ltd"))


@pytest.fixture
def screening_b(sample_lists, officer_b, bid_b):
    return screen(start(upload(BOMS / "direct_hits.xlsx"), user=officer_b, subject=bid_b, bidder="Bidder B"))


@pytest.fixture
def client_as(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login
