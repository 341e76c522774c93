"""Context processor: `delivery_warning` for the banner shown on every page when webhooks stop.

Evaluated only when a template reads it (a callable, which the template engine calls), at most
once per request, and shared between requests through the cache for a few seconds: rendering a
page costs at most one or two indexed queries every CACHE_SECS.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest

from operations.history.delivery import DeliveryWarning, silence_warning

CACHE_KEY = "history:delivery-warning"
CACHE_SECS = 5


def _cached_warning() -> DeliveryWarning | None:
    return cache.get_or_set(CACHE_KEY, silence_warning, timeout=CACHE_SECS)


def _once(compute: Callable[[], DeliveryWarning | None]) -> Callable[[], DeliveryWarning | None]:
    result: list[DeliveryWarning | None] = []

    def value() -> DeliveryWarning | None:
        if not result:
            result.append(compute())
        return result[0]

    return value


def delivery_warning(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"delivery_warning": None}
    return {"delivery_warning": _once(_cached_warning)}
