"""Webhook delivery: retries with meta.attempt, bounded attempts, per-call order, and command_id
de-duplication."""

import socket
import time

import httpx
import pytest

from simulator.options import Delivery
from simulator.server import SimulatorServer
from tests.simulator.conftest import client_for, make_simulator
from tests.simulator.receiver import WebhookReceiver


def test_retries_non_2xx_with_increasing_attempt(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    receiver.fail_next(500, 503)
    api.post(f"/calls/{live_call}/actions/hangup", json={})
    sim.wait_idle()
    attempts = [item.document["meta"]["attempt"] for item in receiver.requests]
    assert attempts == [1, 2, 3]
    assert [item.status for item in receiver.requests] == [500, 503, 200]
    assert len({item.data["id"] for item in receiver.requests}) == 1
    hangups = [record for record in sim.deliveries if record.event_type == "call.hangup"]
    assert [(record.attempt, record.status, record.ok) for record in hangups] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]


def test_attempts_are_bounded(sim: SimulatorServer, receiver: WebhookReceiver, live_call: str) -> None:
    receiver.fail_next(500, 500, 500, 500)
    sim.world.hangup(live_call)
    sim.wait_idle()
    assert len(receiver.requests) == 3  # max_attempts of the test delivery settings
    assert not any(record.ok for record in sim.deliveries if record.event_type == "call.hangup")


def test_connection_errors_are_retried() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/webhooks/"
    with make_simulator(url, delivery=Delivery(max_attempts=2, retry_backoff=0.01, timeout=1)) as sim:
        sim.world.incoming_call()
        sim.wait_idle()
        assert [(record.attempt, record.status) for record in sim.deliveries] == [(1, None), (2, None)]
        assert all(record.error and "Connect" in record.error for record in sim.deliveries)


def test_each_calls_webhooks_arrive_in_order(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    calls = [sim.world.answered_call().call_control_id for _ in range(20)]
    for call_id in calls:
        sim.world.press_digits(call_id, "123456789")
        sim.world.hangup(call_id)
    sim.wait_idle()
    for call_id in calls:
        expected = ["call.initiated", "call.answered", *["call.dtmf.received"] * 9, "call.hangup"]
        assert receiver.types(call_id) == expected
        digits = [event["payload"]["digit"] for event in receiver.events(call_id)[2:-1]]
        assert digits == list("123456789")


def test_unordered_delivery_still_delivers_everything(receiver: WebhookReceiver, webhook_url: str) -> None:
    unordered = Delivery(max_attempts=2, retry_backoff=0.01, ordered=False)
    with make_simulator(webhook_url, delivery=unordered) as sim:
        receiver.clear()
        call = sim.world.answered_call().call_control_id
        sim.world.press_digits(call, "1234")
        sim.wait_idle()
        assert sorted(receiver.types(call)) == sorted(
            ["call.initiated", "call.answered", *["call.dtmf.received"] * 4]
        )


def test_a_repeated_command_id_is_ignored_and_answered_ok(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    body = {"payload": "Hello", "voice": "female", "command_id": "891510ac-f3e4-11e8-af5b-de00688a4901"}
    first = api.post(f"/calls/{live_call}/actions/speak", json=body)
    second = api.post(f"/calls/{live_call}/actions/speak", json=body)
    assert first.json() == second.json() == {"data": {"result": "ok"}}
    hangup = {"command_id": "hangup-1"}
    assert api.post(f"/calls/{live_call}/actions/hangup", json=hangup).status_code == 200
    assert api.post(f"/calls/{live_call}/actions/hangup", json=hangup).status_code == 200
    sim.wait_idle()
    assert receiver.types(live_call) == ["call.speak.started", "call.speak.ended", "call.hangup"]
    assert api.post(f"/calls/{live_call}/actions/hangup", json={"command_id": "hangup-2"}).status_code == 422


def test_a_repeated_dial_returns_the_same_call(sim: SimulatorServer, api: httpx.Client) -> None:
    body = {
        "to": "+13125550101",
        "from": "+13125550100",
        "connection_id": sim.options.connection_id,
        "command_id": "d-1",
    }
    first = api.post("/calls", json=body).json()["data"]
    second = api.post("/calls", json=body).json()["data"]
    assert first["call_control_id"] == second["call_control_id"]
    assert len(sim.world.live_calls()) == 1


def test_command_ids_are_per_call_and_expire(receiver: WebhookReceiver, webhook_url: str) -> None:
    with make_simulator(webhook_url, command_id_ttl=0.2) as sim, client_for(sim) as api:
        first, second = (sim.world.answered_call().call_control_id for _ in range(2))
        body = {"queue_name": "support", "command_id": "same"}
        assert api.post(f"/calls/{first}/actions/enqueue", json=body).status_code == 200
        assert api.post(f"/calls/{second}/actions/enqueue", json=body).status_code == 200
        assert sim.world.call_info(second)["queue"] == "support"
        time.sleep(0.25)
        again = api.post(f"/calls/{first}/actions/enqueue", json=body)
        assert again.json()["errors"][0]["code"] == "90038"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
def test_every_non_2xx_is_retried(sim: SimulatorServer, receiver: WebhookReceiver, status: int) -> None:
    receiver.fail_next(status)
    sim.world.incoming_call()
    sim.wait_idle()
    assert [item.status for item in receiver.requests] == [status, 200]
