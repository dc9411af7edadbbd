"""One error shape for every API response that is not a success:

    {"status": 400, "errors": [{"location": "body", "field": "bidder_name", "message": "This field is required."}]}

`location` says where the problem is: body, query, header, path or request (the request as a whole). An error
about an uploaded file's content can add file, sheet, row and column.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

BODY, QUERY, HEADER, PATH, REQUEST = "body", "query", "header", "path", "request"


class ApiError(APIException):
    """An error with its entries already shaped: ApiError(409, [error(HEADER, "Idempotency-Key", "...")])."""

    def __init__(self, status_code: int, errors: list[dict], headers: dict | None = None):
        self.status_code = status_code
        self.errors = errors
        self.headers = headers or {}
        super().__init__(detail=errors[0]["message"] if errors else "")


class PayloadTooLarge(ApiError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, [error(BODY, field, message)])


def error(location: str, field: str, message: str, **extra) -> dict:
    return {"location": location, "field": field, "message": str(message), **extra}


def _flatten(detail, prefix: str = "") -> list[tuple[str, str]]:
    """DRF's nested error detail as (field path, message) pairs: {"lots": [{"title": ["..."]}]} -> lots.0.title."""
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            pairs += _flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
        return pairs
    if isinstance(detail, list):
        pairs = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                pairs += _flatten(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                pairs.append((prefix, str(value)))
        return pairs
    return [(prefix, str(detail))]


_LOCATIONS = {
    status.HTTP_401_UNAUTHORIZED: (HEADER, "Authorization"),
    status.HTTP_403_FORBIDDEN: (REQUEST, ""),
    status.HTTP_404_NOT_FOUND: (PATH, ""),
    status.HTTP_405_METHOD_NOT_ALLOWED: (REQUEST, ""),
    status.HTTP_406_NOT_ACCEPTABLE: (HEADER, "Accept"),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: (HEADER, "Content-Type"),
    status.HTTP_429_TOO_MANY_REQUESTS: (REQUEST, ""),
}


def _convert(exc):
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(gettext("Nothing here, or nothing you may see: check the id in the path."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or gettext("You may not do this."))
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(
            gettext("The request body is larger than the limit for form fields and JSON; upload large BOMs as files.")
        )
    if isinstance(exc, TooManyFieldsSent | SuspiciousOperation):
        return exceptions.ValidationError({"non_field_errors": [str(exc) or gettext("The request was refused.")]})
    return exc


def api_exception_handler(exc, context):
    exc = _convert(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a 500: Django's handler (json_server_error for API paths) answers in the same shape
    if isinstance(exc, ApiError):
        errors = exc.errors
        for name, value in exc.headers.items():
            response[name] = value
    elif isinstance(exc, exceptions.ValidationError):
        location = getattr(exc, "location", BODY)
        errors = [error(location, field, message) for field, message in _flatten(exc.detail)]
    else:
        location, field = _LOCATIONS.get(response.status_code, (REQUEST, ""))
        errors = [error(location, field, message) for _, message in _flatten(exc.detail)]
        if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" in response:
            retry = gettext("Retry after %(seconds)s seconds.") % {"seconds": response["Retry-After"]}
            errors[0]["message"] += " " + retry
    response.data = {"status": response.status_code, "errors": errors}
    return response


def is_api_request(request) -> bool:
    from django.conf import settings

    return request.path.startswith(getattr(settings, "SCREENING_API_PATH_PREFIX", "/api/"))


def json_not_found(request) -> JsonResponse:
    return JsonResponse(
        {"status": 404, "errors": [
            error(PATH, "", gettext("No API endpoint at %(path)s; see /api/schema/.") % {"path": request.path})
        ]},
        status=404,
    )


def json_server_error(request) -> JsonResponse:
    return JsonResponse(
        {"status": 500, "errors": [error(REQUEST, "", gettext("The server failed on this request; it has been logged. "
                                                               "Retry later, and report it if it repeats."))]},
        status=500,
    )
