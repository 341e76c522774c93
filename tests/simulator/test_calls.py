"""Dialling, call resources and how calls behave together: outcomes, client_state, bridges,
queues, transfers, DTMF and the active-calls list."""

import base64
from typing import Any

import httpx
import pytest

from simulator.server import SimulatorServer
from tests.simulator.receiver import WebhookReceiver

CONNECTION = "1494404757140276705"
STATE = base64.b64encode(b"dial-state").decode()


def dial_body(**fields: Any) -> dict[str, Any]:
    return {"to": "+13125550101", "from": "+13125550100", "connection_id": CONNECTION, **fields}


def test_dial_is_answered_after_the_answer_delay(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    response = api.post("/calls", json=dial_body(client_state=STATE, from_display_name="Switchboard"))
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["record_type"] == "call" and data["is_alive"] is False and data["client_state"] == STATE
    call_id = data["call_control_id"]
    sim.wait_idle()
    assert receiver.types(call_id) == ["call.initiated", "call.answered"]
    initiated, answered = (event["payload"] for event in receiver.events(call_id))
    assert (initiated["direction"], initiated["state"]) == ("outgoing", "bridging")
    assert initiated["caller_id_name"] == "Switchboard"
    assert answered["client_state"] == STATE and answered["call_leg_id"] == data["call_leg_id"]
    assert api.get(f"/calls/{call_id}").json()["data"]["is_alive"] is True


@pytest.mark.parametrize(
    ("outcome", "cause", "sip", "source"),
    [
        ("busy", "user_busy", "486", "callee"),
        ("no_answer", "timeout", "408", "unknown"),
        ("reject", "call_rejected", "603", "callee"),
    ],
)
def test_dial_outcomes(
    sim: SimulatorServer,
    api: httpx.Client,
    receiver: WebhookReceiver,
    outcome: str,
    cause: str,
    sip: str,
    source: str,
) -> None:
    sim.world.set_dial_outcome("+13125550199", outcome)
    call_id = api.post("/calls", json=dial_body(to="+13125550199")).json()["data"]["call_control_id"]
    hangup = receiver.wait_for_type("call.hangup", call_id)["payload"]
    assert (hangup["hangup_cause"], hangup["sip_hangup_cause"], hangup["hangup_source"]) == (
        cause,
        sip,
        source,
    )
    assert hangup["call_quality_stats"] is None
    assert receiver.types(call_id) == ["call.initiated", "call.hangup"]


def test_answering_machine_detection(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    sim.world.set_dial_outcome("+13125550150", "machine")
    body = dial_body(to="+13125550150", answering_machine_detection="detect_beep")
    call_id = api.post("/calls", json=body).json()["data"]["call_control_id"]
    sim.wait_idle()
    assert receiver.types(call_id) == [
        "call.initiated",
        "call.answered",
        "call.machine.detection.ended",
        "call.machine.greeting.ended",
    ]
    assert receiver.events(call_id)[2]["payload"]["result"] == "machine"


def test_dial_to_several_destinations_cancels_the_others(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    sim.world.set_dial_outcome("+13125550102", "no_answer")
    body = dial_body(to=["+13125550101", "+13125550102"], timeout_secs=60)
    first = api.post("/calls", json=body).json()["data"]["call_control_id"]
    sim.wait_idle()
    assert receiver.types(first) == ["call.initiated", "call.answered"]
    [other] = [event for event in receiver.events() if event["payload"]["call_control_id"] != first][-1:]
    assert other["event_type"] == "call.hangup"
    assert other["payload"]["hangup_cause"] == "originator_cancel"


def test_dial_with_media_stream_and_recording(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    body = dial_body(
        audio_url="https://example.com/hello.mp3",
        stream_url="wss://example.com/s",
        record="record-from-answer",
    )
    call_id = api.post("/calls", json=body).json()["data"]["call_control_id"]
    sim.wait_idle()
    api.post(f"/calls/{call_id}/actions/hangup", json={})
    sim.wait_idle()
    assert receiver.types(call_id) == [
        "call.initiated",
        "call.answered",
        "streaming.started",
        "call.playback.started",
        "call.playback.ended",
        "streaming.stopped",
        "call.hangup",
        "call.recording.saved",
    ]
    hangup = receiver.events(call_id)[-2]["payload"]
    assert (hangup["hangup_cause"], hangup["hangup_source"]) == ("normal_clearing", "caller")


@pytest.mark.parametrize(
    ("fields", "code", "pointer"),
    [
        ({"to": None}, "10004", "/to"),
        ({"from": None}, "10004", "/from"),
        ({"connection_id": None}, "10004", "/connection_id"),
        ({"to": "3125550101"}, "10016", "/to"),
        ({"to": ["+13125550101", "0800"]}, "10016", "/to"),
        ({"from": "Switchboard"}, "10016", "/from"),
        ({"connection_id": "42"}, "10015", "/connection_id"),
        ({"timeout_secs": 121}, "10033", "/timeout_secs"),
        ({"timeout_secs": 4}, "10033", "/timeout_secs"),
        ({"time_limit_secs": 29}, "10033", "/time_limit_secs"),
        ({"time_limit_secs": 14401}, "10033", "/time_limit_secs"),
        ({"timeout_secs": True}, "10015", "/timeout_secs"),
        ({"answering_machine_detection": "sometimes"}, "10032", "/answering_machine_detection"),
        ({"record_channels": "stereo"}, "10032", "/record_channels"),
        ({"record_format": "ogg"}, "10032", "/record_format"),
        ({"stream_track": "left"}, "10032", "/stream_track"),
        ({"webhook_url_method": "PUT"}, "10032", "/webhook_url_method"),
        ({"client_state": "not-base64!"}, "10015", "/client_state"),
        ({"from_display_name": "x" * 129}, "10033", "/from_display_name"),
        ({"custom_headers": [{"name": "X-A"}]}, "10015", "/custom_headers"),
        ({"audio_url": "https://example.com/a.mp3", "media_name": "a"}, "10015", "/media_name"),
    ],
)
def test_dial_refused(api: httpx.Client, fields: dict[str, Any], code: str, pointer: str) -> None:
    body = {key: value for key, value in dial_body(**fields).items() if value is not None}
    response = api.post("/calls", json=body)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["code"], problem["source"]["pointer"]) == (code, pointer)


def test_dial_reports_every_broken_field(api: httpx.Client) -> None:
    response = api.post("/calls", json={"to": "12", "timeout_secs": 500})
    codes = [(item["code"], item["source"]["pointer"]) for item in response.json()["errors"]]
    assert codes == [
        ("10004", "/connection_id"),
        ("10016", "/to"),
        ("10004", "/from"),
        ("10033", "/timeout_secs"),
    ]


def test_client_state_of_the_command_else_the_calls_current_one(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    first, second = base64.b64encode(b"first").decode(), base64.b64encode(b"second").decode()
    api.post(
        f"/calls/{live_call}/actions/speak", json={"payload": "a", "voice": "male", "client_state": first}
    )
    sim.wait_idle()
    api.put(f"/calls/{live_call}/actions/client_state_update", json={"client_state": second})
    api.post(f"/calls/{live_call}/actions/hangup", json={})
    sim.wait_idle()
    states = [(event["event_type"], event["payload"]["client_state"]) for event in receiver.events(live_call)]
    assert states == [("call.speak.started", first), ("call.speak.ended", first), ("call.hangup", second)]
    assert api.get(f"/calls/{live_call}").json()["data"]["client_state"] == second


def test_bridge_and_hanging_up_one_leg_ends_the_other(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    agent = sim.world.answered_call().call_control_id
    sim.wait_idle()
    receiver.clear()
    assert api.post(f"/calls/{live_call}/actions/bridge", json={"call_control_id": agent}).status_code == 200
    sim.wait_idle()
    assert receiver.types(live_call) == ["call.bridged"] and receiver.types(agent) == ["call.bridged"]
    assert receiver.events(live_call)[0]["payload"]["state"] == "bridged"
    sim.world.hangup(agent)
    sim.wait_idle()
    assert receiver.types(live_call)[-1] == "call.hangup"
    assert sim.world.call_info(live_call)["is_alive"] is False


def test_park_after_unbridge_keeps_the_leg(sim: SimulatorServer, api: httpx.Client, live_call: str) -> None:
    agent = sim.world.answered_call().call_control_id
    body = {"call_control_id": agent, "park_after_unbridge": "self"}
    api.post(f"/calls/{live_call}/actions/bridge", json=body)
    sim.world.hangup(agent)
    sim.wait_idle()
    assert sim.world.call_info(live_call)["is_alive"] is True


def test_queue_positions_and_bridging_from_a_queue(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    second = sim.world.answered_call().call_control_id
    for call_id in (live_call, second):
        api.post(f"/calls/{call_id}/actions/enqueue", json={"queue_name": "sales"})
    sim.wait_idle()
    positions = [
        receiver.events(call_id)[-1]["payload"]["current_position"] for call_id in (live_call, second)
    ]
    assert positions == [1, 2]
    agent = sim.world.answered_call().call_control_id
    assert api.post(f"/calls/{agent}/actions/bridge", json={"queue": "sales"}).status_code == 200
    sim.wait_idle()
    assert receiver.types(live_call)[-2:] == ["call.dequeued", "call.bridged"]
    assert receiver.events(live_call)[-2]["payload"]["reason"] == "bridged"
    sim.world.hangup(second)
    dequeued = receiver.wait_for_type("call.dequeued", second)["payload"]
    assert (dequeued["reason"], dequeued["queue_position"]) == ("hangup", 1)


def test_full_queue_is_90036(sim: SimulatorServer, api: httpx.Client, live_call: str) -> None:
    api.post(f"/calls/{live_call}/actions/enqueue", json={"queue_name": "tiny", "max_size": 1})
    other = sim.world.answered_call().call_control_id
    response = api.post(f"/calls/{other}/actions/enqueue", json={"queue_name": "tiny"})
    assert response.json()["errors"][0]["code"] == "90036"


def test_transfer_bridges_a_new_leg(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    target_state = base64.b64encode(b"target").decode()
    body = {"to": "+13125550177", "target_leg_client_state": target_state}
    assert api.post(f"/calls/{live_call}/actions/transfer", json=body).status_code == 200
    sim.wait_idle()
    [leg] = {event["payload"]["call_control_id"] for event in receiver.events()} - {live_call}
    assert receiver.types(leg) == ["call.initiated", "call.answered", "call.bridged"]
    assert receiver.events(leg)[0]["payload"]["client_state"] == target_state
    assert (
        receiver.events(leg)[0]["payload"]["call_session_id"]
        == receiver.events(live_call)[0]["payload"]["call_session_id"]
    )


def test_send_dtmf_reaches_the_bridged_leg(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    agent = sim.world.answered_call().call_control_id
    sim.world.bridge(live_call, agent)
    sim.wait_idle()
    receiver.clear()
    api.post(f"/calls/{live_call}/actions/send_dtmf", json={"digits": "12w#", "duration_millis": 100})
    sim.wait_idle()
    assert [event["payload"]["digit"] for event in receiver.events(agent)] == ["1", "2", "#"]
    assert receiver.types(live_call) == []


def test_auto_dtmf_gather_ends_valid(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    api.post(
        f"/calls/{live_call}/actions/gather",
        json={"minimum_digits": 2, "maximum_digits": 4, "valid_digits": "789"},
    )
    sim.wait_idle()
    ended = receiver.events(live_call)[-1]["payload"]
    assert (
        ended["status"] == "valid" and 2 <= len(ended["digits"]) <= 4 and set(ended["digits"]) <= set("789")
    )


def test_invalid_digits_end_the_gather_invalid(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    sim.world.script_digits(live_call, "")
    api.post(f"/calls/{live_call}/actions/gather", json={"valid_digits": "12", "minimum_digits": 2})
    sim.world.press_digits(live_call, "9#")
    sim.wait_idle()
    ended = receiver.events(live_call)[-1]["payload"]
    assert (ended["digits"], ended["status"]) == ("9", "invalid")


def test_get_call_after_the_hangup(sim: SimulatorServer, api: httpx.Client, live_call: str) -> None:
    sim.world.hangup(live_call)
    data = api.get(f"/calls/{live_call}").json()["data"]
    assert data["is_alive"] is False and data["end_time"] and data["record_type"] == "call"


def test_active_calls_are_paged_by_number_and_cursor(sim: SimulatorServer, api: httpx.Client) -> None:
    calls = [sim.world.incoming_call().call_control_id for _ in range(5)]
    sim.world.hangup(calls[0])
    page = api.get(f"/connections/{CONNECTION}/active_calls", params={"page[size]": 3}).json()
    assert [item["call_control_id"] for item in page["data"]] == calls[1:4]
    assert page["meta"]["total_items"] == 4 and page["meta"]["total_pages"] == 2
    after = page["meta"]["cursors"]["after"]
    rest = api.get(
        f"/connections/{CONNECTION}/active_calls", params={"page[size]": 3, "page[after]": after}
    ).json()
    assert [item["call_control_id"] for item in rest["data"]] == calls[4:]
    assert rest["meta"]["cursors"]["after"] is None
    numbered = api.get(
        f"/connections/{CONNECTION}/active_calls", params={"page[size]": 3, "page[number]": 2}
    ).json()
    assert numbered["data"] == rest["data"]
    other = api.get("/connections/999/active_calls")
    assert (other.status_code, other.json()["errors"][0]["code"]) == (422, "10015")
    assert api.get(f"/connections/{CONNECTION}/active_calls", params={"page[size]": 0}).status_code == 400
