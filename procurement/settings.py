"""Site settings, all from the environment.

With nothing configured the site runs on SQLite, keeps uploads on the local disk and uses Kombu's filesystem
transport as an embedded broker, so one machine with only Python can run the web server and a worker.
Set DATABASE_URL, CELERY_BROKER_URL (and FILE_STORAGE=s3 with the AWS_* variables) to run on PostgreSQL,
Redis or RabbitMQ and shared object storage, with web servers and workers on separate hosts.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: a long random string, kept out of the repository.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so its templates (registration/, base.html, 403/404) win over the admin's of the same name.
    "procurement",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "screening",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie set by the switcher, else the browser's Accept-Language, else LANGUAGE_CODE ...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ... unless the logged-in person chose one in the switcher: that choice, remembered on their profile, wins.
    "procurement.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "procurement.urls"
WSGI_APPLICATION = "procurement.wsgi.application"
ASGI_APPLICATION = "procurement.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "procurement.context_processors.nav_links",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and a worker process write without "database is
    # locked"; the test database is a file so a worker process started by the tests sees it.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "procurement:tender_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The languages of the offices that buy under these pledges; the switcher shows each in its own name. Each app
# ships its messages in its own locale/ folder (procurement/locale, screening/locale), so the plugin carries
# its translations with it: no LOCALE_PATHS needed. Compiled .mo files are committed (no gettext at run time).
LANGUAGES = [
    ("en", "English"),
    ("cs", "Czech"),
    ("bg", "Bulgarian"),
    ("mk", "Macedonian"),
    ("sq", "Albanian"),
    ("sv", "Swedish"),
    ("de", "German"),
]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Dates and numbers in the reader's locale (procurement/formats fills the gaps in Django's own formats). No
# global thousands separator: it would also group ids and numbers that end up in URLs and form values; counts
# and amounts are grouped in the templates with |floatformat:"g".
FORMAT_MODULE_PATH = ["procurement.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start while collectstatic has not run
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Uploaded BOMs and lists go through the storage API only, so workers on other hosts read them from the same
# store. FILE_STORAGE=s3 keeps them in an S3-compatible bucket (pip install '.[s3]').
if env.str("FILE_STORAGE", default="local") == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Every asset is served by the app itself (WhiteNoise), never from a CDN.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if not DEBUG
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Celery. No result backend: job state lives in the database (see screening.models.Screening).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
else:
    # A chunk takes seconds; an hour is far above it, so acks_late redelivers only after a real loss.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    # Screenings whose task never reached the broker (it was down at upload time) are sent again.
    "screening-requeue-stalled": {"task": "screening.requeue_stalled", "schedule": 60.0},
    # The safety net behind the re-screens a list import starts: every bid of every open tender, once a day.
    "procurement-rescreen-open-tenders": {
        "task": "procurement.rescreen_open_tenders",
        "schedule": crontab(hour=env.int("RESCREEN_HOUR", default=2), minute=30),
    },
    # Webhook deliveries whose next try is overdue (message lost, worker died mid-request) are queued again.
    "screening-webhook-requeue-due": {"task": "screening.webhook_requeue_due", "schedule": 60.0},
    # Likewise bulk uploads of many bids.
    "bulk-upload-requeue-stalled": {"task": "procurement.bulk_upload_requeue_stalled", "schedule": 60.0},
}

# The REST API (/api/v1/): bearer tokens of API clients, or the browser's session; one error shape; rate limits
# per client (429 with Retry-After); OpenAPI 3 at /api/schema/ with its docs served by the app, no CDN.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "screening.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "screening.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "screening.api.schema.ScreeningAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "screening.api.throttling.ClientRateThrottle",
        "screening.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": env.str("API_RATE_CLIENT", default="600/min"),
        "anonymous": env.str("API_RATE_ANONYMOUS", default="60/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tender Screening API",
    "DESCRIPTION": (
        "Submit bids and their bills of materials, follow their screenings against restricted and trusted "
        "supplier lists, read the findings with their evidence and decide on them. Authenticate with "
        "`Authorization: Bearer <token>` (an organisation admin creates API clients and tokens). Every error "
        "has the shape {status, errors: [{location, field, message}]}. Every POST accepts an Idempotency-Key."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ScreeningStatusEnum": "screening.choices.ScreeningStatus",
        "TenderStatusEnum": "procurement.choices.TenderStatus",
        "ListKindEnum": "screening.choices.ListKind",
        "RelationKindEnum": "screening.choices.RelationKind",
        "FindingDecisionEnum": "screening.choices.Decision",
        "DecisionToMakeEnum": [("confirmed", "Confirmed"), ("dismissed", "Dismissed"), ("open", "Reopen")],
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))  # for the filebased backend
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tender Screening <screening@localhost>")
# Where links in emails point: the site's address as its users reach it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The screening plugin's settings (defaults in screening/conf.py).
SCREENING_ACCESS_POLICY = "procurement.access.OrganisationAccess"
SCREENING_MAX_UPLOAD_BYTES = env.int("SCREENING_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
SCREENING_MAX_ROWS = env.int("SCREENING_MAX_ROWS", default=1_000_000)
SCREENING_CHUNK_ROWS = env.int("SCREENING_CHUNK_ROWS", default=10_000)

# OCDS export (procurement/ocds.py): a tender's ocid is "<prefix>-<tender id>". Register a prefix with the Open
# Contracting Partnership before publishing; the default is a placeholder for this site's own exports.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-tscr01")
# Webhooks may reach loopback and private addresses only in development (production sets this False).
SCREENING_WEBHOOK_ALLOW_PRIVATE = env.bool("SCREENING_WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
SCREENING_WEBHOOK_MAX_ATTEMPTS = env.int("SCREENING_WEBHOOK_MAX_ATTEMPTS", default=8)
SCREENING_WEBHOOK_BACKOFF_SECONDS = env.float("SCREENING_WEBHOOK_BACKOFF_SECONDS", default=30.0)
# Bulk uploads of many bids (procurement/bulk.py): the archive or workbook itself, and what an archive may hold.
PROCUREMENT_BULK_MAX_UPLOAD_BYTES = env.int("PROCUREMENT_BULK_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
PROCUREMENT_BULK_MAX_MEMBERS = env.int("PROCUREMENT_BULK_MAX_MEMBERS", default=500)
PROCUREMENT_BULK_MAX_UNPACKED_BYTES = env.int("PROCUREMENT_BULK_MAX_UNPACKED_BYTES", default=2 * 1024 * 1024 * 1024)
PROCUREMENT_BULK_MAX_COMPRESSION_RATIO = env.int("PROCUREMENT_BULK_MAX_COMPRESSION_RATIO", default=100)
