"""Webhooks: an API client registers a URL; finished, failed, cancelled and verdict-changing screenings of its scope
reach it as signed JSON events, retried with backoff, every try logged, never sent again once delivered."""

from __future__ import annotations

import json
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from werkzeug import Response

from procurement.choices import Role
from screening.choices import AuditAction, DeliveryStatus, ScreeningStatus
from screening.models import AuditEntry, WebhookDelivery
from screening.selectors import deliveries_for_user, webhooks_for_user
from screening.services import screenings
from screening.services import webhooks as service
from screening.services.webhooks import (
    backoff_seconds,
    webhook_create,
    webhook_deactivate,
    webhook_delete,
    webhook_delivery_attempt,
    webhook_delivery_redeliver,
    webhook_events_dispatch,
    webhook_rotate_secret,
    webhook_update,
)
from screening.webhooks import signature_header, verify_signature
from tests.conftest import FIXTURES, wait_for
from tests.factories import UserFactory
from tests.screening.helpers import upload, upload_bytes
from tests.screening.scenarios import BOMS, screen, start

pytestmark = pytest.mark.django_db

SECRET = "whsec_test"  # noqa: S105 - a test secret


@pytest.fixture(autouse=True)
def _fast_webhooks(settings):
    settings.SCREENING_WEBHOOK_ALLOW_PRIVATE = True
    settings.SCREENING_WEBHOOK_BACKOFF_SECONDS = 0.01
    settings.SCREENING_WEBHOOK_MAX_ATTEMPTS = 8
    settings.SCREENING_WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def client_a(org_a):
    """An ERP system's service account in organisation A."""
    return UserFactory(organisation=org_a, role=Role.OFFICER, username="erp_a")


@pytest.fixture
def client_b(org_b):
    return UserFactory(organisation=org_b, role=Role.OFFICER, username="erp_b")


def finish(screening_or_callable, capture):
    """Run what finishes a screening with on-commit callbacks executed, as after a real commit."""
    with capture(execute=True):
        result = screening_or_callable()
    return result


def deliveries(endpoint):
    return list(endpoint.deliveries.order_by("pk").values_list("event_type", flat=True))


def attempt_until_settled(delivery) -> list[float]:
    """Run the tries the task would run, without the waits; returns the backoff delays it asked for."""
    delays = []
    while (delay := webhook_delivery_attempt(delivery_id=delivery.pk)) is not None:
        delays.append(delay)
        time.sleep(delay)
    delivery.refresh_from_db()
    return delays


# -- signatures


def test_a_signature_verifies_only_the_same_body_secret_and_a_recent_time():
    body = b'{"id":"e1","type":"screening.done"}'
    now = 1_800_000_000
    header = signature_header(SECRET, body, timestamp=now)

    assert header.startswith(f"t={now},v1=")
    assert verify_signature(SECRET, header, body, now=now + 10)
    assert verify_signature(SECRET, header, body.decode(), now=now)  # str bodies too
    assert not verify_signature(SECRET, header, body.replace(b"done", b"fail"), now=now)  # tampered body
    assert not verify_signature("whsec_other", header, body, now=now)  # wrong secret
    assert not verify_signature(SECRET, header, body, now=now + 301)  # replayed 5 minutes later
    assert verify_signature(SECRET, header, body, tolerance=600, now=now + 301)
    assert not verify_signature(SECRET, header, body, now=now - 301)  # from the future
    # the timestamp is signed too: moving it invalidates the signature
    moved = header.replace(f"t={now}", f"t={now + 100}")
    assert not verify_signature(SECRET, moved, body, now=now + 100)
    for broken in ("", "garbage", f"t={now}", "v1=abc", f"t=soon,v1={header.split('v1=')[1]}"):
        assert not verify_signature(SECRET, broken, body, now=now)
    # several v1 signatures (a receiver rolling secrets): one good one is enough
    assert verify_signature(SECRET, f"{header},v1={'0' * 64}", body, now=now)


# -- registering


