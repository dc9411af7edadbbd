"""Screening services against the real database: jobs, chunks, findings, failures, redelivery, re-screens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from screening.choices import ChunkStatus, FileRole, ScreeningStatus
from screening.models import Finding, Screening, ScreeningChunk, UploadedFile
from screening.services import screenings
from screening.services.matching import CachedMatchStore, indexed_lists, versions_key
from tests.conftest import FIXTURES
from tests.screening.helpers import run_inline, upload, upload_bytes

pytestmark = pytest.mark.django_db
BOMS = FIXTURES / "boms"


@pytest.fixture(autouse=True)
def small_chunks(settings):
    settings.SCREENING_CHUNK_ROWS = 7


def start(*files, **kwargs) -> Screening:
    return screenings.screening_start(files=files, **kwargs)


def test_a_screening_records_its_list_versions_and_queues_after_commit(
    sample_lists, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        screening = start(upload(BOMS / "clean.xlsx"))

    assert screening.status == ScreeningStatus.QUEUED
    assert set(screening.list_versions.all()) == set(sample_lists.values())
    assert screening.policy["trusted_in_force"] is True
    assert len(callbacks) == 1, "the prepare task is queued once the transaction commits"


def test_direct_hits_fail_with_findings_in_several_chunks(sample_lists):
    screening = run_inline(start(upload(BOMS / "direct_hits.xlsx")))

    assert screening.status == ScreeningStatus.DONE
    assert screening.verdict == "fail"
    assert screening.chunks_total > 1
    assert screening.rows_done == screening.rows_total > 10
    assert screening.progress == 1.0
    huawei = screening.findings.get(row=3, field="manufacturer", rule="restricted_entity")
    assert huawei.entity.name == "Huawei Technologies Co., Ltd."
    assert huawei.entity.version == sample_lists["restricted"]
    assert huawei.path == ["Huawei Technologies Co., Ltd."] or huawei.path[-1] == "Huawei Technologies Co., Ltd."
    assert huawei.cells, "the original row's values are kept with the finding"
    counts = screening.counts
    assert counts["critical"] + counts["high"] == screening.findings.filter(severity__in=["critical", "high"]).count()


def test_the_chain_hidden_in_a_separate_declaration_is_found(sample_lists):
    bom = upload(BOMS / "chain_hidden_bom_only.xlsx")
    declaration = upload(BOMS / "chain_declaration.csv", role=FileRole.DECLARATION)

    screening = run_inline(start(bom, declaration, bidder="Baltic Mobile Integrators Ltd"))

    assert screening.verdict == "fail"
    chain = screening.findings.filter(
        rule="restricted_entity", field="subcontractor", sheet="Subcontractors"
    ) | screening.findings.filter(rule="restricted_entity", file_name="chain_hidden_bom_only.xlsx")
    paths = [finding.path for finding in chain]
    assert [
        "Nordic Site Services AB",
        "Eastern Tower Works Sp. z o.o.",
        "ZTE Kangxun Telecom Company Limited",
        "ZTE Kangxun Telecom Co., Ltd.",
    ] in paths
    declared = screening.findings.get(file_name="chain_declaration.csv", rule="restricted_entity")
    assert declared.path[0] == "Baltic Mobile Integrators Ltd"
    assert declared.entity.name == "ZTE Kangxun Telecom Co., Ltd."


def test_a_corrupt_file_fails_the_job_with_a_clear_message_and_is_kept(sample_lists):
    bad = upload_bytes(b"PK\x03\x04" + b"\x00" * 200, "bid.xlsx")

    screening = run_inline(start(bad))

    assert screening.status == ScreeningStatus.FAILED
    assert "bid.xlsx" in screening.error_message
    assert screening.errors.get().file_name == "bid.xlsx"
    kept = UploadedFile.objects.get(pk=bad.pk)
    assert default_storage.exists(kept.file.name)
    assert kept.file.read()[:4] == b"PK\x03\x04"


def test_a_chunk_that_runs_twice_leaves_the_same_findings(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    chunk_ids = screenings.screening_prepare(screening_id=screening.pk)
    for chunk_id in chunk_ids:
        screenings.screening_chunk_run(chunk_id=chunk_id)
    first = sorted(
        Finding.objects.filter(screening=screening).values_list("row", "field", "party", "rule", "entity_id")
    )

    # Redelivered after a lost acknowledgement: the chunk is run again, even from pending.
    ScreeningChunk.objects.filter(pk=chunk_ids[0]).update(status=ChunkStatus.PENDING)
    screenings.screening_chunk_run(chunk_id=chunk_ids[0])
    screenings.screening_chunk_run(chunk_id=chunk_ids[0])
    again = sorted(
        Finding.objects.filter(screening=screening).values_list("row", "field", "party", "rule", "entity_id")
    )

    assert again == first
    assert ScreeningChunk.objects.get(pk=chunk_ids[0]).attempts == 2


def test_the_last_chunk_reports_itself_last_and_finalize_runs_once(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    chunk_ids = screenings.screening_prepare(screening_id=screening.pk)

    lasts = [screenings.screening_chunk_run(chunk_id=pk) for pk in chunk_ids]

    assert lasts == [False] * (len(chunk_ids) - 1) + [True]
    assert screenings.screening_finalize(screening_id=screening.pk) is not None
    assert screenings.screening_finalize(screening_id=screening.pk) is None


def test_a_cancelled_screening_stores_nothing_more(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    chunk_ids = screenings.screening_prepare(screening_id=screening.pk)

    assert screenings.screening_cancel(screening=screening)
    for chunk_id in chunk_ids:
        screenings.screening_chunk_run(chunk_id=chunk_id)
    screenings.screening_finalize(screening_id=screening.pk)

    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.CANCELLED
    assert not screening.findings.exists()
    assert not screenings.screening_cancel(screening=screening), "a finished screening cannot be cancelled again"


def test_a_rescreen_keeps_the_earlier_screening(sample_lists):
    first = run_inline(start(upload(BOMS / "direct_hits.xlsx")))

    second = run_inline(screenings.screening_rescreen(screening=first))

    assert second.previous == first and second.pk != first.pk
    assert first.findings.count() == second.findings.count() > 0
    assert list(second.files.all()) == list(first.files.all())


def test_match_results_are_reused_across_screenings(sample_lists):
    screening = run_inline(start(upload(BOMS / "direct_hits.xlsx")))
    version_ids = versions_key(screening.list_versions.values_list("pk", flat=True))
    list_set, _index = indexed_lists(version_ids, screening.policy["review_threshold"])
    store = CachedMatchStore(list_set, version_ids=version_ids, review_threshold=screening.policy["review_threshold"])

    remembered = store.get_many(["Huawei Technologies Co., Ltd.", "never seen before"])

    assert remembered["Huawei Technologies Co., Ltd."][0].entity.name == "Huawei Technologies Co., Ltd."
    assert remembered["Huawei Technologies Co., Ltd."][0].confirmed
    assert "never seen before" not in remembered


def test_a_screening_needs_a_bom(sample_lists):
    declaration = upload(FIXTURES / "boms" / "chain_declaration.csv", role=FileRole.DECLARATION)

    with pytest.raises(ValueError, match="bill of materials"):
        start(declaration)


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where no broker listens, for real (no mock), then restore it."""
    from procurement.celery import app

    saved = (app.conf.broker_write_url, app.conf.broker_connection_timeout, app.conf.broker_transport_options)
    app.conf.broker_write_url, app.conf.broker_connection_timeout = "redis://127.0.0.1:9/0", 1
    app.conf.broker_transport_options = {}
    app._pool, app.amqp._producer_pool = None, None
    yield
    app.conf.broker_write_url, app.conf.broker_connection_timeout, app.conf.broker_transport_options = saved
    app._pool, app.amqp._producer_pool = None, None


