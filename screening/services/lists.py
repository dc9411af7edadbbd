"""Supplier list imports: every import is checked record by record and becomes a new, immutable list version.

The file is read as a stream (screening.engine.list_formats) and its entities written in batches inside the
import's transaction; relations are written once every entity has an id. Any rejected record rolls it all back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_noop

from screening.choices import AuditAction
from screening.engine.list_formats import (
    ListFormat,
    ListStream,
    no_entities_message,
    open_list,
    read_list,
    resolve_relations,
)
from screening.engine.lists import ListEntry, ParsedList
from screening.engine.records import ListKind, Location, Message, RowError, located
from screening.models import Entity, ListVersion, Relation, SupplierList
from screening.signals import list_version_imported, send_on_commit

from .audit import actor, audit_record

BATCH_SIZE = 2000


class ListImportError(Exception):
    """The file was refused; `errors` names the rejected records (the first MAX_LISTED_ERRORS of `count`).
    Nothing was stored."""

    def __init__(self, errors: list[RowError], *, count: int | None = None, unit: str = "row"):
        self.errors = errors
        self.count = max(count or 0, len(errors))
        self.unit = unit
        first = errors[0]
        more = f" (and {self.count - 1} more)" if self.count > 1 else ""
        super().__init__(f"{format_error(first, unit=unit)}{more}")

    def lines(self) -> list[str]:
        """Every listed problem as a line for the officer, then how many more were not listed (English)."""
        return [str(message) for message in self.messages()]

    def messages(self) -> list[Message]:
        """lines() as messages, to be shown in the reader's language (screening.messages)."""
        more = self.more_message()
        return [error_message(error, unit=self.unit) for error in self.errors] + ([more] if more else [])

    def more_message(self) -> Message | None:
        """How many rejected records are not listed, or None when all are."""
        if self.count <= len(self.errors):
            return None
        return Message(_MORE_REJECTED.get(self.unit, _MORE_REJECTED["row"]), {"count": self.count - len(self.errors)})


_MORE_REJECTED = {
    "row": gettext_noop("… and {count} more rejected rows, not listed here."),
    "line": gettext_noop("… and {count} more rejected lines, not listed here."),
    "record": gettext_noop("… and {count} more rejected records, not listed here."),
}


def error_message(error: RowError, *, unit: str = "row") -> Message:
    """The problem after its place: "file.csv, row 3, column country: ..."; `unit` is row, line or record."""
    return located(error.location, error.text, unit=unit)


def format_error(error: RowError, *, unit: str = "row") -> str:
    return str(error_message(error, unit=unit))


def supplier_list_parse(*, fileobj: BinaryIO, filename: str, list_format: str | None = None) -> ParsedList:
    """Read and check a list file of any format without storing anything (the whole list, in memory)."""
    parsed, _stream = read_list(fileobj, filename=filename, list_format=list_format)
    return parsed


def _sha256(fileobj: BinaryIO) -> str:
    fileobj.seek(0)
    digest = hashlib.sha256()
    while block := fileobj.read(1024 * 1024):
        digest.update(block)
    fileobj.seek(0)
    return digest.hexdigest()


