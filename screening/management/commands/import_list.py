"""python manage.py import_list FILE --kind restricted|trusted --name NAME [--format FORMAT]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from screening.choices import ListFormat, ListKind
from screening.services.lists import ListImportError, supplier_list_import


class Command(BaseCommand):
    help = (
        "Import a supplier list as a new version of the named list: CSV or XLSX (columns: name, aliases, country, "
        "parent, relation, divested, registration_number, lei, reason, source, and type, keywords, product_codes "
        "for product categories; only name is required), OpenSanctions / FollowTheMoney entities (JSON lines), or "
        "the US Consolidated Screening List (JSON or CSV). The format is detected from the content unless --format "
        "names it. A file with any bad record imports nothing; every bad record is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=ListKind.values)
        parser.add_argument("--name", required=True, help="The list's name; created on its first import.")
        parser.add_argument(
            "--format", dest="list_format", choices=ListFormat.values, default=None,
            help="The file's format; detected from the content when left out.",
        )
        parser.add_argument("--publisher", default="", help="Who publishes the list.")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--note", default="", help="A note kept on the new version.")

    def handle(self, *args, file: Path, kind: str, name: str, publisher: str, source_url: str, note: str,
               list_format: str | None, **options):
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
                    list_format=list_format,
                )
            except ListImportError as error:
                for line in error.lines():
                    self.stderr.write(line)
                raise CommandError(
                    f"{file.name}: {error.count} {error.unit}(s) rejected; nothing was imported. "
                    f"Correct the {error.unit}s above and import the file again.",
                    returncode=2,
                ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{version.supplier_list.name} ({kind}) version {version.number}: "
                f"{version.entity_count} entities, {version.relation_count} relations from {file.name} "
                f"({version.get_source_format_display() or 'csv'})."
            )
        )
        if version.import_notes:
            self.stdout.write(version.import_notes)
