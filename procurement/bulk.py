"""Many bids at once: a ZIP of BOM files (with a manifest, or files named after their bidders) or a workbook with
one sheet per bidder. Each becomes its own bid through `bid_create`, with its own screening.

`bulk_upload_create` checks and stores the upload and queues it; `bulk_upload_process` (run by the Celery task
procurement.tasks.process_bulk_upload) splits it and creates the bids. Every member gets a BulkUploadItem that
says what became of it; one bad member never stops the others. The upload is read the same way every time, so a
redelivered task skips the items already done and creates no bid twice.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import OperationalError, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from screening import conf as screening_conf
from screening.choices import FileRole
from screening.engine.archive import ArchiveError, ArchiveLimits, ArchiveMember, MemberError, SafeZip
from screening.engine.bom import SHEET_SKIPPED, BomReader, ReadLimits, iter_table_rows, read_declaration
from screening.engine.records import BomReadError, Location, Message, where_message
from screening.forms import upload_problem
from screening.messages import localised, message_json, message_text
from screening.services.screenings import read_limits, uploaded_file_create

from .access import organisation_scope
from .choices import AuditAction, BulkItemOutcome, BulkUploadStatus
from .models import BulkUpload, BulkUploadItem, Lot, Tender
from .services import bid_create

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".zip",)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MANIFEST_STEM = "manifest"
MANIFEST_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
# Manifest headers (lower case, spaces and dashes as underscores) -> the column they stand for.
MANIFEST_COLUMNS = {
    "file": "file", "files": "file", "filename": "file", "file_name": "file", "bom": "file",
    "bidder": "bidder", "bidder_name": "bidder",
    "lots": "lots", "lot": "lots",
    "bidder_country": "bidder_country", "country": "bidder_country",
    "bidder_registration": "bidder_registration", "registration": "bidder_registration",
    "registration_number": "bidder_registration",
    "declaration": "declaration", "subcontractor_declaration": "declaration",
}
REQUIRED_COLUMNS = ("file", "bidder")
# The messages an upload and its items keep are English with their templates (engine.records.Message), shown in the
# reader's language (screening.messages).
MANIFEST_HELP = Message(gettext_noop(
    "A manifest has a header row with the columns file and bidder, and optionally lots, bidder_country, "
    "bidder_registration and declaration."
))
ON_ITS_OWN = Message(gettext_noop(
    "The other bids are not affected; once this one is fixed, upload it on its own with Upload a bid."
))
# Bid fields as the manifest names them, for errors that come back from bid_create.
_FIELD_COLUMN = {"bidder_name": "bidder", "bidder_country": "bidder_country",
                 "bidder_registration": "bidder_registration", "lots": "lots", "boms": "file"}
# ... and as the single-bid form labels them, for a member with no manifest row.
_FIELD_LABELS = {"bidder_name": _("Bidder company name"), "bidder_country": _("Bidder country"),
                 "bidder_registration": _("Registration number"), "lots": _("Lots bid for"),
                 "boms": _("Bill of materials files")}
STALLED_AFTER = timedelta(seconds=120)


def _setting(name: str, default):
    return getattr(settings, f"PROCUREMENT_BULK_{name}", default)


def bulk_max_upload_bytes() -> int:
    return _setting("MAX_UPLOAD_BYTES", 500 * 1024 * 1024)


def bulk_archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_members=_setting("MAX_MEMBERS", 500),
        max_member_bytes=screening_conf.get("MAX_UPLOAD_BYTES"),
        max_total_bytes=_setting("MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024),
        max_compression_ratio=_setting("MAX_COMPRESSION_RATIO", 100),
    )


def _workbook_limits() -> ReadLimits:
    limits = read_limits()
    return ReadLimits(
        max_file_bytes=bulk_max_upload_bytes(),
        max_rows=limits.max_rows,
        max_columns=limits.max_columns,
        max_cell_chars=limits.max_cell_chars,
    )


def _audit(*, bulk_upload: BulkUpload, user, action: str, summary: Message, details: dict) -> None:
    from screening.services.audit import audit_record

    tender = bulk_upload.tender
    audit_record(
        scope=organisation_scope(tender.organisation_id),
        actor=user,
        action=action,
        summary=summary,
        subject=tender,
        details={"bulk_upload": bulk_upload.pk, "file": bulk_upload.file.original_name, **details},
    )


# -- upload


@transaction.atomic
def bulk_upload_create(*, tender: Tender, user, content: File) -> BulkUpload:
    """Check the upload's type and size (and a ZIP's table of contents), store it, and queue its processing."""
    name = PurePath(content.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in (*ARCHIVE_SUFFIXES, *WORKBOOK_SUFFIXES):
        raise ValidationError({"file": gettext(
            "%(name)s: files of type '%(suffix)s' cannot hold many bids. Upload a .zip of BOM files, or a workbook "
            "(%(suffixes)s) with one sheet per bidder."
        ) % {"name": name or gettext("The file"), "suffix": suffix or gettext("none"),
             "suffixes": ", ".join(WORKBOOK_SUFFIXES)}})
    size = content.size
    if not size:
        raise ValidationError({"file": gettext("%(name)s is empty. Upload the file again.") % {"name": name}})
    limit = bulk_max_upload_bytes()
    if size > limit:
        raise ValidationError({"file": gettext(
            "%(name)s is %(size)s; the limit is %(limit)s. Split the bids into several uploads."
        ) % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}})
    if suffix in ARCHIVE_SUFFIXES:
        try:
            SafeZip(content, filename=name, limits=bulk_archive_limits()).close()  # the table of contents only
        except ArchiveError as error:
            raise ValidationError({"file": message_text(error.located_text)}) from error
    stored = uploaded_file_create(content=content, name=name, role=FileRole.BOM, user=user)
    bulk_upload = BulkUpload.objects.create(tender=tender, file=stored, created_by=user)
    _audit(
        bulk_upload=bulk_upload,
        user=user,
        action=AuditAction.BULK_UPLOADED,
        summary=Message(gettext_noop("{file} uploaded to tender {reference} for many bids at once"),
                        {"file": name, "reference": tender.reference}),
        details={"sha256": stored.sha256, "size": stored.size},
    )
    transaction.on_commit(lambda: bulk_upload_enqueue(bulk_upload_id=bulk_upload.pk))
    return bulk_upload


def bulk_upload_enqueue(*, bulk_upload_id: int) -> bool:
    """Queue the processing; with the broker down the upload stays queued and is sent again by Celery beat."""
    from .tasks import process_bulk_upload

    try:
        process_bulk_upload.apply_async((bulk_upload_id,), retry=False)
    except Exception as error:  # noqa: BLE001 - kombu and redis raise many kinds when the broker is down
        logger.warning("could not queue bulk upload %s: %s", bulk_upload_id, error)
        waiting = Message(gettext_noop(
            "The task queue could not be reached; the bids will be created when it is back."
        ))
        BulkUpload.objects.filter(pk=bulk_upload_id, status=BulkUploadStatus.QUEUED).update(
            error_message=str(waiting), error_template=message_json(waiting)
        )
        return False
    return True


def bulk_upload_requeue_stalled() -> int:
    cutoff = timezone.now() - STALLED_AFTER
    stalled = BulkUpload.objects.filter(status=BulkUploadStatus.QUEUED, created_at__lt=cutoff)
    return sum(bulk_upload_enqueue(bulk_upload_id=pk) for pk in stalled.values_list("pk", flat=True))


# -- splitting the upload into would-be bids


class UploadRefused(Exception):
    """The upload as a whole cannot be split into bids (not a ZIP, an unreadable manifest...); `text` says why."""

    def __init__(self, text: Message):
        super().__init__(str(text))
        self.text = text


@dataclass
class Source:
    """A file of a would-be bid: the name it is stored under and how to get its bytes."""

    name: str
    open: Callable[[], BinaryIO]


@dataclass
class Entry:
    position: int
    member: str  # what the officer sees: the archive member(s) or the sheet (English)
    where: Message | None = None  # the manifest row, for errors
    member_text: Message | None = None  # the member as words to translate ("sheet RAN"), when it is not a file name
    bidder_name: str = ""
    bidder_country: str = ""
    bidder_registration: str = ""
    lot_numbers: list[int] = field(default_factory=list)
    boms: list[Source] = field(default_factory=list)
    declaration: Source | None = None
    error: Message | None = None  # known before any file is read


def _member_source(archive: SafeZip, member: ArchiveMember) -> Source:
    return Source(member.basename, lambda: archive.open(member))


def _zip_entries(archive: SafeZip, *, tender: Tender) -> list[Entry]:
    members = [m for m in archive.members if not (m.error is None and m.is_junk)]
    manifests = [
        m for m in members if m.error is None and m.stem.lower() == MANIFEST_STEM and m.suffix in MANIFEST_SUFFIXES
    ]
    if len(manifests) > 1:
        raise UploadRefused(Message(gettext_noop(
            "{archive} holds {count} manifests ({names}); keep one and make the archive again."
        ), {"archive": archive.filename, "count": len(manifests), "names": ", ".join(m.name for m in manifests)}))
    if manifests:
        return _manifest_entries(archive, manifests[0], members, tender=tender)
    if not members:
        raise UploadRefused(Message(gettext_noop(
            "{archive} holds no files. Put the bids' BOM files in it and upload it again."
        ), {"archive": archive.filename}))
    return [
        Entry(
            position=position,
            member=member.name,
            bidder_name=member.stem.strip(),
            boms=[] if member.error else [_member_source(archive, member)],
            error=member.error.located_text if member.error else None,
        )
        for position, member in enumerate(members)
    ]


_LOT_WORDS = re.compile(r"\blots?\b\.?|\bno\.|#", re.IGNORECASE)  # "Lot 1", "Lots 1, 2", "No. 3", "#4"


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _split_names(cell: str) -> list[str]:
    return [name.strip() for name in re.split(r"[|;\n]", cell) if name.strip()]


def _manifest_entries(
    archive: SafeZip, manifest: ArchiveMember, members: list[ArchiveMember], *, tender: Tender
) -> list[Entry]:
    label = manifest.name
    try:
        with archive.open(manifest) as handle:
            rows = list(iter_table_rows(handle, filename=manifest.basename, limits=read_limits()))
    except (MemberError, BomReadError) as error:
        raise UploadRefused(Message(gettext_noop("The manifest cannot be read: {error}"),
                                    {"error": error.located_text})) from error
    if not rows:
        raise UploadRefused(Message(gettext_noop("{manifest} is empty. {help}"),
                                    {"manifest": label, "help": MANIFEST_HELP}))
    header_sheet, header_row, header_cells = rows[0]
    columns: dict[str, int] = {}
    for index, text in enumerate(header_cells):
        key = MANIFEST_COLUMNS.get(_header_key(text))
        if key and key not in columns:
            columns[key] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        found = ", ".join(text for text in header_cells if text)
        raise UploadRefused(Message(gettext_noop("{where}: no {columns} column (found: {found}). {help}"), {
            "where": _manifest_row(label, header_row), "columns": " / ".join(missing),
            "found": found or Message(gettext_noop("nothing")), "help": MANIFEST_HELP,
        }))

    folder = PurePosixPath(manifest.path).parent
    by_path = {m.path: m for m in members if m.path}
    by_name = {m.name: m for m in members}
    lots = {lot.number for lot in tender.lots.all()}
    used: dict[int, Message] = {}  # member index -> the row that names it
    entries: list[Entry] = []

    def find(name: str) -> ArchiveMember | None:
        unix = name.replace("\\", "/").removeprefix("./")
        return by_path.get(str(folder / unix)) or by_path.get(unix) or by_name.get(name)

    for sheet, rownum, cells in rows[1:]:
        if sheet != header_sheet:
            break  # the manifest is the first sheet

        def cell(key: str, cells=cells) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        where = _manifest_row(label, rownum)
        entry = Entry(
            position=len(entries),
            member=cell("file") or str(where),
            member_text=None if cell("file") else where,
            where=where,
            bidder_name=cell("bidder"),
            bidder_country=cell("bidder_country").upper(),
            bidder_registration=cell("bidder_registration"),
        )
        errors: list[Message] = []
        if not entry.bidder_name:
            errors.append(Message(gettext_noop("{where}, column bidder: empty. Write the bidder's company name."),
                                  {"where": where}))
        names = _split_names(cell("file"))
        if not names:
            errors.append(Message(gettext_noop(
                "{where}, column file: empty. Write the name of the bid's BOM file in the archive."
            ), {"where": where}))
        for column, name in [("file", name) for name in names] + [("declaration", cell("declaration"))]:
            if not name:
                continue
            member = find(name)
            if member is None:
                errors.append(Message(gettext_noop(
                    "{where}, column {column}: {name} is not in the archive. Check the spelling (names are "
                    "case-sensitive, with the folder if the file is in one) or add the file."
                ), {"where": where, "column": column, "name": name}))
            elif member.index in used:
                errors.append(Message(gettext_noop("{where}, column {column}: {name} is already the file of {other}."),
                                      {"where": where, "column": column, "name": name, "other": used[member.index]}))
            elif member.error is not None:
                used[member.index] = where  # reported on this row, not again on its own
                errors.append(Message(gettext_noop("{where}, column {column}: {error}"),
                                      {"where": where, "column": column, "error": member.error.located_text}))
            else:
                used[member.index] = where
                if column == "file":
                    entry.boms.append(_member_source(archive, member))
                else:
                    entry.declaration = _member_source(archive, member)
        for number in re.split(r"[,;|\s]+", _LOT_WORDS.sub(" ", cell("lots"))):
            if not number:
                continue
            if not number.isdigit() or int(number) not in lots:
                known = ", ".join(str(n) for n in sorted(lots))
                errors.append(Message(gettext_noop(
                    "{where}, column lots: {number} is not a lot of tender {tender} (its lots: {lots}). Give the lot "
                    "numbers separated by commas."
                ), {"where": where, "number": number, "tender": tender.reference,
                    "lots": known or Message(gettext_noop("none"))}))
            else:
                entry.lot_numbers.append(int(number))
        entry.error = Message.join(errors) if errors else None
        entries.append(entry)

    for member in members:
        if member is manifest or member.index in used:
            continue
        error = member.error.located_text if member.error else Message(gettext_noop(
            "{member}: not named in {manifest}, so it is not a bid. Add a row for it (file, bidder), or leave it out "
            "of the archive."
        ), {"member": member.name, "manifest": label})
        entries.append(Entry(position=len(entries), member=member.name, error=error))
    if not entries:
        raise UploadRefused(Message(gettext_noop("{manifest} names no bids. {help}"),
                                    {"manifest": label, "help": MANIFEST_HELP}))
    return entries


def _manifest_row(manifest: str, row: int) -> Message:
    """"manifest.csv, row 3", in the reader's language."""
    return where_message(Location(manifest, row=row))


