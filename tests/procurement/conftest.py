"""Two organisations, A and B, with their people; a tender of B with a bid, a file, a screening and a bulk upload."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from procurement.access import organisation_scope
from procurement.choices import Role
from procurement.models import BidDocument, BulkUpload
from procurement.services import api_client_create
from screening.choices import FileRole, NetworkDomain, ScreeningStatus
from screening.models import Screening
from screening.services.screenings import uploaded_file_create
from tests.factories import BidFactory, LotFactory, OrganisationFactory, TenderFactory, UserFactory


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Agency A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Agency B")


@pytest.fixture
def officer(org_a):
    return UserFactory(organisation=org_a, role=Role.OFFICER)


@pytest.fixture
def reviewer(org_a):
    return UserFactory(organisation=org_a, role=Role.REVIEWER)


@pytest.fixture
def org_admin(org_a):
    return UserFactory(organisation=org_a, role=Role.ADMIN)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def client_for(client, user):
    client.force_login(user)
    return client


def screening_for(bid, **fields) -> Screening:
    """A finished screening of the bid, written directly (the screening services are tested elsewhere)."""
    values = {
        "status": ScreeningStatus.DONE,
        "verdict": "fail",
        "critical_count": 1,
        "high_count": 2,
        "medium_count": 3,
        "rows_total": 10,
        "rows_done": 10,
        **fields,
    }
    return Screening.objects.create(subject=bid, scope=organisation_scope(bid.tender.organisation_id), **values)


def document_for(bid, *, name="bid.csv", data=b"Manufacturer\nNokia\n", role=FileRole.BOM) -> BidDocument:
    stored = uploaded_file_create(content=ContentFile(data), name=name, role=role)
    return BidDocument.objects.create(bid=bid, file=stored, role=role)


def bulk_upload_for(tender, *, name="bids.zip", data=b"PK\x05\x06" + b"\x00" * 18) -> BulkUpload:
    """A bulk upload row with its stored file, written directly (procurement.bulk is tested in test_bulk.py)."""
    stored = uploaded_file_create(content=ContentFile(data), name=name)
    return BulkUpload.objects.create(tender=tender, file=stored)


@pytest.fixture
def b_objects(org_b):
    """Everything organisation B has: a tender with a lot, a bid with a file and a screening."""
    tender = TenderFactory(organisation=org_b)
    lot = LotFactory(tender=tender, domain=NetworkDomain.CORE)
    bid = BidFactory(tender=tender, lots=[lot])
    document = document_for(bid)
    screening = screening_for(bid)
    screening.files.set([document.file])
    api_client, _key = api_client_create(organisation=org_b, name="B's ERP", role=Role.OFFICER, user=None)
    return {
        "tender": tender,
        "lot": lot,
        "bid": bid,
        "document": document,
        "screening": screening,
        "bulk_upload": bulk_upload_for(tender),
        "api_client": api_client,
        "api_token": api_client.user.api_tokens.get(),
    }
