"""Checks on uploaded files before anything is stored: type and emptiness are 400, size over the limit 413."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from rest_framework import exceptions

from screening import conf
from screening.forms import validate_upload

from .errors import PayloadTooLarge


def check_upload(upload, *, field: str, extensions=None) -> None:
    limit = conf.get("MAX_UPLOAD_BYTES")
    if upload.size > limit:
        raise PayloadTooLarge(
            gettext("%(name)s is %(size)s; the limit is %(limit)s. Split the workbook, or ask the administrator to "
                    "raise SCREENING_MAX_UPLOAD_BYTES.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
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
            gettext("The request is %(size)s; the limit is %(limit)s. Upload fewer or smaller files per request.")
            % {"size": filesizeformat(length), "limit": filesizeformat(limit)}
        )
