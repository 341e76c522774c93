"""A real HTTP webhook receiver for the simulator's tests: it verifies every Ed25519 signature with
PyNaCl (answering 403 when one does not verify, as the dashboard does) and records everything."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from simulator.server import ServerThread


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int
    at: float
    method: str = "POST"

    @property
    def is_texml(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")

    @cached_property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)

    @cached_property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    @property
    def data(self) -> dict[str, Any]:
        return self.document["data"]


class WebhookReceiver:
    """The ASGI app; `fail_next` scripts error answers for retry tests."""

    def __init__(self, public_key: str) -> None:
        self.verify_key = VerifyKey(base64.b64decode(public_key))
        self.requests: list[Received] = []
        self.scripted: deque[int] = deque()
        self._changed = threading.Condition()

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # cut off mid-request (the simulator stopping): never a delivery
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        verified = self.verify(headers, body)
        status = self.scripted.popleft() if self.scripted else (200 if verified else 403)
        with self._changed:
            self.requests.append(
                Received(scope["path"], headers, body, verified, status, time.time(), scope["method"])
            )
            self._changed.notify_all()
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        try:
            signature = base64.b64decode(headers["telnyx-signature-ed25519"], validate=True)
            timestamp = headers["telnyx-timestamp"]
            self.verify_key.verify(timestamp.encode() + b"|" + body, signature)
        except (KeyError, ValueError, BadSignatureError):
            return False
        return abs(time.time() - int(timestamp)) <= 300

    def fail_next(self, *statuses: int) -> None:
        self.scripted.extend(statuses)

    def clear(self) -> None:
        with self._changed:
            self.requests.clear()
            self.scripted.clear()

    # --- what tests read --------------------------------------------------------------------------

    def accepted(self) -> list[Received]:
        return [item for item in list(self.requests) if item.verified and 200 <= item.status < 300]

    def events(self, call_control_id: str | None = None) -> list[dict[str, Any]]:
        """The `data` of every accepted Call Control webhook, optionally of one call only."""
        found = [item.data for item in self.accepted() if not item.is_texml]
        if call_control_id is None:
            return found
        return [data for data in found if data["payload"].get("call_control_id") == call_control_id]

    def types(self, call_control_id: str | None = None) -> list[str]:
        return [data["event_type"] for data in self.events(call_control_id)]

    def texml(self) -> list[dict[str, str]]:
        return [item.form for item in self.accepted() if item.is_texml]

    def wait_for(self, condition: Callable[[WebhookReceiver], bool], timeout: float = 3.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"condition not met within {timeout}s; got {self.types()}")
                self._changed.wait(remaining)

    def wait_for_type(
        self, event_type: str, call_control_id: str | None = None, count: int = 1
    ) -> dict[str, Any]:
        self.wait_for(lambda receiver: receiver.types(call_control_id).count(event_type) >= count)
        return [data for data in self.events(call_control_id) if data["event_type"] == event_type][count - 1]


class ReceiverServer:
    def __init__(self, public_key: str) -> None:
        self.app = WebhookReceiver(public_key)
        self._thread = ServerThread(self.app, lifespan="off")

    @property
    def url(self) -> str:
        return self._thread.url

    def start(self) -> ReceiverServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop()