@dataclass
class _EntityWriter:
    """Writes a version's entities in batches. Records of one name become one entity (the database allows one
    name per version), and every file id maps to its entity's name, then id: strings and ints, not objects."""

    version: ListVersion
    count: int = 0
    merged: int = 0
    writing: bool = True  # off once a record is rejected: the rest is only checked
    name_of: dict[str, str] = field(default_factory=dict)  # file id -> entity name
    ids: dict[str, int] = field(default_factory=dict)  # entity name -> database id
    pending: dict[str, ListEntry] = field(default_factory=dict)
    late: dict[str, ListEntry] = field(default_factory=dict)  # merged into an entity already written

    def add(self, key: str, entry: ListEntry) -> None:
        self.name_of[key] = entry.name
        held = self.pending.get(entry.name)
        if held is not None:
            held.merge(entry)
            self.merged += 1
        elif entry.name in self.ids:
            self.late.setdefault(entry.name, ListEntry(name=entry.name, row=entry.row)).merge(entry)
            self.merged += 1
        else:
            self.pending[entry.name] = entry
            self.count += 1
            if len(self.pending) >= BATCH_SIZE:
                self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.writing:
            created = Entity.objects.bulk_create([self._entity(entry) for entry in self.pending.values()])
            if any(entity.pk is None for entity in created):  # backends that return no ids from bulk_create
                created = Entity.objects.filter(version=self.version, name__in=list(self.pending))
            self.ids.update((entity.name, entity.pk) for entity in created)
        else:
            self.ids.update((name, 0) for name in self.pending)
        self.pending = {}

    def finish(self) -> None:
        self.flush()
        if not self.writing:
            return
        for entity in Entity.objects.filter(pk__in=[self.ids[name] for name in self.late]):
            extra = self.late[entity.name]
            entry = ListEntry(
                name=entity.name, row=entity.source_row or 0, aliases=list(entity.aliases), country=entity.country,
                registration_number=entity.registration_number, lei=entity.lei, reason=entity.reason,
                source=entity.source, keywords=list(entity.keywords), product_codes=list(entity.product_codes),
            )
            entry.merge(extra)
            Entity.objects.filter(pk=entity.pk).update(
                aliases=entry.aliases, country=entry.country, registration_number=entry.registration_number,
                lei=entry.lei, reason=entry.reason, source=entry.source, keywords=entry.keywords,
                product_codes=entry.product_codes,
            )

    def target(self, key: str) -> int | None:
        name = self.name_of.get(key)
        return None if name is None else self.ids[name]

    def _entity(self, entry: ListEntry) -> Entity:
        return Entity(
            version=self.version,
            name=entry.name,
            kind=entry.kind,
            aliases=entry.aliases,
            country=entry.country,
            registration_number=entry.registration_number,
            lei=entry.lei,
            reason=entry.reason,
            source=entry.source,
            source_row=entry.row,
            keywords=entry.keywords,
            product_codes=entry.product_codes,
        )


def _write_relations(version: ListVersion, stream: ListStream, writer: _EntityWriter) -> int:
    seen: set[tuple[int, int, str]] = set()
    batch: list[Relation] = []
    for child, parent, kind, divested in resolve_relations(stream, writer.target):
        if (child, parent, kind) in seen:
            continue
        seen.add((child, parent, kind))
        if stream.error_count:
            continue  # only checking from here on
        batch.append(Relation(version=version, child_id=child, parent_id=parent, kind=kind, divested=divested))
        if len(batch) >= BATCH_SIZE:
            Relation.objects.bulk_create(batch)
            batch = []
    if batch and not stream.error_count:
        Relation.objects.bulk_create(batch)
    return len(seen)


class _Rejected(Exception):
    """Raised inside the import's transaction to roll it back."""


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
    list_format: str | None = None,
) -> ListVersion:
    """Import a list file as the next version of the named list (created on first import, in `scope`).

    The format (csv, xlsx, ftm, csl-json, csl-csv) is read from the content unless `list_format` names it.
    With a scope, the named list must be of that scope (a user adds versions only to lists they may manage);
    without one (the command, the admin) the list keeps its own scope, and a new list is public.

    A file with any rejected record imports nothing and raises ListImportError listing them. Importing the
    file the current version came from again returns that version and creates nothing. Each new version is
    written to the audit log. The returned version's `import_notes` says what was skipped or merged (in English;
    `import_notes_text` is the same message, for screening.messages).
    """
    kind = ListKind(kind)
    digest = _sha256(fileobj)
    try:
        stream = open_list(fileobj, filename=filename, list_format=list_format)
    except ValueError as error:
        raise ListImportError([RowError(Location(filename), Message(
            gettext_noop("unknown list format '{format}'; use one of: {formats}."),
            {"format": str(list_format), "formats": ", ".join(ListFormat)},
        ))]) from error
    try:
        with transaction.atomic():
            version, created = _import(stream, digest=digest, filename=filename, name=name, kind=kind,
                                       publisher=publisher, source_url=source_url, note=note, user=user, scope=scope)
    except _Rejected:
        raise ListImportError(stream.errors, count=stream.error_count, unit=stream.unit) from None
    return version


