"""Create an API client for an organisation and print its first token (shown this once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from procurement.choices import Role
from procurement.models import Organisation
from procurement.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client (a service account with a role) for an organisation and print its token."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's name.")
        parser.add_argument("--name", required=True, help="The client system's name, e.g. 'ERP'.")
        parser.add_argument("--role", default=Role.OFFICER, choices=Role.values)

    def handle(self, *args, organisation, name, role, **options):
        try:
            org = Organisation.objects.get(name=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation named '{organisation}'.") from None
        try:
            client, key = api_client_create(organisation=org, name=name, role=role, user=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"API client '{client.name}' of {org} ({role}). Its token, shown only now:")
        self.stdout.write(key)