class _SheetSplitter:
    """Writes each sheet of a workbook to its own .xlsx file, every row at the row number it had, so that errors
    and findings point at the same sheet and row as the workbook the officer uploaded."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.paths: dict[str, Path] = {}

    def split(self, fileobj: BinaryIO, *, filename: str, sheets: set[str]) -> None:
        import xlsxwriter

        current = None
        workbook = worksheet = None
        try:
            for sheet, rownum, texts in iter_table_rows(fileobj, filename=filename, limits=_workbook_limits()):
                if sheet not in sheets:
                    continue
                if sheet != current:
                    if workbook is not None:
                        workbook.close()
                    current = sheet
                    path = self.directory / f"{len(self.paths)}.xlsx"
                    self.paths[sheet] = path
                    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
                    try:
                        worksheet = workbook.add_worksheet(sheet)
                    except Exception:  # noqa: BLE001 - a name xlsx does not allow (from .ods): keep the rows
                        worksheet = workbook.add_worksheet()
                for column, text in enumerate(texts):
                    if text:  # as text, never a formula or a link
                        worksheet.write_string(rownum - 1, column, text[:32_767])
        finally:
            if workbook is not None:
                workbook.close()


def _workbook_entries(fileobj: BinaryIO, *, filename: str, directory: str) -> list[Entry]:
    try:
        with BomReader(fileobj, filename=filename, limits=_workbook_limits()) as reader:
            sheets = reader.sheets
        readable = {sheet.name for sheet in sheets if sheet.kind != SHEET_SKIPPED}
        splitter = _SheetSplitter(directory)
        fileobj.seek(0)
        splitter.split(fileobj, filename=filename, sheets=readable)
    except BomReadError as error:
        raise UploadRefused(Message(gettext_noop(
            "{error} A workbook of many bids has one sheet per bidder, named after it."
        ), {"error": error.located_text})) from error
    entries = []
    for sheet in sheets:
        if sheet.kind == SHEET_SKIPPED and not sheet.reason.startswith("no header row"):
            continue  # empty sheets and charts are no bids
        member = where_message(Location("", sheet.name))  # "sheet RAN"
        entry = Entry(position=len(entries), member=str(member), member_text=member, bidder_name=sheet.name.strip())
        path = splitter.paths.get(sheet.name)
        where = where_message(Location(filename, sheet.name))
        if sheet.kind == SHEET_SKIPPED:
            entry.error = Message(gettext_noop(
                "{where}: {reason}. If this sheet is a bid, head its columns Manufacturer, Supplier or Subcontractor "
                "and upload it on its own with Upload a bid; if it is not a bid, nothing is lost."
            ), {"where": where, "reason": sheet.reason_text or sheet.reason})
        elif path is None:
            entry.error = Message(gettext_noop("{where}: the sheet holds no rows below its header. {hint}"),
                                  {"where": where, "hint": ON_ITS_OWN})
        else:
            entry.boms.append(Source(f"{sheet.name}.xlsx", lambda path=path: path.open("rb")))
        entries.append(entry)
    if not entries:
        raise UploadRefused(Message(gettext_noop(
            "{file} has no sheets with bids. Name each sheet after its bidder."
        ), {"file": filename}))
    return entries


@contextlib.contextmanager
def _entries(bulk_upload: BulkUpload) -> Iterator[list[Entry]]:
    """The upload's would-be bids, in the same order every time; their files can be opened while this is open."""
    upload = bulk_upload.file
    name = upload.original_name
    with upload.file.storage.open(upload.file.name, "rb") as handle:
        if PurePath(name).suffix.lower() in ARCHIVE_SUFFIXES:
            try:
                archive = SafeZip(handle, filename=name, limits=bulk_archive_limits())
            except ArchiveError as error:
                raise UploadRefused(error.located_text) from error
            with archive:
                yield _zip_entries(archive, tender=bulk_upload.tender)
        else:
            with tempfile.TemporaryDirectory(prefix="bulk-") as directory:
                yield _workbook_entries(handle, filename=name, directory=directory)


