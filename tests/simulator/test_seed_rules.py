"""Rules the seeds (../shared/seeds/) state in so many words, each test quoting the line it
follows: the simulator refuses what Telnyx documents it refuses, and behaves as documented."""

import base64
from dataclasses import replace
from typing import Any

import httpx
import pytest

from simulator.options import Timings
from simulator.server import SimulatorServer
from tests.simulator.conftest import client_for, make_simulator
from tests.simulator.receiver import WebhookReceiver

CONNECTION = "1494404757140276705"
STATE = base64.b64encode(b"seed-rules").decode()
MEDIA = "https://example.com/audio/menu.mp3"
SPEECH = {"payload": "Press one for sales.", "voice": "female", "language": "en-US"}


def act(api: httpx.Client, call_id: str, action: str, body: dict[str, Any]) -> httpx.Response:
    return api.post(f"/calls/{call_id}/actions/{action}", json=body)


def refusal(response: httpx.Response) -> tuple[int, str, str | None]:
    [problem] = response.json()["errors"]
    return response.status_code, problem["code"], problem.get("source", {}).get("pointer")


# --- §2: the errors the seeds document ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        # 002, gather using speak: "language / required / string / The language you want spoken."
        ({"payload": "Press one", "voice": "male"}, "/language"),
        ({"payload": "Press one", "voice": "male", "language": ""}, "/language"),
    ],
)
def test_gather_using_speak_needs_a_language(
    api: httpx.Client, live_call: str, body: dict[str, Any], pointer: str
) -> None:
    assert refusal(act(api, live_call, "gather_using_speak", body)) == (422, "10004", pointer)


@pytest.mark.parametrize("action", ["gather_using_speak", "speak"])
@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"language": "de-DE"}, "/language"),
        ({"payload_type": "ssml", "payload": "<speak>Hi</speak>"}, "/payload_type"),
    ],
)
def test_basic_service_level_is_en_us_text_only(
    api: httpx.Client, live_call: str, action: str, fields: dict[str, Any], pointer: str
) -> None:
    # 002: "When using basic, only the en-US language and payload type text are allowed."
    body = {**SPEECH, "service_level": "basic", **fields}
    assert refusal(act(api, live_call, action, body)) == (422, "10032", pointer)
    assert act(api, live_call, action, {**SPEECH, "service_level": "basic"}).status_code == 200
    premium = {**SPEECH, "service_level": "premium", **fields}
    assert act(api, live_call, action, premium).status_code == 200


def test_gather_using_speak_voice_is_the_documented_gender(api: httpx.Client, live_call: str) -> None:
    # 002, gather using speak: "voice / required / ... Enum: "male" "female""
    body = {**SPEECH, "voice": "AWS.Polly.Joanna-Neural"}
    assert refusal(act(api, live_call, "gather_using_speak", body)) == (422, "10032", "/voice")


@pytest.mark.parametrize("legs", ["opposite", "both"])
def test_an_overlay_plays_on_self_only(api: httpx.Client, live_call: str, legs: str) -> None:
    # 002, play audio URL: "When overlay is enabled, target_legs is limited to self."
    assert act(api, live_call, "playback_start", {"audio_url": MEDIA, "loop": "infinity"}).status_code == 200
    body = {"audio_url": MEDIA, "overlay": True, "target_legs": legs}
    assert refusal(act(api, live_call, "playback_start", body)) == (422, "10032", "/target_legs")
    body["target_legs"] = "self"
    assert act(api, live_call, "playback_start", body).status_code == 200


def test_gather_using_audio_takes_one_invalid_prompt(api: httpx.Client, live_call: str) -> None:
    # 002, gather using audio: "invalid_media_name and invalid_audio_url cannot be used together
    # in one request."
    body = {"audio_url": MEDIA, "invalid_audio_url": MEDIA, "invalid_media_name": "sorry"}
    assert refusal(act(api, live_call, "gather_using_audio", body)) == (422, "10015", "/invalid_media_name")


def dial_body(**fields: Any) -> dict[str, Any]:
    return {"to": "+13125550101", "from": "+13125550100", "connection_id": CONNECTION, **fields}


@pytest.mark.parametrize("name", ["Bob <script>", "Ada;DROP", "a/b", "tab\there"])
def test_dial_display_name_characters(api: httpx.Client, name: str) -> None:
    # 002, dial: "from_display_name ... containing only letters, numbers, spaces, and -_~!.+
    # special characters."
    response = api.post("/calls", json=dial_body(from_display_name=name))
    assert refusal(response) == (422, "10015", "/from_display_name")


def test_dial_display_name_with_every_allowed_character(api: httpx.Client) -> None:
    response = api.post("/calls", json=dial_body(from_display_name="Zoë O-Brien_2 ~!.+"))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("value", ["group-1", "123", "0d7a6c4e-0f3c-4bf2-9c9f-4a3b0d1e2f3"])
def test_billing_group_id_is_a_uuid(sim: SimulatorServer, api: httpx.Client, value: str) -> None:
    # 002, dial and answer: "billing_group_id / string <uuid>"
    assert refusal(api.post("/calls", json=dial_body(billing_group_id=value))) == (
        422,
        "10015",
        "/billing_group_id",
    )
    ringing = sim.world.incoming_call()
    response = act(api, ringing.call_control_id, "answer", {"billing_group_id": value})
    assert refusal(response) == (422, "10015", "/billing_group_id")
    valid = "0d7a6c4e-0f3c-4bf2-9c9f-4a3b0d1e2f30"
    assert act(api, ringing.call_control_id, "answer", {"billing_group_id": valid}).status_code == 200


