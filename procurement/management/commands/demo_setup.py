"""Load the sample lists and a demo organisation and user. Safe to run again: nothing is duplicated."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from procurement.choices import Role
from procurement.models import Membership, Organisation
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


class Command(BaseCommand):
    help = "Import the sample lists from fixtures/lists and create the demo organisation and user."

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
            organisation, _ = Organisation.objects.get_or_create(
                name="Demo Procurement Agency", defaults={"country": "CZ"}
            )
            user, created = get_user_model().objects.get_or_create(
                username=DEMO_USERNAME,
                defaults={"email": "demo@example.org", "first_name": "Demo", "last_name": "Officer"},
            )
            if created:
                user.set_password(password)
            user.is_staff = user.is_superuser = True
            user.save()
            Membership.objects.update_or_create(user=user, defaults={"organisation": organisation, "role": Role.ADMIN})
        state = "created" if created else "kept"
        self.stdout.write(f"Demo user '{DEMO_USERNAME}' {state} in {organisation}.")