# -- processing


def bulk_upload_process(*, bulk_upload_id: int) -> BulkUpload | None:
    """Split the upload and make each would-be bid a bid; safe to run again (items already done are skipped)."""
    started = BulkUpload.objects.filter(
        pk=bulk_upload_id, status__in=[BulkUploadStatus.QUEUED, BulkUploadStatus.RUNNING]
    ).update(status=BulkUploadStatus.RUNNING, error_message="")
    if not started:
        return None
    BulkUpload.objects.filter(pk=bulk_upload_id, started_at__isnull=True).update(started_at=timezone.now())
    bulk_upload = BulkUpload.objects.select_related("tender__organisation", "file", "created_by").get(
        pk=bulk_upload_id
    )
    try:
        with _entries(bulk_upload) as entries:
            _items_ensure(bulk_upload, entries)
            items = {item.position: item for item in bulk_upload.items.all()}
            lots = {lot.number: lot for lot in bulk_upload.tender.lots.all()}
            for entry in entries:
                item = items[entry.position]
                if item.outcome == BulkItemOutcome.PENDING:
                    _item_process(bulk_upload, item, entry, lots=lots)
                    _counts_update(bulk_upload)
    except UploadRefused as error:
        bulk_upload_fail(bulk_upload_id=bulk_upload_id, message=error.text)
        bulk_upload.refresh_from_db()
        return bulk_upload
    _counts_update(bulk_upload)
    finished = BulkUpload.objects.filter(pk=bulk_upload_id, status=BulkUploadStatus.RUNNING).update(
        status=BulkUploadStatus.DONE, finished_at=timezone.now()
    )
    bulk_upload.refresh_from_db()
    if finished:
        items = list(bulk_upload.items.order_by("position"))
        _audit(
            bulk_upload=bulk_upload,
            user=bulk_upload.created_by,
            action=AuditAction.BULK_PROCESSED,
            summary=Message(gettext_noop("{file}: {created} bid(s) created, {failed} with errors"), {
                "file": bulk_upload.file.original_name, "created": bulk_upload.items_ok,
                "failed": bulk_upload.items_failed,
            }),
            details={"items": [
                {"member": item.member, "bidder_name": item.bidder_name, "outcome": item.outcome,
                 "bid": item.bid_id, "error": item.error_message}
                for item in items
            ]},
        )
    return bulk_upload


