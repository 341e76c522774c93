"""What goes on the wire: method, path, headers and body of each command and read."""

import json
import uuid
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from telnyx_fakes import API_KEY, ok

from dashboard.actions.spec import action_spec, actions_for
from dashboard.telnyx import TelnyxClient, new_command_id

CALL_ID = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"
CONFERENCE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
# Seed 002/004: the call commands Telnyx documents without a command_id; seed 001: the conference ones.
CALL_COMMANDS_WITHOUT_COMMAND_ID = {"client_state_update", "siprec_start", "switch_supervisor_role"}
CONFERENCE_COMMANDS_WITHOUT_COMMAND_ID = {"hold", "mute", "play", "stop", "unhold", "unmute"}


def body(request):
    return json.loads(request.content)


def send(client, target, name, ids, params, command_id):
    spec = action_spec(target, name)
    return client.command(
        spec.method,
        spec.path,
        ids=ids,
        params=params,
        command_id=command_id if spec.command_id else None,
        encoding=spec.encoding,
    )


def test_it_dials_with_a_json_body_bearer_auth_and_a_switchboard_user_agent(client, fake):
    fake.answer(ok({"call_control_id": CALL_ID, "call_leg_id": "leg-1"}))

    response = send(
        client,
        "call",
        "dial",
        {},
        {"connection_id": "7267", "to": "+13129457420", "from": "+35319605860", "audio_url": None},
        "cmd-1",
    )

    request = fake.last
    assert request.method == "POST"
    assert str(request.url) == "https://api.telnyx.test/v2/calls"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert "Switchboard" in request.headers["user-agent"]
    assert body(request) == {
        "connection_id": "7267",
        "to": "+13129457420",
        "from": "+35319605860",
        "command_id": "cmd-1",
    }
    assert response.status == 200
    assert response.data == {"call_control_id": CALL_ID, "call_leg_id": "leg-1"}
    assert response.attempts == 1
    assert response.command_id == "cmd-1"
    assert response.elapsed_ms >= 0


@pytest.mark.parametrize("action", sorted(spec.name for spec in actions_for("call") if spec.name != "dial"))
def test_it_sends_each_call_command_to_its_action_endpoint(client, fake, action):
    response = send(
        client, "call", action, {"call_control_id": CALL_ID}, {"client_state": "aGk=", "skip": None}, "c-9"
    )

    request = fake.last
    assert request.url.path == f"/v2/calls/{CALL_ID}/actions/{action}"
    # Seed 002: client state is replaced with a PUT; every other call command is a POST.
    assert request.method == ("PUT" if action == "client_state_update" else "POST")
    expected = {"client_state": "aGk="}
    if action not in CALL_COMMANDS_WITHOUT_COMMAND_ID:
        expected["command_id"] = "c-9"
    assert body(request) == expected
    assert response.data == {"result": "ok"}


@pytest.mark.parametrize("action", sorted(spec.name for spec in actions_for("conference")))
def test_it_sends_each_conference_command_to_its_action_endpoint(client, fake, action):
    params = {"call_control_ids": [CALL_ID], "region": None}
    send(client, "conference", action, {"conference_id": CONFERENCE_ID}, params, "c-7")

    request = fake.last
    assert request.method == "POST"
    assert request.url.path == f"/v2/conferences/{CONFERENCE_ID}/actions/{action}"
    expected = {"call_control_ids": [CALL_ID]}
    if action not in CONFERENCE_COMMANDS_WITHOUT_COMMAND_ID:
        expected["command_id"] = "c-7"
    assert body(request) == expected


def test_it_sends_no_command_id_unless_given_one(client, fake):
    client.command("POST", "/calls/{call_control_id}/actions/hangup", ids={"call_control_id": CALL_ID})

    assert body(fake.last) == {}
    assert fake.last.url.path == f"/v2/calls/{CALL_ID}/actions/hangup"


def test_it_keeps_an_identifier_inside_one_path_segment(client, fake):
    client.command(
        "POST", "/calls/{call_control_id}/actions/hangup", ids={"call_control_id": "v3:a/b?c#d{x}"}
    )

    assert fake.last.url.raw_path == b"/v2/calls/v3:a%2Fb%3Fc%23d%7Bx%7D/actions/hangup"
    for bad in ("..", "", "."):
        with pytest.raises(ValueError):
            client.command("POST", "/calls/{call_control_id}/actions/hangup", ids={"call_control_id": bad})


def test_it_patches_a_participant_without_a_command_id(client, fake):
    fake.answer(ok({"id": "p-1", "end_conference_on_exit": True, "beep_enabled": "never"}))

    response = send(
        client,
        "participant",
        "participant_update",
        {"conference_id": CONFERENCE_ID, "participant_id": "p-1"},
        {"end_conference_on_exit": True, "beep_enabled": "never", "soft_end_conference_on_exit": None},
        "never-sent",
    )

    assert fake.last.method == "PATCH"
    assert fake.last.url.path == f"/v2/conferences/{CONFERENCE_ID}/participants/p-1"
    assert body(fake.last) == {"end_conference_on_exit": True, "beep_enabled": "never"}
    assert response.data["beep_enabled"] == "never"
    assert response.command_id is None


