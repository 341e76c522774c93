"""Conferences: create, list, inspect, participants (seed 001's PATCH) and every action."""

import base64
from typing import Any

import httpx
import pytest

from simulator.options import Timings
from simulator.server import SimulatorServer
from tests.simulator.conftest import client_for, make_simulator
from tests.simulator.receiver import WebhookReceiver

STATE = base64.b64encode(b"conf").decode()


def answered(sim: SimulatorServer) -> str:
    return sim.world.answered_call().call_control_id


def create(api: httpx.Client, call_id: str, name: str = "Standup", **fields: Any) -> dict[str, Any]:
    response = api.post("/conferences", json={"call_control_id": call_id, "name": name, **fields})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def action(
    api: httpx.Client, conference_id: str, name: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    return api.post(f"/conferences/{conference_id}/actions/{name}", json=body or {})


@pytest.fixture
def conference(sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver) -> dict[str, Any]:
    """A conference of two: its creator, then a second call; webhooks so far delivered and cleared."""
    host, guest = answered(sim), answered(sim)
    data = create(api, host, client_state=STATE)
    assert action(api, data["id"], "join", {"call_control_id": guest}).status_code == 200
    sim.wait_idle()
    receiver.clear()
    return {"id": data["id"], "host": host, "guest": guest}


def test_create_sends_created_and_joined(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver
) -> None:
    host = answered(sim)
    sim.wait_idle()
    receiver.clear()
    data = create(
        api, host, name="Board prep", client_state=STATE, beep_enabled="on_enter", max_participants=10
    )
    assert (
        data["record_type"] == "conference"
        and data["status"] == "in_progress"
        and data["name"] == "Board prep"
    )
    assert data["connection_id"] == sim.options.connection_id and data["expires_at"] > data["created_at"]
    sim.wait_idle()
    assert receiver.types(host) == ["conference.created", "conference.participant.joined"]
    created = receiver.events(host)[0]["payload"]
    assert (
        created["conference_id"] == data["id"] and created["client_state"] == STATE and created["occurred_at"]
    )


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"name": None}, 422, "10004"),
        ({"call_control_id": "v3:unknown"}, 422, "90015"),
        ({"max_participants": 1}, 422, "10033"),
        ({"max_participants": 801}, 422, "10033"),
        ({"beep_enabled": "sometimes"}, 422, "10032"),
        ({"region": "Mars"}, 422, "10032"),
        ({"client_state": "?"}, 422, "10015"),
    ],
)
def test_create_refused(
    sim: SimulatorServer, api: httpx.Client, fields: dict[str, Any], status: int, code: str
) -> None:
    body = {
        key: value
        for key, value in {"call_control_id": answered(sim), "name": "X", **fields}.items()
        if value
    }
    response = api.post("/conferences", json=body)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (status, code)


def test_create_state_errors(sim: SimulatorServer, api: httpx.Client) -> None:
    ringing = sim.world.incoming_call().call_control_id
    response = api.post("/conferences", json={"call_control_id": ringing, "name": "A"})
    assert response.json()["errors"][0]["code"] == "90034"
    create(api, answered(sim), name="Taken")
    response = api.post("/conferences", json={"call_control_id": answered(sim), "name": "Taken"})
    assert response.json()["errors"][0]["code"] == "90033"


def test_list_get_and_filters(sim: SimulatorServer, api: httpx.Client, conference: dict[str, Any]) -> None:
    create(api, answered(sim), name="Other")
    listing = api.get("/conferences", params={"filter[name]": "Standup"}).json()
    assert [item["id"] for item in listing["data"]] == [conference["id"]]
    assert listing["meta"]["total_results"] == 1 and listing["meta"]["page_number"] == 1
    assert len(api.get("/conferences", params={"page[size]": 1}).json()["data"]) == 1
    assert api.get(f"/conferences/{conference['id']}").json()["data"]["name"] == "Standup"
    assert api.get("/conferences/Standup").json()["data"]["id"] == conference["id"]
    missing = api.get("/conferences/00000000-0000-4000-8000-000000000000")
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (404, "90058")


