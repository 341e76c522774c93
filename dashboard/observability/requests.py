"""Request ids and request metrics.

`with_request_id` wraps the whole ASGI application: every HTTP request and websocket gets an id,
the one a trusted proxy (DJANGO_TRUSTED_PROXIES) sent in X-Request-ID or a new one, carried by
every log line written while it is handled and echoed in the response's X-Request-ID header.
`RequestContextMiddleware` (Django) makes the request's user available to log lines once loaded,
and counts Django's answers by route.
"""

import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from dashboard.observability import context, metrics
from dashboard.observability.network import is_in

REQUEST_ID_HEADER = b"x-request-id"


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def request_id_for(scope: dict) -> str:
    client = scope.get("client") or ("", 0)
    trusted = getattr(settings, "TRUSTED_PROXIES", [])
    if trusted and is_in(client[0] or "", trusted):
        proposed = context.accepted_request_id(_header(scope, REQUEST_ID_HEADER))
        if proposed:
            return proposed
    return context.new_request_id()


def with_request_id(app):  # noqa: ANN001, ANN201
    async def wrapped(scope: dict, receive, send) -> None:  # noqa: ANN001
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        rid = request_id_for(scope)
        token = context.request_id.set(rid)
        encoded = rid.encode("latin-1")

        async def send_with_id(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, (REQUEST_ID_HEADER, encoded)]}
            await send(message)

        try:
            await app(scope, receive, send_with_id if scope["type"] == "http" else send)
        finally:
            context.request_id.reset(token)

    return wrapped


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


def _count(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    route = _route(request)
    metrics.HTTP_REQUESTS.labels(request.method or "", route, f"{response.status_code // 100}xx").inc()
    metrics.HTTP_SECONDS.labels(route).observe(time.perf_counter() - started)


class RequestContextMiddleware:
    """After AuthenticationMiddleware: log lines know the user (never loading it themselves)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:  # noqa: ANN001
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):  # noqa: ANN204
        if self.is_async:
            return self.__acall__(request)
        started = time.perf_counter()
        token = context.set_request(request)
        try:
            response = self.get_response(request)
        finally:
            context.reset_request(token)
        _count(request, response, started)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        token = context.set_request(request)
        try:
            response = await self.get_response(request)
        finally:
            context.reset_request(token)
        _count(request, response, started)
        return response
