"""The plugin's settings and their defaults, in one place; a site overrides any with SCREENING_<NAME>."""

from django.conf import settings

DEFAULTS = {
    # Uploads and reading
    "MAX_UPLOAD_BYTES": 100 * 1024 * 1024,
    "MAX_ROWS": 1_000_000,
    "MAX_COLUMNS": 256,
    "MAX_CELL_CHARS": 2_000,
    "ALLOWED_EXTENSIONS": (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".jsonl", ".ndjson", ".json"),
    # Jobs
    "CHUNK_ROWS": 10_000,
    "UPLOAD_PATH": "screening/uploads/%Y/%m/",
    # Matching
    "REVIEW_THRESHOLD": 0.88,
    "MATCH_CACHE_TIMEOUT": 7 * 24 * 3600,
    # Extra rule classes, as dotted paths
    "EXTRA_RULES": (),
    # Who sees and does what: a class like screening.access.DefaultAccess (the host site may supply its own)
    "ACCESS_POLICY": "screening.access.DefaultAccess",
    # Webhooks: tries per delivery, the first retry's delay (doubled on each further retry, up to the cap), the
    # request timeout, and whether URLs may reach loopback, private and link-local addresses (only for
    # development: a site on a private network would otherwise let API clients probe it).
    "WEBHOOK_MAX_ATTEMPTS": 8,
    "WEBHOOK_BACKOFF_SECONDS": 30.0,
    "WEBHOOK_BACKOFF_MAX_SECONDS": 1800.0,
    "WEBHOOK_TIMEOUT_SECONDS": 10.0,
    "WEBHOOK_ALLOW_PRIVATE": False,
}


def get(name: str):
    return getattr(settings, f"SCREENING_{name}", DEFAULTS[name])
