"""Celery tasks: thin doors into the screening services. They take ids, never objects.

A screening fans out into chunk tasks, each queued once its chunk row is committed (while the preparation goes on
reading the file); the chunk that finishes last, or the preparation if it ends after every chunk, queues
`finalize_screening`. The completion is counted in SQL from chunk rows, so no result backend is needed and a
redelivered chunk cannot count twice (Celery's chord counter would).

A webhook delivery is a row too: `webhook_deliver` tries it once and queues its own next try after a backoff.
"""

from __future__ import annotations

import logging

from celery import group, shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError, transaction
from django.utils.translation import gettext_noop

from screening.choices import ScreeningStatus
from screening.engine.records import Message
from screening.models import Screening
from screening.services import impact, reviews, screenings, values, webhooks
from screening.signals import screening_finished, send_on_commit

logger = logging.getLogger(__name__)


class ScreeningTask(DjangoTask):
    """Retries transient database errors; anything else fails the screening with a message, not the worker."""

    autoretry_for = (OperationalError,)
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 5
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        screening_id = kwargs.get("screening_id") or self.screening_id_from(args)
        if screening_id:
            screenings.screening_fail(
                screening_id=screening_id,
                message=Message(gettext_noop(
                    "The screening stopped on an internal error ({detail}). The uploaded files are kept; start the "
                    "screening again, and report this if it repeats."
                ), {"detail": f"{type(exc).__name__}: {exc}"}),
            )

    def screening_id_from(self, args) -> int | None:
        return args[0] if args else None


class ChunkTask(ScreeningTask):
    def screening_id_from(self, args) -> int | None:
        from screening.models import ScreeningChunk

        chunk = ScreeningChunk.objects.filter(pk=args[0]).values_list("screening_id", flat=True).first()
        return chunk


@shared_task(base=ScreeningTask, name="screening.prepare")
def prepare_screening(screening_id: int) -> None:
    # Each chunk is queued as soon as its row is committed, so the other worker processes screen it while this
    # one reads the rest of the file.
    chunk_ids = screenings.screening_prepare(
        screening_id=screening_id, chunk_ready=lambda chunk_id: screen_chunk.delay(chunk_id)
    )
    if chunk_ids is None:
        return
    if chunk_ids:
        transaction.on_commit(lambda: group(screen_chunk.si(pk) for pk in chunk_ids).apply_async())
    else:
        finalize_screening.delay_on_commit(screening_id)


@shared_task(base=ChunkTask, name="screening.chunk")
def screen_chunk(chunk_id: int) -> None:
    if screenings.screening_chunk_run(chunk_id=chunk_id):
        from screening.models import ScreeningChunk

        screening_id = ScreeningChunk.objects.values_list("screening_id", flat=True).get(pk=chunk_id)
        finalize_screening.delay_on_commit(screening_id)


@shared_task(name="screening.requeue_stalled", ignore_result=True)
def requeue_stalled_screenings() -> int:
    return screenings.screening_requeue_stalled()


@shared_task(base=ScreeningTask, name="screening.finalize")
def finalize_screening(screening_id: int) -> None:
    screenings.screening_finalize(screening_id=screening_id)
    after_finalize(screening_id=screening_id)


def after_finalize(*, screening_id: int) -> None:
    """What follows a done screening; each step acts only on a done screening and is safe to run again, so a
    redelivered finalize (after a crash between the steps) completes them."""
    values.screening_values_compute(screening_id=screening_id)
    reviews.screening_carry_decisions(screening_id=screening_id)
    reviews.screening_apply_exceptions(screening_id=screening_id)
    screening = Screening.objects.get(pk=screening_id)
    if screening.status == ScreeningStatus.DONE:
        if screening.party_names is None:  # what a later list import matches against (services.impact)
            impact.screening_party_names_record(screening_id=screening_id)
        send_on_commit(screening_finished, Screening, screening=screening)


@shared_task(
    base=DjangoTask,
    name="screening.webhook_deliver",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
)
def webhook_deliver(delivery_id: int) -> None:
    """One try of a delivery (a delivered or not-yet-due one is left alone), then its next try, if any."""
    delay = webhooks.webhook_delivery_attempt(delivery_id=delivery_id)
    if delay is not None:
        webhooks.webhook_delivery_enqueue(delivery_id=delivery_id, countdown=delay)


@shared_task(name="screening.webhook_requeue_due", ignore_result=True)
def webhook_requeue_due() -> int:
    return webhooks.webhook_deliveries_requeue_due()
