"""The host's answers to the screening plugin's signals: a list import re-screens the open bids it may change,
and a finished re-screen of a bid is told to its tender's officers. Both hand the work to a Celery task.

The signals arrive once the change is committed and may arrive twice; the tasks are safe to run twice.
"""

from __future__ import annotations

import logging

from screening.choices import ScreeningStatus, ScreeningTrigger

logger = logging.getLogger(__name__)


def on_list_version_imported(sender, version, **kwargs) -> None:
    from .selectors import open_tenders_using_list
    from .tasks import rescreen_after_list_import

    if not open_tenders_using_list(supplier_list=version.supplier_list).exists():
        return
    try:
        rescreen_after_list_import.delay(version.pk)
    except Exception as error:  # noqa: BLE001 - the broker is down: the daily re-screen catches up
        logger.warning("list version %s: the re-screen of open tenders could not be queued: %s", version.pk, error)


def on_screening_finished(sender, screening, **kwargs) -> None:
    from .models import Bid
    from .tasks import notify_rescreen

    if screening.status != ScreeningStatus.DONE or screening.trigger == ScreeningTrigger.MANUAL:
        return
    if not isinstance(screening.subject, Bid):
        return
    try:
        notify_rescreen.delay(screening.pk)
    except Exception as error:  # noqa: BLE001 - the broker is down; the re-screen itself stands
        logger.warning("screening %s: the officers' notification could not be queued: %s", screening.pk, error)
