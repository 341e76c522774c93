"""The Python API dashboard tests use to make traffic happen without HTTP."""

import asyncio
import base64
import threading

import pytest

from simulator.server import SimulatorServer
from simulator.validation import ApiError
from tests.simulator.receiver import WebhookReceiver

HEADERS = [{"name": "X-Customer-Tier", "value": "gold"}]
UUI = [{"name": "User-to-User", "value": "abc123;encoding=hex"}]


def test_incoming_call(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    state = base64.b64encode(b"inbound").decode()
    call = sim.world.incoming_call(
        "+13125550142",
        "+13125550100",
        caller_id_name="Ada Lovelace",
        client_state=state,
        custom_headers=HEADERS,
        sip_headers=UUI,
    )
    initiated = receiver.wait_for_type("call.initiated", call.call_control_id)["payload"]
    assert (initiated["direction"], initiated["state"]) == ("incoming", "parked")
    assert (initiated["from"], initiated["to"], initiated["caller_id_name"]) == (
        "+13125550142",
        "+13125550100",
        "Ada Lovelace",
    )
    assert initiated["custom_headers"] == HEADERS and initiated["sip_headers"] == UUI
    assert initiated["client_state"] == state and initiated["call_leg_id"] == call.call_leg_id
    info = sim.world.call_info(call.call_control_id)
    assert info["is_alive"] and info["state"] == "parked" and info["direction"] == "incoming"


def test_random_callers_are_realistic(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    call = sim.world.incoming_call()
    assert call.from_.startswith("+") and call.caller_id_name
    sim.wait_idle()
    assert receiver.events(call.call_control_id)[0]["payload"]["caller_id_name"] == call.caller_id_name


def test_far_end_actions(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    ringing = sim.world.incoming_call()
    sim.world.hangup(ringing.call_control_id)
    hangup = receiver.wait_for_type("call.hangup", ringing.call_control_id)["payload"]
    assert (hangup["hangup_cause"], hangup["hangup_source"]) == ("originator_cancel", "caller")
    with pytest.raises(ApiError):
        sim.world.hangup(ringing.call_control_id)
    live = sim.world.answered_call()
    sim.world.press_digits(live.call_control_id, "5#")
    sim.world.hangup(live.call_control_id, cause="normal_clearing")
    sim.wait_idle()
    assert receiver.types(live.call_control_id) == [
        "call.initiated",
        "call.answered",
        "call.dtmf.received",
        "call.dtmf.received",
        "call.hangup",
    ]


def test_outbound_dial_with_an_outcome(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    call = sim.world.dial("+13125550160", outcome="busy")
    hangup = receiver.wait_for_type("call.hangup", call.call_control_id)["payload"]
    assert hangup["hangup_cause"] == "user_busy" and call.direction == "outgoing"
    with pytest.raises(ValueError):
        sim.world.dial("+13125550160", outcome="maybe")


def test_queues_and_bridges(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    caller, agent = sim.world.answered_call(), sim.world.answered_call()
    sim.world.enqueue(caller.call_control_id, "billing")
    assert sim.world.call_info(caller.call_control_id)["queue"] == "billing"
    sim.world.bridge(caller.call_control_id, agent.call_control_id)
    sim.wait_idle()
    assert receiver.types(caller.call_control_id)[-3:] == ["call.enqueued", "call.dequeued", "call.bridged"]
    assert sim.world.call_info(agent.call_control_id)["bridged_with"] == caller.call_control_id


def test_conference_helpers(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    conference = sim.world.start_conference("All hands", participants=3)
    sim.wait_idle()
    assert receiver.types().count("conference.participant.joined") == 3
    assert receiver.types().count("conference.created") == 1
    late = sim.world.answered_call()
    participant_id = sim.world.join_conference("All hands", late.call_control_id, mute=True)
    info = sim.world.conference_info(conference.id)
    assert len(info["participants"]) == 4 and info["participants"][-1]["id"] == participant_id
    assert info["participants"][-1]["muted"] is True
    sim.world.leave_conference(conference.id, late.call_control_id)
    sim.world.end_conference(conference.id)
    sim.wait_idle()
    assert receiver.types()[-1] == "conference.ended"
    assert sim.world.conference_info(conference.id)["status"] == "completed"
    other = sim.world.create_conference("Pair", [sim.world.answered_call().call_control_id])
    assert [item["name"] for item in sim.world.conference_list()] == [
        "All hands",
        "Pair",
    ] and other.name == "Pair"


def test_texml_participant(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    participant = sim.world.texml_dial_participant("Support bridge", "+13125550170", label="customer")
    sim.wait_idle()
    assert [item["StatusCallbackEvent"] for item in receiver.texml()] == [
        "conference-start",
        "participant-join",
    ]
    assert participant["status"] == "connecting"


def test_the_api_is_safe_from_other_threads_and_event_loops(sim: SimulatorServer) -> None:
    handles = []

    def work() -> None:
        handles.append(sim.world.answered_call())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    async def from_a_coroutine() -> int:
        sim.world.incoming_call()
        await asyncio.to_thread(sim.wait_idle)
        return len(sim.world.live_calls())

    assert asyncio.run(from_a_coroutine()) == 9
    assert len({handle.call_control_id for handle in handles}) == 8


def test_wait_idle_times_out_while_webhooks_cannot_be_delivered(
    sim: SimulatorServer, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(500, 500, 500)
    sim.world.incoming_call()
    with pytest.raises(TimeoutError):
        sim.wait_idle(timeout=0.001)
    sim.wait_idle()
    assert sim.world.is_idle()
