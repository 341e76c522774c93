"""The official Telnyx Python SDK cannot tell the simulator from Telnyx: its client works against
it, and its webhook verification accepts what the simulator signs."""

import base64
import json
from collections.abc import Iterator

import pytest
import telnyx
from django.conf import settings

from simulator.server import SimulatorServer
from tests.simulator.conftest import DEMO_PUBLIC_KEY
from tests.simulator.receiver import WebhookReceiver

STATE = base64.b64encode(b"from the sdk").decode()


@pytest.fixture(scope="session")
def shared_client(shared_simulator: SimulatorServer) -> Iterator[telnyx.Telnyx]:
    base_url = shared_simulator.base_url
    with telnyx.Telnyx(api_key=settings.TELNYX_API_KEY, base_url=base_url, max_retries=0) as sdk:
        yield sdk


@pytest.fixture
def client(sim: SimulatorServer, shared_client: telnyx.Telnyx) -> telnyx.Telnyx:
    """The official SDK's client, pointed at the (emptied) shared simulator."""
    return shared_client


def test_update_client_state(
    sim: SimulatorServer, client: telnyx.Telnyx, receiver: WebhookReceiver, live_call: str
) -> None:
    response = client.calls.actions.update_client_state(call_control_id=live_call, client_state=STATE)
    assert response.data is not None and response.data.result == "ok"
    client.calls.actions.hangup(call_control_id=live_call)
    hangup = receiver.wait_for_type("call.hangup", live_call)
    assert hangup["payload"]["client_state"] == STATE
    [request] = [item for item in sim.received if item["path"].endswith("client_state_update")]
    assert request["method"] == "PUT" and request["body"] == {"client_state": STATE}
    assert "authorization" not in request["headers"]


def test_update_conference_participant(sim: SimulatorServer, client: telnyx.Telnyx) -> None:
    conference = sim.world.start_conference("SDK conference", participants=2)
    participant_id = sim.world.conference_info(conference.id)["participants"][1]["id"]
    response = client.conferences.update_participant(
        participant_id=participant_id, id=conference.id, beep_enabled="never", end_conference_on_exit=True
    )
    assert response.data is not None
    assert response.data.id == participant_id and response.data.end_conference_on_exit is True
    assert response.data.status == "joined" and response.data.conference_id == conference.id
    listed = list(client.conferences.list_participants(conference.id))
    assert [item.id for item in listed][1] == participant_id and listed[1].end_conference_on_exit is True


def test_update_texml_participant(sim: SimulatorServer, client: telnyx.Telnyx) -> None:
    participant = sim.world.texml_dial_participant("SDK TeXML", "+13125550140", label="caller")
    sim.wait_idle()
    updated = client.texml.accounts.conferences.participants.update(
        call_sid_or_participant_label="caller",
        account_sid=settings.TELNYX_TEXML_ACCOUNT_SID,
        conference_sid=participant["conference_sid"],
        muted=True,
        hold=True,
        hold_method="POST",
    )
    assert updated.muted is True and updated.hold is True and updated.call_sid == participant["call_sid"]
    assert updated.status == "connected"


def test_dial_retrieve_and_list(sim: SimulatorServer, client: telnyx.Telnyx) -> None:
    dialled = client.calls.dial(
        connection_id=settings.TELNYX_CONNECTION_ID, from_="+13125550100", to="+13125550101"
    )
    assert dialled.data is not None and dialled.data.is_alive is False
    sim.wait_idle()
    status = client.calls.retrieve_status(dialled.data.call_control_id)
    assert status.data is not None and status.data.is_alive is True
    active = list(client.connections.list_active_calls(settings.TELNYX_CONNECTION_ID, page_size=1))
    assert [item.call_control_id for item in active] == [dialled.data.call_control_id]
    sim.world.start_conference("Listed", participants=1)
    assert [item.name for item in client.conferences.list()] == ["Listed"]


def test_errors_map_to_sdk_exceptions(sim: SimulatorServer, client: telnyx.Telnyx, live_call: str) -> None:
    with pytest.raises(telnyx.UnprocessableEntityError) as refused:
        client.calls.actions.switch_supervisor_role(call_control_id=live_call, role="barge")
    assert refused.value.status_code == 422
    with pytest.raises(telnyx.UnprocessableEntityError) as unknown:
        client.calls.actions.hangup(call_control_id="v3:unknown")
    assert unknown.value.body["errors"][0]["code"] == "90015"  # seed 000's Invalid Call Control ID
    stranger = client.with_options(api_key="KEY-wrong")
    with pytest.raises(telnyx.AuthenticationError) as denied:
        stranger.calls.actions.hangup(call_control_id=live_call)
    assert denied.value.body == {
        "errors": [
            {
                "code": "10009",
                "title": "Authentication failed",
                "detail": "The required authentication headers were either invalid or not included in the request.",
                "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
            }
        ]
    }


def test_sdk_verifies_every_webhook_the_simulator_signs(
    sim: SimulatorServer, client: telnyx.Telnyx, receiver: WebhookReceiver, live_call: str
) -> None:
    client.calls.actions.start_playback(call_control_id=live_call, audio_url="https://example.com/a.mp3")
    client.calls.actions.start_forking(
        call_control_id=live_call, rx="udp:192.0.2.1:9000", tx="udp:192.0.2.1:9001"
    )
    client.calls.actions.hangup(call_control_id=live_call)
    sim.world.start_conference("Verified", participants=2)
    sim.wait_idle()
    delivered = [item for item in receiver.requests if not item.is_texml]
    assert len(delivered) == 12
    for item in delivered:
        event = client.webhooks.unwrap(item.body.decode(), headers=item.headers, key=DEMO_PUBLIC_KEY)
        parsed = json.loads(event.to_json())
        assert parsed["data"]["event_type"] == item.data["event_type"]
        if item.data["event_type"] == "call.hangup":
            assert parsed["data"]["payload"]["hangup_cause"] == "normal_clearing"
    tampered = delivered[0].body.decode().replace(live_call, "v3:someone-else")
    with pytest.raises(ValueError, match="Signature verification failed"):
        client.webhooks.unwrap(tampered, headers=delivered[0].headers, key=DEMO_PUBLIC_KEY)
