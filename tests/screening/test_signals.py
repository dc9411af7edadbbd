"""The plugin's signals reach the host site once the change is committed, and only for real changes."""

from __future__ import annotations

import pytest

from screening.choices import ScreeningStatus
from screening.services import screenings
from screening.services.lists import supplier_list_import
from screening.signals import list_version_imported, screening_finished
from screening.tasks import after_finalize
from tests.conftest import FIXTURES
from tests.screening.helpers import run_inline, upload, upload_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    list_version_imported.connect(receiver)
    screening_finished.connect(receiver)
    yield calls
    list_version_imported.disconnect(receiver)
    screening_finished.disconnect(receiver)


def _import(path):
    with path.open("rb") as handle:
        return supplier_list_import(fileobj=handle, filename=path.name, name="Restricted", kind="restricted")


def test_a_new_list_version_is_announced_once_and_a_repeated_file_not_at_all(
    received, django_capture_on_commit_callbacks
):
    path = FIXTURES / "lists" / "restricted.csv"
    with django_capture_on_commit_callbacks(execute=True):
        version = _import(path)
    assert [call["version"] for call in received] == [version]

    with django_capture_on_commit_callbacks(execute=True):
        assert _import(path) == version
    assert len(received) == 1


def test_a_screening_is_announced_when_done_and_when_failed(
    sample_lists, received, django_capture_on_commit_callbacks
):
    screening = screenings.screening_start(files=[upload(FIXTURES / "boms" / "clean.xlsx")])
    run_inline(screening)
    with django_capture_on_commit_callbacks(execute=True):
        after_finalize(screening_id=screening.pk)
    assert [(call["screening"].pk, call["screening"].status) for call in received] == [
        (screening.pk, ScreeningStatus.DONE)
    ]

    broken = screenings.screening_start(files=[upload_bytes(b"\x00not a spreadsheet", "bid.xlsx")])
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        screenings.screening_fail(screening_id=broken.pk, message="unreadable")
        screenings.screening_fail(screening_id=broken.pk, message="again")
    assert [(call["screening"].pk, call["screening"].status) for call in received] == [
        (broken.pk, ScreeningStatus.FAILED)
    ]
