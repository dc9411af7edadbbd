"""Screening jobs: start, prepare (read files into chunks), screen chunks, finalise, cancel, fail.

A job is a database row with guarded transitions (queued -> running -> done | failed | cancelled); every
transition is a conditional UPDATE, so a task that runs twice, or late, changes nothing it should not.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from screening import conf
from screening.choices import ChunkStatus, FileRole, ScreeningStatus
from screening.engine.bom import BomReader, ReadLimits, read_declaration
from screening.engine.policy import PolicyConfig, verdict
from screening.engine.records import BomReadError, BomRow, ChainEdge, Finding, Location, RowError, Severity
from screening.engine.screen import Screener
from screening.models import Finding as FindingRow
from screening.models import ListVersion, Screening, ScreeningChunk, ScreeningError, UploadedFile

from .matching import CachedMatchStore, indexed_lists, list_versions_in_force, versions_key

logger = logging.getLogger(__name__)

FINDING_BATCH = 2_000


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
) -> Screening:
    """Create a queued screening of the files against fixed list versions and queue it once committed."""
    files = list(files)
    if not any(f.role == FileRole.BOM for f in files):
        raise ValueError("A screening needs at least one bill of materials.")
    versions = list(list_versions) if list_versions is not None else list_versions_in_force()
    policy = policy or PolicyConfig(review_threshold=conf.get("REVIEW_THRESHOLD"))
    policy.trusted_in_force = any(v.supplier_list.kind == "trusted" for v in versions)
    screening = Screening.objects.create(
        label=label or ", ".join(f.original_name for f in files)[:255],
        policy=policy.as_dict(),
        bidder=bidder,
        subject=subject,
        scope=scope,
        created_by=user,
        previous=previous,
    )
    screening.files.set(files)
    screening.list_versions.set(versions)
    from screening.tasks import prepare_screening

    prepare_screening.delay_on_commit(screening.pk)
    return screening


def screening_rescreen(*, screening: Screening, user=None) -> Screening:
    """Screen the same files again against the lists in force now; the earlier screening stays as it was."""
    return screening_start(
        files=screening.files.all(),
        policy=PolicyConfig.from_dict(screening.policy),
        bidder=screening.bidder,
        label=screening.label,
        subject=screening.subject,
        scope=screening.scope,
        user=user,
        previous=screening,
    )


def screening_cancel(*, screening: Screening) -> bool:
    changed = Screening.objects.filter(
        pk=screening.pk, status__in=[ScreeningStatus.QUEUED, ScreeningStatus.RUNNING]
    ).update(status=ScreeningStatus.CANCELLED, finished_at=timezone.now())
    screening.refresh_from_db()
    return bool(changed)


def screening_fail(*, screening_id: int, message: str) -> bool:
    """Record why a screening stopped. The uploaded files stay; a later screening can read them again."""
    changed = Screening.objects.filter(
        pk=screening_id, status__in=[ScreeningStatus.QUEUED, ScreeningStatus.RUNNING]
    ).update(status=ScreeningStatus.FAILED, error_message=message[:10_000], finished_at=timezone.now())
    if changed:
        logger.warning("screening %s failed: %s", screening_id, message)
    return bool(changed)


# -- preparing: files -> chunks


@dataclass
class _ChunkWriter:
    screening: Screening
    chunk_rows: int
    index: int = 0
    rows_total: int = 0

    def __post_init__(self):
        self._keys: dict[tuple[str, str], str] = {}
        self._rows: list = []
        self._sheets: dict[str, dict] = {}

    def add(self, row: BomRow) -> None:
        sheet_key = self._keys.get((row.file, row.sheet))
        if sheet_key is None:
            sheet_key = self._keys[(row.file, row.sheet)] = str(len(self._keys))
        if sheet_key not in self._sheets:
            self._sheets[sheet_key] = {"file": row.file, "sheet": row.sheet, "headers": row.headers}
        self._rows.append([sheet_key, row.row, row.values])
        self.rows_total += 1
        if len(self._rows) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        ScreeningChunk.objects.create(
            screening=self.screening,
            index=self.index,
            row_count=len(self._rows),
            payload={"sheets": self._sheets, "rows": self._rows},
        )
        self.index += 1
        self._rows, self._sheets = [], {}


def _chunk_rows(payload: dict) -> Iterator[BomRow]:
    sheets = payload["sheets"]
    for sheet_key, row_number, values in payload["rows"]:
        sheet = sheets[sheet_key]
        yield BomRow(sheet["file"], sheet["sheet"], row_number, values, sheet["headers"])


def _save_errors(screening: Screening, errors: Iterable[RowError]) -> int:
    rows = [
        ScreeningError(
            screening=screening,
            file_name=e.location.file[:255],
            sheet=e.location.sheet[:255],
            row=e.location.row,
            column=e.location.column[:255],
            message=e.message,
        )
        for e in errors
    ]
    ScreeningError.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def screening_prepare(*, screening_id: int) -> list[int]:
    """Read every file into chunk rows and return the chunk ids to queue (none when nothing is left to do).

    A failure to read any file fails the whole screening with the reader's message; the files are kept.
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
    # A fresh start, or a retry of a preparation that died half-way: begin again from nothing.
    screening.chunks.all().delete()
    screening.errors.all().delete()
    screening.findings.all().delete()

    limits = read_limits()
    files = list(screening.files.order_by("pk"))
    edges: list[ChainEdge] = []
    errors: list[RowError] = []
    writer = _ChunkWriter(screening, conf.get("CHUNK_ROWS"))
    try:
        for upload in files:
            if upload.role != FileRole.DECLARATION:
                continue
            with upload.file.open("rb") as handle:
                found, problems = read_declaration(handle, filename=upload.original_name, limits=limits)
            edges.extend(found)
            errors.extend(problems)
        with transaction.atomic():
            for upload in files:
                if upload.role != FileRole.BOM:
                    continue
                with (
                    upload.file.open("rb") as handle,
                    BomReader(handle, filename=upload.original_name, limits=limits) as reader,
                ):
                    for row in reader.rows():
                        writer.add(row)
                    writer.flush()
                    edges.extend(reader.chain_edges())
                    errors.extend(reader.errors)
            _save_errors(screening, errors)
            Screening.objects.filter(pk=screening_id).update(
                rows_total=writer.rows_total,
                chunks_total=writer.index,
                error_count=len(errors),
                chain_edges=[_edge_as_dict(edge) for edge in edges],
                prepared_at=timezone.now(),
            )
    except BomReadError as error:
        _save_errors(screening, [RowError(error.location, error.message)])
        screening_fail(screening_id=screening_id, message=str(error))
        return []
    except OSError as error:
        screening_fail(
            screening_id=screening_id,
            message=f"The uploaded file could not be read from storage ({error}). It has not been deleted; "
            "try again, and tell your administrator if it keeps happening.",
        )
        return []

    # The declaration's own rows are screened here: a restricted subcontractor may name no BOM line.
    screening.refresh_from_db()
    if edges:
        screener = screener_for(screening)
        findings = list(screener.screen_declaration(edges))
        with transaction.atomic():
            _store_findings(screening, None, findings, cells={})
    return list(screening.chunks.values_list("pk", flat=True))


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


