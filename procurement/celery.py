"""The site's Celery app; tasks are discovered in installed apps (the screening plugin's live in screening.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")

app = Celery("procurement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _connect_signals(sender, **kwargs):
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_forget_content_types, weak=False)
    task_postrun.connect(_give_back_memory, weak=False)


def _forget_content_types(**kwargs) -> None:
    """A worker lives longer than the content-type rows it has cached: after the database is rebuilt (a restore,
    or a test database flushed between tests) the ids change, and a screening's subject would point at a stale one.
    Looking them up again costs one small query per task."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _give_back_memory(**kwargs) -> None:
    """A screening task reads megabytes of cells into many small objects and frees them; glibc keeps the freed
    pages in the process unless asked, so a worker's memory would stay at the high-water mark of its biggest task.
    malloc_trim hands them back (a few milliseconds); elsewhere than glibc this does nothing."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _find_malloc_trim():
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_malloc_trim = _find_malloc_trim()
