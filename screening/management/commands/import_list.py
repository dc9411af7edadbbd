"""python manage.py import_list FILE --kind restricted|trusted --name NAME"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from screening.choices import ListKind
from screening.services.lists import ListImportError, format_error, supplier_list_import


class Command(BaseCommand):
    help = (
        "Import a supplier list from CSV or XLSX (columns: name, aliases, country, parent, relation, divested, "
        "registration_number, lei, reason, source; only name is required) as a new version of the named list. "
        "A file with any bad row imports nothing; every bad row is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=ListKind.values)
        parser.add_argument("--name", required=True, help="The list's name; created on its first import.")
        parser.add_argument("--publisher", default="", help="Who publishes the list.")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--note", default="", help="A note kept on the new version.")

    def handle(self, *args, file: Path, kind: str, name: str, publisher: str, source_url: str, note: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.", returncode=2)
        with file.open("rb") as handle:
            try:
                version = supplier_list_import(
                    fileobj=handle,
                    filename=file.name,
                    name=name,
                    kind=kind,
                    publisher=publisher,
                    source_url=source_url,
                    note=note,
                )
            except ListImportError as error:
                for problem in error.errors:
                    self.stderr.write(format_error(problem))
                raise CommandError(
                    f"{file.name}: {len(error.errors)} row(s) rejected; nothing was imported. "
                    "Correct the rows above and import the file again.",
                    returncode=2,
                ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{version.supplier_list.name} ({kind}) version {version.number}: "
                f"{version.entity_count} entities, {version.relation_count} relations from {file.name}."
            )
        )