def screener_for(screening: Screening) -> Screener:
    policy = PolicyConfig.from_dict(screening.policy)
    version_ids = versions_key(screening.list_versions.values_list("pk", flat=True))
    list_set, index = indexed_lists(version_ids, policy.review_threshold)
    return Screener(
        list_set,
        config=policy,
        declared=[_edge_from_dict(edge) for edge in screening.chain_edges],
        index=index,
        match_store=CachedMatchStore(list_set, version_ids=version_ids, review_threshold=policy.review_threshold),
    )


# -- screening a chunk


def screening_chunk_run(*, chunk_id: int) -> bool:
    """Screen one chunk and store its findings. Returns True when it was the last chunk to finish.

    Running a chunk twice leaves the same findings: its earlier findings are replaced in the same transaction
    that marks it done, and the unique constraint on findings backs that up.
    """
    chunk = ScreeningChunk.objects.select_related("screening").get(pk=chunk_id)
    screening = chunk.screening
    if screening.status != ScreeningStatus.RUNNING or chunk.status == ChunkStatus.DONE:
        return False
    ScreeningChunk.objects.filter(pk=chunk_id).update(attempts=F("attempts") + 1)
    screener = screener_for(screening)
    rows = list(_chunk_rows(chunk.payload))
    cells = {(row.file, row.sheet, row.row): _row_cells(row) for row in rows}
    findings = list(screener.screen_rows(rows))
    with transaction.atomic():
        # Lock the job row so the chunk that finishes last is the one that sees every other chunk done.
        list(Screening.objects.select_for_update().filter(pk=screening.pk).values_list("pk", flat=True))
        if not ScreeningChunk.objects.filter(pk=chunk_id, status=ChunkStatus.PENDING).exists():
            return False
        findings_replace(screening=screening, chunk=chunk, findings=findings, cells=cells)
        ScreeningChunk.objects.filter(pk=chunk_id).update(status=ChunkStatus.DONE, finished_at=timezone.now())
        Screening.objects.filter(pk=screening.pk).update(rows_done=F("rows_done") + chunk.row_count)
        return not screening.chunks.filter(status=ChunkStatus.PENDING).exists()


def _row_cells(row: BomRow) -> dict[str, str]:
    return {row.headers.get(name, name): value for name, value in row.values.items()}


def findings_replace(*, screening: Screening, chunk: ScreeningChunk, findings: list[Finding], cells) -> None:
    """Replace the chunk's findings with these; call inside the transaction that marks the chunk done."""
    FindingRow.objects.filter(chunk_id=chunk.pk).delete()
    _store_findings(screening, chunk, findings, cells=cells)


def _store_findings(screening: Screening, chunk: ScreeningChunk | None, findings: list[Finding], *, cells) -> None:
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
                cells=cells.get((location.file, location.sheet, location.row), {}),
            )
        )
    FindingRow.objects.bulk_create(rows, batch_size=FINDING_BATCH, ignore_conflicts=True)


# -- finishing


def screening_finalize(*, screening_id: int) -> Screening | None:
    """Count findings by severity, set the verdict and mark the screening done (once)."""
    screening = Screening.objects.get(pk=screening_id)
    if screening.status != ScreeningStatus.RUNNING:
        return None
    if screening.chunks.filter(status=ChunkStatus.PENDING).exists():
        return None
    counts = Counter(
        dict(screening.findings.values_list("severity").annotate(n=Count("pk")).values_list("severity", "n"))
    )
    rows_done = screening.chunks.aggregate(n=Sum("row_count"))["n"] or 0
    changed = Screening.objects.filter(pk=screening_id, status=ScreeningStatus.RUNNING).update(
        status=ScreeningStatus.DONE,
        verdict=verdict(counts).value,
        rows_done=rows_done,
        finished_at=timezone.now(),
        **{f"{severity.value}_count": counts.get(severity.value, 0) for severity in Severity},
    )
    screening.refresh_from_db()
    return screening if changed else None
