"""At login, the person's remembered language goes into the session (procurement.middleware reads it there)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import USER_LANGUAGE_SESSION_KEY
from .selectors import user_language


@receiver(user_logged_in, dispatch_uid="procurement_remember_language")
def remember_language_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[USER_LANGUAGE_SESSION_KEY] = user_language(user=user)
