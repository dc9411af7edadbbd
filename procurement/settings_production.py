"""Production settings: the environment-driven defaults, hardened.

Use DJANGO_SETTINGS_MODULE=procurement.settings_production.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from .settings import *  # noqa: E402,F403
from .settings import env  # noqa: E402

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# API clients' webhook URLs must not reach this network's own hosts (loopback, private, link-local addresses).
SCREENING_WEBHOOK_ALLOW_PRIVATE = env.bool("SCREENING_WEBHOOK_ALLOW_PRIVATE", default=False)