def bulk_upload_fail(*, bulk_upload_id: int, message: Message | str) -> bool:
    """Record why the upload could not be split (in English, with the template for other languages); its file
    stays, and the bids already created stay."""
    changed = BulkUpload.objects.filter(
        pk=bulk_upload_id, status__in=[BulkUploadStatus.QUEUED, BulkUploadStatus.RUNNING]
    ).update(status=BulkUploadStatus.FAILED, error_message=str(message)[:10_000],
             error_template=message_json(message), finished_at=timezone.now())
    if changed:
        bulk_upload = BulkUpload.objects.select_related("tender", "file", "created_by").get(pk=bulk_upload_id)
        _counts_update(bulk_upload)
        _audit(
            bulk_upload=bulk_upload,
            user=bulk_upload.created_by,
            action=AuditAction.BULK_PROCESSED,
            summary=Message(gettext_noop("{file}: could not be split into bids"),
                            {"file": bulk_upload.file.original_name}),
            details={"error": str(message)},
        )
    return bool(changed)


def _items_ensure(bulk_upload: BulkUpload, entries: list[Entry]) -> None:
    """One item per would-be bid, made once: those known to be bad are settled at once."""
    now = timezone.now()
    BulkUploadItem.objects.bulk_create(
        [
            BulkUploadItem(
                bulk_upload=bulk_upload,
                position=entry.position,
                member=entry.member[:1000],
                member_template=message_json(entry.member_text),
                bidder_name=entry.bidder_name[:300],
                outcome=BulkItemOutcome.ERROR if entry.error else BulkItemOutcome.PENDING,
                error_message=str(entry.error) if entry.error else "",
                error_template=message_json(entry.error),
                processed_at=now if entry.error else None,
            )
            for entry in entries
        ],
        ignore_conflicts=True,
    )


