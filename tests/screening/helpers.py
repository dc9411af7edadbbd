"""Test helpers for the screening services."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile

from screening.choices import FileRole
from screening.services import screenings


def upload(path: Path, *, role: str = FileRole.BOM, name: str | None = None):
    return screenings.uploaded_file_create(content=ContentFile(path.read_bytes()), name=name or path.name, role=role)


def upload_bytes(data: bytes, name: str, *, role: str = FileRole.BOM):
    return screenings.uploaded_file_create(content=ContentFile(data), name=name, role=role)


def run_inline(screening):
    """Run a queued screening through the same service steps the tasks run, in this process."""
    chunk_ids = screenings.screening_prepare(screening_id=screening.pk)
    for chunk_id in chunk_ids:
        screenings.screening_chunk_run(chunk_id=chunk_id)
    screenings.screening_finalize(screening_id=screening.pk)
    screening.refresh_from_db()
    return screening
