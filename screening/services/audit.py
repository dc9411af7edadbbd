"""The append-only audit log: who did what, when, in words a person can read a year later.

The host site records its own events (tenders, bids) through `audit_record` too, so one log holds them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from screening.models import AuditEntry, Screening


def actor_name(user) -> str:
    """How the log names a person: full name and username, so it still reads after the account is gone."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "the system"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    username = user.get_username()
    return f"{full} ({username})" if full and full != username else username


def _jsonable(details: dict | None) -> dict:
    import json

    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def _entry(
    *, scope: str, actor, action: str, summary: str, subject: Model | None, screening: Screening | None, details
) -> AuditEntry:
    return AuditEntry(
        scope=scope or "",
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else None,
        screening=screening,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name(actor)[:300],
        action=action[:50],
        summary=summary,
        details=_jsonable(details),
    )


def audit_record(
    *,
    scope: str,
    actor,
    action: str,
    summary: str,
    subject: Model | None = None,
    screening: Screening | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log. `actor` may be None for the system; `details` must be JSON-able."""
    entry = _entry(
        scope=scope, actor=actor, action=action, summary=summary, subject=subject, screening=screening, details=details
    )
    entry.save()
    return entry


def audit_record_many(entries: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Append several entries at once (keyword dicts as for `audit_record`): one query for a bulk decision."""
    return AuditEntry.objects.bulk_create([_entry(**{"subject": None, "screening": None, "details": None, **e})
                                           for e in entries])
