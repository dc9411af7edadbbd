"""A logged-in person's remembered interface language wins over the language cookie and the browser's
Accept-Language (which django.middleware.locale.LocaleMiddleware reads before this runs)."""

from __future__ import annotations

from django.utils import translation

from .selectors import user_language

# The user's choice, copied into the session at login and by the switcher, so a page costs no extra query.
USER_LANGUAGE_SESSION_KEY = "procurement_user_language"


def remembered_language(request) -> str:
    session = getattr(request, "session", None)
    if session is None:
        return ""
    if USER_LANGUAGE_SESSION_KEY in session:
        return session[USER_LANGUAGE_SESSION_KEY]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    # A session from before the choice was remembered: read it once.
    language = user_language(user=user)
    session[USER_LANGUAGE_SESSION_KEY] = language
    return language


class UserLanguageMiddleware:
    """Goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = remembered_language(request)
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