def test_participants_list_and_patch(
    sim: SimulatorServer, api: httpx.Client, conference: dict[str, Any]
) -> None:
    listing = api.get(f"/conferences/{conference['id']}/participants").json()
    items = listing["data"]
    assert [item["call_control_id"] for item in items] == [conference["host"], conference["guest"]]
    assert (
        items[0]["conference"] == {"id": conference["id"], "name": "Standup"}
        and items[0]["status"] == "joined"
    )
    guest_id = items[1]["id"]
    url = f"/conferences/{conference['id']}/participants/{guest_id}"
    body = {"end_conference_on_exit": True, "soft_end_conference_on_exit": False, "beep_enabled": "never"}
    response = api.patch(url, json=body)
    assert response.status_code == 200
    data = response.json()["data"]
    assert (
        data["id"] == guest_id
        and data["end_conference_on_exit"] is True
        and data["conference_id"] == conference["id"]
    )
    assert set(data) == {
        "id", "call_control_id", "call_leg_id", "conference_id", "label", "status", "muted", "on_hold",
        "whisper_call_control_ids", "created_at", "updated_at", "end_conference_on_exit",
        "soft_end_conference_on_exit",
    }  # fmt: skip
    by_call = api.get(f"/conferences/{conference['id']}/participants/{conference['guest']}").json()["data"]
    assert by_call["end_conference_on_exit"] is True
    bad = api.patch(url, json={"beep_enabled": "loud"})
    assert (
        bad.status_code,
        bad.json()["errors"][0]["code"],
        bad.json()["errors"][0]["source"]["pointer"],
    ) == (
        422,
        "10032",
        "/beep_enabled",
    )
    assert api.patch(url, json={"end_conference_on_exit": "yes"}).json()["errors"][0]["code"] == "10015"
    unknown = api.patch(f"/conferences/{conference['id']}/participants/nobody", json={})
    assert (unknown.status_code, unknown.json()["errors"][0]["code"]) == (404, "10007")


def test_the_participant_patch_takes_the_participants_own_id_only(
    sim: SimulatorServer, api: httpx.Client, conference: dict[str, Any]
) -> None:
    # Seed 001: "participant_id / in: path / description: Uniquely identifies the participant."
    # (ConferenceParticipant.id, distinct from its call_control_id); anything else is its 404,
    # "code: '10007' / title: Resource not found".
    [host, guest] = api.get(f"/conferences/{conference['id']}/participants").json()["data"]
    assert guest["id"] != guest["call_control_id"] and host["id"] != host["call_control_id"]
    base = f"/conferences/{conference['id']}/participants"
    by_call = api.patch(f"{base}/{guest['call_control_id']}", json={"beep_enabled": "never"})
    assert by_call.status_code == 404
    assert by_call.json()["errors"] == [
        {"code": "10007", "title": "Resource not found", "detail": "Resource not found"}
    ]
    assert api.patch(f"{base}/{guest['id']}", json={"beep_enabled": "never"}).status_code == 200


