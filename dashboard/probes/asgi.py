"""/healthz, /readyz and /metrics as a bare ASGI app, in front of Django.

A load balancer or an orchestrator probes by address, over plain http, many times a minute: these
paths skip Django's middleware (no host check, no HTTPS redirect, no session, no database for
/healthz) and need no login. /metrics is guarded by METRICS_TOKEN or METRICS_ALLOWED_IPS instead.
"""

import json

from asgiref.sync import sync_to_async

from dashboard.probes.exposition import CONTENT_TYPE, metrics_refusal, render
from dashboard.probes.readiness import readiness

PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_NO_STORE = (b"cache-control", b"no-store")


async def _answer(send, status: int, body: bytes, content_type: str, extra: list | None = None) -> None:  # noqa: ANN001
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        _NO_STORE,
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send, status: int, document: dict, extra: list | None = None) -> None:  # noqa: ANN001
    await _answer(send, status, json.dumps(document).encode(), "application/json", extra)


async def probe_app(scope: dict, receive, send) -> None:  # noqa: ANN001
    path = scope["path"]
    if scope["method"] not in ("GET", "HEAD"):
        await _json(send, 405, {"error": "only GET is allowed"}, [(b"allow", b"GET, HEAD")])
        return
    if path == "/healthz":
        await _json(send, 200, {"status": "ok"})
        return
    if path == "/readyz":
        ready, checks = await readiness()
        document = {"status": "ok" if ready else "unavailable", "checks": checks}
        if not ready:
            document["failing"] = [name for name, state in checks.items() if state != "ok"]
        await _json(send, 200 if ready else 503, document)
        return
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
    client = scope.get("client") or ("", 0)
    refusal = metrics_refusal(client[0] or "", headers)
    if refusal is not None:
        extra = [(b"www-authenticate", b"Bearer")] if refusal == 401 else []
        await _json(send, refusal, {"error": "not found" if refusal == 404 else "not allowed"}, extra)
        return
    body = await sync_to_async(render, thread_sensitive=False)()
    await _answer(send, 200, body, CONTENT_TYPE)
