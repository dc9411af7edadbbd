"""Foundations for the API views of the plugin and of the host site."""

from __future__ import annotations

from rest_framework import generics, viewsets
from rest_framework.views import APIView

from . import idempotency


def validated(serializer_class, data, **kwargs):
    """The request data checked by an input serializer (a 400 in the API's error shape otherwise)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class IdempotentMixin:
    """Answers a repeated POST with an Idempotency-Key from its stored first response (see idempotency)."""

    _idempotency_record = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions and throttles first
        self._idempotency_record = idempotency.claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return idempotency.replay_response(exc.record)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            idempotency.complete(record, response)
        return response


class ApiView(IdempotentMixin, APIView):
    pass


class ApiGenericView(IdempotentMixin, generics.GenericAPIView):
    pass


class ApiViewSet(IdempotentMixin, viewsets.GenericViewSet):
    lookup_value_converter = "id"