def test_it_lists_conferences_with_filters_through_every_page(client, fake):
    fake.answer(_page([{"id": "c1"}, {"id": "c2"}], 1, 2), _page([{"id": "c3"}], 2, 2))

    response = client.list_conferences(
        filters={"name": "support", "status": "in_progress", "connection_id": None}
    )

    queries = [parse_qs(request.url.query.decode()) for request in fake.requests]
    assert queries == [
        {"filter[name]": ["support"], "filter[status]": ["in_progress"], "page[number]": ["1"]},
        {"filter[name]": ["support"], "filter[status]": ["in_progress"], "page[number]": ["2"]},
    ]
    assert [item["id"] for item in response.items] == ["c1", "c2", "c3"]
    assert response.attempts == 2


def test_it_lists_participants_with_lowercase_boolean_filters(client, fake):
    fake.answer(_page([{"id": "p1", "muted": True}], 1, 1))

    response = client.list_participants(conference_id=CONFERENCE_ID, filters={"muted": True})

    assert fake.last.url.path == f"/v2/conferences/{CONFERENCE_ID}/participants"
    assert parse_qs(fake.last.url.query.decode()) == {"filter[muted]": ["true"], "page[number]": ["1"]}
    assert response.items == [{"id": "p1", "muted": True}]
    assert len(fake.requests) == 1


def test_it_follows_the_active_calls_cursor_to_the_last_page(client, fake):
    fake.answer(
        _cursor_page([{"call_control_id": "a"}, {"call_control_id": "b"}], after="cur-1"),
        _cursor_page([{"call_control_id": "c"}], after="cur-2"),
        _cursor_page([{"call_control_id": "d"}], after=None),
    )

    response = client.list_active_calls(connection_id="1494404757140276705")

    assert [r.url.path for r in fake.requests] == ["/v2/connections/1494404757140276705/active_calls"] * 3
    assert [r.url.params.get("page[after]") for r in fake.requests] == [None, "cur-1", "cur-2"]
    assert [item["call_control_id"] for item in response.items] == ["a", "b", "c", "d"]
    assert response.attempts == 3


def test_it_stops_following_a_cursor_that_comes_back_or_an_empty_page(client, fake):
    fake.answer(
        _cursor_page([{"call_control_id": "a"}], after="same"),
        _cursor_page([{"call_control_id": "b"}], after="same"),
    )
    assert [i["call_control_id"] for i in client.list_active_calls(connection_id="1").items] == ["a", "b"]

    fake.answer(_cursor_page([], after="more"))
    assert client.list_active_calls(connection_id="1").items == []
    assert len(fake.requests) == 3


def test_it_posts_texml_participant_updates_as_a_form_with_lowercase_booleans(client, fake):
    resource = {"call_sid": CALL_ID, "muted": True, "hold": False, "status": "connected"}
    fake.answer(httpx.Response(200, json=resource))

    response = send(
        client,
        "participant",
        "texml_update",
        {"account_sid": "AC-1", "conference_sid": "conf-1", "call_sid_or_label": CALL_ID},
        {"Muted": True, "Hold": False, "HoldUrl": None, "AnnounceMethod": "GET"},
        "never-sent",
    )

    request = fake.last
    assert request.method == "POST"
    assert request.url.path == f"/v2/texml/Accounts/AC-1/Conferences/conf-1/Participants/{CALL_ID}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "Muted": ["true"],
        "Hold": ["false"],
        "AnnounceMethod": ["GET"],
    }
    assert response.data == resource


def test_it_builds_itself_from_django_settings(settings, fake):
    settings.TELNYX_API_KEY = "KEYFROMSETTINGS"
    settings.TELNYX_API_BASE = "https://telnyx.example/v2"
    settings.TELNYX_TIMEOUT_SECS = 7

    client = TelnyxClient.from_settings(transport=httpx.MockTransport(fake))
    client.command("POST", "/calls/{call_control_id}/actions/hangup", ids={"call_control_id": CALL_ID})

    assert str(fake.last.url) == f"https://telnyx.example/v2/calls/{CALL_ID}/actions/hangup"
    assert fake.last.headers["authorization"] == "Bearer KEYFROMSETTINGS"
    assert fake.last.extensions["timeout"] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


def test_it_refuses_to_build_from_settings_without_an_api_key(settings):
    settings.TELNYX_API_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="TELNYX_API_KEY"):
        TelnyxClient.from_settings()


def test_it_makes_fresh_command_ids():
    ids = {new_command_id() for _ in range(50)}

    assert len(ids) == 50
    assert all(uuid.UUID(value).version == 4 for value in ids)


def _page(items, number, total):
    meta = {"page_number": number, "total_pages": total, "page_size": 2}
    return httpx.Response(200, json={"data": items, "meta": meta})


def _cursor_page(items, after):
    cursors = {"before": "b"} | ({"after": after} if after else {})
    return httpx.Response(200, json={"data": items, "meta": {"cursors": cursors}})
