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
    act(supervisor_client, call, "playback_start", {"audio_url": "https://example.com/a.mp3", "loop": "infinity"})
    assert eventually(lambda: Event.objects.filter(event_type="call.playback.started").exists())
    act(supervisor_client, call, "playback_stop", {"client_state_encoding": "text", "client_state": "stopped by sam"})
    stopped = base64.b64encode(b"stopped by sam").decode()
    ended = eventually(lambda: Event.objects.filter(event_type="call.playback.ended").first())
    assert ended is not None and ended.payload["client_state"] == stopped
    assert ended.payload["status"] == "cancelled"
    assert Call.objects.get(pk=call.pk).client_state == stopped