def _counts_update(bulk_upload: BulkUpload) -> None:
    counts = bulk_upload.items.aggregate(
        total=Count("pk"),
        ok=Count("pk", filter=Q(outcome=BulkItemOutcome.OK)),
        failed=Count("pk", filter=Q(outcome=BulkItemOutcome.ERROR)),
    )
    BulkUpload.objects.filter(pk=bulk_upload.pk).update(
        items_total=counts["total"], items_ok=counts["ok"], items_failed=counts["failed"]
    )


class _Refused(Exception):
    """A would-be bid's file refused by name or size before it is read."""

    def __init__(self, text: Message):
        super().__init__(str(text))
        self.text = text


def _validation_text(error: ValidationError, entry: Entry) -> str:
    """The error in the active language (a model's validation messages are translated when read)."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, errors in error.message_dict.items():
        column = _FIELD_COLUMN.get(name)
        if entry.where and column:
            label = message_text(where_message(Location("", column=column)))  # "column bidder"
        else:
            label = _field_label(name)
        parts.append(f"{label}: {' '.join(errors)}")
    return "; ".join(parts)


def _field_label(name: str) -> str:
    label = _FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


def _opened(source: Source, role: str) -> File:
    """The source's bytes as a File, checked as the single-bid form and the reader check them."""
    content = File(source.open(), name=source.name)
    try:
        problem = upload_problem(content)
        if problem is not None:
            raise _Refused(problem)
        content.seek(0)
        if role == FileRole.DECLARATION:
            read_declaration(content, filename=source.name, limits=read_limits())
        else:
            BomReader(content, filename=source.name, limits=read_limits()).close()
        content.seek(0)
    except BaseException:
        content.close()
        raise
    return content


