"""The simulator's part in supervision, as strict as Telnyx: a dial with `supervise_call_control_id`
attaches the supervisor's leg to an answered call once it answers, `switch_supervisor_role` changes
its role, and a refused dial places no call."""

import httpx
import pytest
import telnyx
from django.conf import settings

from simulator.server import SimulatorServer
from tests.simulator.receiver import WebhookReceiver

SUPERVISOR = "+13125550199"


def supervise(api: httpx.Client, target: str, role: str = "monitor", **extra: object) -> httpx.Response:
    body = {
        "to": SUPERVISOR,
        "from": "+13125550100",
        "connection_id": settings.TELNYX_CONNECTION_ID,
        "supervise_call_control_id": target,
        "supervisor_role": role,
        **extra,
    }
    return api.post("/calls", json=body)


def events_of(sim: SimulatorServer, receiver: WebhookReceiver, call_id: str) -> list[str]:
    sim.wait_idle()
    return [
        item.data["event_type"]
        for item in receiver.requests
        if not item.is_texml and item.data["payload"].get("call_control_id") == call_id
    ]


def test_an_answered_supervisor_is_attached_switches_role_and_leaves_the_call_up(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    response = supervise(api, live_call)
    assert response.status_code == 200, response.text
    leg = response.json()["data"]["call_control_id"]
    assert events_of(sim, receiver, leg) == ["call.initiated", "call.answered", "call.bridged"]
    info = sim.world.call_info(leg)
    assert (info["supervising"], info["supervisor_role"]) == (live_call, "monitor")
    assert sim.world.call_info(live_call)["supervisors"] == [leg]

    for role in ("whisper", "barge"):
        switched = api.post(f"/calls/{leg}/actions/switch_supervisor_role", json={"role": role})
        assert switched.json() == {"data": {"result": "ok"}}
        assert sim.world.call_info(leg)["supervisor_role"] == role
    refused = api.post(f"/calls/{leg}/actions/switch_supervisor_role", json={"role": "boss"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "10032"

    # Leaving hangs up the supervisor only.
    assert api.post(f"/calls/{leg}/actions/hangup", json={}).status_code == 200
    sim.wait_idle()
    assert sim.world.call_info(leg)["is_alive"] is False
    assert sim.world.call_info(live_call)["is_alive"] is True
    assert sim.world.call_info(live_call)["supervisors"] == []


def test_the_supervisor_leg_ends_with_the_call_it_supervises(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    leg = supervise(api, live_call, "barge").json()["data"]["call_control_id"]
    sim.wait_idle()
    sim.world.hangup(live_call)
    assert events_of(sim, receiver, leg)[-1] == "call.hangup"
    assert sim.world.call_info(leg)["is_alive"] is False


def test_a_supervisor_who_does_not_answer_is_never_attached(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    sim.world.set_dial_outcome(SUPERVISOR, "busy")
    leg = supervise(api, live_call).json()["data"]["call_control_id"]
    assert events_of(sim, receiver, leg) == ["call.initiated", "call.hangup"]
    assert sim.world.call_info(live_call)["supervisors"] == []
    # A ringing supervisor's role cannot be switched: Telnyx's "not answered yet".
    sim.world.set_dial_outcome(SUPERVISOR, "no_answer")
    ringing = supervise(api, live_call).json()["data"]["call_control_id"]
    refused = api.post(f"/calls/{ringing}/actions/switch_supervisor_role", json={"role": "barge"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "90034"


@pytest.mark.parametrize(
    ("target", "code", "pointer"),
    [
        ("ringing", "90033", None),
        ("ended", "90018", None),
        ("v3:no-such-call", "90015", "/supervise_call_control_id"),
    ],
)
def test_a_call_that_cannot_be_supervised_is_refused_and_nothing_is_dialled(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, target: str, code: str, pointer: str | None
) -> None:
    if target == "ringing":
        target = sim.world.incoming_call().call_control_id
    elif target == "ended":
        target = sim.world.answered_call().call_control_id
        sim.world.hangup(target)
    sim.wait_idle()
    before = len(sim.world.live_calls())
    response = supervise(api, target)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["code"] == code
    assert problem.get("source", {}).get("pointer") == pointer
    assert len(sim.world.live_calls()) == before
    assert SUPERVISOR not in {item.data["payload"].get("to") for item in receiver.requests if not item.is_texml}


def test_the_supervisor_role_is_one_of_telnyxs_three(sim: SimulatorServer, api: httpx.Client, live_call: str) -> None:
    response = supervise(api, live_call, "none")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "10032"


def test_telnyxs_sdk_supervises_through_the_simulator(sim: SimulatorServer, live_call: str) -> None:
    """The official SDK is the referee: its `calls.dial` fields and `switch_supervisor_role` work as documented."""
    with telnyx.Telnyx(api_key=settings.TELNYX_API_KEY, base_url=sim.base_url, max_retries=0) as sdk:
        dialled = sdk.calls.dial(
            connection_id=settings.TELNYX_CONNECTION_ID,
            to=SUPERVISOR,
            from_="+13125550100",
            supervise_call_control_id=live_call,
            supervisor_role="whisper",
        )
        leg = dialled.data.call_control_id
        sim.wait_idle()
        assert sim.world.call_info(leg)["supervisor_role"] == "whisper"
        switched = sdk.calls.actions.switch_supervisor_role(call_control_id=leg, role="monitor")
        assert switched.data is not None and switched.data.result == "ok"
        assert sim.world.call_info(leg)["supervisor_role"] == "monitor"
        with pytest.raises(telnyx.UnprocessableEntityError) as refused:
            sdk.calls.dial(
                connection_id=settings.TELNYX_CONNECTION_ID,
                to=SUPERVISOR,
                from_="+13125550100",
                supervise_call_control_id=sim.world.incoming_call().call_control_id,
                supervisor_role="monitor",
            )
        assert refused.value.body["errors"][0]["code"] == "90033"
