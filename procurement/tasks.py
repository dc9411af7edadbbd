"""Celery tasks of the buying side: thin doors into procurement.services and procurement.bulk; they take ids."""

from __future__ import annotations

import smtplib

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError
from django.utils.translation import gettext_noop

from screening.engine.records import Message
from screening.models import ListVersion

from . import bulk, services


@shared_task(
    name="procurement.rescreen_after_list_import",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
)
def rescreen_after_list_import(version_id: int) -> int:
    """Re-screen the open bids a list import may change; returns how many were re-screened."""
    version = ListVersion.objects.select_related("supplier_list").filter(pk=version_id).first()
    if version is None:
        return 0
    return services.list_import_rescreen(version=version).screenings_rescreened


@shared_task(name="procurement.rescreen_open_tenders", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=2, max_retries=3)
def rescreen_open_tenders() -> int:
    """The daily safety net: every bid of every open tender; returns how many re-screens started."""
    return sum(len(result.started) for result in services.open_tenders_rescreen())


@shared_task(
    name="procurement.notify_rescreen",
    acks_late=True,
    autoretry_for=(OperationalError, smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def notify_rescreen(screening_id: int) -> int:
    from screening.models import Screening

    if not Screening.objects.filter(pk=screening_id).exists():
        return 0
    return len(services.rescreen_notify(screening_id=screening_id))


# -- bulk uploads


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
                message=Message(gettext_noop(
                    "The upload stopped on an internal error ({detail}). Its file and the bids already created are "
                    "kept; upload the remaining bids again, and report this if it repeats."
                ), {"detail": f"{type(exc).__name__}: {exc}"}),
            )


@shared_task(base=BulkUploadTask, name="procurement.bulk_upload_process")
def process_bulk_upload(bulk_upload_id: int) -> None:
    bulk.bulk_upload_process(bulk_upload_id=bulk_upload_id)


@shared_task(name="procurement.bulk_upload_requeue_stalled", ignore_result=True)
def requeue_stalled_bulk_uploads() -> int:
    return bulk.bulk_upload_requeue_stalled()
