"""Safe retries: a POST with an `Idempotency-Key` header is answered once; a retry with the same key and the
same request gets the first response again (with `Idempotent-Replayed: true`), the same key with another
request gets 409, and a retry while the first is still running gets 409 with Retry-After.

A request is the same when its method, path, query and body are: JSON bodies compare by value, multipart bodies
by their fields and the SHA-256 of each file (so a client may re-encode the form). Keys are per user (API
client) and kept for 24 hours. A response with a 5xx status is not kept, so the retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from screening.models import IdempotencyRecord

from .errors import HEADER, ApiError, error

HEADER_NAME = "Idempotency-Key"
KEEP = timedelta(hours=24)
ABANDONED = timedelta(minutes=10)  # a first request still "running" after this died with its process
_REPLAYED_HEADERS = ("Location",)


class Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _body(request):
    data = request.data
    files = getattr(request, "FILES", None) or {}
    if hasattr(data, "lists"):  # a QueryDict: form or multipart fields
        fields = {key: values for key, values in data.lists() if key not in files}
        uploads = {
            key: [[f.name, f.size, file_sha256(f)] for f in files.getlist(key)] for key in sorted(files.keys())
        }
        return {"fields": fields, "files": uploads}
    return data


def fingerprint(request) -> str:
    payload = {
        "method": request.method,
        "path": request.path,
        "query": sorted(request.query_params.lists()),
        "body": _body(request),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, cls=JSONEncoder).encode()).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER_NAME)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 255 or not key.isprintable() or not key.isascii():
        raise ApiError(400, [
            error(HEADER, HEADER_NAME, gettext("Give 1 to 255 printable ASCII characters, e.g. a UUID."))
        ])
    return key


def claim(request) -> IdempotencyRecord | None:
    """Called once the request is authenticated: the record to complete, or Replay / ApiError(409)."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    key = _key(request)
    if key is None:
        return None
    digest = fingerprint(request)
    now = timezone.now()
    IdempotencyRecord.objects.filter(user=request.user, key=key, created_at__lt=now - KEEP).delete()
    IdempotencyRecord.objects.filter(
        user=request.user, key=key, status_code__isnull=True, created_at__lt=now - ABANDONED
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=request.user, key=key, method=request.method, path=request.path[:1000], fingerprint=digest
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.get(user=request.user, key=key)
    if record.fingerprint != digest or record.path != request.path[:1000]:
        raise ApiError(409, [error(
            HEADER, HEADER_NAME,
            gettext("This key was used for another request (%(method)s %(path)s) on %(when)s UTC; use a new key for a "
                    "new request.")
            % {"method": record.method, "path": record.path, "when": f"{record.created_at:%Y-%m-%d %H:%M}"},
        )])
    if record.status_code is None:
        raise ApiError(
            409,
            [error(HEADER, HEADER_NAME, gettext("The first request with this key is still running; retry shortly."))],
            headers={"Retry-After": "2"},
        )
    raise Replay(record)


def complete(record: IdempotencyRecord, response) -> None:
    if response.status_code >= 500:
        record.delete()  # not an answer worth repeating: the retry runs again
        return
    data = getattr(response, "data", None)
    record.status_code = response.status_code
    record.response = json.loads(json.dumps(data, cls=JSONEncoder)) if data is not None else None
    record.headers = {name: response[name] for name in _REPLAYED_HEADERS if name in response}
    record.save(update_fields=["status_code", "response", "headers"])


def replay_response(record: IdempotencyRecord) -> Response:
    response = Response(record.response, status=record.status_code, headers=record.headers)
    response["Idempotent-Replayed"] = "true"
    return response
