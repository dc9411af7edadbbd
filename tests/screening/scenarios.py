"""Helpers for the plugin's page and review tests: start and finish screenings in-process, import private lists."""

from __future__ import annotations

import io

from screening.access import access
from screening.services import screenings
from screening.services.lists import supplier_list_import
from screening.tasks import after_finalize
from tests.conftest import FIXTURES
from tests.screening.helpers import run_inline

BOMS = FIXTURES / "boms"

PRIVATE_LIST = """name,aliases,country,parent,relation,reason,source
Acme Shadow Networks Ltd,Acme Shadow|ASN,CN,,,Internal due-diligence finding,Agency B memo 2026-01
Acme Shadow Radio Co,,CN,Acme Shadow Networks Ltd,subsidiary_of,Subsidiary,Agency B memo 2026-01
"""


def screen(screening):
    """Run a queued screening in this process, then what the finalising task runs after it."""
    run_inline(screening)
    after_finalize(screening_id=screening.pk)
    screening.refresh_from_db()
    return screening


def start(*files, user, subject=None, bidder="", **kwargs):
    return screenings.screening_start(
        files=files, user=user, subject=subject, scope=access().scope(user), bidder=bidder, **kwargs
    )


def private_list(user, *, name: str, text: str = PRIVATE_LIST):
    return supplier_list_import(
        fileobj=io.BytesIO(text.encode()), filename="private.csv", name=name, kind="restricted", user=user,
        scope=access().scope(user),
    )