def test_a_screening_queued_while_the_broker_is_down_waits_and_is_sent_again(sample_lists, broker_down):
    screening = start(upload(BOMS / "clean.xlsx"))

    assert screenings.screening_enqueue(screening_id=screening.pk) is False

    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.QUEUED
    assert "task queue could not be reached" in screening.error_message
    Screening.objects.filter(pk=screening.pk).update(created_at=screening.created_at - timedelta(minutes=5))
    assert screenings.screening_requeue_stalled() == 0, "still down: nothing could be sent"


def test_a_duplicate_preparation_leaves_the_first_alone_and_finalize_waits_for_it(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    # the first preparation has claimed the job and is still reading
    Screening.objects.filter(pk=screening.pk).update(status=ScreeningStatus.RUNNING, started_at=timezone.now())

    assert screenings.screening_prepare(screening_id=screening.pk) is None
    assert screenings.screening_finalize(screening_id=screening.pk) is None
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.RUNNING and screening.verdict == ""

    # a preparation that started long ago died with its worker: the next one starts over
    Screening.objects.filter(pk=screening.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert screenings.screening_prepare(screening_id=screening.pk)


def test_a_chunk_that_runs_twice_keeps_one_copy_of_its_cell_warnings(sample_lists):
    from tests.engine.bom_samples import csv_bytes

    rows = [["Manufacturer", "Supplier"], *[[f"Vendor {n}", "Nordic Telecom Supply AB"] for n in range(12)]]
    rows[3] = ["12.345,50", "Nordic Telecom Supply AB"]  # a number where a maker belongs, in the first chunk
    screening = start(upload_bytes(csv_bytes(rows), "numbers.csv"))
    chunk_ids = screenings.screening_prepare(screening_id=screening.pk)
    screenings.screening_chunk_run(chunk_id=chunk_ids[0])
    ScreeningChunk.objects.filter(pk=chunk_ids[0]).update(status=ChunkStatus.PENDING)  # redelivered
    for chunk_id in chunk_ids:
        screenings.screening_chunk_run(chunk_id=chunk_id)
    screenings.screening_finalize(screening_id=screening.pk)

    screening.refresh_from_db()
    assert list(screening.errors.values_list("row", "column", "message")) == [
        (4, "Manufacturer", "column Manufacturer holds a number or date, not a company name")
    ]
    assert screening.error_count == 1


def test_rows_screened_are_the_lines_read_not_blank_looking_rows(sample_lists):
    from tests.engine.bom_samples import HEADER, LINES, csv_bytes

    data = csv_bytes([HEADER, LINES[0], ["", "  ", ""], HEADER, LINES[1], ["  ", "", " "], LINES[2]])

    screening = run_inline(start(upload_bytes(data, "pages.csv")))

    assert screening.status == ScreeningStatus.DONE
    assert screening.rows_total == screening.rows_done == 3
    assert screening.progress == 1.0


def test_chunks_stored_before_the_packed_payload_are_still_read(sample_lists):
    """Payloads written as JSON (version 1, cooked rows) before the column held MessagePack."""
    import json

    from django.db import connection

    screening = run_inline(start(upload(BOMS / "direct_hits.xlsx")))
    rows = [
        [sheet_key, number, cells]
        for sheet_key, number, cells in (("0", 3, ["Huawei Technologies Co., Ltd.", "5"]), ("0", 4, [None, "1"]))
    ]
    legacy = {"sheets": {"0": {"file": "old.xlsx", "sheet": "RAN", "headers": {"manufacturer": "Mfr"},
                               "fields": ["manufacturer", "quantity"]}}, "rows": rows}
    chunk = screening.chunks.first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE screening_screeningchunk SET payload = %s WHERE id = %s",
            [json.dumps(legacy).encode(), chunk.pk],
        )

    read = list(screenings.chunk_payload_rows(ScreeningChunk.objects.get(pk=chunk.pk).payload))

    assert [(row.file, row.row, row.values) for row in read] == [
        ("old.xlsx", 3, {"manufacturer": "Huawei Technologies Co., Ltd.", "quantity": "5"}),
        ("old.xlsx", 4, {"quantity": "1"}),
    ]
    assert read[0].headers == {"manufacturer": "Mfr"}


# -- a worker's preparation: chunks handed out as they are written, screened while the file is still read


def findings_of(screening) -> list[tuple]:
    return sorted(Finding.objects.filter(screening=screening).values_list("row", "field", "party", "rule", "entity_id"))


def test_a_streamed_preparation_hands_out_each_chunk_once_written_and_the_chain_first(sample_lists):
    inline = run_inline(start(upload(BOMS / "chain_hidden.xlsx")))
    screening = start(upload(BOMS / "chain_hidden.xlsx"))
    seen = []

    def chunk_ready(chunk_id):
        # a fast worker: the chunk row is there, and so is the chain its lines are screened against
        job = Screening.objects.get(pk=screening.pk)
        seen.append((ScreeningChunk.objects.filter(pk=chunk_id).exists(), len(job.chain_edges), job.prepared_at))
        assert screenings.screening_chunk_run(chunk_id=chunk_id) is False, "not last while the file is read"

    assert screenings.screening_prepare(screening_id=screening.pk, chunk_ready=chunk_ready) == [], (
        "every chunk is done when the reading ends: the preparation finalises"
    )
    assert len(seen) == 2 and all(exists and edges and prepared is None for exists, edges, prepared in seen)
    assert screenings.screening_finalize(screening_id=screening.pk) is not None
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.DONE and screening.verdict == inline.verdict
    assert screening.rows_done == screening.rows_total == inline.rows_total
    assert findings_of(screening) == findings_of(inline)
    assert any(len(path) >= 3 for path in screening.findings.values_list("path", flat=True)), "the chain's path"


def test_when_chunks_outlast_the_preparation_the_last_chunk_finalises(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    handed = []

    assert screenings.screening_prepare(screening_id=screening.pk, chunk_ready=handed.append) is None, (
        "the chunks handed out will finish the job"
    )
    lasts = [screenings.screening_chunk_run(chunk_id=pk) for pk in handed]

    assert len(handed) == 4 and lasts == [False, False, False, True]


def test_a_file_that_fails_half_way_discards_what_its_chunks_stored(sample_lists, settings):
    settings.SCREENING_MAX_ROWS = 20  # direct_hits.xlsx has 28 lines: two chunks go out before the limit
    screening = start(upload(BOMS / "direct_hits.xlsx"))

    def chunk_ready(chunk_id):
        screenings.screening_chunk_run(chunk_id=chunk_id)

    assert screenings.screening_prepare(screening_id=screening.pk, chunk_ready=chunk_ready) == []

    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.FAILED
    assert "more than 20" in screening.error_message
    assert not screening.chunks.exists() and not screening.findings.exists()
    assert [(e.file_name, e.row) for e in screening.errors.all()] == [("direct_hits.xlsx", 22)]


def test_a_screening_cancelled_while_its_file_is_read_reads_no_further(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    handed = []

    def chunk_ready(chunk_id):
        handed.append(chunk_id)
        screenings.screening_cancel(screening=screening)

    assert screenings.screening_prepare(screening_id=screening.pk, chunk_ready=chunk_ready) is None

    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.CANCELLED
    assert len(handed) == 1 and screening.chunks.count() == 1
    assert screenings.screening_chunk_run(chunk_id=handed[0]) is False
    assert not screening.findings.exists()


def test_a_chunk_whose_preparation_started_over_is_left_alone(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))
    chunk_ids = screenings.screening_prepare(screening_id=screening.pk)
    # the preparation died with its worker and a new one began from nothing
    Screening.objects.filter(pk=screening.pk).update(prepared_at=None, started_at=timezone.now() - timedelta(hours=1))
    fresh = screenings.screening_prepare(screening_id=screening.pk)

    assert screenings.screening_chunk_run(chunk_id=chunk_ids[0]) is False, "its chunk row is gone"
    assert set(fresh).isdisjoint(chunk_ids)


def test_a_findings_references_hold_though_the_database_does_not_check_them(sample_lists):
    """Finding.screening, .chunk and .entity carry no database constraint (see the model): the code keeps them."""
    from django.db.models import ProtectedError

    screening = run_inline(start(upload(BOMS / "direct_hits.xlsx")))
    named = screening.findings.exclude(entity=None).values_list("entity__version__supplier_list", flat=True)
    assert named, "the screening names listed entities"

    with pytest.raises(ProtectedError):  # a list whose entities findings name cannot be deleted
        sample_lists["restricted"].supplier_list.delete()

    screening.delete()
    assert not Finding.objects.filter(screening_id=screening.pk).exists(), "findings go with their screening"


def test_a_findings_review_references_are_emptied_when_what_they_name_is_deleted(sample_lists, django_user_model):
    """Finding.decided_by, .decided_by_exception and .carried_from carry no database constraint either: deleting
    the person, the standing exception or the earlier finding empties them, as SET_NULL says."""
    from screening.models import StandingException

    earlier = run_inline(start(upload(BOMS / "direct_hits.xlsx")))
    later = run_inline(start(upload(BOMS / "direct_hits.xlsx")))
    officer = django_user_model.objects.create_user("officer")
    exception = StandingException.objects.create(value_key="huawei", value="Huawei", reason="test", created_by=officer)
    source, decided = earlier.findings.first(), later.findings.first()
    Finding.objects.filter(pk=decided.pk).update(
        decided_by=officer, decided_by_exception=exception, carried_from=source, decision="dismissed"
    )

    officer.delete()
    exception.delete()
    earlier.delete()

    decided.refresh_from_db()
    assert (decided.decided_by_id, decided.decided_by_exception_id, decided.carried_from_id) == (None, None, None)
    assert decided.decision == "dismissed", "the decision itself stays"


def test_a_queue_that_refuses_a_chunk_is_not_taken_for_an_unreadable_file(sample_lists):
    screening = start(upload(BOMS / "direct_hits.xlsx"))

    def chunk_ready(chunk_id):
        raise ConnectionRefusedError("the broker is down")  # an OSError, as a storage failure would be

    with pytest.raises(ConnectionRefusedError):  # the task records it (ScreeningTask.on_failure) and may retry
        screenings.screening_prepare(screening_id=screening.pk, chunk_ready=chunk_ready)

    screening.refresh_from_db()
    assert "could not be read from storage" not in screening.error_message
