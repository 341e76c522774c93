"""Throttles for the API's writes (every action) and exports: per token (or session user) and per
client address, counted in the cache, which every worker shares on the scale-out profile (Redis).

Reads are not throttled: they are cheap and paged. Rates are API_THROTTLE_RATES in settings
("60/min"; None: unlimited), read at each request so that a deployment (or a test) can change them.
A refusal is a 429 with Retry-After, in the API's one error shape.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module (DEFAULT_THROTTLE_CLASSES)
    from rest_framework.views import APIView


def _kind(request: Request, view: "APIView") -> str | None:
    if getattr(view, "is_export", False):
        return "exports"
    return None if request.method in SAFE_METHODS else "writes"


class _WriteThrottle(SimpleRateThrottle):
    scope = "writes"
    per = ""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: "APIView") -> bool:
        kind = _kind(request, view)
        if kind is None:
            return True
        self.scope = f"{kind}_per_{self.per}"
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class PerTokenThrottle(_WriteThrottle):
    """Each token apart (a session counts as its user's)."""

    per = "token"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        digest = getattr(request.auth, "digest", None)
        ident = f"token-{digest}" if digest else f"user-{getattr(request.user, 'pk', '')}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddressThrottle(_WriteThrottle):
    """Each client address, whoever it authenticates as."""

    per = "address"

    def get_cache_key(self, request: Request, view: "APIView") -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
