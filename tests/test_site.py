"""The site's settings: production settings pass Django's deployment checks; secrets come from the environment."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def run_manage(*args, env_extra: dict) -> subprocess.CompletedProcess:
    # the browser tests allow sync ORM calls next to Playwright's loop; a deployment must not
    dropped = ("DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy():
    out = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "procurement.settings_production",
            "DJANGO_SECRET_KEY": "x7$k2!" + "q" * 60,
            "DJANGO_ALLOWED_HOSTS": "screening.example.org",
        },
    )

    assert out.returncode == 0, out.stderr + out.stdout
    assert "no issues" in out.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    out = run_manage("check", env_extra={"DJANGO_SETTINGS_MODULE": "procurement.settings_production"})

    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY" in out.stderr


def test_the_plugin_never_imports_the_host_site():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "screening").rglob("*.py")
        if "import procurement" in path.read_text(encoding="utf-8")
        or "from procurement" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_engine_has_no_django_imports():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "screening" / "engine").rglob("*.py")
        if "import django" in path.read_text(encoding="utf-8") or "from django" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
