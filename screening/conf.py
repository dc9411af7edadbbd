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
}


def get(name: str):
    return getattr(settings, f"SCREENING_{name}", DEFAULTS[name])
