"""Webhooks: API clients register endpoints; a finished, failed, cancelled or verdict-changing screening queues one
signed delivery per endpoint of its scope, tried with exponential backoff by a Celery task, every try logged.

Delivery is at least once: a receiver de-duplicates on the event id (the Screening-Event header and the payload's
"id"). The signature scheme is in screening.webhooks.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from screening import conf
from screening.access import access
from screening.choices import AuditAction, DeliveryStatus, ScreeningStatus, WebhookEvent
from screening.engine.records import Message
from screening.messages import localised, message_json
from screening.models import Screening, WebhookDelivery, WebhookEndpoint
from screening.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    UnsafeWebhookURL,
    check_public_host,
    check_url_form,
    is_public_address,
    signature_header,
)

from .audit import actor, audit_record

logger = logging.getLogger(__name__)

URL_MAX_CHARS = 500
RESPONSE_BODY_CHARS = 2_000
LOG_BODY_CHARS = 500
LOG_ENTRIES = 50
# A pending delivery this late (its message lost, or its worker died mid-request) is queued again by the sweep.
OVERDUE = timedelta(seconds=60)
USER_AGENT = "TenderScreening-Webhooks/1"

_FINAL_EVENTS = {
    ScreeningStatus.DONE: WebhookEvent.SCREENING_DONE,
    ScreeningStatus.FAILED: WebhookEvent.SCREENING_FAILED,
    ScreeningStatus.CANCELLED: WebhookEvent.SCREENING_CANCELLED,
}


# -- registering endpoints


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


def allow_private() -> bool:
    return bool(conf.get("WEBHOOK_ALLOW_PRIVATE"))


def _clean_url(url) -> str:
    url = (url or "").strip() if isinstance(url, str) else ""
    if not url:
        raise ValidationError({"url": gettext("Give the URL the events should be sent to, such as https://example.org/hooks.")})
    if len(url) > URL_MAX_CHARS:
        raise ValidationError({"url": gettext("The URL is %(length)s characters long; at most %(most)s are allowed.")
                               % {"length": len(url), "most": URL_MAX_CHARS}})
    try:
        host = check_url_form(url)
        if not allow_private():
            check_public_host(host)
    except UnsafeWebhookURL as error:
        raise ValidationError({"url": str(error)}) from error
    return url


def _clean_events(events) -> list[str]:
    if events is None:
        return []
    if isinstance(events, str) or not all(isinstance(event, str) for event in events):
        raise ValidationError(
            {"events": gettext('Give the event types as a list of names, such as ["screening.done"].')}
        )
    known = ", ".join(WebhookEvent.values)
    unknown = [event for event in events if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            {"events": gettext("Unknown event type %(unknown)s: choose from %(known)s (or none, for all of them).")
                       % {"unknown": ", ".join(repr(e) for e in unknown), "known": known}}
        )
    return list(dict.fromkeys(events))


def _check_owner(endpoint: WebhookEndpoint, user) -> None:
    """Only the owner (or staff with the admin permission) changes an endpoint."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(gettext("Log in to manage webhooks."))
    if endpoint.owner_id != user.pk and not user.has_perm("screening.change_webhookendpoint"):
        raise PermissionDenied(gettext("This webhook belongs to another account."))


def _describe(endpoint: WebhookEndpoint) -> Message:
    events = ", ".join(endpoint.events) if endpoint.events else Message(gettext_noop("all events"))
    return Message(gettext_noop("webhook #{number} to {url} ({events})"),
                   {"number": str(endpoint.pk), "url": endpoint.url, "events": events})


