"""Celery tasks of the buying side: thin doors into procurement.bulk. They take ids, never objects."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError

from . import bulk


class BulkUploadTask(DjangoTask):
    """Retries transient database errors (items already done are skipped); anything else fails the upload with a
    message, keeping its file and the bids already created."""

    autoretry_for = (OperationalError,)
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 5
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        bulk_upload_id = kwargs.get("bulk_upload_id") or (args[0] if args else None)
        if bulk_upload_id:
            bulk.bulk_upload_fail(
                bulk_upload_id=bulk_upload_id,
                message=f"The upload stopped on an internal error ({type(exc).__name__}: {exc}). Its file and the "
                "bids already created are kept; upload the remaining bids again, and report this if it repeats.",
            )


@shared_task(base=BulkUploadTask, name="procurement.bulk_upload_process")
def process_bulk_upload(bulk_upload_id: int) -> None:
    bulk.bulk_upload_process(bulk_upload_id=bulk_upload_id)


@shared_task(name="procurement.bulk_upload_requeue_stalled", ignore_result=True)
def requeue_stalled_bulk_uploads() -> int:
    return bulk.bulk_upload_requeue_stalled()
