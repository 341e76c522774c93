"""Every call command of the seeds: accepted with valid input (with the webhooks the seeds list,
signed), refused with Telnyx's error on invalid input or in the wrong state."""

import base64
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from simulator.server import SimulatorServer
from tests.simulator.receiver import WebhookReceiver
from tests.support.commands import CALL_COMMANDS, telnyx_body

STATE = base64.b64encode(b"case-42").decode()
OK = {"data": {"result": "ok"}}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

Setup = Callable[[SimulatorServer, httpx.Client, str], dict[str, Any]]


def act(api: httpx.Client, call_id: str, action: str, body: dict[str, Any] | None = None) -> httpx.Response:
    method = "PUT" if action == "client_state_update" else "POST"
    return api.request(method, f"/calls/{call_id}/actions/{action}", json=body or {})


def command(action: str, body: dict[str, Any] | None = None) -> Setup:
    def setup(sim: SimulatorServer, api: httpx.Client, call_id: str) -> dict[str, Any]:
        assert act(api, call_id, action, body).status_code == 200
        return {}

    return setup


def digits(entry: str) -> Setup:
    def setup(sim: SimulatorServer, api: httpx.Client, call_id: str) -> dict[str, Any]:
        sim.world.script_digits(call_id, entry)
        return {}

    return setup


def other_call(sim: SimulatorServer, api: httpx.Client, call_id: str) -> dict[str, Any]:
    return {"call_control_id": sim.world.answered_call().call_control_id}


def bridged(sim: SimulatorServer, api: httpx.Client, call_id: str) -> dict[str, Any]:
    sim.world.bridge(call_id, sim.world.answered_call().call_control_id)
    return {}


def both(*setups: Setup) -> Setup:
    def setup(sim: SimulatorServer, api: httpx.Client, call_id: str) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for step in setups:
            extra |= step(sim, api, call_id)
        return extra

    return setup


def nothing(sim: SimulatorServer, api: httpx.Client, call_id: str) -> dict[str, Any]:
    return {}


MEDIA = "https://example.com/audio/menu.mp3"
SPEECH = {"payload": "Press one for sales.", "voice": "female", "language": "en-US"}
DTMF3 = ["call.dtmf.received"] * 3

# action, body, setup, the webhooks it produces on the call
VALID: list[tuple[str, dict[str, Any], Setup, list[str]]] = [
    ("bridge", {}, other_call, ["call.bridged"]),
    ("client_state_update", {"client_state": STATE}, nothing, []),
    ("enqueue", {"queue_name": "support", "max_size": 20, "max_wait_time_secs": 600}, nothing, ["call.enqueued"]),
    ("fork_start", {"target": "udp:192.0.2.1:9000"}, nothing, ["call.fork.started"]),
    (
        "fork_start",
        {"rx": "udp:192.0.2.1:9000", "tx": "udp:192.0.2.1:9001", "stream_type": "decrypted"},
        nothing,
        ["call.fork.started"],
    ),
    ("fork_stop", {}, command("fork_start", {"target": "udp:192.0.2.1:9000"}), ["call.fork.stopped"]),
    ("gather", {"maximum_digits": 5, "valid_digits": "123#"}, digits("12#"), [*DTMF3, "call.gather.ended"]),
    ("gather_stop", {}, both(digits(""), command("gather", {})), ["call.gather.ended"]),
    (
        "gather_using_audio",
        {"audio_url": MEDIA, "maximum_digits": 3, "invalid_audio_url": MEDIA},
        digits("123"),
        ["call.playback.started", "call.playback.ended", *DTMF3, "call.gather.ended"],
    ),
    (
        "gather_using_speak",
        {**SPEECH, "maximum_digits": 1, "invalid_payload": "Sorry?", "payload_type": "text"},
        digits("1"),
        ["call.dtmf.received", "call.gather.ended"],
    ),
    ("hangup", {}, nothing, ["call.hangup"]),
    ("hangup", {}, command("record_start", {"format": "mp3", "channels": "dual"}), ["call.hangup", "call.recording.saved"]),
    ("leave_queue", {}, command("enqueue", {"queue_name": "support"}), ["call.dequeued"]),
    ("playback_start", {"audio_url": MEDIA, "loop": 2}, nothing, ["call.playback.started", "call.playback.ended"]),
    ("playback_start", {"media_name": "hold-music", "target_legs": "self"}, nothing, ["call.playback.started", "call.playback.ended"]),
    ("playback_stop", {"stop": "all"}, command("playback_start", {"audio_url": MEDIA, "loop": "infinity"}), ["call.playback.ended"]),
    ("record_pause", {}, command("record_start", {"format": "wav", "channels": "single"}), []),
    ("record_resume", {}, both(command("record_start", {"format": "mp3", "channels": "dual"}), command("record_pause")), []),
    ("record_start", {"format": "mp3", "channels": "dual", "play_beep": True, "max_length": 600}, nothing, []),
    ("record_stop", {}, command("record_start", {"format": "mp3", "channels": "dual"}), ["call.recording.saved"]),
    ("refer", {"sip_address": "sip:agent@pbx.example.com"}, nothing, ["call.refer.started", "call.refer.completed"]),
    ("send_dtmf", {"digits": "1www2WABCDw9", "duration_millis": 250}, nothing, []),
    ("siprec_start", {"connector_name": "recorder", "sip_transport": "tls", "siprec_track": "both_tracks"}, nothing, ["siprec.started"]),
    ("siprec_stop", {}, command("siprec_start"), ["siprec.stopped"]),
    ("speak", {**SPEECH, "service_level": "premium"}, nothing, ["call.speak.started", "call.speak.ended"]),
    ("speak", {"payload": "Hello", "voice": "AWS.Polly.Joanna-Neural"}, nothing, ["call.speak.started", "call.speak.ended"]),
    ("suppression_start", {"direction": "both", "noise_suppression_engine": "Denoiser"}, nothing, []),
    ("suppression_stop", {}, command("suppression_start"), []),
    ("switch_supervisor_role", {"role": "monitor"}, bridged, []),
    ("transfer", {"to": "+13125550177", "timeout_secs": 30, "time_limit_secs": 600}, nothing, ["call.bridged"]),
]  # fmt: skip


