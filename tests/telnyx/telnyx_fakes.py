"""Test doubles for the Telnyx API: a scripted httpx MockTransport handler and canned answers."""

import json
from collections.abc import Callable
from typing import Any

import httpx

API_KEY = "KEY0123456789ABCDEF_secret-value"
BASE_URL = "https://api.telnyx.test/v2"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeTelnyx:
    """A MockTransport handler: answers from a script (then 200 ok) and records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._script: list[Answer] = []

    def answer(self, *answers: Answer) -> None:
        self._script.extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self._script.pop(0) if self._script else ok()
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def json_bodies(self) -> list[Any]:
        return [json.loads(request.content) for request in self.requests]


def ok(data: Any = None, **kwargs: Any) -> httpx.Response:
    return httpx.Response(200, json={"data": {"result": "ok"} if data is None else data}, **kwargs)


def telnyx_error(status: int, code: str, title: str, detail: str, **extra: Any) -> httpx.Response:
    return httpx.Response(
        status, json={"errors": [{"code": code, "title": title, "detail": detail, **extra}]}
    )


def call_command(client, action: str, *, call_control_id: str = "v3:call-1", params=None, command_id=None):  # noqa: ANN001, ANN201
    """Send a call command the way the action runner does: POST /calls/{id}/actions/<action>."""
    return client.command(
        "POST",
        f"/calls/{{call_control_id}}/actions/{action}",
        ids={"call_control_id": call_control_id},
        params=params,
        command_id=command_id,
    )


def dial(client, *, params, command_id="cmd-dial"):  # noqa: ANN001, ANN201
    return client.command("POST", "/calls", params=params, command_id=command_id)
