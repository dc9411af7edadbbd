"""A real Celery worker process on the real broker screens multi-chunk jobs and survives bad files."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from screening.choices import ChunkStatus, ScreeningStatus
from screening.models import Screening
from screening.services import screenings
from tests.conftest import FIXTURES, wait_for
from tests.screening.helpers import upload, upload_bytes

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def big_bom(rows: int) -> bytes:
    """A BOM of `rows` lines: mostly trusted vendors, a Huawei line every 50 rows, a ZTE line every 70."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("RAN")
    sheet.write_row(0, 0, ["Line No.", "Part Number", "Description", "Manufacturer", "Supplier", "Domain", "Qty"])
    for i in range(1, rows + 1):
        maker = "Ericsson AB"
        if i % 50 == 0:
            maker = "华为技术有限公司"
        elif i % 70 == 0:
            maker = "ZTE Corp."
        sheet.write_row(i, 0, [i, f"PN-{i:05d}", "Radio unit", maker, "Nokia Solutions and Networks Oy", "RAN", 2])
    workbook.close()
    return buffer.getvalue()


def finished(screening: Screening):
    screening.refresh_from_db()
    return screening if screening.is_finished else None


def test_a_real_worker_screens_a_multi_chunk_job(sample_lists, celery_worker):
    screening = screenings.screening_start(files=[upload_bytes(big_bom(400), "big.xlsx")])

    wait_for(lambda: finished(screening), timeout=120, message=f"screening to finish\n{celery_worker.output()[-2000:]}")

    assert screening.status == ScreeningStatus.DONE, screening.error_message
    assert screening.rows_total == screening.rows_done == 400
    assert screening.chunks_total == 10  # the worker's chunks are 40 rows
    assert not screening.chunks.filter(status=ChunkStatus.PENDING).exists()
    assert screening.verdict == "fail"
    huawei_rows = set(
        screening.findings.filter(entity__name="Huawei Technologies Co., Ltd.").values_list("row", flat=True)
    )
    assert huawei_rows == {i + 1 for i in range(50, 401, 50)}
    zte_rows = set(screening.findings.filter(entity__name="ZTE Corporation").values_list("row", flat=True))
    assert zte_rows == {i + 1 for i in range(70, 401, 70) if i % 50}
    assert screening.critical_count + screening.high_count == len(huawei_rows) + len(zte_rows)
    assert celery_worker.alive()


def test_the_worker_fails_a_hostile_file_and_carries_on_with_the_next_job(sample_lists, celery_worker):
    bomb = upload_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000, "encrypted.xlsx")
    bad = screenings.screening_start(files=[bomb])
    good = screenings.screening_start(files=[upload(FIXTURES / "boms" / "direct_hits.xlsx")])

    wait_for(lambda: finished(bad) and finished(good), timeout=120, message="both screenings to finish")

    assert bad.status == ScreeningStatus.FAILED
    assert "encrypted.xlsx" in bad.error_message
    assert good.status == ScreeningStatus.DONE and good.verdict == "fail"
    assert celery_worker.alive()
