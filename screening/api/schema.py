"""OpenAPI: every operation documents the error responses it can give (in the one error shape) and, for a
POST, the Idempotency-Key header."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .idempotency import HEADER_NAME

_ERRORS = {
    "400": "The request is invalid: see errors[] for each problem, where it is and what to do.",
    "401": "No credentials, or an unknown or revoked token.",
    "403": "Your role does not allow this.",
    "404": "Nothing here, or nothing you may see.",
    "405": "This method is not allowed here.",
    "406": "Only application/json responses are given.",
    "409": "The Idempotency-Key was used for another request, or its first request is still running; or the "
           "object's state does not allow this yet.",
    "413": "A file or the request is over the size limit.",
    "415": "The body's media type is not accepted here.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
}
_WRITE_ONLY = {"409", "413", "415"}


class ScreeningAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(OpenApiParameter(
                HEADER_NAME, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                description="Any unique string (a UUID): a retry with the same key and body returns the first "
                            "response instead of doing the work twice; another body with the same key gets 409.",
            ))
        return parameters

    def _get_response_bodies(self, direction="response"):
        from .serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        for code, description in _ERRORS.items():
            if code in responses or (code in _WRITE_ONLY and self.method in ("GET", "HEAD")):
                continue
            body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            body["description"] = description
            responses[code] = body
        return responses


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiTokenScheme(OpenApiAuthenticationExtension):
        target_class = "screening.api.authentication.ApiTokenAuthentication"
        name = "bearerToken"

        def get_security_definition(self, auto_schema):
            return {"type": "http", "scheme": "bearer", "description": "An API client's token (tsk_...)."}
except ImportError:  # pragma: no cover
    pass
