"""The HTTP surface: Bearer authentication, Telnyx error documents, the request log and the
loopback control API."""

import asyncio
from typing import Any

import httpx
import pytest

from simulator.server import SimulatorServer
from tests.simulator.receiver import WebhookReceiver


class Control:
    """The shared client, rooted at the control API."""

    def __init__(self, http: httpx.Client, root: str) -> None:
        self.http, self.root = http, root

    def get(self, path: str) -> httpx.Response:
        return self.http.get(self.root + path)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(self.root + path, **kwargs)


UNAUTHORIZED = {
    "errors": [
        {
            "code": "10009",
            "title": "Authentication failed",
            "detail": "The required authentication headers were either invalid or not included in the request.",
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
        }
    ]
}


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "KEYSWITCHBOARDDEMO"}]
)
def test_missing_or_wrong_key_is_401(
    sim: SimulatorServer, http: httpx.Client, headers: dict[str, str]
) -> None:
    response = http.get(f"{sim.base_url}/conferences", headers=headers)
    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    response = http.post(f"{sim.base_url}/calls", headers=headers, json={})
    assert response.status_code == 401


def test_unknown_routes_and_bad_bodies(sim: SimulatorServer, api: httpx.Client, http: httpx.Client) -> None:
    response = api.get("/nothing/here")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (404, "10005")
    assert http.get(f"{sim.url}/elsewhere").status_code == 404
    broken = api.post("/calls", content=b"{not json", headers={"content-type": "application/json"})
    assert (broken.status_code, broken.json()["errors"][0]["code"]) == (400, "10015")
    assert api.post("/calls", json=[1, 2]).status_code == 400
    assert api.delete("/calls").status_code == 405


def test_every_request_is_logged_without_the_key(
    sim: SimulatorServer, api: httpx.Client, http: httpx.Client
) -> None:
    api.post("/calls", json={"to": "+13125550101"})
    api.get("/conferences", params={"filter[name]": "x"})
    http.get(f"{sim.base_url}/conferences")
    first, second, third = sim.received
    assert (first["method"], first["path"], first["status"]) == ("POST", "/v2/calls", 422)
    assert first["body"] == {"to": "+13125550101"}
    assert second["query"] == {"filter[name]": "x"} and second["status"] == 200
    assert third["status"] == 401
    assert all("authorization" not in item["headers"] for item in sim.received)
    logged = http.get(f"{sim.url}/_sim/requests").json()["data"]
    assert [item["path"] for item in logged] == ["/v2/calls", "/v2/conferences", "/v2/conferences"]


def test_control_api(
    sim: SimulatorServer, api: httpx.Client, http: httpx.Client, receiver: WebhookReceiver
) -> None:
    control = Control(http, f"{sim.url}/_sim")
    created = control.post("/incoming_call", json={"caller_id_name": "Grace Hopper", "answer": True}).json()[
        "data"
    ]
    call_id = created["call_control_id"]
    receiver.wait_for_type("call.answered", call_id)
    assert receiver.events(call_id)[0]["payload"]["caller_id_name"] == "Grace Hopper"
    assert created["from"].startswith("+") and created["caller_id_name"] == "Grace Hopper"
    assert control.post(f"/calls/{call_id}/digits", json={"digits": "42"}).status_code == 200
    dialled = control.post("/dial", json={"to": "+13125550187", "outcome": "busy"}).json()["data"]
    assert (
        receiver.wait_for_type("call.hangup", dialled["call_control_id"])["payload"]["hangup_cause"]
        == "user_busy"
    )
    assert control.post("/dial", json={"to": "+13125550187", "outcome": "later"}).status_code == 400
    conference = control.post("/conferences", json={"name": "Remote", "participants": 2}).json()["data"]
    assert len(conference["calls"]) == 2
    assert (
        control.post("/dial_outcomes", json={"number": "+13125550188", "outcome": "busy"}).status_code == 200
    )
    assert control.post("/dial_outcomes", json={"number": "+1", "outcome": "maybe"}).status_code == 400
    assert control.post(f"/calls/{call_id}/hangup", json={"cause": "normal_clearing"}).status_code == 200
    receiver.wait_for_type("call.hangup", call_id)
    state = control.get("/state").json()["data"]
    assert state["public_key"] == sim.public_key
    assert {item["name"] for item in state["conferences"]} == {"Remote"}
    assert any(item["call_control_id"] == call_id and not item["is_alive"] for item in state["calls"])
    sim.wait_idle()
    webhooks = control.get("/webhooks").json()["data"]
    assert webhooks and all(item["ok"] for item in webhooks)
    assert control.post("/reset").json() == {"data": {"result": "ok"}}
    assert (
        control.get("/requests").json()["data"] == [] and control.get("/state").json()["data"]["calls"] == []
    )
    assert api.get(f"/calls/{call_id}").status_code == 404


def test_the_control_api_is_loopback_only(sim: SimulatorServer) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_sim/requests",
        "headers": [],
        "client": ("192.0.2.7", 4000),
    }
    asyncio.run(sim.app(scope, receive, send))
    assert sent[0]["status"] == 403
