"""Checks on uploaded files before anything is stored: type and emptiness are 400, size over the limit 413."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from rest_framework import exceptions

from screening import conf
from screening.forms import validate_upload

from .errors import PayloadTooLarge


def check_upload(upload, *, field: str, extensions=None) -> None:
    limit = conf.get("MAX_UPLOAD_BYTES")
    if upload.size > limit:
        raise PayloadTooLarge(
            f"{upload.name} is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}. Split the "
            "workbook, or ask the administrator to raise SCREENING_MAX_UPLOAD_BYTES.",
            field=field,
        )
    try:
        validate_upload(upload, extensions=extensions)
    except ValidationError as error:
        raise exceptions.ValidationError({field: error.messages}) from None


def check_content_length(request, *, files: int = 1) -> None:
    """Refuse a body too large for its files before reading it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    limit = conf.get("MAX_UPLOAD_BYTES") * files + 1024 * 1024
    if length > limit:
        raise PayloadTooLarge(
            f"The request is {filesizeformat(length)}; the limit is {filesizeformat(limit)}. Upload fewer or "
            "smaller files per request."
        )
