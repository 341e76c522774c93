"""The webhook endpoints as a bare ASGI app, in front of Django's middleware.

Webhooks need no session, CSRF, authentication or static files, and Django runs each of those
sync-style middlewares in a thread of its own under ASGI: two thread hops each, per request.
Serving the two webhook paths here keeps verification, parsing and the answer in the event loop;
the core (`receive_webhook`) is the same one the Django views use.
"""

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
        await _send(send, await reject(endpoint, "body too large", 413, remote_addr, declared))
        return
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            await _send(send, await reject(endpoint, "body too large", 413, remote_addr, size))
            return
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    await _send(send, await receive_webhook(endpoint, b"".join(chunks), headers, remote_addr))
