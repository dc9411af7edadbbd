"""Supplier list imports: every import is checked row by row and becomes a new, immutable list version."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from django.db import transaction
from django.db.models import Max

from screening.choices import AuditAction
from screening.engine.bom import iter_table_rows
from screening.engine.lists import ParsedList, parse_list_rows
from screening.engine.records import BomReadError, ListKind, Location, RowError
from screening.models import Entity, ListVersion, Relation, SupplierList
from screening.signals import list_version_imported, send_on_commit

from .audit import actor_name, audit_record


class ListImportError(Exception):
    """The file was refused; `errors` names every rejected row. Nothing was stored."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{_where(first)}: {first.message}{more}")


def _where(error: RowError) -> str:
    location = error.location
    parts = [location.file]
    if location.sheet:
        parts.append(f"sheet {location.sheet}")
    if location.row:
        parts.append(f"row {location.row}")
    if location.column:
        parts.append(f"column {location.column}")
    return ", ".join(parts)


def format_error(error: RowError) -> str:
    return f"{_where(error)}: {error.message}"


def supplier_list_parse(*, fileobj: BinaryIO, filename: str) -> ParsedList:
    """Read and check a list file without storing anything."""
    try:
        return parse_list_rows(_first_sheet(iter_table_rows(fileobj, filename=filename)), filename=filename)
    except BomReadError as error:
        return ParsedList(errors=[RowError(error.location, error.message)])


def _first_sheet(rows):
    """A list is one table: the first sheet with any content."""
    first = None
    for sheet, row, cells in rows:
        if first is None:
            first = sheet
        elif sheet != first:
            return
        yield row, cells


def supplier_list_import(
    *,
    fileobj: BinaryIO,
    filename: str,
    name: str,
    kind: str,
    publisher: str = "",
    source_url: str = "",
    note: str = "",
    user=None,
    scope: str | None = None,
) -> ListVersion:
    """Import a list file as the next version of the named list (created on first import, in `scope`).

    With a scope, the named list must be of that scope (a user adds versions only to lists they may manage);
    without one (the command, the admin) the list keeps its own scope, and a new list is public.

    A file with any rejected row imports nothing and raises ListImportError listing every row. Importing the
    file the current version came from again returns that version and creates nothing. Each new version is
    written to the audit log.
    """
    kind = ListKind(kind)
    fileobj.seek(0)
    digest = hashlib.sha256(fileobj.read()).hexdigest()
    fileobj.seek(0)
    parsed = supplier_list_parse(fileobj=fileobj, filename=filename)
    if parsed.errors:
        raise ListImportError(parsed.errors)

    with transaction.atomic():
        supplier_list, created = SupplierList.objects.select_for_update().get_or_create(
            name=name, defaults={"kind": kind, "publisher": publisher, "source_url": source_url, "scope": scope or ""}
        )
        if scope is not None and supplier_list.scope != scope:
            raise ListImportError(
                [RowError(Location(filename), f"the name '{name}' is taken by another list; choose another name.")]
            )
        if supplier_list.kind != kind:
            raise ListImportError(
                [RowError(Location(filename), f"the list '{name}' is a {supplier_list.kind} list, not {kind}.")]
            )
        current = supplier_list.current_version
        if current is not None and current.sha256 == digest:
            return current  # the same file again: no new version
        number = (supplier_list.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ListVersion.objects.create(
            supplier_list=supplier_list,
            number=number,
            source_filename=filename[:255],
            sha256=digest,
            entity_count=len(parsed.entries),
            relation_count=len(parsed.relations),
            note=note,
            imported_by=user,
        )
        entities = Entity.objects.bulk_create(
            [
                Entity(
                    version=version,
                    name=entry.name,
                    aliases=entry.aliases,
                    country=entry.country,
                    registration_number=entry.registration_number,
                    lei=entry.lei,
                    reason=entry.reason,
                    source=entry.source,
                    source_row=entry.row,
                )
                for entry in parsed.entries
            ],
            batch_size=2000,
        )
        if any(entity.pk is None for entity in entities):  # backends that return no ids from bulk_create
            entities = list(version.entities.all())
        ids = {entity.name: entity.pk for entity in entities}
        Relation.objects.bulk_create(
            [
                Relation(
                    version=version,
                    child_id=ids[relation.child],
                    parent_id=ids[relation.parent],
                    kind=relation.kind,
                    divested=relation.divested,
                )
                for relation in parsed.relations
            ],
            batch_size=2000,
        )
        audit_record(
            scope=supplier_list.scope,
            actor=user,
            action=AuditAction.LIST_IMPORTED,
            summary=f"{actor_name(user)} imported {filename} as version {number} of the "
            f"{supplier_list.get_kind_display().lower()} list '{name}'"
            f"{' (new list)' if created else ''}: {version.entity_count} entities, "
            f"{version.relation_count} relations, SHA-256 {digest}.",
            subject=supplier_list,
            details={"list_id": supplier_list.pk, "version_id": version.pk, "number": number, "file": filename,
                     "sha256": digest, "entities": version.entity_count, "relations": version.relation_count},
        )
        send_on_commit(list_version_imported, ListVersion, version=version)
    return version
