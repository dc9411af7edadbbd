"""The host site: settings, URLs and the Celery app, plus the buying side (organisations, tenders, bids)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