@transaction.atomic
def webhook_create(*, owner, url: str, events: list[str] | None = None, description: str = "") -> tuple[
    WebhookEndpoint, str
]:
    """Register an endpoint for the owner's scope. Returns it with its signing secret, which is shown only now
    (webhook_rotate_secret makes a new one)."""
    scope = access().scope(owner) if owner is not None and owner.is_authenticated else None
    if scope is None:
        raise PermissionDenied(
            gettext("This account belongs to no organisation, so it has no screenings to be told about.")
        )
    endpoint = WebhookEndpoint(
        owner=owner,
        scope=scope,
        url=_clean_url(url),
        events=_clean_events(events),
        description=(description or "").strip()[:200],
        secret=new_secret(),
    )
    endpoint.save()
    audit_record(
        scope=scope,
        actor=owner,
        action=AuditAction.WEBHOOK_CREATED,
        summary=Message(gettext_noop("{actor} registered {webhook}."),
                        {"actor": actor(owner), "webhook": _describe(endpoint)}),
        subject=endpoint,
        details={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint, endpoint.secret


@transaction.atomic
def webhook_update(
    *,
    endpoint: WebhookEndpoint,
    user,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given (None leaves a field as it is). Deliveries already queued keep their URL's endpoint."""
    _check_owner(endpoint, user)
    changes = {}
    if url is not None:
        changes["url"] = _clean_url(url)
    if events is not None:
        changes["events"] = _clean_events(events)
    if description is not None:
        changes["description"] = description.strip()[:200]
    if is_active is not None:
        changes["is_active"] = bool(is_active)
    changes = {name: value for name, value in changes.items() if getattr(endpoint, name) != value}
    if not changes:
        return endpoint
    before = {name: getattr(endpoint, name) for name in changes}
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save(update_fields=list(changes))
    said = Message.join([Message(gettext_noop("{field} from {before} to {after}"),
                                 {"field": name, "before": repr(before[name]), "after": repr(value)})
                         for name, value in changes.items()], "; ")
    audit_record(
        scope=endpoint.scope,
        actor=user,
        action=AuditAction.WEBHOOK_UPDATED,
        summary=Message(gettext_noop("{actor} changed webhook #{number}: {changes}."),
                        {"actor": actor(user), "number": str(endpoint.pk), "changes": said}),
        subject=endpoint,
        details={"before": before, "after": changes},
    )
    return endpoint


def webhook_deactivate(*, endpoint: WebhookEndpoint, user) -> WebhookEndpoint:
    """Stop sending to the endpoint; its deliveries and their log stay. Deliveries still pending give up."""
    return webhook_update(endpoint=endpoint, user=user, is_active=False)


@transaction.atomic
def webhook_delete(*, endpoint: WebhookEndpoint, user) -> None:
    """Remove the endpoint and its delivery log."""
    _check_owner(endpoint, user)
    audit_record(
        scope=endpoint.scope,
        actor=user,
        action=AuditAction.WEBHOOK_DELETED,
        summary=Message(gettext_noop("{actor} deleted {webhook} and its {count} deliveries."),
                        {"actor": actor(user), "webhook": _describe(endpoint), "count": endpoint.deliveries.count()}),
        subject=endpoint,
        details={"url": endpoint.url, "events": endpoint.events},
    )
    endpoint.delete()


@transaction.atomic
def webhook_rotate_secret(*, endpoint: WebhookEndpoint, user) -> str:
    """A new signing secret, returned once; every request from now on (retries too) is signed with it."""
    _check_owner(endpoint, user)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    audit_record(
        scope=endpoint.scope,
        actor=user,
        action=AuditAction.WEBHOOK_SECRET_ROTATED,
        summary=Message(gettext_noop("{actor} replaced the signing secret of webhook #{number}."),
                        {"actor": actor(user), "number": str(endpoint.pk)}),
        subject=endpoint,
    )
    return endpoint.secret


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, user) -> WebhookDelivery:
    """Send a delivered or failed event again, now, with a fresh round of tries (same event id and payload)."""
    endpoint = delivery.endpoint
    _check_owner(endpoint, user)
    if not endpoint.is_active:
        raise ValidationError(gettext("The webhook is deactivated: activate it before sending its events again."))
    now = timezone.now()
    requeued = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None
    )
    if not requeued:
        raise ValidationError(gettext("This delivery is already queued: it is sent at its next try."))
    delivery.refresh_from_db()
    audit_record(
        scope=endpoint.scope,
        actor=user,
        action=AuditAction.WEBHOOK_REDELIVERED,
        summary=Message(gettext_noop("{actor} asked for {event} event {id} to be sent again to webhook #{number}."), {
            "actor": actor(user), "event": delivery.event_type, "id": str(delivery.event_id),
            "number": str(endpoint.pk),
        }),
        subject=endpoint,
        details={"delivery": delivery.pk, "event_id": str(delivery.event_id)},
    )
    transaction.on_commit(lambda: webhook_delivery_enqueue(delivery_id=delivery.pk))
    return delivery


# -- events


def previous_verdict(screening: Screening) -> tuple[Screening | None, str]:
    """The screening a done screening follows, and that one's verdict: the one it re-screens, else the last done
    earlier screening of the same subject in the same scope."""
    previous = screening.previous
    if previous is None and screening.subject_type_id and screening.subject_id is not None:
        previous = (
            Screening.objects.filter(
                scope=screening.scope,
                subject_type_id=screening.subject_type_id,
                subject_id=screening.subject_id,
                status=ScreeningStatus.DONE,
                created_at__lt=screening.created_at,
            )
            .exclude(pk=screening.pk)
            .order_by("-created_at", "-pk")
            .first()
        )
    if previous is None or previous.status != ScreeningStatus.DONE:
        return previous, ""
    return previous, previous.verdict


def screening_events(screening: Screening) -> list[str]:
    """The event types a finished screening raises: its final state, and a verdict change when there is one."""
    event = _FINAL_EVENTS.get(screening.status)
    if event is None:
        return []
    events = [event]
    if screening.status == ScreeningStatus.DONE:
        _, before = previous_verdict(screening)
        if before and before != screening.verdict:
            events.append(WebhookEvent.VERDICT_CHANGED)
    return [str(event) for event in events]


def _isoformat(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def screening_event_data(screening: Screening) -> dict:
    previous, before = previous_verdict(screening)
    try:
        path = reverse("screening:detail", args=[screening.pk])
    except NoReverseMatch:
        path = ""
    subject = None
    if screening.subject_type_id:
        subject_type = screening.subject_type
        subject = {"type": f"{subject_type.app_label}.{subject_type.model}", "id": screening.subject_id}
    return {
        "screening": {
            "id": screening.pk,
            "status": screening.status,
            "verdict": screening.verdict or None,
            "previous_screening": previous.pk if previous else None,
            "previous_verdict": before or None,
            "counts": screening.counts,
            "rows": screening.rows_total,
            "rows_screened": screening.rows_done,
            "row_errors": screening.error_count,
            "label": screening.label,
            "subject": subject,
            "url": path,
            "created_at": _isoformat(screening.created_at),
            "finished_at": _isoformat(screening.finished_at),
            "error_message": screening.error_message,
        }
    }


def _endpoints_for(screening: Screening) -> list[WebhookEndpoint]:
    """Active endpoints of the screening's scope whose owner is active and still sees that scope."""
    candidates = WebhookEndpoint.objects.filter(
        scope=screening.scope, is_active=True, owner__is_active=True
    ).select_related("owner")
    policy = access()
    return [endpoint for endpoint in candidates if policy.scope(endpoint.owner) == endpoint.scope]


def webhook_events_dispatch(*, screening: Screening) -> list[int]:
    """Queue a delivery of each event the finished screening raises to every endpoint that wants it. Safe to call
    again: an event already queued for an endpoint is not queued twice. Returns the new deliveries' ids."""
    screening = Screening.objects.select_related("previous", "subject_type").get(pk=screening.pk)
    created_ids = []
    endpoints = _endpoints_for(screening)
    for event_type in screening_events(screening):
        wanting = [endpoint for endpoint in endpoints if endpoint.wants(event_type)]
        if not wanting:
            continue
        key = f"{event_type}:{screening.pk}"
        # One event, one id and one payload for every endpoint, even when an endpoint is added between two sends.
        known = WebhookDelivery.objects.filter(event_key=key).values("event_id", "payload").first()
        if known:
            event_id, payload = known["event_id"], known["payload"]
        else:
            event_id = uuid.uuid4()
            payload = {
                "id": str(event_id),
                "type": event_type,
                "created": _isoformat(timezone.now()),
                "data": screening_event_data(screening),
            }
            payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
        for endpoint in wanting:
            try:
                with transaction.atomic():
                    delivery, created = WebhookDelivery.objects.get_or_create(
                        endpoint=endpoint,
                        event_key=key,
                        defaults={
                            "event_id": event_id, "event_type": event_type, "payload": payload,
                            "next_attempt_at": timezone.now(),
                        },
                    )
            except IntegrityError:  # the same signal, handled at the same moment elsewhere
                continue
            if created:
                created_ids.append(delivery.pk)
                transaction.on_commit(lambda pk=delivery.pk: webhook_delivery_enqueue(delivery_id=pk))
    return created_ids


def on_screening_finished(sender, screening: Screening, **kwargs) -> None:
    """The receiver of screening.signals.screening_finished (connected in ScreeningConfig.ready()). A failure here
    must not break what finished the screening; a delivery that was not queued is found by the sweep."""
    try:
        webhook_events_dispatch(screening=screening)
    except Exception:
        logger.exception("could not queue the webhook events of screening %s", screening.pk)


# -- sending


def webhook_delivery_enqueue(*, delivery_id: int, countdown: float | None = None) -> bool:
    """Queue a try of the delivery. When the broker cannot be reached the delivery stays pending and
    `webhook_deliveries_requeue_due` (run by Celery beat) queues it later."""
    from screening.tasks import webhook_deliver

    try:
        webhook_deliver.apply_async((delivery_id,), countdown=countdown, retry=False)
    except Exception as error:  # noqa: BLE001 - kombu and redis raise many kinds when the broker is down
        logger.warning("could not queue webhook delivery %s: %s", delivery_id, error)
        return False
    return True


def webhook_deliveries_requeue_due() -> int:
    """Queue again the pending deliveries whose try is overdue (message lost, worker died mid-request)."""
    cutoff = timezone.now() - OVERDUE
    due = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    return sum(webhook_delivery_enqueue(delivery_id=pk) for pk in due)


def backoff_seconds(attempts: int) -> float:
    """The wait after the `attempts`-th failed try: the base delay doubled for each earlier failure, capped."""
    base = float(conf.get("WEBHOOK_BACKOFF_SECONDS"))
    return min(base * 2 ** max(attempts - 1, 0), float(conf.get("WEBHOOK_BACKOFF_MAX_SECONDS")))


def request_body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class _PublicOnly:
    """Refuses, after connecting and before sending a byte, a connection whose peer is not a public address: the
    check at registration cannot stop a host name that resolves differently later (DNS rebinding)."""

    def _new_conn(self):
        sock = super()._new_conn()
        address = sock.getpeername()[0]
        if not is_public_address(address):
            sock.close()
            raise UnsafeWebhookURL(
                gettext_noop(
                    "The host '%(host)s' resolved to %(address)s, a loopback, private or otherwise non-public "
                    "address; webhooks are only sent to public addresses on this site."
                ), {"host": self.host, "address": address},
            )
        return sock


class _PublicHTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPConnectionPool,
                                                   "https": _PublicHTTPSConnectionPool}


def _session() -> requests.Session:
    session = requests.Session()
    if not allow_private():
        # A proxy from the environment would be the peer, so the address check would see it, not the receiver.
        session.trust_env = False
        session.mount("http://", _PublicOnlyAdapter())
        session.mount("https://", _PublicOnlyAdapter())
    return session


def _connection_reason(error: requests.ConnectionError) -> str:
    """The socket's own words ("[Errno 111] Connection refused"), without urllib3's wrapping."""
    reason = getattr(error.args[0], "reason", error) if error.args else error
    return str(reason).rsplit(": ", 1)[-1] if "Failed to establish" in str(reason) else str(reason)


def _unsafe(error: BaseException) -> UnsafeWebhookURL | None:
    """The address check that refused the connection (at connect time), inside requests' and urllib3's wrapping."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UnsafeWebhookURL):
            return current
        linked = (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args)
        pending += [link for link in linked if isinstance(link, BaseException)]
    return None


# Why a try failed, kept in English with the template, shown in the reader's language (WebhookDelivery.error).
_NO_RESPONSE = gettext_noop("No response within {seconds} seconds.")
_NOT_CONNECTED = gettext_noop("Could not connect to {host}: {reason}.")
_REQUEST_FAILED = gettext_noop("The request failed: {error}")
_NO_LOCATION = gettext_noop("no Location header")
_REDIRECTED = gettext_noop("HTTP {status}: redirects are not followed; register the final URL ({location}).")
_NOT_2XX = gettext_noop("HTTP {status}: only a 2xx response counts as delivered.")
_DEACTIVATED = gettext_noop("The webhook was deactivated before this event was sent.")
_GAVE_UP = gettext_noop("Gave up after {tries} tries; send the event again once the receiver is fixed.")


def _post(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> tuple[int | None, str, Message | None]:
    """POST the signed event once: (HTTP status or None, the start of the response body, error or None)."""
    body = request_body(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: str(delivery.event_id),
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: signature_header(endpoint.secret, body),
    }
    timeout = float(conf.get("WEBHOOK_TIMEOUT_SECONDS"))
    try:
        host = check_url_form(endpoint.url)
        if not allow_private():
            check_public_host(host)
        with _session() as session:
            response = session.post(
                endpoint.url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            )
            with response:
                raw = response.raw.read(RESPONSE_BODY_CHARS * 4, decode_content=True) or b""
            text = raw.decode(response.encoding or "utf-8", errors="replace")[:RESPONSE_BODY_CHARS]
    except UnsafeWebhookURL as error:
        return None, "", Message("{error}", {"error": localised(error.__str__)})
    except requests.Timeout:
        return None, "", Message(_NO_RESPONSE, {"seconds": f"{timeout:g}"})
    except requests.ConnectionError as error:
        unsafe = _unsafe(error)
        if unsafe is not None:
            return None, "", Message("{error}", {"error": localised(unsafe.__str__)})
        return None, "", Message(
            _NOT_CONNECTED, {"host": urlsplit(endpoint.url).netloc, "reason": _connection_reason(error)}
        )
    except (requests.RequestException, OSError) as error:
        return None, "", Message(_REQUEST_FAILED, {"error": str(error)})
    status = str(response.status_code)
    if 200 <= response.status_code < 300:
        return response.status_code, text, None
    if 300 <= response.status_code < 400:
        location = response.headers.get("Location") or Message(_NO_LOCATION)
        return response.status_code, text, Message(_REDIRECTED, {"status": status, "location": location})
    return response.status_code, text, Message(_NOT_2XX, {"status": status})


def _lease() -> timedelta:
    # Longer than one request can take (connect and read timeouts), so no second worker tries meanwhile.
    return timedelta(seconds=3 * float(conf.get("WEBHOOK_TIMEOUT_SECONDS")) + 30)


def webhook_delivery_attempt(*, delivery_id: int) -> float | None:
    """Try a pending, due delivery once and log the try. Returns the seconds until the next try, or None when
    there is none (delivered, given up, not due, or already taken by another worker).

    The try is claimed with a conditional UPDATE first, so a redelivered or duplicated task message never sends a
    delivered event again, nor sends one event twice at the same time.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=1)
    ).update(next_attempt_at=now + _lease(), last_attempt_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        _record(delivery, DeliveryStatus.FAILED, error=Message(_DEACTIVATED))
        return None

    started = time.monotonic()
    status, text, error = _post(delivery, endpoint)
    seconds = time.monotonic() - started
    if error is None:
        _record(delivery, DeliveryStatus.DELIVERED, status=status, text=text, seconds=seconds)
        return None
    if delivery.attempts >= int(conf.get("WEBHOOK_MAX_ATTEMPTS")):
        error = Message.join([error, Message(_GAVE_UP, {"tries": delivery.attempts})])
        _record(delivery, DeliveryStatus.FAILED, status=status, text=text, error=error, seconds=seconds)
        return None
    delay = backoff_seconds(delivery.attempts)
    _record(delivery, DeliveryStatus.PENDING, status=status, text=text, error=error, seconds=seconds, delay=delay)
    return delay


def _record(
    delivery: WebhookDelivery,
    outcome: str,
    *,
    status: int | None = None,
    text: str = "",
    error: Message | None = None,
    seconds: float = 0.0,
    delay: float = 0.0,
) -> None:
    """Log the try on the delivery and set what follows it: delivered, failed for good, or the next try."""
    now = timezone.now()
    entry = {
        "attempt": delivery.attempts,
        "at": _isoformat(delivery.last_attempt_at),
        "response_status": status,
        "response_body": text[:LOG_BODY_CHARS],
        "error": str(error) if error is not None else "",
        "duration_ms": round(seconds * 1000),
    }
    delivery.attempt_log = [*delivery.attempt_log, entry][-LOG_ENTRIES:]
    delivery.response_status = status
    delivery.response_body = text
    delivery.error = str(error) if error is not None else ""
    delivery.error_template = message_json(error)
    delivery.status = outcome
    delivery.delivered_at = now if outcome == DeliveryStatus.DELIVERED else None
    delivery.next_attempt_at = now + timedelta(seconds=delay) if outcome == DeliveryStatus.PENDING else None
    delivery.save(
        update_fields=["attempt_log", "response_status", "response_body", "error", "error_template", "status",
                       "delivered_at", "next_attempt_at"]
    )
    if outcome == DeliveryStatus.DELIVERED:
        logger.info("webhook delivery %s (%s) delivered on try %s", delivery.pk, delivery.event_type, delivery.attempts)
    else:
        logger.warning("webhook delivery %s (%s) try %s failed: %s", delivery.pk, delivery.event_type,
                       delivery.attempts, error)
