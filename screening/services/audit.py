"""The append-only audit log: who did what, when, in words a person can read a year later.

The host site records its own events (tenders, bids) through `audit_record` too, so one log holds them all. A
summary is kept in English, the permanent record, with its template and values (engine.records.Message) so that
the audit pages show it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils.translation import gettext_noop

from screening.engine.records import Message
from screening.messages import message_json
from screening.models import AuditEntry, Screening

THE_SYSTEM = gettext_noop("the system")


def actor_name(user) -> str:
    """How the log names a person: full name and username, so it still reads after the account is gone."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "the system"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    username = user.get_username()
    return f"{full} ({username})" if full and full != username else username


def actor(user) -> Message | str:
    """The person as a value of a summary: their name, or "the system" in the reader's language."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Message(THE_SYSTEM)
    return actor_name(user)


def _jsonable(details: dict | None) -> dict:
    import json

    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def _entry(
    *, scope: str, actor, action: str, summary: Message | str, subject: Model | None, screening: Screening | None,
    details,
) -> AuditEntry:
    return AuditEntry(
        scope=scope or "",
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else None,
        screening=screening,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name(actor)[:300],
        action=action[:50],
        summary=str(summary),
        summary_template=message_json(summary) if isinstance(summary, Message) else None,
        details=_jsonable(details),
    )


def audit_record(
    *,
    scope: str,
    actor,
    action: str,
    summary: Message | str,
    subject: Model | None = None,
    screening: Screening | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log. `actor` may be None for the system; `details` must be JSON-able; a
    summary written as a Message is shown in the reader's language."""
    entry = _entry(
        scope=scope, actor=actor, action=action, summary=summary, subject=subject, screening=screening, details=details
    )
    entry.save()
    return entry


def audit_record_many(entries: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Append several entries at once (keyword dicts as for `audit_record`): one query for a bulk decision."""
    return AuditEntry.objects.bulk_create([_entry(**{"subject": None, "screening": None, "details": None, **e})
                                           for e in entries])
