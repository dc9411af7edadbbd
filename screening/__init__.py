"""Tender screening: a Django plugin that screens bills of materials against supplier lists.

It depends on nothing in the host site; install it with `"screening"` in INSTALLED_APPS and a Celery app.
"""
