"""Token authentication: `Authorization: Bearer tsk_...`, as the token's user (see services.tokens)."""

from __future__ import annotations

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from screening.services.tokens import api_token_user


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(gettext("Send the token as 'Authorization: Bearer <token>'."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(gettext("The token holds characters a token never has.")) from None
        user = api_token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed(
                gettext("The token is unknown or revoked; ask your organisation's administrator for a new one.")
            )
        return user, None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