def test_answering_an_answered_call_is_refused(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    # 002, answer: "Answer an incoming call." A call already answered is in the wrong state:
    # 000's catalogue, "code: '90033' / title: Unable to execute command".
    assert refusal(act(api, live_call, "answer", {})) == (422, "90033", None)
    sim.wait_idle()
    assert receiver.types(live_call) == []


def test_answering_an_outgoing_call_is_refused(receiver: WebhookReceiver, webhook_url: str) -> None:
    # An outgoing leg rings at the far end (here for its whole timeout_secs): only the far end answers it.
    timings = replace(Timings.fast(), no_answer_delay=None)
    with make_simulator(webhook_url, timings=timings) as sim, client_for(sim) as api:
        sim.world.set_dial_outcome("+13125550190", "no_answer")
        call_id = api.post("/calls", json=dial_body(to="+13125550190")).json()["data"]["call_control_id"]
        receiver.wait_for_type("call.initiated", call_id)
        assert refusal(act(api, call_id, "answer", {})) == (422, "90033", None)
        sim.wait_idle()
        assert receiver.types(call_id) == ["call.initiated"]


# --- §3: behaviour the seeds document -------------------------------------------------------------


def test_dial_webhooks_go_by_get_when_the_dial_says_so(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, webhook_url: str
) -> None:
    # 002, dial: "webhook_url_method / Default: "POST" / HTTP request type used for webhook_url.
    # Enum: "POST" "GET""
    own = webhook_url + "by-get/"
    body = dial_body(webhook_url=own, webhook_url_method="GET", client_state=STATE)
    call_id = api.post("/calls", json=body).json()["data"]["call_control_id"]
    sim.wait_idle()
    delivered = [item for item in receiver.requests if item.data["payload"]["call_control_id"] == call_id]
    assert [item.data["event_type"] for item in delivered] == ["call.initiated", "call.answered"]
    assert {(item.method, item.path, item.verified) for item in delivered} == {
        ("GET", "/webhooks/telnyx/by-get/", True)
    }


def test_webhooks_go_by_post_by_default_and_without_a_webhook_url(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    first = api.post("/calls", json=dial_body()).json()["data"]["call_control_id"]
    # GET is "the HTTP request type used for webhook_url": with none, the connection's URL, by POST.
    second = api.post("/calls", json=dial_body(webhook_url_method="GET")).json()["data"]["call_control_id"]
    sim.wait_idle()
    methods = {
        (item.data["payload"]["call_control_id"], item.method, item.path) for item in receiver.requests
    }
    assert methods == {(call, "POST", "/webhooks/telnyx/") for call in (first, second)}


def test_answer_webhooks_go_by_get_when_the_answer_says_so(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, webhook_url: str
) -> None:
    # 002, answer: "webhook_url_method / Default: "POST" / HTTP request type used for webhook_url."
    call = sim.world.incoming_call()
    sim.wait_idle()
    receiver.clear()
    body = {"webhook_url": webhook_url + "by-get/", "webhook_url_method": "GET"}
    assert act(api, call.call_control_id, "answer", body).status_code == 200
    assert act(api, call.call_control_id, "hangup", {}).status_code == 200
    sim.wait_idle()
    delivered = receiver.requests
    assert [item.data["event_type"] for item in delivered] == ["call.answered", "call.hangup"]
    assert {(item.method, item.verified) for item in delivered} == {("GET", True)}
    assert {record.method for record in sim.deliveries if record.event_type == "call.hangup"} == {"GET"}


def test_the_stopped_playbacks_end_carries_the_stops_client_state(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    # 002, stop audio playback: "client_state / Use this field to add state to every subsequent
    # webhook." The playback's end is the first of them.
    started = base64.b64encode(b"started").decode()
    body = {"audio_url": MEDIA, "loop": "infinity", "client_state": started}
    assert act(api, live_call, "playback_start", body).status_code == 200
    sim.wait_idle()
    assert act(api, live_call, "playback_stop", {"client_state": STATE}).status_code == 200
    ended = receiver.wait_for_type("call.playback.ended", live_call)
    assert (ended["payload"]["status"], ended["payload"]["client_state"]) == ("cancelled", STATE)
    assert act(api, live_call, "hangup", {}).status_code == 200
    assert receiver.wait_for_type("call.hangup", live_call)["payload"]["client_state"] == STATE


def test_a_playback_stopped_by_the_next_one_ends_with_the_next_ones_client_state(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, live_call: str
) -> None:
    first = {"audio_url": MEDIA, "loop": "infinity", "client_state": base64.b64encode(b"first").decode()}
    assert act(api, live_call, "playback_start", first).status_code == 200
    second = {"media_name": "hold-music", "stop": "current", "client_state": STATE}
    assert act(api, live_call, "playback_start", second).status_code == 200
    ended = receiver.wait_for_type("call.playback.ended", live_call)
    assert (ended["payload"]["media_url"], ended["payload"]["client_state"]) == (MEDIA, STATE)
