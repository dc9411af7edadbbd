"""Shared fixtures: sample files, imported lists, and a real Celery worker process on the configured broker.

With SCREENING_REQUIRE_SERVICES=1 (CI), a test whose service is missing fails instead of skipping.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def _shared_data() -> Path:
    """The published schemas in ../shared/data, read in place: beside the checkout, or beside a folder above it (a
    CI clone may sit deeper), or where SHARED_DATA_DIR says."""
    if os.environ.get("SHARED_DATA_DIR"):
        return Path(os.environ["SHARED_DATA_DIR"])
    for folder in (ROOT, *ROOT.parents):
        candidate = folder.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path("/work/shared/data")


SHARED_DATA = _shared_data()
REQUIRE_SERVICES = os.environ.get("SCREENING_REQUIRE_SERVICES") == "1"


def need_service(reason: str) -> None:
    """Skip locally, fail in CI: a missing service there is a broken build, not an optional test."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session", autouse=True)
def _clean_cache(django_db_blocker):
    # Match results are cached by list version id; a fresh test database reuses ids, so start empty.
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def fresh_list_caches():
    """Forget the lists indexed and the matches cached in this process before every test. A rolled-back test frees
    its list version ids for the next test, and caches keyed by those ids would hand it the previous test's
    entities. (This also empties the API's rate-limit counters.)"""
    from django.core.cache import cache

    from screening.services import matching, screenings

    matching.indexed_lists.cache_clear()
    matching._local.clear()
    screenings._screeners.clear()
    cache.clear()
    yield


@pytest.fixture
def sample_lists(db):
    """The fixtures' restricted and trusted lists, imported through the service."""
    from screening.services.lists import supplier_list_import

    versions = {}
    for kind, filename, name in (
        ("restricted", "restricted.csv", "High-risk vendors (sample)"),
        ("trusted", "trusted.csv", "Trusted network vendors (sample)"),
    ):
        with (FIXTURES / "lists" / filename).open("rb") as handle:
            versions[kind] = supplier_list_import(fileobj=handle, filename=filename, name=name, kind=kind)
    return versions


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, process: subprocess.Popen, log: Path, mail_dir: Path):
        self.process = process
        self.log = log
        self.mail_dir = mail_dir  # the emails the worker sends, one file per connection (filebased backend)

    def mails(self) -> str:
        return "".join(path.read_text(errors="replace") for path in sorted(self.mail_dir.glob("*.log")))

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None


def start_worker(tmp_dir: Path, *, concurrency: int = 2, extra_env: dict | None = None) -> WorkerProcess:
    log = tmp_dir / f"worker-{time.monotonic_ns()}.log"
    mail_dir = tmp_dir / f"mail-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "procurement.settings",
        "SCREENING_CHUNK_ROWS": "40",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        # Webhook retries within a test's patience, to a receiver on this machine.
        "SCREENING_WEBHOOK_BACKOFF_SECONDS": "0.3",
        "SCREENING_WEBHOOK_ALLOW_PRIVATE": "true",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "procurement",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--purge",
            "-n",
            f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = WorkerProcess(process, log, mail_dir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "ready." in worker.output():
            return worker
        if not worker.alive():
            break
        time.sleep(0.2)
    stop_worker(worker)
    pytest.fail(f"the Celery worker did not start:\n{worker.output()[-3000:]}", pytrace=False)


def stop_worker(worker: WorkerProcess, sig: int = signal.SIGTERM) -> None:
    if worker.alive():
        os.killpg(worker.process.pid, sig)
        try:
            worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait()


def _check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:  # noqa: BLE001 - any failure means no broker
        need_service(f"broker {url} unreachable: {error}")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real worker process on the configured broker, reading and writing the test database."""
    _check_broker()
    worker = start_worker(tmp_path_factory.mktemp("worker"))
    yield worker
    stop_worker(worker)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download cannot work offline)."""
    if not Path(CHROMIUM).exists():
        need_service(f"no browser at {CHROMIUM}: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api") if not REQUIRE_SERVICES else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"]
    )
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