def _item_process(bulk_upload: BulkUpload, item: BulkUploadItem, entry: Entry, *, lots: dict[int, Lot]) -> None:
    files: list[File] = []
    error: Message | None = None
    try:
        for source in entry.boms:
            files.append(_opened(source, FileRole.BOM))
        if entry.declaration is not None:
            files.append(_opened(entry.declaration, FileRole.DECLARATION))
    except MemberError as problem:
        error = problem.located_text
    except (_Refused, BomReadError) as problem:
        text = problem.text if isinstance(problem, _Refused) else problem.located_text
        error = Message.join([text, ON_ITS_OWN])
    try:
        with transaction.atomic():
            locked = BulkUploadItem.objects.select_for_update().get(pk=item.pk)
            if locked.outcome != BulkItemOutcome.PENDING:
                return  # another delivery of the task got here first
            if error is None:
                error = _bid_create(bulk_upload, locked, entry, files=files, lots=lots)
            locked.outcome = BulkItemOutcome.ERROR if error is not None else BulkItemOutcome.OK
            locked.error_message = str(error) if error is not None else ""
            locked.error_template = message_json(error)
            locked.processed_at = timezone.now()
            locked.save(update_fields=["outcome", "error_message", "error_template", "bid", "processed_at"])
    finally:
        for content in files:
            content.close()


