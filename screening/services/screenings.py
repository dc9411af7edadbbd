"""Screening jobs: start, prepare (read files into chunks), screen chunks, finalise, cancel, fail.

A job is a database row with guarded transitions (queued -> running -> done | failed | cancelled); every
transition is a conditional UPDATE, so a task that runs twice, or late, changes nothing it should not.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import sys
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from operator import itemgetter

from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from screening import conf
from screening.choices import AuditAction, ChunkStatus, FileRole, ScreeningStatus, ScreeningTrigger
from screening.engine.bom import BomReader, ReadLimits, SheetLayout, header_mapping, read_declaration
from screening.engine.policy import PolicyConfig, verdict
from screening.engine.records import (
    BomReadError,
    BomRow,
    ChainEdge,
    CodedColumn,
    Finding,
    Location,
    Message,
    RowError,
    RowTable,
    Severity,
)
from screening.engine.screen import Screener
from screening.fields import PackedField
from screening.messages import message_json, message_json_text
from screening.models import Finding as FindingRow
from screening.models import ListVersion, Screening, ScreeningChunk, ScreeningError, SupplierList, UploadedFile
from screening.signals import screening_finished, send_on_commit

from .audit import actor, audit_record
from .matching import CachedMatchStore, indexed_categories, indexed_lists, list_versions_in_force, versions_key

logger = logging.getLogger(__name__)

FINDING_BATCH = 2_000
# A preparation that started longer ago than this and never finished is taken to have died with its worker.
PREPARE_LEASE = timedelta(minutes=15)


def read_limits() -> ReadLimits:
    return ReadLimits(
        max_file_bytes=conf.get("MAX_UPLOAD_BYTES"),
        max_rows=conf.get("MAX_ROWS"),
        max_columns=conf.get("MAX_COLUMNS"),
        max_cell_chars=conf.get("MAX_CELL_CHARS"),
    )


# -- uploads


def uploaded_file_create(*, content: File, name: str, role: str = FileRole.BOM, user=None) -> UploadedFile:
    """Store an upload through the storage API, with its SHA-256, before anything reads it."""
    digest = hashlib.sha256()
    size = 0
    content.seek(0)
    for block in content.chunks() if hasattr(content, "chunks") else iter(lambda: content.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    content.seek(0)
    upload = UploadedFile(original_name=name, role=role, sha256=digest.hexdigest(), size=size, uploaded_by=user)
    upload.file.save(name, content, save=False)
    upload.save()
    return upload


# -- starting and stopping


@transaction.atomic
def screening_start(
    *,
    files: Iterable[UploadedFile],
    list_versions: Iterable[ListVersion] | None = None,
    policy: PolicyConfig | None = None,
    bidder: str = "",
    label: str = "",
    subject=None,
    scope: str = "",
    user=None,
    previous: Screening | None = None,
    trigger: str = ScreeningTrigger.MANUAL,
    reason: Message | str = "",
    extra_headers: Mapping[str, str] | None = None,
) -> Screening:
    """Create a queued screening of the files against fixed list versions and queue it once committed.

    `trigger` and `reason` say why it was started when no person chose to (a list import, the daily re-screen);
    a reason written as a Message is shown in the reader's language.
    `extra_headers` (header as written -> field, "ignore" to leave a column out) join the policy's own and tell
    the reader what columns its tables do not know; an unknown field raises ValueError.
    """
    files = list(files)
    if not any(f.role == FileRole.BOM for f in files):
        raise ValueError("A screening needs at least one bill of materials.")
    if list_versions is None:  # the active lists the scope may see: public ones and its own
        list_versions = list_versions_in_force(lists=SupplierList.objects.filter(is_active=True, scope__in={"", scope}))
    versions = list(list_versions)
    policy = policy or PolicyConfig(review_threshold=conf.get("REVIEW_THRESHOLD"))
    policy.trusted_in_force = any(v.supplier_list.kind == "trusted" for v in versions)
    if extra_headers:
        policy.extra_headers = {**policy.extra_headers, **extra_headers}
    header_mapping(policy.extra_headers)  # refuse a wrong mapping now, not when a worker reads the files
    screening = Screening.objects.create(
        label=label or ", ".join(f.original_name for f in files)[:255],
        policy=policy.as_dict(),
        bidder=bidder,
        subject=subject,
        scope=scope,
        created_by=user,
        previous=previous,
        trigger=ScreeningTrigger(trigger),
        reason=str(reason),
        reason_template=message_json(reason) if isinstance(reason, Message) else None,
    )
    screening.files.set(files)
    screening.list_versions.set(versions)
    audit_record(
        scope=scope,
        actor=user,
        action=AuditAction.SCREENING_STARTED,
        summary=Message(gettext_noop("{actor} started screening #{number} of {subject}: {files} against {lists}."), {
            "actor": actor(user), "number": str(screening.pk), "subject": str(subject or screening.label),
            "files": ", ".join(f"{f.original_name} (SHA-256 {f.sha256})" for f in files),
            "lists": ", ".join(f"{v.supplier_list.name} v{v.number}" for v in versions) or Message(
                gettext_noop("no lists")),
        }),
        subject=subject or screening,
        screening=screening,
        details={"files": [f.pk for f in files], "list_versions": [v.pk for v in versions],
                 "previous": previous.pk if previous else None, "trigger": str(trigger), "reason": str(reason)},
    )
    transaction.on_commit(lambda: screening_enqueue(screening_id=screening.pk))
    return screening


def screening_enqueue(*, screening_id: int) -> bool:
    """Queue a screening's preparation. When the broker cannot be reached the screening stays queued, with a
    note for the officer, and `screening_requeue_stalled` (run by Celery beat) sends it again later.
    """
    from screening.tasks import prepare_screening

    try:
        prepare_screening.apply_async((screening_id,), retry=False)
    except Exception as error:  # noqa: BLE001 - kombu and redis raise many kinds when the broker is down
        logger.warning("could not queue screening %s: %s", screening_id, error)
        waiting = Message(gettext_noop(
            "The task queue could not be reached; the screening will start when it is back."
        ))
        Screening.objects.filter(pk=screening_id, status=ScreeningStatus.QUEUED).update(
            error_message=str(waiting), error_template=message_json(waiting)
        )
        return False
    return True


def screening_requeue_stalled(*, older_than_seconds: int = 120) -> int:
    """Send again the screenings still queued after a while (broker down at upload, message lost)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stalled = list(
        Screening.objects.filter(status=ScreeningStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    return sum(screening_enqueue(screening_id=pk) for pk in stalled)


def screening_rescreen(
    *, screening: Screening, user=None, trigger: str = ScreeningTrigger.MANUAL, reason: Message | str = ""
) -> Screening:
    """Screen the same files again against the current versions of the same lists; the earlier screening stays
    as it was, with its decisions (those on the same pairs are carried over when the new one is done)."""
    lists = SupplierList.objects.filter(versions__screenings=screening).distinct()
    rescreen = screening_start(
        files=screening.files.all(),
        list_versions=list_versions_in_force(lists=lists),
        policy=PolicyConfig.from_dict(screening.policy),
        bidder=screening.bidder,
        label=screening.label,
        subject=screening.subject,
        scope=screening.scope,
        user=user,
        previous=screening,
        trigger=trigger,
        reason=reason,
    )
    audit_record(
        scope=screening.scope,
        actor=user,
        action=AuditAction.SCREENING_RESCREENED,
        summary=Message.join([
            Message(gettext_noop(
                "{actor} re-screened screening #{number} as #{new} against the current list versions; the earlier "
                "screening and its decisions are kept."
            ), {"actor": actor(user), "number": str(screening.pk), "new": str(rescreen.pk)}),
            Message(gettext_noop("Why: {reason}"), {"reason": reason}) if reason else "",
        ]),
        subject=screening.subject or screening,
        screening=screening,
        details={"new_screening": rescreen.pk},
    )
    return rescreen


def screening_cancel(*, screening: Screening, user=None) -> bool:
    changed = Screening.objects.filter(
        pk=screening.pk, status__in=[ScreeningStatus.QUEUED, ScreeningStatus.RUNNING]
    ).update(status=ScreeningStatus.CANCELLED, finished_at=timezone.now())
    screening.refresh_from_db()
    if changed:
        audit_record(
            scope=screening.scope,
            actor=user,
            action=AuditAction.SCREENING_CANCELLED,
            summary=Message(gettext_noop("{actor} cancelled screening #{number} at {done} of {total} rows."), {
                "actor": actor(user), "number": str(screening.pk), "done": screening.rows_done,
                "total": screening.rows_total,
            }),
            subject=screening.subject or screening,
            screening=screening,
        )
        send_on_commit(screening_finished, Screening, screening=screening)
    return bool(changed)


def screening_fail(*, screening_id: int, message: Message | str) -> bool:
    """Record why a screening stopped (in English, with the message's template for other languages). The uploaded
    files stay; a later screening can read them again."""
    changed = Screening.objects.filter(
        pk=screening_id, status__in=[ScreeningStatus.QUEUED, ScreeningStatus.RUNNING]
    ).update(status=ScreeningStatus.FAILED, error_message=str(message)[:10_000], error_template=message_json(message),
             finished_at=timezone.now())
    if changed:
        logger.warning("screening %s failed: %s", screening_id, message)
        send_on_commit(screening_finished, Screening, screening=Screening.objects.get(pk=screening_id))
    return bool(changed)


# -- preparing: files -> chunks


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector over a bulk loop. Reading or screening a chunk allocates hundreds of
    thousands of small lists, dicts and strings and keeps them to the end; the collector would scan them again and
    again (a third of such a loop's time) though they hold no reference cycles. Reference counting still frees
    them, and the collector resumes when the loop ends, however it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PAYLOAD_VERSION = 3
_TEXT_KINDS = frozenset({str, type(None)})
_CODED_REPEATS = 2  # a text column is dictionary-coded when its lines hold each distinct cell this often on average
_CODED_SAMPLE = 500  # its first lines tell whether it is worth counting
_CODE_TYPES = {2: "H", 4: "I", 8: "Q"}  # item size -> array type code


def _pack_column(cells: Sequence) -> list | dict:
    """A column of a chunk's payload. A text column whose cells repeat (names, countries, domains...) is kept
    dictionary-coded, as {"values": its distinct cells, "codes": each line's index among them, as little-endian
    unsigned integers of "width" bytes}; any other column as the list of its cells."""
    sample = cells[:_CODED_SAMPLE]  # part numbers, serials, descriptions: mostly distinct, not worth a look
    if len(set(sample)) * _CODED_REPEATS <= len(sample):
        values = list(dict.fromkeys(cells))
        # The distinct cells' kinds are the column's: a number equal to another kind's (1, 1.0, True) would have
        # been taken for it, but then the column holds a number, and is not coded.
        if len(values) * _CODED_REPEATS <= len(cells) and set(map(type, values)) <= _TEXT_KINDS:
            index = {value: i for i, value in enumerate(values)}
            codes = array("H" if len(values) <= 0xFFFF else "I", map(index.__getitem__, cells))
            if sys.byteorder == "big":
                codes.byteswap()
            return {"values": values, "codes": codes.tobytes(), "width": codes.itemsize}
    return list(cells)


def _unpack_column(column: list | dict) -> list | CodedColumn:
    if not isinstance(column, dict):
        return column
    codes = array(_CODE_TYPES[column["width"]])
    codes.frombytes(column["codes"])
    if sys.byteorder == "big":
        codes.byteswap()
    return CodedColumn(column["values"], codes)


class _PreparationStopped(Exception):
    """The screening stopped running while its files were being read."""


class _HandOutFailed(Exception):
    """A chunk could not be handed out (its task queued); the cause is the queue's own error."""


@dataclass
class _ChunkWriter:
    """Writes a file's rows as chunk rows, as the reader gave them: each sheet's runs of rows as their row numbers
    and the raw cells of the sheet's mapped columns, a column at a time (_pack_column). Cooking them into lines
    (text, checks, row errors) is left to the chunk tasks, which run in parallel: chunk_payload_tables does it
    (chunk_payload_rows a row at a time). Payload:
    {"v": 3, "sheets": {key: SheetLayout.as_dict()}, "runs": [[key, [row number, ...], [column, ...]], ...]}.

    With `stream`, each chunk row is committed on its own, with the job's running totals, and its id goes to
    `ready` once committed, so its task can start while the rest of the file is read.
    """

    screening: Screening
    chunk_rows: int
    stream: bool = False
    index: int = 0
    rows_total: int = 0

    def __post_init__(self):
        self._runs: list[tuple[str, list]] = []  # (sheet key, its rows as read: (row number, cells))
        self._count = 0
        self._sheets: dict[str, dict] = {}
        self._sheet_count = 0
        self.ready: Callable[[int], None] | None = None  # told of each chunk once committed, when set
        self.held: list[int] = []  # committed chunks not handed to `ready`, in order

    def add_sheet(self, layout: SheetLayout, batches: Iterable[list[tuple[int, tuple]]]) -> None:
        """A sheet's rows, as BomReader.raw_sheets gives them in batches."""
        key = str(self._sheet_count)
        self._sheet_count += 1
        sheet = layout.as_dict()
        self._sheets[key] = sheet
        for batch in batches:
            while batch:
                room = self.chunk_rows - self._count
                taken, batch = batch[:room], batch[room:]
                if not self._runs or self._runs[-1][0] != key:
                    self._runs.append((key, []))
                self._runs[-1][1].extend(taken)
                self._count += len(taken)
                if self._count >= self.chunk_rows:
                    self.flush()
                    self._sheets[key] = sheet

    def flush(self) -> None:
        if not self._count:
            return
        chunk = ScreeningChunk(screening=self.screening, index=self.index, row_count=self._count)
        packed = PackedField.encode(chunk_payload_make(self._sheets, self._runs), default=SheetLayout.portable_cell)
        self.index += 1
        self.rows_total += self._count
        self._runs, self._count, self._sheets = [], 0, {}
        if not self.stream:
            _chunk_insert(chunk, packed)
            return
        with transaction.atomic():
            chunk.pk = _chunk_insert(chunk, packed)
            if not Screening.objects.filter(pk=self.screening.pk, status=ScreeningStatus.RUNNING).update(
                rows_total=self.rows_total, chunks_total=self.index
            ):
                raise _PreparationStopped  # cancelled (or failed) meanwhile: read no further
        if self.ready is None:
            self.held.append(chunk.pk)
            return
        try:
            self.ready(chunk.pk)
        except Exception as error:  # the broker's failure, not the file's: kept apart from the reading errors
            raise _HandOutFailed from error


def chunk_payload_make(sheets: dict[str, dict], runs: Iterable[tuple[str, list[tuple[int, Sequence]]]]) -> dict:
    """A chunk row's payload (_ChunkWriter): the sheets' layouts by key, and runs of (key, [(row number, the
    mapped columns' raw cells), ...]), each sheet's rows of the same width."""
    packed = []
    for key, rows in runs:
        numbers, cells = zip(*rows, strict=True)
        packed.append([key, list(numbers), [_pack_column(column) for column in zip(*cells, strict=True)]])
    return {"v": PAYLOAD_VERSION, "sheets": sheets, "runs": packed}


# A chunk's payload is megabytes. On PostgreSQL it goes to and from the server as binary: Django's cursors bind
# parameters on the client, which writes bytes into the statement as hex text for the server to parse back
# (four times the time of the binary transfer), and read them back as text the same way.


@contextlib.contextmanager
def _binary_cursor():
    """A psycopg cursor on Django's connection (in its transaction) that binds on the server, so bytes travel as
    binary; its errors come out as Django's."""
    import psycopg  # the PostgreSQL driver, there when PostgreSQL is

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def _chunk_insert(chunk: ScreeningChunk, payload: bytes) -> int:
    """Insert the chunk row with its packed payload; returns its id."""
    if connection.vendor != "postgresql":
        chunk.payload = payload
        chunk.save(force_insert=True)
        return chunk.pk
    fields = [f for f in ScreeningChunk._meta.concrete_fields if not f.primary_key]
    values = [
        payload if f.name == "payload" else f.get_db_prep_save(f.pre_save(chunk, add=True), connection) for f in fields
    ]
    quote = connection.ops.quote_name
    statement = (  # the model's own table and column names
        f"INSERT INTO {quote(ScreeningChunk._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(ScreeningChunk._meta.pk.column)}"
    )
    with _binary_cursor() as cursor:
        cursor.execute(statement, values)
        return cursor.fetchone()[0]


def chunk_payload(chunk_id: int):
    """A chunk's payload, decoded."""
    if connection.vendor != "postgresql":
        return ScreeningChunk.objects.filter(pk=chunk_id).values_list("payload", flat=True).get()
    table = connection.ops.quote_name(ScreeningChunk._meta.db_table)
    with _binary_cursor() as cursor:
        cursor.execute(f"SELECT payload FROM {table} WHERE id = %s", [chunk_id], binary=True)  # noqa: S608
        found = cursor.fetchone()
    if found is None:
        raise ScreeningChunk.DoesNotExist(chunk_id)
    return PackedField.decode(found[0])


def chunk_payload_rows(payload: dict, errors: list[RowError] | None = None) -> Iterator[BomRow]:
    """The BOM rows a chunk row holds, as _ChunkWriter wrote them; the cells' problems go to `errors`."""
    if errors is None:
        errors = []
    version = payload.get("v")
    if version not in (2, PAYLOAD_VERSION):
        yield from _payload_v1_rows(payload)
        return
    cooks = {key: SheetLayout.from_dict(sheet).cook for key, sheet in payload["sheets"].items()}
    if version == 2:  # [[key, row number, [cell, ...]], ...]
        runs = [(key, [(number, cells) for _key, number, cells in rows])
                for key, rows in groupby(payload["rows"], key=itemgetter(0))]
    else:
        runs = [(key, zip(numbers, zip(*_expanded(columns), strict=True), strict=True))
                for key, numbers, columns in payload["runs"]]
    for key, rows in runs:
        cook = cooks[key]
        for row_number, cells in rows:
            row = cook(row_number, cells, errors)
            if row is not None:
                yield row


def _expanded(columns: list) -> list[list]:
    """A payload run's columns, each cell by cell."""
    return [c.expand() if isinstance(c, CodedColumn) else c for c in map(_unpack_column, columns)]


def chunk_payload_tables(
    payload: dict, errors: list[RowError] | None = None, needed: Collection[str] | None = None
) -> list[RowTable]:
    """The BOM lines a chunk row holds, a table per sheet (SheetLayout.cook_columns); the cells' problems go to
    `errors`. Columns other than the `needed` fields may be left as read until a line is asked for."""
    if errors is None:
        errors = []
    version = payload.get("v")
    if version not in (2, PAYLOAD_VERSION):
        return RowTable.of_rows(_payload_v1_rows(payload))
    layouts = {key: SheetLayout.from_dict(sheet) for key, sheet in payload["sheets"].items()}
    if version == 2:
        return [
            layouts[key].cook_table([(number, cells) for _key, number, cells in rows], errors, needed)
            for key, rows in groupby(payload["rows"], key=itemgetter(0))
        ]
    return [
        layouts[key].cook_columns(numbers, [_unpack_column(column) for column in columns], errors, needed)
        for key, numbers, columns in payload["runs"]
    ]


def chunk_payload_cells(payload: dict, keys: Collection[str]) -> Iterator:
    """The non-empty raw cells a chunk row holds in the columns of these fields, without building its rows: of a
    dictionary-coded column, its distinct cells (once each)."""
    columns = {}
    for sheet_key, sheet in payload["sheets"].items():
        names = [key for key, _header, _company in sheet["columns"]] if "columns" in sheet else sheet["fields"]
        columns[sheet_key] = [i for i, name in enumerate(names) if name in keys]
    if "runs" in payload:
        for sheet_key, _numbers, packed in payload["runs"]:
            for i in columns[sheet_key]:
                column = _unpack_column(packed[i]) if i < len(packed) else []
                yield from filter(None, column.values if isinstance(column, CodedColumn) else column)
        return
    for sheet_key, _row, cells in payload["rows"]:
        for i in columns[sheet_key]:
            if i < len(cells) and cells[i]:
                yield cells[i]


def _payload_v1_rows(payload: dict) -> Iterator[BomRow]:
    """Chunks written before version 2 held cooked rows: the values in the order of their sheet's "fields"."""
    sheets = payload["sheets"]
    for sheet_key, row_number, cells in payload["rows"]:
        sheet = sheets[sheet_key]
        values = {name: value for name, value in zip(sheet["fields"], cells, strict=False) if value is not None}
        yield BomRow(sheet["file"], sheet["sheet"], row_number, values, sheet["headers"])


def _save_errors(screening: Screening, errors: Iterable[RowError], chunk: ScreeningChunk | None = None) -> int:
    rows = [
        ScreeningError(
            screening=screening,
            chunk=chunk,
            file_name=e.location.file[:255],
            sheet=e.location.sheet[:255],
            row=e.location.row,
            column=e.location.column[:255],
            message=e.message,
            message_template=e.text.as_dict(),
        )
        for e in errors
    ]
    ScreeningError.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def screening_prepare(*, screening_id: int, chunk_ready: Callable[[int], None] | None = None) -> list[int] | None:
    """Read every file into chunk rows. Returns the ids of the chunks for the caller to queue; [] when there is no
    chunk left to queue and the job is ready to be finalised; None when there is nothing for the caller to do
    (another preparation of the same screening is still reading, or chunks already handed out will finish it).

    With `chunk_ready` (the worker's way), chunks are screened while the files are still being read: each chunk
    row is committed on its own and its id handed to chunk_ready, which queues its task (so the caller must hold
    no transaction open: a task would look for a chunk row not committed yet). A chunk is screened
    against the bid's whole subcontracting chain, so every chain is read first: a single BOM file's chain sheet
    is read before its rows and its chunks go out as they are written; with several BOM files, the chunks go out
    once the last file has been read. Whichever comes last, the last chunk or the end of the preparation,
    finalises the job: both look under the job row's lock (see screening_chunk_run).

    A failure to read any file fails the whole screening with the reader's message and discards what its chunks
    stored; the files are kept.
    """
    claimed = Screening.objects.filter(pk=screening_id, status=ScreeningStatus.QUEUED).update(
        status=ScreeningStatus.RUNNING, started_at=timezone.now()
    )
    screening = Screening.objects.get(pk=screening_id)
    if not claimed:
        if screening.status == ScreeningStatus.RUNNING and screening.prepared_at:
            # Redelivered after the chunks were queued: hand back what is still pending.
            return list(screening.chunks.filter(status=ChunkStatus.PENDING).values_list("pk", flat=True))
        if screening.status != ScreeningStatus.RUNNING:
            return []
        if screening.started_at and timezone.now() - screening.started_at < PREPARE_LEASE:
            return None  # a duplicate message while the first preparation is still reading the files
    # A fresh start, or a retry of a preparation that died half-way: begin again from nothing.
    _chunks_discard(screening_id)

    limits = read_limits()
    extra_headers = PolicyConfig.from_dict(screening.policy).extra_headers
    files = list(screening.files.order_by("pk"))
    boms = [upload for upload in files if upload.role == FileRole.BOM]
    stream = chunk_ready is not None
    edges: list[ChainEdge] = []
    errors: list[RowError] = []
    writer = _ChunkWriter(screening, conf.get("CHUNK_ROWS"), stream=stream)
    try:
        for upload in files:
            if upload.role != FileRole.DECLARATION:
                continue
            with upload.file.open("rb") as handle:
                found, problems = read_declaration(
                    handle, filename=upload.original_name, limits=limits, extra_headers=extra_headers
                )
            edges.extend(found)
            errors.extend(problems)
        with (transaction.atomic() if not stream else contextlib.nullcontext()), collector_paused():
            for upload in boms:
                with (
                    upload.file.open("rb") as handle,
                    BomReader(
                        handle, filename=upload.original_name, limits=limits, extra_headers=extra_headers
                    ) as reader,
                ):
                    edges.extend(reader.chain_edges())
                    if stream and len(boms) == 1:
                        # The whole chain is known: store it for the chunk tasks, then send chunks as they come.
                        Screening.objects.filter(pk=screening_id).update(chain_edges=_edges_as_dicts(edges))
                        writer.ready = chunk_ready
                    for layout, batches in reader.raw_sheets():
                        writer.add_sheet(layout, batches)
                    writer.flush()
                    errors.extend(reader.errors)
    except _PreparationStopped:
        return None
    except _HandOutFailed as failure:
        raise failure.__cause__ from None  # for the task to record, as any error of the queue (not "unreadable")
    except BomReadError as error:
        _preparation_failed(screening_id, error.located_text, [RowError(error.location, error.text)])
        return []
    except OSError as error:
        _preparation_failed(screening_id, Message(gettext_noop(
            "The uploaded file could not be read from storage ({detail}). It has not been deleted; try again, "
            "and tell your administrator if it keeps happening."
        ), {"detail": str(error)}))
        return []

    # The declaration's own rows are screened here: a restricted subcontractor may name no BOM line.
    screening.chain_edges = _edges_as_dicts(edges)
    declared = list(screener_for(screening).screen_declaration(edges)) if edges else []
    with transaction.atomic():
        _save_errors(screening, errors)
        if declared:
            _store_findings(screening, None, declared, cells=_TableCells([]))
        # Under the job row's lock, as a chunk looks when it finishes: exactly one of the two sees the job
        # prepared with no chunk pending.
        list(Screening.objects.select_for_update().filter(pk=screening_id).values_list("pk", flat=True))
        Screening.objects.filter(pk=screening_id).update(
            rows_total=writer.rows_total,
            chunks_total=writer.index,
            error_count=len(errors),
            chain_edges=screening.chain_edges,
            prepared_at=timezone.now(),
        )
        pending = list(screening.chunks.filter(status=ChunkStatus.PENDING).values_list("pk", flat=True))
    if not stream:
        return pending
    if writer.held:
        return writer.held
    return [] if not pending else None


def _chunks_discard(screening_id: int) -> None:
    """Delete a screening's chunks, findings and row errors. The chunk rows are locked first: a chunk task still
    storing its findings finishes before they go, and one that comes later finds its chunk gone."""
    with transaction.atomic():
        list(ScreeningChunk.objects.select_for_update().filter(screening_id=screening_id).values_list("pk", flat=True))
        FindingRow.objects.filter(screening_id=screening_id).delete()
        ScreeningError.objects.filter(screening_id=screening_id).delete()
        ScreeningChunk.objects.filter(screening_id=screening_id).delete()


def _preparation_failed(screening_id: int, message: Message, errors: Iterable[RowError] = ()) -> None:
    """Fail the job (so that no further chunk of it is screened), then drop what its chunks stored, keeping the
    reason as the screening's one row error."""
    screening_fail(screening_id=screening_id, message=message)
    _chunks_discard(screening_id)
    _save_errors(Screening.objects.get(pk=screening_id), errors)


def _edges_as_dicts(edges: Iterable[ChainEdge]) -> list[dict]:
    return [_edge_as_dict(edge) for edge in edges]


def _edge_as_dict(edge: ChainEdge) -> dict:
    location = edge.location or Location("")
    return {
        "contractor": edge.contractor,
        "subcontractor": edge.subcontractor,
        "scope": edge.scope,
        "share": edge.share,
        "domain": edge.domain,
        "file": location.file,
        "sheet": location.sheet,
        "row": location.row,
        "column": location.column,
    }


def _edge_from_dict(data: dict) -> ChainEdge:
    return ChainEdge(
        contractor=data["contractor"],
        subcontractor=data["subcontractor"],
        scope=data.get("scope", ""),
        share=data.get("share", ""),
        domain=data.get("domain", ""),
        location=Location(data.get("file", ""), data.get("sheet", ""), data.get("row"), data.get("column", "")),
    )


# The screeners this process used last. A screener's results depend only on the list versions, the policy and the
# declared chain, so the chunks of a screening that land in the same worker process, and the next bids screened
# against the same lists, reuse its matches and rule results instead of working them out again per chunk. A
# screener is reused only for the same list index, policy and declared chain, and while its memos are small.
SCREENER_CACHE = 2
SCREENER_MEMO_LIMIT = 200_000
_screeners: OrderedDict[tuple, Screener] = OrderedDict()


def screener_for(screening: Screening) -> Screener:
    policy = PolicyConfig.from_dict(screening.policy)
    version_ids = versions_key(screening.list_versions.values_list("pk", flat=True))
    list_set, index = indexed_lists(version_ids, policy.review_threshold)
    key = (
        version_ids,
        json.dumps(screening.policy, sort_keys=True, default=str),
        json.dumps(screening.chain_edges, sort_keys=True, default=str),
    )
    screener = _screeners.get(key)
    if screener is not None and screener.index is index and screener.memo_size < SCREENER_MEMO_LIMIT:
        _screeners.move_to_end(key)
        return screener
    screener = Screener(
        list_set,
        config=policy,
        declared=[_edge_from_dict(edge) for edge in screening.chain_edges],
        index=index,
        categories=indexed_categories(version_ids, policy.review_threshold),
        match_store=CachedMatchStore(list_set, version_ids=version_ids, review_threshold=policy.review_threshold),
    )
    _screeners[key] = screener
    while len(_screeners) > SCREENER_CACHE:
        _screeners.popitem(last=False)
    return screener


# -- screening a chunk


def screening_chunk_run(*, chunk_id: int) -> bool:
    """Screen one chunk and store its findings. Returns True when it was the last chunk to finish.

    Running a chunk twice leaves the same findings: its earlier findings are replaced in the same transaction
    that marks it done, and the unique constraint on findings backs that up.
    """
    chunk = ScreeningChunk.objects.select_related("screening").defer("payload").filter(pk=chunk_id).first()
    if chunk is None:  # discarded: its preparation failed or started over
        return False
    screening = chunk.screening
    if screening.status != ScreeningStatus.RUNNING or chunk.status == ChunkStatus.DONE:
        return False
    ScreeningChunk.objects.filter(pk=chunk_id).update(attempts=F("attempts") + 1)
    screener = screener_for(screening)
    errors: list[RowError] = []
    with collector_paused():
        payload = chunk_payload(chunk_id)
        tables = chunk_payload_tables(payload, errors, needed=screener.table_fields)
        del payload
        cells = _TableCells(tables)
        findings = [finding for table in tables for finding in screener.screen_table(table)]
        lines = sum(map(len, tables))
    with transaction.atomic(), collector_paused():
        # The chunk's own row lock keeps a redelivered copy of this chunk from storing beside it; other chunks
        # store their findings at the same time.
        if not list(
            ScreeningChunk.objects.select_for_update()
            .filter(pk=chunk_id, status=ChunkStatus.PENDING)
            .values_list("pk", flat=True)
        ):
            return False
        findings_replace(screening=screening, chunk=chunk, findings=findings, cells=cells)
        ScreeningError.objects.filter(chunk_id=chunk_id).delete()
        _save_errors(screening, errors, chunk=chunk)
        ScreeningChunk.objects.filter(pk=chunk_id).update(
            status=ChunkStatus.DONE, row_count=lines, finished_at=timezone.now()
        )
        # The job row is locked last, and only for these statements, so that the chunk that finishes last is the
        # one that sees every other chunk done (a chunk still storing holds no lock on it). The preparation may
        # still be writing chunks: then it finalises the job itself when it ends, under the same lock.
        [prepared_at] = Screening.objects.select_for_update().filter(pk=screening.pk).values_list(
            "prepared_at", flat=True
        )
        Screening.objects.filter(pk=screening.pk).update(rows_done=F("rows_done") + lines)
        return prepared_at is not None and not screening.chunks.filter(status=ChunkStatus.PENDING).exists()


class _TableCells:
    """The cells of a chunk's lines by (file, sheet, row), as a finding keeps them for evidence, from its tables;
    made only for the lines that have findings."""

    def __init__(self, tables: list[RowTable]):
        self._tables = tables
        self._where: dict[tuple, tuple[RowTable, int]] | None = None

    def _find(self, key: tuple) -> tuple[RowTable, int] | None:
        if self._where is None:
            self._where = {
                (table.file, table.sheet, number): (table, i) for table in self._tables
                for i, number in enumerate(table.rows)
            }
        return self._where.get(key)

    def get(self, key: tuple, default=None):
        found = self._find(key)
        return default if found is None else found[0].cells(found[1])

    def json_texts(self, keys: Iterable[tuple]) -> dict[tuple, str]:
        """The JSON text of the cells of each of these lines that the tables hold, a table at a time."""
        lines: dict[int, tuple[RowTable, list[tuple], list[int]]] = {}
        for key in keys:
            if (found := self._find(key)) is not None:
                table, i = found
                _table, wanted, indices = lines.setdefault(id(table), (table, [], []))
                wanted.append(key)
                indices.append(i)
        return {
            key: text for table, wanted, indices in lines.values()
            for key, text in zip(wanted, table.cells_json(indices), strict=True)
        }


def findings_replace(*, screening: Screening, chunk: ScreeningChunk, findings: list[Finding], cells) -> None:
    """Replace the chunk's findings with these; call inside the transaction that marks the chunk done."""
    FindingRow.objects.filter(chunk_id=chunk.pk).delete()
    _store_findings(screening, chunk, findings, cells=cells)


def _store_findings(screening: Screening, chunk: ScreeningChunk | None, findings: list[Finding], *, cells) -> None:
    if findings and connection.vendor == "postgresql":
        try:
            with transaction.atomic():  # a savepoint: a conflict below leaves the outer transaction usable
                _copy_findings(screening, chunk, findings, cells=cells)
            return
        except IntegrityError:
            # A flag already stored by another part of the job (the unique constraint): skip it, as below.
            logger.info("screening %s: findings conflict with stored ones; inserting one by one", screening.pk)
    _bulk_create_findings(screening, chunk, findings, cells=cells)


# The Finding fields a finding fills, in this order; any other field (the review's, say) gets its default.
_COPY_FIELDS = (
    "screening", "chunk", "file_name", "sheet", "row", "column", "field", "value", "party", "rule", "severity",
    "domain", "entity", "entity_key", "score", "path", "explanation", "cells", "explanation_template",
)


def _copy_statement() -> tuple[str, tuple]:
    """COPY ... FROM STDIN for the Finding table, and the values of the columns a finding does not fill."""
    template = FindingRow()
    columns, defaults = [], []
    for name in _COPY_FIELDS:
        columns.append(FindingRow._meta.get_field(name).column)
    for model_field in FindingRow._meta.concrete_fields:
        if model_field.primary_key or model_field.name in _COPY_FIELDS:
            continue
        columns.append(model_field.column)
        defaults.append(model_field.get_db_prep_save(model_field.pre_save(template, add=True), connection))
    quote = connection.ops.quote_name
    statement = f"COPY {quote(FindingRow._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    return statement, tuple(defaults)


def _copy_findings(screening: Screening, chunk: ScreeningChunk | None, findings: list[Finding], *, cells) -> None:
    """PostgreSQL COPY: about ten times bulk_create's rate. Flags repeated within the batch are dropped first,
    keeping the first, as INSERT ... ON CONFLICT DO NOTHING does (a row without a row number never conflicts).
    """
    statement, defaults = _copy_statement()
    screening_id, chunk_id = screening.pk, chunk.pk if chunk is not None else None
    seen: set[tuple] = set()
    cells_json = cells.json_texts({(f.location.file, f.location.sheet, f.location.row) for f in findings})
    paths_json: dict[tuple, str] = {}  # a cell's findings share their paths with every row naming it
    dumps = json.dumps
    # The raw psycopg cursor: wrap_database_errors turns its errors into Django's (IntegrityError...).
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for finding in findings:
            location = finding.location
            file_name, sheet, row = location.file[:255], location.sheet[:255], location.row
            party = finding.party[:500]
            entity = finding.entity
            entity_key = entity.key if entity else ""
            if row is not None:
                flag = (file_name, sheet, row, finding.field, party, finding.rule, entity_key)
                if flag in seen:
                    continue
                seen.add(flag)
            row_cells = cells_json.get((location.file, location.sheet, row), "{}")
            path = paths_json.get(finding.path)
            if path is None:
                path = paths_json[finding.path] = dumps(list(finding.path))
            template = message_json_text(finding.explanation_text)  # encoded once per message: kept on it
            copy.write_row((
                screening_id, chunk_id, file_name, sheet, row, location.column[:255], finding.field, finding.value,
                party, finding.rule, finding.severity.value, finding.domain, int(entity.key) if entity else None,
                entity_key, finding.score, path, finding.explanation, row_cells, template, *defaults,
            ))


def _bulk_create_findings(
    screening: Screening, chunk: ScreeningChunk | None, findings: list[Finding], *, cells
) -> None:
    rows = []
    for finding in findings:
        location = finding.location
        rows.append(
            FindingRow(
                screening=screening,
                chunk=chunk,
                file_name=location.file[:255],
                sheet=location.sheet[:255],
                row=location.row,
                column=location.column[:255],
                field=finding.field,
                value=finding.value,
                party=finding.party[:500],
                rule=finding.rule,
                severity=finding.severity.value,
                domain=finding.domain,
                entity_id=int(finding.entity.key) if finding.entity else None,
                entity_key=finding.entity.key if finding.entity else "",
                score=finding.score,
                path=list(finding.path),
                explanation=finding.explanation,
                explanation_template=message_json_text(finding.explanation_text),
                cells=cells.get((location.file, location.sheet, location.row), {}),
            )
        )
    FindingRow.objects.bulk_create(rows, batch_size=FINDING_BATCH, ignore_conflicts=True)


# -- finishing


def screening_finalize(*, screening_id: int) -> Screening | None:
    """Count findings by severity, set the verdict and mark the screening done (once)."""
    screening = Screening.objects.get(pk=screening_id)
    if screening.status != ScreeningStatus.RUNNING or screening.prepared_at is None:
        return None  # not started, already finished, or its chunks are still being written
    if screening.chunks.filter(status=ChunkStatus.PENDING).exists():
        return None
    counts = Counter(
        dict(screening.findings.values_list("severity").annotate(n=Count("pk")).values_list("severity", "n"))
    )
    # The chunks count the lines they screened (blank cells and a repeated header are only seen then).
    rows_done = screening.chunks.aggregate(n=Sum("row_count"))["n"] or 0
    changed = Screening.objects.filter(pk=screening_id, status=ScreeningStatus.RUNNING).update(
        status=ScreeningStatus.DONE,
        verdict=verdict(counts).value,
        rows_done=rows_done,
        rows_total=rows_done,
        error_count=screening.errors.count(),
        finished_at=timezone.now(),
        **{f"{severity.value}_count": counts.get(severity.value, 0) for severity in Severity},
    )
    screening.refresh_from_db()
    return screening if changed else None
