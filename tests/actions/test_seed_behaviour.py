"""Behaviour the seeds document, end to end: the dashboard's command, the simulator's webhooks,
what the supervisor then sees."""

import base64

import pytest

from calls.models import Call
from dashboard.models import Event
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def answered_call(simulator) -> Call:
    handle = simulator.world.answered_call()
    call = eventually(
        lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").first()
    )
    assert call is not None, "the simulator's call never reached the dashboard"
    return call


def act(client, call: Call, action: str, data: dict):
    response = client.post(
        f"/api/calls/{call.call_control_id}/actions/{action}/", data, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_playback_stops_client_state_comes_back_on_the_playbacks_end(supervisor_client, simulator):
    # Seed 002, stop audio playback: "client_state / Use this field to add state to every
    # subsequent webhook."; its expected webhook is call.playback.ended.
    call = answered_call(simulator)
    act(
        supervisor_client,
        call,
        "playback_start",
        {"audio_url": "https://example.com/a.mp3", "loop": "infinity"},
    )
    assert eventually(lambda: Event.objects.filter(event_type="call.playback.started").exists())
    act(
        supervisor_client,
        call,
        "playback_stop",
        {"client_state_encoding": "text", "client_state": "stopped by sam"},
    )
    stopped = base64.b64encode(b"stopped by sam").decode()
    ended = eventually(lambda: Event.objects.filter(event_type="call.playback.ended").first())
    assert ended is not None and ended.payload["client_state"] == stopped
    assert ended.payload["status"] == "cancelled"
    assert Call.objects.get(pk=call.pk).client_state == stopped


@pytest.mark.parametrize(
    "data",
    [
        {"target": "udp:192.0.2.1:9000", "stream_type": "raw"},
        {"rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001", "stream_type": "decrypted"},
    ],
    ids=["target-raw", "rx-tx-decrypted"],
)
def test_a_fork_is_sent_as_given_and_its_stream_type_shows(supervisor_client, simulator, data):
    # Seed 002, forking start: "target / The network target, udp:ip_address:port" (the SDK's
    # start_forking lacks it) and "stream_type / Default: "raw" / Enum: "raw" "decrypted""; its
    # call.fork.started and call.fork.stopped samples carry "stream_type".
    call = answered_call(simulator)
    act(supervisor_client, call, "fork_start", data)
    assert simulator.received[-1]["body"] | {"command_id": None} == data | {"command_id": None}
    started = eventually(lambda: Event.objects.filter(event_type="call.fork.started").first())
    assert started is not None and started.payload["stream_type"] == data["stream_type"]
    assert eventually(lambda: Call.objects.get(pk=call.pk).details.get("fork", {}).get("active") is True)
    assert Call.objects.get(pk=call.pk).details["fork"]["stream_type"] == data["stream_type"]
    act(supervisor_client, call, "fork_stop", {"stream_type": data["stream_type"]})
    stopped = eventually(lambda: Event.objects.filter(event_type="call.fork.stopped").first())
    assert stopped is not None and stopped.payload["stream_type"] == data["stream_type"]