def _bid_create(bulk_upload: BulkUpload, item: BulkUploadItem, entry: Entry, *, files, lots) -> Message | None:
    """Create the item's bid in a savepoint; returns the error for the officer, None on success."""
    declaration = files[len(entry.boms)] if entry.declaration else None
    try:
        with transaction.atomic():
            item.bid = bid_create(
                tender=bulk_upload.tender,
                user=bulk_upload.created_by,
                bidder_name=entry.bidder_name,
                bidder_country=entry.bidder_country,
                bidder_registration=entry.bidder_registration,
                lots=[lots[number] for number in entry.lot_numbers],
                boms=files[: len(entry.boms)],
                declaration=declaration,
            )
    except ValidationError as problem:
        # The services' and the model's own messages, written in every language while their error is at hand (the
        # worker speaks the site's language; each officer reading the item reads their own).
        return Message("{where}: {problem} {hint}", {
            "where": entry.where or entry.member_text or entry.member,
            "problem": localised(functools.partial(_validation_text, problem, entry)), "hint": ON_ITS_OWN,
        })
    except OperationalError:
        raise  # transient: the task retries, and this item is still pending
    except Exception as problem:  # one bid's unexpected failure must not stop the others
        logger.exception("bulk upload %s, item %s: the bid could not be created", bulk_upload.pk, item.pk)
        return Message(gettext_noop(
            "{member}: the bid could not be created ({detail}). {hint} Tell your administrator if it happens again."
        ), {"member": entry.member_text or entry.member, "detail": f"{type(problem).__name__}: {problem}",
            "hint": ON_ITS_OWN})
    return None
