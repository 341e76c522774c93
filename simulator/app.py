"""The ASGI application: Bearer authentication, body parsing, request logging, routing, and
Telnyx-shaped error responses. /v2/… is the simulated API, /_sim/… the loopback-only control."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, unquote

from simulator.api import Request, Response, Route, calls, conferences, control, texml
from simulator.ids import iso, now
from simulator.runtime import Runtime
from simulator.validation import ApiError, error, malformed_body, route_not_found, unauthorized

log = logging.getLogger("simulator")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 1024 * 1024
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
API_ROUTES: list[Route] = [*calls.ROUTES, *conferences.ROUTES, *texml.ROUTES]


class SimulatorApp:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            raw = await self._read_body(receive)
            response = Response(413, {"errors": [error("10015", "Bad Request", "Body too large.")]})
            if raw is not None:
                response = self._handle(scope, raw)
            await self._send(send, response)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.runtime.start()
                except Exception as exc:
                    log.exception("simulator failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.runtime.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    async def _read_body(receive: Receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    def _handle(self, scope: Scope, raw: bytes) -> Response:
        # raw_path keeps %2F inside an id from splitting the path.
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        segments = [unquote(segment) for segment in raw_path.split("?")[0].strip("/").split("/")]
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        request = Request(
            method=scope["method"],
            path=scope["path"],
            query=dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
            headers=headers,
            body={},
            runtime=self.runtime,
            client_host=(scope.get("client") or (None,))[0],
        )
        if segments[0] == "v2":
            return self._api(request, segments[1:], raw)
        if segments[0] == "_sim":
            return self._control(request, segments[1:], raw)
        return Response(404, route_not_found().body())

    def _api(self, request: Request, segments: list[str], raw: bytes) -> Response:
        record: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "headers": {key: value for key, value in request.headers.items() if key != "authorization"},
            "body": None,
            "status": None,
            "received_at": iso(now()),
        }
        self.runtime.received.append(record)

        def run() -> Response:
            problem = None
            try:
                record["body"] = parse_body(request.headers.get("content-type", ""), raw)
            except ApiError as exc:
                record["body"], problem = raw.decode("utf-8", "replace"), exc
            given = request.headers.get("authorization", "").encode()
            if not secrets.compare_digest(given, f"Bearer {self.runtime.options.api_key}".encode()):
                raise unauthorized()
            if problem:
                raise problem
            request.body = record["body"]
            if segments and segments[0] == "texml":
                # TeXML resources may be named with Twilio's ".json" suffix.
                segments[-1] = segments[-1].removesuffix(".json")
            return dispatch(API_ROUTES, request, segments)

        response = self._render(run)
        record["status"] = response.status
        return response

    def _control(self, request: Request, segments: list[str], raw: bytes) -> Response:
        if request.client_host not in LOOPBACK:
            return Response(
                403, {"errors": [{"title": "Forbidden", "detail": "The control API is loopback only."}]}
            )

        def run() -> Response:
            request.body = parse_body(request.headers.get("content-type", ""), raw)
            return dispatch(control.ROUTES, request, segments)

        return self._render(run)

    @staticmethod
    def _render(run: Callable[[], Response]) -> Response:
        try:
            return run()
        except ApiError as exc:
            return Response(exc.status, exc.body())
        except Exception:
            log.exception("simulator request failed")
            return Response(
                500, {"errors": [error("10007", "Unexpected error", "An unexpected error occurred.")]}
            )

    @staticmethod
    async def _send(send: Send, response: Response) -> None:
        body = b"" if response.body is None else json.dumps(response.body).encode()
        headers = [(key.encode(), value.encode()) for key, value in response.headers.items()]
        if response.body is not None:
            headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def dispatch(routes: list[Route], request: Request, segments: list[str]) -> Response:
    allowed: list[str] = []
    for candidate in routes:
        params = candidate.match(segments)
        if params is None:
            continue
        if request.method in candidate.methods:
            return candidate.handler(request, **params)
        allowed.extend(candidate.methods)
    if allowed:
        raise ApiError(405, [error("10015", "Bad Request", f"Method {request.method} is not allowed here.")])
    raise route_not_found()


def parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """JSON objects, or form fields (TeXML); an empty body is an empty object."""
    if not raw.strip():
        return {}
    text = raw.decode("utf-8", "replace")
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise malformed_body("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise malformed_body("The request body must be a JSON object.")
    return document