def test_a_client_registers_an_endpoint_and_sees_its_secret_once(client_a, client_b):
    endpoint, secret = webhook_create(
        owner=client_a, url=" https://erp.example.org/hooks ", events=["screening.done", "screening.done"]
    )

    assert secret.startswith("whsec_") and len(secret) > 40
    assert endpoint.url == "https://erp.example.org/hooks"
    assert endpoint.events == ["screening.done"]
    assert endpoint.scope == f"org:{client_a.membership.organisation_id}"
    entry = AuditEntry.objects.get(action=AuditAction.WEBHOOK_CREATED)
    assert entry.scope == endpoint.scope and "https://erp.example.org/hooks" in entry.summary
    assert secret not in json.dumps(entry.details) + entry.summary

    assert list(webhooks_for_user(user=client_a)) == [endpoint]
    assert list(webhooks_for_user(user=client_b)) == []

    new_secret = webhook_rotate_secret(endpoint=endpoint, user=client_a)
    assert new_secret != secret and new_secret.startswith("whsec_")
    with pytest.raises(PermissionDenied):
        webhook_rotate_secret(endpoint=endpoint, user=client_b)

    webhook_update(endpoint=endpoint, user=client_a, events=[], url="https://erp.example.org/v2")
    endpoint.refresh_from_db()
    assert endpoint.events == [] and endpoint.url == "https://erp.example.org/v2"
    assert AuditEntry.objects.filter(action=AuditAction.WEBHOOK_UPDATED).count() == 1

    webhook_delete(endpoint=endpoint, user=client_a)
    assert not webhooks_for_user(user=client_a).exists()
    assert "deleted webhook" in AuditEntry.objects.get(action=AuditAction.WEBHOOK_DELETED).summary


@pytest.mark.parametrize(
    ("url", "events", "field", "says"),
    [
        ("", None, "url", "Give the URL"),
        ("ftp://erp.example.org/hooks", None, "url", "not an http or https URL"),
        ("https:///hooks", None, "url", "has no host name"),
        ("https://erp.example.org:port/", None, "url", "not a valid URL"),
        ("https://erp.example.org/" + "x" * 500, None, "url", "at most 500"),
        ("https://erp.example.org/hooks", ["screening.finished"], "events", "Unknown event type 'screening.finished'"),
        ("https://erp.example.org/hooks", "screening.done", "events", "as a list"),
    ],
)
def test_a_bad_registration_says_what_to_fix(client_a, url, events, field, says):
    with pytest.raises(ValidationError) as error:
        webhook_create(owner=client_a, url=url, events=events)
    assert says in " ".join(error.value.message_dict[field])
    assert not webhooks_for_user(user=client_a).exists()


def test_an_account_without_an_organisation_cannot_register(db):
    with pytest.raises(PermissionDenied, match="no organisation"):
        webhook_create(owner=UserFactory(role=None), url="https://erp.example.org/hooks")


def test_private_addresses_are_refused_when_the_site_says_so(settings, client_a, httpserver):
    settings.SCREENING_WEBHOOK_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1:8000/hooks", "http://localhost/hooks", "http://10.1.2.3/", "http://[::1]/",
                "http://169.254.169.254/latest/meta-data/", "http://[::ffff:192.168.1.1]/"):
        with pytest.raises(ValidationError) as error:
            webhook_create(owner=client_a, url=url)
        assert "non-public address" in error.value.message_dict["url"][0], url

    # An endpoint registered while allowed (or whose host name now resolves elsewhere) is refused at delivery too.
    settings.SCREENING_WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _ = webhook_create(owner=client_a, url=httpserver.url_for("/hook"))
    delivery = _queued_delivery(endpoint)
    settings.SCREENING_WEBHOOK_ALLOW_PRIVATE = False
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is not None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and "non-public address" in delivery.error
    assert httpserver.log == []


