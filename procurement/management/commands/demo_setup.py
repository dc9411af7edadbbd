"""Load the sample lists, a demo organisation with an admin and a reviewer, and one sample tender.

Safe to run again: nothing is duplicated. No bids: the officer uploads one.
"""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from procurement.choices import Role, TenderStatus
from procurement.models import Membership, Organisation, Tender
from procurement.services import tender_create
from screening.choices import NetworkDomain
from screening.models import SupplierList
from screening.services.lists import supplier_list_import

SAMPLE_LISTS = (
    (
        "restricted.csv",
        "High-risk vendors (sample)",
        "restricted",
        "Compiled from FCC Covered List, NDAA s.889, DoD 1260H",
    ),
    ("trusted.csv", "Trusted network vendors (sample)", "trusted", "Sample buyer list"),
)
DEMO_USERNAME = "demo"
REVIEWER_USERNAME = "reviewer"
DEMO_ORGANISATION = "Demo Procurement Agency"
DEMO_TENDER = "5G-RAN-2026/01"


class Command(BaseCommand):
    help = "Import the sample lists from fixtures/lists and create the demo organisation, users and tender."

    def handle(self, *args, **options):
        fixtures = Path(settings.BASE_DIR) / "fixtures" / "lists"
        for filename, name, kind, publisher in SAMPLE_LISTS:
            with (fixtures / filename).open("rb") as handle:
                version = supplier_list_import(
                    fileobj=handle, filename=filename, name=name, kind=kind, publisher=publisher
                )
            self.stdout.write(f"{version}: {version.entity_count} entities, {version.relation_count} relations")

        password = os.environ.get("DEMO_PASSWORD", "screen-5g-demo")
        with transaction.atomic():
            organisation, _ = Organisation.objects.get_or_create(name=DEMO_ORGANISATION, defaults={"country": "CZ"})
            demo = self._user(
                organisation,
                DEMO_USERNAME,
                password,
                role=Role.ADMIN,
                staff=True,
                defaults={"email": "demo@example.org", "first_name": "Demo", "last_name": "Officer"},
            )
            self._user(
                organisation,
                REVIEWER_USERNAME,
                password,
                role=Role.REVIEWER,
                staff=False,
                defaults={"email": "reviewer@example.org", "first_name": "Demo", "last_name": "Reviewer"},
            )
            self._tender(organisation, demo)

    def _user(self, organisation, username, password, *, role, staff, defaults):
        user, created = get_user_model().objects.get_or_create(username=username, defaults=defaults)
        if created:
            user.set_password(password)
        if staff:
            # The demo user also runs the Django admin (list imports, users).
            user.is_staff = user.is_superuser = True
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"organisation": organisation, "role": role})
        state = "created" if created else "kept"
        self.stdout.write(f"User '{username}' ({Role(role).label}) {state} in {organisation}.")
        return user

    def _tender(self, organisation, user):
        if Tender.objects.filter(organisation=organisation, reference=DEMO_TENDER).exists():
            self.stdout.write(f"Tender {DEMO_TENDER} kept.")
            return
        lists = {
            supplier_list.kind: supplier_list
            for supplier_list in SupplierList.objects.filter(
                name__in=[name for _file, name, _kind, _publisher in SAMPLE_LISTS]
            )
        }
        tender_create(
            organisation=organisation,
            user=user,
            reference=DEMO_TENDER,
            title="5G radio access and core network, phase 1",
            description="Sample tender: radio access network (lot 1) and 5G core (lot 2). Upload a bid's BOM to "
            "screen it, for example fixtures/boms/chain_hidden.xlsx.",
            status=TenderStatus.OPEN,
            restricted_lists=[lists["restricted"]],
            trusted_lists=[lists["trusted"]],
            lots=[
                {
                    "number": 1,
                    "title": "Radio access network (gNB, radio units, baseband)",
                    "domain": NetworkDomain.RAN,
                },
                {"number": 2, "title": "5G core network", "domain": NetworkDomain.CORE},
            ],
        )
        self.stdout.write(f"Tender {DEMO_TENDER} created.")
