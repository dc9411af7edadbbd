"""Reviewing findings: decisions with reasons, standing exceptions, and decisions carried to later screenings.

Every decision and exception is written to the audit log in the same transaction as the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from screening.access import access
from screening.choices import AuditAction, Decision, ScreeningStatus, Severity
from screening.engine.names import normalise
from screening.engine.records import Message
from screening.models import Finding, Screening, StandingException

from .audit import actor, audit_record, audit_record_many

BATCH = 1000
REASON_REQUIRED = gettext_lazy("A decision needs a reason: write why, so that a reader can follow it later.")


@lru_cache(maxsize=20_000)
def value_key(value: str) -> str:
    """The form of a cell value that standing exceptions compare (engine.names.normalise)."""
    return normalise(value)[:1000]


def _pair(finding: Finding) -> tuple[str, str, str]:
    """(normalised cell value, list name, entity name): what exceptions and carried decisions match on."""
    if finding.entity_id:
        return value_key(finding.value), finding.entity.version.supplier_list.name, finding.entity.name
    return value_key(finding.value), "", ""


# The audit log's sentences (English, shown in the reader's language).
_SEVERITY_WORDS = {
    Severity.CRITICAL: gettext_noop("critical"), Severity.HIGH: gettext_noop("high"),
    Severity.MEDIUM: gettext_noop("medium"), Severity.LOW: gettext_noop("low"), Severity.INFO: gettext_noop("info"),
}
_FINDING = gettext_noop(
    "the {rule} finding ({severity}) on '{value}' ({where}) against {target} in screening #{screening}"
)
_ENTITY_OF_LIST = "{entity} ({list})"
_NO_ENTITY = gettext_noop("no listed entity")


def _target(entity_name: str, list_name: str) -> Message:
    if not entity_name:
        return Message(_NO_ENTITY)
    return Message(_ENTITY_OF_LIST, {"entity": entity_name, "list": list_name})


def _describe(finding: Finding) -> Message:
    _value, list_name, entity_name = _pair(finding)
    severity = _SEVERITY_WORDS.get(finding.severity)
    return Message(_FINDING, {
        "rule": finding.rule, "severity": Message(severity) if severity else finding.severity, "value": finding.value,
        "where": finding.where_message(), "target": _target(entity_name, list_name),
        "screening": str(finding.screening_id),
    })


_ACTIONS = {
    Decision.CONFIRMED: (AuditAction.FINDING_CONFIRMED, gettext_noop("{actor} confirmed {finding}. Reason: {reason}")),
    Decision.DISMISSED: (AuditAction.FINDING_DISMISSED, gettext_noop("{actor} dismissed {finding}. Reason: {reason}")),
    Decision.OPEN: (AuditAction.FINDING_REOPENED, gettext_noop("{actor} reopened {finding}. Reason: {reason}")),
}


def finding_decide(
    *, findings: Iterable[Finding], decision: str, reason: str, user, save_exception: bool = False
) -> list[Finding]:
    """Confirm, dismiss (or reopen) findings with a written reason; a dismissal may become a standing exception.

    Only a user who may review, on findings of their own scope and finished screenings. Each decision is one
    audit entry; each new standing exception another.
    """
    policy = access()
    if not policy.can_review(user):
        raise PermissionDenied(gettext("Only a reviewer can decide on findings."))
    decision = Decision(decision)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    if save_exception and decision != Decision.DISMISSED:
        raise ValidationError({"save_exception": gettext("Only a dismissal can be saved as a standing exception.")})
    findings = list(findings)
    if not findings:
        raise ValidationError({"findings": gettext("Choose at least one finding.")})
    scope = policy.scope(user)
    states = set(
        Screening.objects.filter(pk__in={f.screening_id for f in findings}).values_list("scope", "status")
    )
    if scope is None or any(state_scope != scope for state_scope, _ in states):
        raise PermissionDenied(gettext("These findings belong to another organisation."))
    if any(status != ScreeningStatus.DONE for _, status in states):
        raise ValidationError(gettext("Findings can be decided once their screening is done."))

    now = timezone.now()
    subjects = {}
    for f in findings:
        if f.screening_id not in subjects:
            subjects[f.screening_id] = f.screening.subject or f.screening
    action, said = _ACTIONS[decision]
    who = actor(user)
    with transaction.atomic():
        exceptions: dict[tuple, StandingException] = {}
        if save_exception:
            exceptions = _exceptions_create(findings=findings, reason=reason, user=user, scope=scope)
        for finding in findings:
            finding.decision = decision
            finding.decision_reason = reason
            finding.decided_by = user
            finding.decided_at = now
            finding.decided_by_exception = None
            finding.carried_from = None
        Finding.objects.bulk_update(
            findings,
            ["decision", "decision_reason", "decided_by", "decided_at", "decided_by_exception", "carried_from"],
            batch_size=BATCH,
        )
        audit_record_many(
            {
                "scope": scope,
                "actor": user,
                "action": action,
                "summary": Message(said, {"actor": who, "finding": _describe(f), "reason": reason}),
                "subject": subjects[f.screening_id],
                "screening": f.screening,
                "details": {
                    "finding_id": f.pk,
                    "decision": decision.value,
                    "reason": reason,
                    "value": f.value,
                    "where": f.where,
                    "rule": f.rule,
                    "severity": f.severity,
                    "entity": f.entity.name if f.entity_id else "",
                    "exception_id": exceptions[_pair(f)].pk if _pair(f) in exceptions else None,
                },
            }
            for f in findings
        )
    return findings


def _exceptions_create(*, findings: list[Finding], reason: str, user, scope: str) -> dict[tuple, StandingException]:
    made: dict[tuple, StandingException] = {}
    for finding in findings:
        pair = _pair(finding)
        if pair in made or not pair[0]:
            continue
        existing = StandingException.objects.filter(
            scope=scope, value_key=pair[0], list_name=pair[1], entity_name=pair[2], revoked_at__isnull=True
        ).first()
        if existing is not None:
            made[pair] = existing
            continue
        exception = StandingException.objects.create(
            scope=scope,
            value_key=pair[0],
            value=finding.value,
            list_name=pair[1],
            entity_name=pair[2],
            reason=reason,
            created_by=user,
            source_finding=finding,
        )
        made[pair] = exception
        audit_record(
            scope=scope,
            actor=user,
            action=AuditAction.EXCEPTION_CREATED,
            summary=Message(gettext_noop(
                "{actor} made standing exception #{number}: the cell value '{value}' is not {target}; later "
                "screenings dismiss this pair automatically. Reason: {reason}"
            ), {"actor": actor(user), "number": str(exception.pk), "value": finding.value,
                "target": _target(pair[2], pair[1]), "reason": reason}),
            subject=finding.screening.subject or finding.screening,
            screening=finding.screening,
            details={"exception_id": exception.pk, "value": finding.value, "value_key": pair[0],
                     "list": pair[1], "entity": pair[2], "finding_id": finding.pk, "reason": reason},
        )
    return made


def exception_revoke(*, exception: StandingException, reason: str, user) -> StandingException:
    """End a standing exception; findings it already dismissed keep their decision (and say which exception)."""
    policy = access()
    if not policy.can_review(user):
        raise PermissionDenied(gettext("Only a reviewer can revoke a standing exception."))
    if exception.scope != policy.scope(user):
        raise PermissionDenied(gettext("This exception belongs to another organisation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Revoking an exception needs a reason: write why.")})
    if exception.revoked_at is not None:
        raise ValidationError(gettext("This exception was already revoked."))
    with transaction.atomic():
        exception.revoked_at = timezone.now()
        exception.revoked_by = user
        exception.revoke_reason = reason
        exception.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            scope=exception.scope,
            actor=user,
            action=AuditAction.EXCEPTION_REVOKED,
            summary=Message(gettext_noop(
                "{actor} revoked standing exception #{number} ('{value}' vs {target}); later screenings flag this "
                "pair again. Reason: {reason}"
            ), {"actor": actor(user), "number": str(exception.pk), "value": exception.value,
                "target": _target(exception.entity_name, exception.list_name), "reason": reason}),
            subject=exception,
            details={"exception_id": exception.pk, "reason": reason},
        )
    return exception


def _open_findings(screening_id: int):
    return (
        Finding.objects.filter(screening_id=screening_id, decision=Decision.OPEN)
        .select_related("entity__version__supplier_list", "screening")
        .order_by("pk")
    )


def screening_apply_exceptions(*, screening_id: int) -> int:
    """Dismiss the screening's open findings that match a standing exception of its scope; returns how many.

    Each dismissed finding records the exception, who made it and when. Running it again changes nothing.
    """
    screening = Screening.objects.get(pk=screening_id)
    if screening.status != ScreeningStatus.DONE:
        return 0
    active = {
        (e.value_key, e.list_name, e.entity_name): e
        for e in StandingException.objects.filter(scope=screening.scope, revoked_at__isnull=True).order_by("created_at")
    }
    if not active:
        return 0
    changed: list[Finding] = []
    for finding in _open_findings(screening_id).iterator(chunk_size=BATCH):
        exception = active.get(_pair(finding))
        if exception is None:
            continue
        finding.decision = Decision.DISMISSED
        finding.decided_by_id = exception.created_by_id
        finding.decided_at = exception.created_at
        finding.decided_by_exception = exception
        finding.decision_reason = f"Standing exception #{exception.pk}: {exception.reason}"
        changed.append(finding)
    if not changed:
        return 0
    with transaction.atomic():
        Finding.objects.bulk_update(
            changed, ["decision", "decided_by", "decided_at", "decided_by_exception", "decision_reason"],
            batch_size=BATCH,
        )
        used = sorted({f.decided_by_exception.pk for f in changed})
        audit_record(
            scope=screening.scope,
            actor=None,
            action=AuditAction.EXCEPTION_APPLIED,
            summary=Message(gettext_noop(
                "{count} finding(s) of screening #{screening} were dismissed automatically by standing exception(s) "
                "{exceptions}."
            ), {"count": len(changed), "screening": str(screening.pk),
                "exceptions": ", ".join(f"#{pk}" for pk in used)}),
            subject=screening.subject or screening,
            screening=screening,
            details={"exceptions": used, "findings": [f.pk for f in changed]},
        )
    return len(changed)


def screening_carry_decisions(*, screening_id: int) -> int:
    """Give the screening's open findings the decisions a person made on the same pairs in the previous screening
    of the same subject (the one it re-screens, else the last earlier one). Returns how many were carried.

    A carried decision keeps who decided and when, and points at the finding it came from. Decisions made by a
    standing exception are not carried: the exception itself applies, unless it has been revoked since.
    """
    from screening.selectors import screening_previous

    screening = Screening.objects.get(pk=screening_id)
    if screening.status != ScreeningStatus.DONE:
        return 0
    previous = screening_previous(screening=screening)
    if previous is None:
        return 0
    decided = {}
    earlier = (
        Finding.objects.filter(screening=previous, decided_by_exception__isnull=True)
        .exclude(decision=Decision.OPEN)
        .select_related("entity__version__supplier_list")
        .order_by("decided_at", "pk")
    )
    for finding in earlier:
        decided[_pair(finding)] = finding  # the latest decision on a pair wins
    if not decided:
        return 0
    changed: list[Finding] = []
    for finding in _open_findings(screening_id).iterator(chunk_size=BATCH):
        source = decided.get(_pair(finding))
        if source is None:
            continue
        finding.decision = source.decision
        finding.decision_reason = source.decision_reason
        finding.decided_by_id = source.decided_by_id
        finding.decided_at = source.decided_at
        finding.carried_from = source
        changed.append(finding)
    if not changed:
        return 0
    with transaction.atomic():
        Finding.objects.bulk_update(
            changed, ["decision", "decision_reason", "decided_by", "decided_at", "carried_from"], batch_size=BATCH
        )
        audit_record(
            scope=screening.scope,
            actor=None,
            action=AuditAction.DECISIONS_CARRIED,
            summary=Message(gettext_noop(
                "{count} decision(s) were carried over from screening #{previous} to screening #{screening}, keeping "
                "who decided and when."
            ), {"count": len(changed), "previous": str(previous.pk), "screening": str(screening.pk)}),
            subject=screening.subject or screening,
            screening=screening,
            details={"from_screening": previous.pk, "findings": {f.pk: f.carried_from_id for f in changed}},
        )
    return len(changed)
