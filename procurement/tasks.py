"""Celery tasks of the buying side: thin doors into procurement.services. They take ids, never objects."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import OperationalError

from screening.models import ListVersion

from . import services


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
