"""The demo data: an organisation with an admin and a reviewer, the sample lists and one open tender."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from procurement.choices import Role, TenderStatus
from procurement.models import Tender

pytestmark = pytest.mark.django_db


def test_demo_setup_creates_the_demo_people_and_tender_and_can_run_again(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")

    call_command("demo_setup", stdout=None)
    call_command("demo_setup", stdout=None)

    users = get_user_model().objects
    demo, reviewer = users.get(username="demo"), users.get(username="reviewer")
    assert demo.is_staff and demo.is_superuser and demo.membership.role == Role.ADMIN
    assert reviewer.membership.role == Role.REVIEWER and not reviewer.is_staff
    assert demo.check_password("demo-pass-123") and reviewer.check_password("demo-pass-123")
    assert reviewer.membership.organisation == demo.membership.organisation
    tender = Tender.objects.get()
    assert tender.reference == "5G-RAN-2026/01" and tender.status == TenderStatus.OPEN
    assert [(lot.number, lot.domain) for lot in tender.lots.all()] == [(1, "ran"), (2, "core")]
    assert [lst.name for lst in tender.restricted_lists.all()] == ["High-risk vendors (sample)"]
    assert [lst.name for lst in tender.trusted_lists.all()] == ["Trusted network vendors (sample)"]
    assert not tender.bids.exists()
