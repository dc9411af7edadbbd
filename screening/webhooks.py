"""Webhook signatures and address checks: plain Python (Django only translates the checks' messages, when it is
there), so a receiver can use `verify_signature` as is.

Every webhook request carries

    Screening-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<unix time>.<raw body>")>
    Screening-Event: <event id>            (the same for every endpoint and every attempt of one event)
    Screening-Delivery: <delivery id>      (one endpoint's delivery of the event)

A receiver recomputes the HMAC over the raw body it received (before parsing it), compares in constant time, and
rejects a timestamp older than a few minutes, so a captured request cannot be replayed later. Events may arrive
more than once (at-least-once delivery): de-duplicate on the event id.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from urllib.parse import urlsplit

try:  # the address checks' messages in the reader's language on the site; a receiver needs no Django to import this
    from django.utils.translation import gettext
except ImportError:  # pragma: no cover

    def gettext(message: str) -> str:
        return message


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages; UnsafeWebhookURL translates it when it is read."""
    return message


SIGNATURE_HEADER = "Screening-Signature"
EVENT_HEADER = "Screening-Event"
DELIVERY_HEADER = "Screening-Delivery"
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = 300


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def compute_signature(secret: str, timestamp: int, body: bytes | str) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" under the endpoint's secret."""
    message = str(int(timestamp)).encode() + b"." + _as_bytes(body)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes | str, *, timestamp: int | None = None) -> str:
    """The Screening-Signature header value for a body, signed now (or at `timestamp`)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},{SIGNATURE_VERSION}={compute_signature(secret, timestamp, body)}"


def parse_signature_header(header: str) -> tuple[int | None, list[str]]:
    """(timestamp, [v1 signatures]) from a Screening-Signature header; (None, []) when it cannot be read."""
    timestamp = None
    signatures = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SIGNATURE_VERSION and value:
            signatures.append(value)
    return timestamp, signatures


def verify_signature(
    secret: str, header: str, body: bytes | str, tolerance: int = DEFAULT_TOLERANCE, *, now: float | None = None
) -> bool:
    """True when `header` (the Screening-Signature value) signs exactly `body` (the raw request body) under
    `secret`, with a timestamp within `tolerance` seconds of now. False for a tampered body, another secret, a
    missing or malformed header, and an old (replayed) or far-future timestamp."""
    timestamp, signatures = parse_signature_header(header)
    if timestamp is None or not signatures or not secret:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = compute_signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


# -- where webhooks may go


class UnsafeWebhookURL(ValueError):
    """The URL is not an http(s) URL, or its host is (or resolves to) an address webhooks must not reach.

    str() is the message in the active language, read when it is shown: a delivery's worker can write it in
    every language the site speaks, the registration form in its reader's.
    """

    def __init__(self, message: str, params: dict | None = None):
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return gettext(self.message) % self.params if self.params else gettext(self.message)


def check_url_form(url: str) -> str:
    """The URL's host name, if the URL is an absolute http or https URL; else UnsafeWebhookURL saying why."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as error:
        raise UnsafeWebhookURL(
            gettext_noop("'%(url)s' is not a valid URL (%(error)s)."), {"url": url, "error": str(error)}
        ) from error
    if parts.scheme not in ("http", "https"):
        raise UnsafeWebhookURL(
            gettext_noop("'%(url)s' is not an http or https URL: give a URL starting with https://."), {"url": url}
        )
    if not parts.hostname:
        raise UnsafeWebhookURL(
            gettext_noop("'%(url)s' has no host name: give a full URL such as https://example.org/hooks."), {"url": url}
        )
    return parts.hostname


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for loopback, private, link-local, reserved,
    multicast, carrier-grade NAT and unspecified ones (an IPv4-mapped IPv6 address counts as its IPv4 one)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int | None = None) -> list[str]:
    """Every address the host name resolves to."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({info[4][0] for info in infos})


def check_public_host(host: str) -> None:
    """UnsafeWebhookURL unless every address the host resolves to is public."""
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError) as error:
        raise UnsafeWebhookURL(
            gettext_noop("The host name '%(host)s' could not be resolved (%(error)s); check the URL."),
            {"host": host, "error": str(error)},
        ) from error
    if not addresses:
        raise UnsafeWebhookURL(
            gettext_noop("The host name '%(host)s' resolves to no address; check the URL."), {"host": host}
        )
    for address in addresses:
        if not is_public_address(address):
            raise UnsafeWebhookURL(
                gettext_noop(
                    "The host '%(host)s' resolves to %(address)s, a loopback, private or otherwise non-public address; "
                    "webhooks are only sent to public addresses on this site."
                ),
                {"host": host, "address": address},
            )
