"""Rate limits per API client (user) and per address for unauthenticated requests; 429 with Retry-After."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class ClientRateThrottle(UserRateThrottle):
    scope = "client"


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anonymous"
