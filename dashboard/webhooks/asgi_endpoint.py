"""The webhook endpoints as a bare ASGI app, in front of Django's middleware.

Webhooks need no session, CSRF, authentication or static files, and Django runs each of those
sync-style middlewares in a thread of its own under ASGI: two thread hops each, per request.
Serving the two webhook paths here keeps verification, parsing and the answer in the event loop;
the core (`receive_webhook`) is the same one the Django views use.
"""

import asyncio
import json

from django.conf import settings

from dashboard.webhooks.receive import Answer, receive_webhook, reject

WEBHOOK_PATHS = {"/webhooks/telnyx/": "call_control", "/webhooks/telnyx/texml/": "texml"}


async def _send(send, answer: Answer) -> None:  # noqa: ANN001
    body = json.dumps(answer.body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(name.lower().encode(), value.encode()) for name, value in answer.headers.items()]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def webhook_app(scope: dict, receive, send) -> None:  # noqa: ANN001
    endpoint = WEBHOOK_PATHS[scope["path"]]
    client = scope.get("client") or ("", 0)
    remote_addr = client[0] or ""
    if scope["method"] != "POST":
        answer = Answer(405, {"error": "only POST is allowed"}, {"Allow": "POST"})
        await _send(send, answer)
        return
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(headers.get("content-length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        await _send(send, reject(endpoint, "body too large", 413, remote_addr, declared))
        return
    try:
        # A deadline for the whole body: slow senders must not hold buffers and sockets for free.
        async with asyncio.timeout(settings.WEBHOOK_READ_TIMEOUT_SECS):
            body = await _read_body(receive, limit)
    except TimeoutError:
        await _send(send, reject(endpoint, "body not received in time", 408, remote_addr, 0))
        return
    if body is None:  # the sender went away
        return
    if len(body) > limit:
        await _send(send, reject(endpoint, "body too large", 413, remote_addr, len(body)))
        return
    await _send(send, await receive_webhook(endpoint, body, headers, remote_addr))


async def _read_body(receive, limit: int) -> bytes | None:  # noqa: ANN001
    """The body, or as much as shows it is over `limit`; None when the client disconnected."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if size > limit or not message.get("more_body"):
            return b"".join(chunks)
