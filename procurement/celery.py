"""The site's Celery app; tasks are discovered in installed apps (the screening plugin's live in screening.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procurement.settings")

app = Celery("procurement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _connect_signals(sender, **kwargs):
    from celery.signals import task_prerun

    task_prerun.connect(_forget_content_types, weak=False)


def _forget_content_types(**kwargs) -> None:
    """A worker lives longer than the content-type rows it has cached: after the database is rebuilt (a restore,
    or a test database flushed between tests) the ids change, and a screening's subject would point at a stale one.
    Looking them up again costs one small query per task."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