def test_join_and_leave(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    third = answered(sim)
    body = {"call_control_id": third, "mute": True, "supervisor_role": "monitor", "client_state": STATE}
    assert action(api, conference["id"], "join", body).status_code == 200
    assert action(api, conference["id"], "leave", {"call_control_id": third}).status_code == 200
    sim.wait_idle()
    assert receiver.types(third)[-2:] == ["conference.participant.joined", "conference.participant.left"]
    assert receiver.events(third)[-2]["payload"]["client_state"] == STATE
    again = action(api, conference["id"], "leave", {"call_control_id": third})
    assert again.json()["errors"][0]["code"] == "90033"
    assert (
        action(api, conference["id"], "join", {"call_control_id": "v3:x"}).json()["errors"][0]["code"]
        == "90015"
    )
    assert action(api, conference["id"], "join", {}).json()["errors"][0]["code"] == "10004"
    role = {"call_control_id": third, "supervisor_role": "judge"}
    assert action(api, conference["id"], "join", role).json()["errors"][0]["code"] == "10032"


def test_last_one_out_ends_the_conference(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    sim.world.hangup(conference["guest"])
    sim.world.hangup(conference["host"])
    sim.wait_idle()
    assert receiver.types(conference["host"]) == [
        "conference.participant.left",
        "conference.ended",
        "call.hangup",
    ]
    ended = receiver.events(conference["host"])[1]["payload"]
    assert ended["reason"] == "all_left" and ended["conference_id"] == conference["id"]
    data = api.get(f"/conferences/{conference['id']}").json()["data"]
    assert data["status"] == "completed" and data["end_reason"] == "all_left"
    assert action(api, conference["id"], "mute").json()["errors"][0]["code"] == "90019"


def test_host_leaving_ends_it_for_everyone(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    participant = api.get(f"/conferences/{conference['id']}/participants/{conference['host']}").json()["data"]
    api.patch(
        f"/conferences/{conference['id']}/participants/{participant['id']}",
        json={"end_conference_on_exit": True},
    )
    action(api, conference["id"], "leave", {"call_control_id": conference["host"]})
    sim.wait_idle()
    assert receiver.types(conference["guest"]) == ["conference.participant.left"]
    ended = [event for event in receiver.events() if event["event_type"] == "conference.ended"]
    assert ended[0]["payload"]["reason"] == "host_left"


def test_end(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    assert action(api, conference["id"], "end").status_code == 200
    sim.wait_idle()
    types = receiver.types()
    assert types.count("conference.participant.left") == 2 and types[-1] == "conference.ended"
    assert api.get(f"/conferences/{conference['id']}").json()["data"]["end_reason"] == "ended_via_api"
    assert api.get(f"/conferences/{conference['id']}/participants").json()["data"] == []
    assert action(api, conference["id"], "end").json()["errors"][0]["code"] == "90019"


def test_mute_hold_and_update_send_no_webhook(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    url = f"/conferences/{conference['id']}/participants"
    assert action(api, conference["id"], "mute", {"call_control_ids": []}).status_code == 200
    assert all(item["muted"] for item in api.get(url).json()["data"])
    assert (
        action(api, conference["id"], "unmute", {"call_control_ids": [conference["guest"]]}).status_code
        == 200
    )
    assert [item["muted"] for item in api.get(url).json()["data"]] == [True, False]
    assert len(api.get(url, params={"filter[muted]": "true"}).json()["data"]) == 1
    assert (
        action(api, conference["id"], "hold", {"audio_url": "https://example.com/hold.mp3"}).status_code
        == 200
    )
    assert all(item["on_hold"] for item in api.get(url).json()["data"])
    assert (
        action(api, conference["id"], "unhold", {"call_control_ids": [conference["host"]]}).status_code == 200
    )
    assert (
        api.get(url, params={"filter[on_hold]": "true"}).json()["data"][0]["call_control_id"]
        == conference["guest"]
    )
    update = {
        "call_control_id": conference["guest"],
        "supervisor_role": "whisper",
        "whisper_call_control_ids": [conference["host"]],
    }
    assert action(api, conference["id"], "update", update).status_code == 200
    whispering = api.get(url, params={"filter[whispering]": "true"}).json()["data"]
    assert whispering[0]["whisper_call_control_ids"] == [conference["host"]]
    sim.wait_idle()
    assert receiver.types() == []


@pytest.mark.parametrize(
    ("name", "body", "code", "pointer"),
    [
        ("unhold", {}, "10004", "/call_control_ids"),
        ("mute", {"call_control_ids": ["v3:stranger"]}, "90015", "/call_control_ids"),
        ("mute", {"call_control_ids": "everyone"}, "10015", "/call_control_ids"),
        ("update", {"call_control_id": "v3:x"}, "10004", "/supervisor_role"),
        ("update", {"call_control_id": "v3:x", "supervisor_role": "boss"}, "10032", "/supervisor_role"),
        ("speak", {"payload": "hi"}, "10004", "/voice"),
        ("speak", {"payload": "x" * 3001, "voice": "female"}, "10033", "/payload"),
        ("play", {}, "10004", "/audio_url"),
        ("record_start", {}, "10004", "/format"),
        ("record_start", {"format": "flac"}, "10032", "/format"),
        ("record_stop", {}, "90033", None),
        ("send_dtmf", {"digits": "x"}, "10015", "/digits"),
        ("hold", {"region": "Moon"}, "10032", "/region"),
    ],
)
def test_actions_refused(
    api: httpx.Client,
    conference: dict[str, Any],
    name: str,
    body: dict[str, Any],
    code: str,
    pointer: str | None,
) -> None:
    response = action(api, conference["id"], name, body)
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["code"], problem.get("source", {}).get("pointer")) == (code, pointer)


def test_unknown_conference_action(api: httpx.Client, conference: dict[str, Any]) -> None:
    assert action(api, conference["id"], "dance").status_code == 404
    assert action(api, "no-such-conference", "mute").json()["errors"][0]["code"] == "90058"


def test_speak_play_and_stop(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    assert (
        action(
            api, conference["id"], "speak", {"payload": "Welcome", "voice": "female", "language": "en-GB"}
        ).status_code
        == 200
    )
    sim.wait_idle()
    assert receiver.types() == ["conference.speak.started", "conference.speak.ended"]
    receiver.clear()
    body = {"audio_url": "https://example.com/jingle.mp3", "call_control_ids": [conference["guest"]]}
    assert action(api, conference["id"], "play", body).status_code == 200
    sim.wait_idle()
    assert receiver.types(conference["guest"]) == [
        "conference.participant.playback.started",
        "conference.participant.playback.ended",
    ]
    assert receiver.events(conference["guest"])[0]["payload"]["media_url"] == body["audio_url"]
    receiver.clear()
    action(api, conference["id"], "play", {"media_name": "music", "loop": "infinity"})
    assert action(api, conference["id"], "stop", {}).status_code == 200
    sim.wait_idle()
    assert receiver.types() == ["conference.playback.started", "conference.playback.ended"]


def test_recording(
    sim: SimulatorServer, api: httpx.Client, receiver: WebhookReceiver, conference: dict[str, Any]
) -> None:
    assert (
        action(api, conference["id"], "record_start", {"format": "wav", "channels": "dual"}).status_code
        == 200
    )
    assert (
        action(api, conference["id"], "record_start", {"format": "wav"}).json()["errors"][0]["code"]
        == "90033"
    )
    assert action(api, conference["id"], "record_pause").status_code == 200
    assert action(api, conference["id"], "record_resume").status_code == 200
    assert action(api, conference["id"], "record_stop").status_code == 200
    saved = receiver.wait_for_type("conference.recording.saved")["payload"]
    assert saved["format"] == "wav" and saved["conference_id"] == conference["id"]
    assert saved["recording_urls"]["wav"].endswith(".wav")


def test_send_dtmf(api: httpx.Client, conference: dict[str, Any]) -> None:
    assert action(api, conference["id"], "send_dtmf", {"digits": "1234#"}).status_code == 200


def test_max_participants(sim: SimulatorServer, api: httpx.Client) -> None:
    data = create(api, answered(sim), name="Pair", max_participants=2)
    assert action(api, data["id"], "join", {"call_control_id": answered(sim)}).status_code == 200
    response = action(api, data["id"], "join", {"call_control_id": answered(sim)})
    assert response.json()["errors"][0]["code"] == "90032"


def test_floor_changes(receiver: WebhookReceiver, webhook_url: str) -> None:
    timings = Timings.fast()
    fast_floor = Timings(**{**vars(timings), "floor_change_interval": 0.02})
    with make_simulator(webhook_url, timings=fast_floor) as sim, client_for(sim) as api:
        receiver.clear()
        handle = sim.world.start_conference("Floor test", participants=3)
        receiver.wait_for(lambda r: r.types().count("conference.floor.changed") >= 3)
        changes = [
            event["payload"]
            for event in receiver.events()
            if event["event_type"] == "conference.floor.changed"
        ]
        speakers = {change["call_control_id"] for change in changes}
        assert speakers <= {call.call_control_id for call in handle.calls}
        assert all(change["conference_id"] == handle.id for change in changes)
        assert api.get(f"/conferences/{handle.id}").status_code == 200