def _import(stream: ListStream, *, digest: str, filename: str, name: str, kind: ListKind, publisher: str,
            source_url: str, note: str, user, scope: str | None) -> tuple[ListVersion, bool]:
    supplier_list, created = SupplierList.objects.select_for_update().get_or_create(
        name=name, defaults={"kind": kind, "publisher": publisher, "source_url": source_url, "scope": scope or ""}
    )
    if scope is not None and supplier_list.scope != scope:
        stream.reject(None, "", Message(gettext_noop(
            "the name '{name}' is taken by another list; choose another name."
        ), {"name": name}))
        raise _Rejected
    if supplier_list.kind != kind:
        template = (gettext_noop("the list '{name}' is a restricted list, not trusted.")
                    if supplier_list.kind == ListKind.RESTRICTED else
                    gettext_noop("the list '{name}' is a trusted list, not restricted."))
        stream.reject(None, "", Message(template, {"name": name}))
        raise _Rejected
    current = supplier_list.current_version
    if current is not None and current.sha256 == digest:
        _set_notes(current, Message(gettext_noop("the same file as this version: nothing new was imported.")))
        return current, False  # the same file again: no new version
    number = (supplier_list.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ListVersion.objects.create(
        supplier_list=supplier_list,
        number=number,
        source_filename=filename[:255],
        source_format=stream.format,
        sha256=digest,
        note=note,
        imported_by=user,
    )
    writer = _EntityWriter(version)
    for record in stream.records():
        if stream.error_count:
            writer.writing = False
        writer.add(record.key, record.entry)
    if stream.error_count:
        writer.writing = False
    writer.finish()
    relation_count = _write_relations(version, stream, writer)
    if not writer.count and not stream.error_count:
        stream.reject(None, "", no_entities_message(stream))
    if stream.error_count:
        raise _Rejected
    # The counts are known only now; the version is still being written in this transaction.
    ListVersion.objects.filter(pk=version.pk).update(entity_count=writer.count, relation_count=relation_count)
    version.refresh_from_db()
    audit_record(
        scope=supplier_list.scope,
        actor=user,
        action=AuditAction.LIST_IMPORTED,
        summary=_import_summary(user=user, filename=filename, format=str(stream.format), number=number,
                                supplier_list=supplier_list, created=created, version=version, digest=digest,
                                skipped=stream.skipped_message() if stream.skipped else "", merged=writer.merged),
        subject=supplier_list,
        details={"list_id": supplier_list.pk, "version_id": version.pk, "number": number, "file": filename,
                 "format": str(stream.format), "sha256": digest, "entities": version.entity_count,
                 "relations": version.relation_count, "skipped": dict(stream.skipped), "merged": writer.merged},
    )
    send_on_commit(list_version_imported, ListVersion, version=version)
    notes = []
    if stream.skipped:
        notes.append(Message(gettext_noop("Skipped: {skipped}."), {"skipped": stream.skipped_message()}))
    if writer.merged:
        notes.append(Message(gettext_noop("{count} records merged into entities of the same name."),
                             {"count": writer.merged}))
    _set_notes(version, Message.join(notes) if notes else None)
    return version, created


def _set_notes(version: ListVersion, notes: Message | None) -> None:
    """What the import left out or merged: `import_notes` in English, `import_notes_text` as a message."""
    version.import_notes = str(notes) if notes else ""
    version.import_notes_text = notes


# The import's audit summary: (kind, new list?) -> sentence, shown in the reader's language.
_IMPORTED = {
    (ListKind.RESTRICTED, False): gettext_noop(
        "{actor} imported {file} ({format}) as version {number} of the restricted list '{name}': {entities} "
        "entities, {relations} relations, SHA-256 {digest}."
    ),
    (ListKind.RESTRICTED, True): gettext_noop(
        "{actor} imported {file} ({format}) as version {number} of the restricted list '{name}' (new list): "
        "{entities} entities, {relations} relations, SHA-256 {digest}."
    ),
    (ListKind.TRUSTED, False): gettext_noop(
        "{actor} imported {file} ({format}) as version {number} of the trusted list '{name}': {entities} "
        "entities, {relations} relations, SHA-256 {digest}."
    ),
    (ListKind.TRUSTED, True): gettext_noop(
        "{actor} imported {file} ({format}) as version {number} of the trusted list '{name}' (new list): "
        "{entities} entities, {relations} relations, SHA-256 {digest}."
    ),
}
_SKIPPED = gettext_noop("Skipped: {skipped}.")
_MERGED = gettext_noop("{count} records merged into entities of the same name.")


def _import_summary(*, user, filename: str, format: str, number: int, supplier_list: SupplierList, created: bool,
                    version: ListVersion, digest: str, skipped: Message | str, merged: int) -> Message:
    imported = Message(_IMPORTED[(ListKind(supplier_list.kind), bool(created))], {
        "actor": actor(user), "file": filename, "format": format, "number": str(number), "name": supplier_list.name,
        "entities": version.entity_count, "relations": version.relation_count, "digest": digest,
    })
    return Message.join([
        imported,
        Message(_SKIPPED, {"skipped": skipped}) if skipped else "",
        Message(_MERGED, {"count": merged}) if merged else "",
    ])
