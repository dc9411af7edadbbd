"""API tokens: made once and shown once, stored as a SHA-256, revocable at any time.

A token is 40 random URL-safe characters after the prefix "tsk_"; being random, a plain SHA-256 lookup is as
safe as a slow password hash and costs nothing per request.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from screening.choices import AuditAction
from screening.engine.records import Message
from screening.models import ApiToken

from .audit import actor, audit_record

TOKEN_PREFIX = "tsk_"  # noqa: S105 - a marker, not a secret


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user, name: str, created_by=None, scope: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns the token row and the secret, which is never stored or shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("Name the token after the system that will use it.")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:12], key_hash=token_hash(key), created_by=created_by
    )
    audit_record(
        scope=scope,
        actor=created_by,
        action=AuditAction.API_TOKEN_CREATED,
        summary=Message(gettext_noop("{actor} created API token '{name}' ({prefix}…) for {user}."),
                        {"actor": actor(created_by), "name": token.name, "prefix": token.prefix, "user": str(user)}),
        subject=token,
        details={"token_id": token.pk, "user": str(user), "prefix": token.prefix},
    )
    return token, key


def api_token_revoke(*, token: ApiToken, user=None, scope: str = "") -> bool:
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    if changed:
        audit_record(
            scope=scope,
            actor=user,
            action=AuditAction.API_TOKEN_REVOKED,
            summary=Message(gettext_noop("{actor} revoked API token '{name}' ({prefix}…) of {user}."),
                            {"actor": actor(user), "name": token.name, "prefix": token.prefix,
                             "user": str(token.user)}),
            subject=token,
            details={"token_id": token.pk, "prefix": token.prefix},
        )
    return bool(changed)


def api_token_user(key: str):
    """The active user a token authenticates, or None. Marks the token used (at most once a minute)."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
