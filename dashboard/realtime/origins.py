"""Which pages may open a websocket: the same origin, compared whole (scheme, host and port).

Channels' AllowedHostsOriginValidator compares the host alone, so a page served by anything else on
the same host (`http://localhost:9999`) could open the dashboard's sockets with its user's cookie.
Here, as Django's CSRF check does for forms, the Origin must be the origin the socket was opened on
(its Host, an allowed host name, with the socket's scheme) or, the Host being allowed, one of
CSRF_TRUSTED_ORIGINS (the public origin behind a TLS proxy).
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str, port: int | None) -> str:
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{scheme}://{host}:{port}"


def _trusted(origin: str) -> bool:
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if origin == trusted.lower():
            return True
        scheme, _, rest = trusted.lower().partition("://*")
        if rest and origin.startswith(scheme + "://") and origin.endswith(rest):  # https://*.example.com
            return True
    return False


def _served_at(scope: dict, host_header: str) -> set[str]:
    """The origins a socket opened with this Host is served at (none if the host is not allowed)."""
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return set()
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    if port:
        return {_origin(scheme, domain, int(port))}
    # No port in Host: the scheme's default, or the one the server listens on (a client that left it out).
    server_port = (scope.get("server") or (None, None))[1]
    return {_origin(scheme, domain, None), _origin(scheme, domain, server_port)}


def allowed_origin(scope: dict) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin", b"").decode("latin-1").strip().lower()
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    try:
        normalised = _origin(parts.scheme, parts.hostname or "", parts.port)
    except ValueError:  # a port that is not a number
        return False
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    served_at = _served_at(scope, host)
    return bool(served_at) and (normalised in served_at or _trusted(normalised))


class _Denier(WebsocketDenier):
    """Closes before accepting, holding no channel of the layer: a refused socket has nothing to
    receive, and a pending Redis read would outlive it (its cancellation waits on the socket)."""

    channel_layer_alias = "(none: a refused socket joins no layer)"


class SameOriginValidator:
    """ASGI middleware: a websocket from another origin is denied (closed before it is accepted)."""

    def __init__(self, application) -> None:  # noqa: ANN001
        self.application = application

    async def __call__(self, scope: dict, receive, send):  # noqa: ANN001, ANN204
        if scope["type"] == "websocket" and not allowed_origin(scope):
            denier = _Denier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
