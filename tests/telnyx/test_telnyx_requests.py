"""What goes on the wire: method, path, headers and body of each TelnyxClient method."""

import json
import uuid
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from telnyx_fakes import API_KEY, ok

from dashboard.telnyx import (
    CALL_ACTION_HTTP_METHODS,
    CALL_ACTIONS,
    CALL_ACTIONS_WITHOUT_COMMAND_ID,
    CONFERENCE_ACTIONS,
    CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID,
    TelnyxClient,
    new_command_id,
)

CALL_ID = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"
CONFERENCE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def body(request):
    return json.loads(request.content)


def test_it_dials_with_a_json_body_bearer_auth_and_a_switchboard_user_agent(client, fake):
    fake.answer(ok({"call_control_id": CALL_ID, "call_leg_id": "leg-1"}))

    response = client.dial(
        params={"connection_id": "7267", "to": "+13129457420", "from": "+35319605860", "audio_url": None},
        command_id="cmd-1",
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


@pytest.mark.parametrize("action", sorted(CALL_ACTIONS))
def test_it_sends_each_call_command_to_its_action_endpoint(client, fake, action):
    method = getattr(client, action)
    if action in CALL_ACTIONS_WITHOUT_COMMAND_ID:
        response = method(call_control_id=CALL_ID, params={"client_state": "aGk=", "skip": None})
        expected_body = {"client_state": "aGk="}
    else:
        response = method(
            call_control_id=CALL_ID, params={"client_state": "aGk=", "skip": None}, command_id="c-9"
        )
        expected_body = {"client_state": "aGk=", "command_id": "c-9"}

    request = fake.last
    assert request.url.path == f"/v2/calls/{CALL_ID}/actions/{action}"
    assert request.method == ("PUT" if action == "client_state_update" else "POST")
    assert body(request) == expected_body
    assert response.data == {"result": "ok"}


def test_it_encodes_client_state_update_as_the_only_put():
    assert {action for action, verb in CALL_ACTION_HTTP_METHODS.items() if verb != "POST"} == {
        "client_state_update"
    }
    assert CALL_ACTION_HTTP_METHODS["client_state_update"] == "PUT"
    assert set(CALL_ACTION_HTTP_METHODS) == CALL_ACTIONS


@pytest.mark.parametrize("action", sorted(CONFERENCE_ACTIONS))
def test_it_sends_each_conference_command_to_its_action_endpoint(client, fake, action):
    method = getattr(client, f"conference_{action}")
    params = {"call_control_ids": [CALL_ID], "region": None}
    if action in CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID:
        method(conference_id=CONFERENCE_ID, params=params)
        expected_body = {"call_control_ids": [CALL_ID]}
    else:
        method(conference_id=CONFERENCE_ID, params=params, command_id="c-7")
        expected_body = {"call_control_ids": [CALL_ID], "command_id": "c-7"}

    request = fake.last
    assert request.method == "POST"
    assert request.url.path == f"/v2/conferences/{CONFERENCE_ID}/actions/{action}"
    assert body(request) == expected_body


def test_it_gives_every_command_that_takes_one_a_fresh_uuid4_command_id_when_none_is_given(client, fake):
    first = client.hangup(call_control_id=CALL_ID)
    second = client.hangup(call_control_id=CALL_ID)

    sent = [body(request)["command_id"] for request in fake.requests]
    assert sent == [first.command_id, second.command_id]
    assert sent[0] != sent[1]
    assert all(uuid.UUID(command_id).version == 4 for command_id in sent)


def test_it_keeps_a_command_id_given_in_params(client, fake):
    client.call_action(call_control_id=CALL_ID, action="speak", params={"payload": "hi", "command_id": "p-1"})

    assert body(fake.last)["command_id"] == "p-1"


def test_it_refuses_two_different_command_ids_for_one_command(client, fake):
    with pytest.raises(ValueError, match="command_id"):
        client.hangup(call_control_id=CALL_ID, params={"command_id": "a"}, command_id="b")
    assert fake.requests == []


def test_it_refuses_a_command_id_for_a_command_telnyx_does_not_dedupe(client, fake):
    with pytest.raises(ValueError, match="command_id"):
        client.call_action(
            call_control_id=CALL_ID,
            action="client_state_update",
            params={"client_state": "aGk="},
            command_id="x",
        )
    with pytest.raises(ValueError, match="command_id"):
        client.conference_action(conference_id=CONFERENCE_ID, action="mute", command_id="x")
    assert fake.requests == []


def test_it_refuses_unknown_action_names_without_sending(client, fake):
    with pytest.raises(ValueError, match="unknown call action"):
        client.call_action(call_control_id=CALL_ID, action="explode")
    with pytest.raises(ValueError, match="unknown conference action"):
        client.conference_action(conference_id=CONFERENCE_ID, action="hangup")
    assert fake.requests == []


def test_it_keeps_an_identifier_inside_one_path_segment(client, fake):
    client.get_call(call_control_id="v3:a/b?c#d")

    assert fake.last.url.raw_path == b"/v2/calls/v3:a%2Fb%3Fc%23d"
    with pytest.raises(ValueError):
        client.get_call(call_control_id="..")
    with pytest.raises(ValueError):
        client.get_call(call_control_id="")


def test_it_reads_a_call(client, fake):
    fake.answer(ok({"call_control_id": CALL_ID, "is_alive": True}))

    response = client.get_call(call_control_id=CALL_ID)

    assert fake.last.method == "GET"
    assert fake.last.url.path == f"/v2/calls/{CALL_ID}"
    assert fake.last.content == b""
    assert response.data == {"call_control_id": CALL_ID, "is_alive": True}


def test_it_creates_a_conference_with_a_command_id(client, fake):
    fake.answer(ok({"id": CONFERENCE_ID, "name": "support", "status": "init"}))

    response = client.create_conference(
        params={"call_control_id": CALL_ID, "name": "support"}, command_id="c-1"
    )

    assert fake.last.method == "POST"
    assert fake.last.url.path == "/v2/conferences"
    assert body(fake.last) == {"call_control_id": CALL_ID, "name": "support", "command_id": "c-1"}
    assert response.data["id"] == CONFERENCE_ID


def test_it_reads_a_conference_and_a_participant(client, fake):
    client.get_conference(conference_id=CONFERENCE_ID)
    client.get_participant(conference_id=CONFERENCE_ID, participant_id="agent-label")

    assert [(r.method, r.url.path) for r in fake.requests] == [
        ("GET", f"/v2/conferences/{CONFERENCE_ID}"),
        ("GET", f"/v2/conferences/{CONFERENCE_ID}/participants/agent-label"),
    ]


def test_it_patches_a_participant_without_a_command_id(client, fake):
    fake.answer(ok({"id": "p-1", "end_conference_on_exit": True, "beep_enabled": "never"}))

    response = client.update_participant(
        conference_id=CONFERENCE_ID,
        participant_id="p-1",
        params={"end_conference_on_exit": True, "beep_enabled": "never", "soft_end_conference_on_exit": None},
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

    response = client.texml_update_participant(
        account_sid="AC-1",
        conference_sid="conf-1",
        call_sid_or_label=CALL_ID,
        form={"Muted": True, "Hold": False, "HoldUrl": None, "AnnounceMethod": "GET"},
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


def test_it_lists_texml_participants(client, fake):
    fake.answer(
        httpx.Response(200, json={"participants": [{"call_sid": "a"}, "junk"], "page": 0, "page_size": 20})
    )

    response = client.texml_list_participants(account_sid="AC-1", conference_sid="conf-1")

    assert fake.last.method == "GET"
    assert fake.last.url.path == "/v2/texml/Accounts/AC-1/Conferences/conf-1/Participants"
    assert response.items == [{"call_sid": "a"}]
    assert response.meta == {"page": 0, "page_size": 20}


def test_it_builds_itself_from_django_settings(settings, fake):
    settings.TELNYX_API_KEY = "KEYFROMSETTINGS"
    settings.TELNYX_API_BASE = "https://telnyx.example/v2"
    settings.TELNYX_TIMEOUT_SECS = 7

    client = TelnyxClient.from_settings(transport=httpx.MockTransport(fake))
    client.hangup(call_control_id=CALL_ID)

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