def test_a_host_that_resolves_to_a_private_address_at_connect_time_is_refused(settings, client_a, httpserver,
                                                                               monkeypatch):
    """DNS rebinding: the name passed the check, then resolves to a private address when the request connects."""
    endpoint, _ = webhook_create(owner=client_a, url=httpserver.url_for("/hook"))
    delivery = _queued_delivery(endpoint)
    settings.SCREENING_WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(service, "check_public_host", lambda host: None)  # the earlier, public, DNS answer

    webhook_delivery_attempt(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert "resolved to 127.0.0.1" in delivery.error and "non-public" in delivery.error
    assert httpserver.log == []


# -- events


def _queued_delivery(endpoint, *, screening=None):
    from screening.models import Screening

    screening = screening or Screening.objects.create(scope=endpoint.scope, status=ScreeningStatus.FAILED,
                                                      error_message="The file could not be read.", label="bid 1")
    webhook_events_dispatch(screening=screening)
    return endpoint.deliveries.get()


def test_finished_screenings_queue_events_for_the_endpoints_of_their_scope(
    sample_lists, officer_a, officer_b, bid_a, client_a, client_b, django_capture_on_commit_callbacks
):
    everything, _ = webhook_create(owner=client_a, url="https://erp-a.example.org/all")
    failures_only, _ = webhook_create(
        owner=client_a, url="https://erp-a.example.org/failed", events=["screening.failed"]
    )
    other_org, _ = webhook_create(owner=client_b, url="https://erp-b.example.org/all")
    switched_off, _ = webhook_create(owner=client_a, url="https://erp-a.example.org/off")
    webhook_deactivate(endpoint=switched_off, user=client_a)

    done = start(upload(BOMS / "direct_hits.xlsx"), user=officer_a, subject=bid_a, label="Bid A")
    finish(lambda: screen(done), django_capture_on_commit_callbacks)
    failed = start(upload_bytes(b"\x00not a spreadsheet", "bid.xlsx"), user=officer_a)
    finish(lambda: screenings.screening_fail(screening_id=failed.pk, message="bid.xlsx: not a spreadsheet"),
           django_capture_on_commit_callbacks)
    cancelled = start(upload(BOMS / "clean.xlsx"), user=officer_a)
    finish(lambda: screenings.screening_cancel(screening=cancelled, user=officer_a), django_capture_on_commit_callbacks)

    assert deliveries(everything) == ["screening.done", "screening.failed", "screening.cancelled"]
    assert deliveries(failures_only) == ["screening.failed"]
    assert deliveries(other_org) == []
    assert deliveries(switched_off) == []

    done.refresh_from_db()
    delivery = everything.deliveries.get(event_type="screening.done")
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    payload = delivery.payload
    assert payload["id"] == str(delivery.event_id) and payload["type"] == "screening.done"
    assert payload["created"].endswith("Z")
    data = payload["data"]["screening"]
    assert data["id"] == done.pk and data["status"] == "done" and data["verdict"] == "fail"
    assert data["previous_verdict"] is None and data["label"] == "Bid A"
    assert data["counts"] == done.counts and data["counts"]["critical"] + data["counts"]["high"] > 0
    assert data["rows"] == done.rows_total > 0
    assert data["subject"] == {"type": "procurement.bid", "id": str(bid_a.pk)}
    assert data["url"] == f"/screening/{done.pk}/"
    failed_data = everything.deliveries.get(event_type="screening.failed").payload["data"]["screening"]
    assert failed_data["status"] == "failed" and failed_data["error_message"] == "bid.xlsx: not a spreadsheet"

    # The other organisation's client sees none of it
    assert not deliveries_for_user(user=client_b).exists()
    assert deliveries_for_user(user=client_a).count() == 4


def test_a_screening_whose_verdict_differs_from_the_previous_one_raises_verdict_changed(
    sample_lists, officer_a, bid_a, client_a, django_capture_on_commit_callbacks
):
    endpoint, _ = webhook_create(owner=client_a, url="https://erp-a.example.org/all")
    first = start(upload(BOMS / "clean.xlsx"), user=officer_a, subject=bid_a)
    finish(lambda: screen(first), django_capture_on_commit_callbacks)
    second = start(upload(BOMS / "direct_hits.xlsx"), user=officer_a, subject=bid_a, previous=first)
    finish(lambda: screen(second), django_capture_on_commit_callbacks)
    third = start(upload(BOMS / "direct_hits.xlsx"), user=officer_a, subject=bid_a)  # same subject, same verdict
    finish(lambda: screen(third), django_capture_on_commit_callbacks)

    first.refresh_from_db()
    assert first.verdict != "fail"
    assert deliveries(endpoint) == ["screening.done", "screening.done", "screening.verdict_changed", "screening.done"]
    changed = endpoint.deliveries.get(event_type="screening.verdict_changed").payload["data"]["screening"]
    assert changed["id"] == second.pk and changed["verdict"] == "fail"
    assert changed["previous_screening"] == first.pk and changed["previous_verdict"] == first.verdict
    third_done = endpoint.deliveries.get(event_key=f"screening.done:{third.pk}").payload["data"]["screening"]
    assert third_done["previous_screening"] == second.pk and third_done["previous_verdict"] == "fail"


def test_an_event_sent_twice_is_queued_once_with_one_id(client_a, django_capture_on_commit_callbacks):
    from screening.models import Screening
    from screening.signals import screening_finished

    first, _ = webhook_create(owner=client_a, url="https://erp-a.example.org/1")
    screening = Screening.objects.create(scope=first.scope, status=ScreeningStatus.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        screening_finished.send(sender=Screening, screening=screening)
        screening_finished.send(sender=Screening, screening=screening)  # a redelivered task sends again
    assert deliveries(first) == ["screening.cancelled"]

    # An endpoint registered in between gets the same event, with the same id and payload
    second, _ = webhook_create(owner=client_a, url="https://erp-a.example.org/2")
    assert webhook_events_dispatch(screening=screening) == [second.deliveries.get().pk]
    assert second.deliveries.get().event_id == first.deliveries.get().event_id
    assert second.deliveries.get().payload == first.deliveries.get().payload


# -- delivering


def _signed_receiver(secret, received, *, status=200, body="ok"):
    def handler(request):
        header = request.headers.get("Screening-Signature", "")
        received.append({
            "valid": verify_signature(secret, header, request.get_data()),
            "event": request.headers.get("Screening-Event"),
            "delivery": request.headers.get("Screening-Delivery"),
            "content_type": request.headers.get("Content-Type"),
            "json": json.loads(request.get_data()),
        })
        return Response(body, status=status)

    return handler


def test_a_delivery_reaches_a_real_receiver_signed_and_is_never_sent_again(client_a, httpserver):
    endpoint, secret = webhook_create(owner=client_a, url=httpserver.url_for("/hook"))
    received = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(_signed_receiver(secret, received))
    delivery = _queued_delivery(endpoint)

    assert attempt_until_settled(delivery) == []

    assert received == [{
        "valid": True, "event": str(delivery.event_id), "delivery": str(delivery.pk),
        "content_type": "application/json", "json": delivery.payload,
    }]
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.response_body == "ok" and delivery.error == ""
    assert delivery.delivered_at is not None
    assert [(e["attempt"], e["response_status"]) for e in delivery.attempt_log] == [(1, 200)]

    # A redelivered task message finds it delivered and sends nothing
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None
    assert len(received) == 1


def test_failed_tries_are_retried_with_backoff_and_logged_until_one_succeeds(client_a, httpserver):
    endpoint, secret = webhook_create(owner=client_a, url=httpserver.url_for("/hook"))
    received = []
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("database down", status=500)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("still down", status=503)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_handler(
        _signed_receiver(secret, received, status=204, body="")
    )
    delivery = _queued_delivery(endpoint)

    delays = attempt_until_settled(delivery)

    assert delays == [0.01, 0.02]  # the base delay, doubled
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert [(e["attempt"], e["response_status"], e["response_body"]) for e in delivery.attempt_log] == [
        (1, 500, "database down"), (2, 503, "still down"), (3, 204, "")
    ]
    assert "HTTP 500" in delivery.attempt_log[0]["error"] and delivery.error == ""
    assert received[0]["valid"] and received[0]["event"] == str(delivery.event_id)
    httpserver.check_assertions()


def test_a_delivery_gives_up_after_the_last_try(settings, client_a, httpserver):
    settings.SCREENING_WEBHOOK_MAX_ATTEMPTS = 3
    endpoint, _ = webhook_create(owner=client_a, url=httpserver.url_for("/hook"))
    httpserver.expect_request("/hook", method="POST").respond_with_data("x" * 5000, status=502)
    delivery = _queued_delivery(endpoint)

    assert len(attempt_until_settled(delivery)) == 2

    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.response_status == 502 and delivery.response_body == "x" * 2000  # truncated
    assert delivery.error.startswith("HTTP 502") and "Gave up after 3 tries" in delivery.error
    assert len(httpserver.log) == 3
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None
    assert len(httpserver.log) == 3

    # Once the receiver is fixed, the client sends it again: a fresh round of tries, the old ones still logged
    httpserver.clear()
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks")
    webhook_delivery_redeliver(delivery=delivery, user=client_a)
    with pytest.raises(ValidationError, match="already queued"):
        webhook_delivery_redeliver(delivery=delivery, user=client_a)
    assert attempt_until_settled(delivery) == []
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_body == "thanks"
    assert [e["response_status"] for e in delivery.attempt_log] == [502, 502, 502, 200]
    assert AuditEntry.objects.filter(action=AuditAction.WEBHOOK_REDELIVERED).count() == 1


def test_unreachable_receivers_and_timeouts_are_logged_as_errors(settings, client_a, httpserver):
    settings.SCREENING_WEBHOOK_TIMEOUT_SECONDS = 0.5
    httpserver.expect_request("/slow").respond_with_handler(lambda request: (time.sleep(1.5), Response("late"))[1])
    slow, _ = webhook_create(owner=client_a, url=httpserver.url_for("/slow"))
    closed, _ = webhook_create(owner=client_a, url="http://127.0.0.1:9/hook")  # the discard port: nobody listens
    moved, _ = webhook_create(owner=client_a, url=httpserver.url_for("/moved"))
    httpserver.expect_request("/moved").respond_with_data("", status=301, headers={"Location": "http://10.0.0.1/"})

    from screening.models import Screening

    webhook_events_dispatch(screening=Screening.objects.create(scope=slow.scope, status=ScreeningStatus.CANCELLED))
    for endpoint in (moved, closed, slow):  # the test server answers one request at a time: the slow one last
        webhook_delivery_attempt(delivery_id=endpoint.deliveries.get().pk)

    assert slow.deliveries.get().error == "No response within 0.5 seconds."
    assert closed.deliveries.get().error == "Could not connect to 127.0.0.1:9: [Errno 111] Connection refused."
    moved_delivery = moved.deliveries.get()
    assert moved_delivery.response_status == 301 and "redirects are not followed" in moved_delivery.error
    assert all(e.deliveries.get().status == DeliveryStatus.PENDING for e in (slow, closed, moved))


def test_a_deactivated_endpoint_gets_nothing_more(client_a, client_b, httpserver):
    endpoint, _ = webhook_create(owner=client_a, url=httpserver.url_for("/hook"))
    delivery = _queued_delivery(endpoint)
    with pytest.raises(PermissionDenied):
        webhook_deactivate(endpoint=endpoint, user=client_b)
    webhook_deactivate(endpoint=endpoint, user=client_a)

    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "deactivated" in delivery.error
    assert httpserver.log == []
    with pytest.raises(ValidationError, match="activate it"):
        webhook_delivery_redeliver(delivery=delivery, user=client_a)


def test_backoff_doubles_up_to_the_cap(settings):
    settings.SCREENING_WEBHOOK_BACKOFF_SECONDS = 30
    settings.SCREENING_WEBHOOK_BACKOFF_MAX_SECONDS = 1800
    assert [backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1800, 1800]


def test_an_overdue_delivery_is_queued_again_by_the_sweep(client_a):
    from datetime import timedelta

    from django.utils import timezone

    endpoint, _ = webhook_create(owner=client_a, url="https://erp-a.example.org/hook")
    delivery = _queued_delivery(endpoint)
    assert service.webhook_deliveries_requeue_due() == 0  # due now, its task message is on its way
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert service.webhook_deliveries_requeue_due() == 1


# -- with the real worker


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_signed_event_when_a_screening_finishes(
    sample_lists, celery_worker, httpserver, org_a
):
    officer = UserFactory(organisation=org_a, role=Role.OFFICER)
    erp = UserFactory(organisation=org_a, role=Role.OFFICER)
    endpoint, secret = webhook_create(owner=erp, url=httpserver.url_for("/hook"), events=["screening.done"])
    received = []
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_handler(_signed_receiver(secret, received))

    screening = start(upload(FIXTURES / "boms" / "direct_hits.xlsx"), user=officer, label="Integration bid")

    delivery = wait_for(
        lambda: endpoint.deliveries.filter(status=DeliveryStatus.DELIVERED).first(),
        timeout=120,
        message=f"the webhook to be delivered\n{celery_worker.output()[-3000:]}",
    )
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.DONE
    assert delivery.attempts == 2
    assert [e["response_status"] for e in delivery.attempt_log] == [500, 200]
    assert len(received) == 1 and received[0]["valid"]
    event = received[0]["json"]
    assert event["type"] == "screening.done" and event["id"] == received[0]["event"] == str(delivery.event_id)
    assert event["data"]["screening"]["id"] == screening.pk
    assert event["data"]["screening"]["verdict"] == "fail" == screening.verdict
    httpserver.check_assertions()


def test_the_admin_lists_endpoints_and_deliveries_without_the_secret(admin_client, client_a):
    endpoint, secret = webhook_create(owner=client_a, url="https://erp-a.example.org/hook")
    delivery = _queued_delivery(endpoint)

    page = admin_client.get(f"/admin/screening/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert "https://erp-a.example.org/hook" in page and "screening.failed" in page
    assert secret not in page
    listing = admin_client.get("/admin/screening/webhookdelivery/").content.decode()
    assert "screening.failed" in listing
    detail = admin_client.get(f"/admin/screening/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert str(delivery.event_id) in detail and secret not in detail

    response = admin_client.post(f"/admin/screening/webhookendpoint/{endpoint.pk}/change/", {
        "deliveries-TOTAL_FORMS": "1", "deliveries-INITIAL_FORMS": "1", "deliveries-MIN_NUM_FORMS": "0",
        "deliveries-MAX_NUM_FORMS": "1000", "deliveries-0-id": str(delivery.pk),
        "deliveries-0-endpoint": str(endpoint.pk),
    })
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active  # the unticked box switched it off, through the service
    assert AuditEntry.objects.filter(action=AuditAction.WEBHOOK_UPDATED, actor__username="admin").exists()