@pytest.mark.parametrize(("action", "body", "setup", "expected"), VALID, ids=[row[0] for row in VALID])
def test_command_accepted_with_its_signed_webhooks(
    sim: SimulatorServer,
    api: httpx.Client,
    receiver: WebhookReceiver,
    live_call: str,
    action: str,
    body: dict[str, Any],
    setup: Setup,
    expected: list[str],
) -> None:
    extra = setup(sim, api, live_call)
    sim.wait_idle()
    receiver.clear()
    payload = {"client_state": STATE, **body, **extra}
    response = act(api, live_call, action, payload)
    assert response.status_code == 200, response.text
    assert response.json() == OK
    sim.wait_idle()
    assert receiver.types(live_call) == expected
    assert all(item.verified for item in receiver.requests)
    for data in receiver.events(live_call):
        assert data["payload"]["client_state"] == STATE


def test_answer_sends_call_answered(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    call = sim.world.incoming_call("+442079460123", "+13125550100", caller_id_name="ALAN TURING")
    sim.wait_idle()
    response = act(api, call.call_control_id, "answer", {"client_state": STATE, "command_id": "c-1"})
    assert response.json() == OK
    answered = receiver.wait_for_type("call.answered", call.call_control_id)
    assert answered["payload"]["state"] == "answered"
    assert answered["payload"]["client_state"] == STATE
    assert answered["payload"]["from"] == "+442079460123"
    assert receiver.types(call.call_control_id) == ["call.initiated", "call.answered"]


def test_answer_with_stream_and_recording(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    call = sim.world.incoming_call()
    body = {
        "stream_url": "wss://media.example.com/stream",
        "record": "record-from-answer",
        "record_format": "wav",
    }
    assert act(api, call.call_control_id, "answer", body).status_code == 200
    assert act(api, call.call_control_id, "hangup").status_code == 200
    sim.wait_idle()
    assert receiver.types(call.call_control_id) == [
        "call.initiated",
        "call.answered",
        "streaming.started",
        "streaming.stopped",
        "call.hangup",
        "call.recording.saved",
    ]
    saved = receiver.events(call.call_control_id)[-1]["payload"]
    assert saved["channels"] == "dual" and saved["recording_urls"]["wav"].endswith(".wav")


def test_reject_an_incoming_call(sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver) -> None:
    call = sim.world.incoming_call()
    assert act(api, call.call_control_id, "reject", {"cause": "USER_BUSY"}).status_code == 200
    hangup = receiver.wait_for_type("call.hangup", call.call_control_id)["payload"]
    assert (hangup["hangup_cause"], hangup["sip_hangup_cause"], hangup["hangup_source"]) == (
        "user_busy",
        "486",
        "callee",
    )


def test_webhook_envelope(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    act(api, live_call, "hangup")
    sim.wait_idle()
    [request] = receiver.accepted()
    document = request.document
    assert set(document) == {"data", "meta"}
    assert document["meta"] == {"attempt": 1, "delivered_to": sim.options.webhook_url}
    data = document["data"]
    assert data["record_type"] == "event" and data["event_type"] == "call.hangup"
    assert UUID4.match(data["id"]) and ISO.match(data["occurred_at"])
    payload = data["payload"]
    assert payload["call_control_id"] == live_call and payload["call_control_id"].startswith("v3:")
    assert payload["connection_id"] == sim.options.connection_id
    assert payload["hangup_cause"] == "normal_clearing" and payload["hangup_source"] == "callee"
    assert payload["state"] == "hangup" and ISO.match(payload["start_time"])
    assert set(payload["call_quality_stats"]) == {"inbound", "outbound"}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["telnyx-timestamp"].isdigit()


# action, body, setup, status, code, pointer
INVALID: list[tuple[str, dict[str, Any], Setup, int, str, str | None]] = [
    ("answer", {"client_state": "not base64!"}, nothing, 422, "10015", "/client_state"),
    ("bridge", {}, nothing, 422, "10004", "/call_control_id"),
    ("bridge", {"call_control_id": "v3:nope"}, nothing, 422, "90015", "/call_control_id"),
    ("bridge", {"queue": "empty-queue"}, nothing, 422, "90033", None),
    ("bridge", {"call_control_id": "v3:x", "mute_dtmf": "loud"}, nothing, 422, "10032", "/mute_dtmf"),
    ("client_state_update", {}, nothing, 422, "10004", "/client_state"),
    ("client_state_update", {"client_state": "%%%"}, nothing, 422, "10015", "/client_state"),
    ("enqueue", {}, nothing, 422, "10004", "/queue_name"),
    ("enqueue", {"queue_name": "support", "max_size": 0}, nothing, 422, "10033", "/max_size"),
    ("enqueue", {"queue_name": "support"}, command("enqueue", {"queue_name": "support"}), 422, "90038", None),
    ("fork_start", {}, nothing, 422, "10004", "/target"),
    ("fork_start", {"target": "udp:192.0.2.1:9000", "stream_type": "mixed"}, nothing, 422, "10032", "/stream_type"),
    ("fork_start", {"target": "udp:192.0.2.1:9000", "stream_type": "decrypted"}, nothing, 422, "10004", "/rx"),
    ("fork_stop", {}, nothing, 422, "90031", None),
    ("fork_stop", {"stream_type": "mixed"}, nothing, 422, "10032", "/stream_type"),
    ("gather", {"maximum_digits": 129}, nothing, 422, "10033", "/maximum_digits"),
    ("gather", {"minimum_digits": 0}, nothing, 422, "10033", "/minimum_digits"),
    ("gather", {"minimum_digits": 5, "maximum_digits": 2}, nothing, 422, "10033", "/minimum_digits"),
    ("gather", {"terminating_digit": "x"}, nothing, 422, "10015", "/terminating_digit"),
    ("gather", {"timeout_millis": "soon"}, nothing, 422, "10015", "/timeout_millis"),
    ("gather_using_audio", {}, nothing, 422, "10004", "/audio_url"),
    ("gather_using_audio", {"audio_url": MEDIA, "media_name": "menu"}, nothing, 422, "10015", "/media_name"),
    ("gather_using_audio", {"audio_url": MEDIA, "maximum_tries": 0}, nothing, 422, "10033", "/maximum_tries"),
    ("gather_using_speak", {"payload": "Hi", "language": "en-US"}, nothing, 422, "10004", "/voice"),
    ("gather_using_speak", {"voice": "male", "language": "en-US"}, nothing, 422, "10004", "/payload"),
    ("gather_using_speak", {**SPEECH, "payload": "x" * 3001}, nothing, 422, "10033", "/payload"),
    ("gather_using_speak", {**SPEECH, "language": "xx-XX"}, nothing, 422, "10032", "/language"),
    ("gather_using_speak", {**SPEECH, "voice": "robot"}, nothing, 422, "10032", "/voice"),
    ("gather_using_speak", {**SPEECH, "invalid_payload": "y" * 3001}, nothing, 422, "10033", "/invalid_payload"),
    ("gather_using_speak", {**SPEECH, "payload_type": "html"}, nothing, 422, "10032", "/payload_type"),
    ("gather_using_speak", {**SPEECH, "service_level": "gold"}, nothing, 422, "10032", "/service_level"),
    ("hangup", {"client_state": "***"}, nothing, 422, "10015", "/client_state"),
    ("hangup", {}, command("hangup"), 422, "90018", None),
    ("leave_queue", {}, nothing, 422, "90033", None),
    ("playback_start", {}, nothing, 422, "10004", "/audio_url"),
    ("playback_start", {"audio_url": MEDIA, "target_legs": "everyone"}, nothing, 422, "10032", "/target_legs"),
    ("playback_start", {"audio_url": MEDIA, "loop": 0}, nothing, 422, "10015", "/loop"),
    ("playback_start", {"audio_url": MEDIA, "overlay": True}, nothing, 422, "90033", None),
    ("playback_start", {"audio_url": MEDIA, "audio_type": "ogg"}, nothing, 422, "10032", "/audio_type"),
    ("playback_stop", {"stop": "some"}, nothing, 422, "10032", "/stop"),
    ("record_pause", {}, nothing, 422, "90033", None),
    ("record_resume", {}, nothing, 422, "90033", None),
    ("record_start", {"channels": "dual"}, nothing, 422, "10004", "/format"),
    ("record_start", {"format": "mp3"}, nothing, 422, "10004", "/channels"),
    ("record_start", {"format": "ogg", "channels": "dual"}, nothing, 422, "10032", "/format"),
    ("record_start", {"format": "mp3", "channels": "dual", "max_length": 14401}, nothing, 422, "10033", "/max_length"),
    ("record_stop", {}, nothing, 422, "90033", None),
    ("refer", {}, nothing, 422, "10004", "/sip_address"),
    ("refer", {"sip_address": "+13125550101"}, nothing, 422, "10015", "/sip_address"),
    ("refer", {"sip_address": "sip:a@b.com", "sip_headers": [{"name": "X-Foo", "value": "1"}]}, nothing, 422, "10032", "/sip_headers/name"),
    ("send_dtmf", {}, nothing, 422, "10004", "/digits"),
    ("send_dtmf", {"digits": "12x"}, nothing, 422, "10015", "/digits"),
    ("send_dtmf", {"digits": "12", "duration_millis": 50}, nothing, 422, "10033", "/duration_millis"),
    ("siprec_start", {"sip_transport": "sctp"}, nothing, 422, "10032", "/sip_transport"),
    ("siprec_start", {"siprec_track": "all"}, nothing, 422, "10032", "/siprec_track"),
    ("siprec_stop", {}, nothing, 422, "90033", None),
    ("speak", {"payload": "Hi", "voice": "female", "language": "klingon"}, nothing, 422, "10032", "/language"),
    ("suppression_start", {"direction": "sideways"}, nothing, 422, "10032", "/direction"),
    ("suppression_start", {"noise_suppression_engine": "Magic"}, nothing, 422, "10032", "/noise_suppression_engine"),
    ("suppression_stop", {}, nothing, 422, "90033", None),
    ("switch_supervisor_role", {}, nothing, 422, "10004", "/role"),
    ("switch_supervisor_role", {"role": "boss"}, nothing, 422, "10032", "/role"),
    ("switch_supervisor_role", {"role": "barge"}, nothing, 422, "90033", None),
    ("transfer", {}, nothing, 422, "10004", "/to"),
    ("transfer", {"to": "5550101"}, nothing, 422, "10016", "/to"),
    ("transfer", {"to": "+13125550177", "timeout_secs": 4}, nothing, 422, "10033", "/timeout_secs"),
    ("transfer", {"to": "+13125550177", "time_limit_secs": 29}, nothing, 422, "10033", "/time_limit_secs"),
    ("transfer", {"to": "+13125550177", "time_limit_secs": 14401}, nothing, 422, "10033", "/time_limit_secs"),
    ("reject", {"cause": "CALL_REJECTED"}, nothing, 422, "90033", None),
    ("reject", {"cause": "BORED"}, nothing, 422, "10032", "/cause"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "body", "setup", "status", "code", "pointer"),
    INVALID,
    ids=[f"{row[0]}-{row[4]}" for row in INVALID],
)
def test_command_refused_with_telnyx_error(
    sim: SimulatorServer,
    api: httpx.Client,
    receiver: WebhookReceiver,
    live_call: str,
    action: str,
    body: dict[str, Any],
    setup: Setup,
    status: int,
    code: str,
    pointer: str | None,
) -> None:
    setup(sim, api, live_call)
    sim.wait_idle()
    receiver.clear()
    response = act(api, live_call, action, body)
    assert response.status_code == status, response.text
    [problem] = response.json()["errors"]
    assert problem["code"] == code
    assert problem["title"]
    assert problem.get("source", {}).get("pointer") == pointer
    sim.wait_idle()
    assert receiver.types(live_call) == []


NEED_ANSWER = [
    "bridge",
    "enqueue",
    "fork_start",
    "gather",
    "gather_using_audio",
    "gather_using_speak",
    "playback_start",
    "refer",
    "send_dtmf",
    "siprec_start",
    "speak",
    "transfer",
]
NEED_ANSWER_BODIES = {action: telnyx_body(CALL_COMMANDS[action]) for action in NEED_ANSWER}


@pytest.mark.parametrize("action", NEED_ANSWER)
def test_commands_before_the_answer_get_90034(sim: SimulatorServer, api: httpx.Client, action: str) -> None:
    call = sim.world.incoming_call()
    response = act(api, call.call_control_id, action, NEED_ANSWER_BODIES.get(action, {}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "90034"


def test_record_start_before_the_answer_gets_90020(sim: SimulatorServer, api: httpx.Client) -> None:
    call = sim.world.incoming_call()
    response = act(api, call.call_control_id, "record_start", {"format": "mp3", "channels": "dual"})
    assert response.json()["errors"][0]["code"] == "90020"


def test_commands_on_an_ended_call_get_90018(sim: SimulatorServer, api: httpx.Client, live_call: str) -> None:
    sim.world.hangup(live_call)
    for action, body in (("speak", SPEECH), ("client_state_update", {"client_state": STATE}), ("answer", {})):
        response = act(api, live_call, action, body)
        assert (response.status_code, response.json()["errors"][0]["code"]) == (422, "90018")


@pytest.mark.parametrize("call_control_id", ["v3:does-not-exist", "not a call control id", "%00"])
@pytest.mark.parametrize("action", sorted(CALL_COMMANDS.keys() - {"dial"}))
def test_an_unknown_or_malformed_call_control_id_is_90015(
    api: httpx.Client, action: str, call_control_id: str
) -> None:
    # Seed 000: "code: '90015' / title: Invalid Call Control ID / detail: The call_control_id
    # provided was not valid. / source: pointer: /call_control_id" (a 422, on any call command).
    response = act(api, call_control_id, action, telnyx_body(CALL_COMMANDS[action]))
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {
            "code": "90015",
            "title": "Invalid Call Control ID",
            "detail": "The call_control_id provided was not valid.",
            "source": {"pointer": "/call_control_id"},
        }
    ]


def test_an_unknown_call_is_not_found_by_get(api: httpx.Client) -> None:
    # Reading a call is not a command: its absence is the plain 404 of a resource.
    assert api.get("/calls/v3:does-not-exist").status_code == 404


def test_unknown_action_and_wrong_method(api: httpx.Client, live_call: str) -> None:
    assert api.post(f"/calls/{live_call}/actions/teleport", json={}).status_code == 404
    response = api.post(f"/calls/{live_call}/actions/client_state_update", json={"client_state": STATE})
    assert response.status_code == 404
    assert api.get(f"/calls/{live_call}/actions/hangup").status_code == 405
