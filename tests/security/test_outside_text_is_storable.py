"""Outside text that no database column can hold (NUL, unpaired surrogates) is made storable where
it enters: a signed webhook carrying it is stored and applied (never a permanent 400, never a ghost),
an operator's request carrying it is audited, and nothing stored afterwards makes a page, an API
answer or an export fail. The raw body stays exactly as received."""

import json
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.models import Call
from dashboard.models import Event, OperatorAction
from tests.support.webhooks import envelope, fixture, post_webhook

pytestmark = pytest.mark.django_db

UNSTORABLE = ["\x00", "\udfff", "\ud800"]
FFFD = "\ufffd"
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any code point at all: surrogates and NUL included (Hypothesis leaves surrogates out by default).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


def body_of(document: dict) -> bytes:
    # ensure_ascii (the default) writes a lone surrogate as its \\u escape, as any JSON sender must.
    return json.dumps(document).encode()


def call_webhook(event_type: str, call: str, **fields: object) -> dict:
    payload = {**fixture("call.initiated")["data"]["payload"], "call_control_id": call, **fields}
    return envelope(
        event_type, payload, event_id=str(uuid.uuid4()), occurred_at="2026-11-21T10:00:00.000000Z"
    )


def read_all(client, path: str, query: str = "") -> str:  # noqa: ANN001
    """GET a page, answer or export to its last byte: a stream that stops midway fails here."""
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code == 200, (path, response.status_code)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def every_view_of_a_call(client, call: str) -> list[str]:  # noqa: ANN001
    paths = [
        "/calls/",
        f"/calls/{call}/",
        f"/api/calls/{call}/",
        "/history/calls/",
        "/history/events/",
        "/api/history/calls/",
        "/api/history/events/",
        "/history/calls/export.csv",
        "/history/calls/export.json",
        "/history/events/export.csv",
        "/history/events/export.json",
    ]
    return [read_all(client, path) for path in paths]


@pytest.mark.parametrize("char", UNSTORABLE, ids=["nul", "low-surrogate", "high-surrogate"])
def test_a_signed_webhook_with_unstorable_text_in_caller_fields_is_stored_and_shown(supervisor_client, char):
    call = f"v3:odd-{uuid.uuid4().hex}"
    document = call_webhook(
        "call.initiated",
        call,
        caller_id_name=f"Ana{char}Ruiz",
        custom_headers=[{"name": f"X-{char}", "value": f"v{char}"}],
        sip_headers=[{"name": "User-to-User", "value": f"u{char}u"}],
        client_state=f"s{char}",
    )
    body = body_of(document)

    answer = post_webhook(supervisor_client, body)

    assert answer.status_code == 200, answer.content
    event = Event.objects.get(event_id=document["data"]["id"])
    assert event.raw_body == body.decode()  # byte-exact: the escapes as Telnyx sent them
    assert event.payload["caller_id_name"] == f"Ana{FFFD}Ruiz"
    assert event.payload["custom_headers"] == [{"name": f"X-{FFFD}", "value": f"v{FFFD}"}]
    assert Call.objects.get(call_control_id=call).caller_id_name == f"Ana{FFFD}Ruiz"
    pages = every_view_of_a_call(supervisor_client, call)
    assert any(f"Ana{FFFD}Ruiz" in page for page in pages)


@pytest.mark.parametrize("char", UNSTORABLE, ids=["nul", "low-surrogate", "high-surrogate"])
def test_a_hangup_with_unstorable_text_still_ends_the_call(supervisor_client, char):
    call = f"v3:odd-{uuid.uuid4().hex}"
    assert post_webhook(supervisor_client, call_webhook("call.initiated", call)).status_code == 200
    hangup = call_webhook("call.hangup", call, hangup_cause="normal_clearing", sip_hangup_cause=f"4{char}87")
    hangup["data"]["occurred_at"] = "2026-11-21T10:01:00.000000Z"

    assert post_webhook(supervisor_client, hangup).status_code == 200

    assert Call.objects.get(call_control_id=call).state == "hangup"  # not a ghost


def test_a_texml_callback_with_an_encoded_nul_is_stored(supervisor_client):
    conference = f"CF{uuid.uuid4().hex}"
    body = f"ConferenceSid={conference}&StatusCallbackEvent=conference-start&FriendlyName=Sales%00Team"

    answer = post_webhook(
        supervisor_client,
        body.encode(),
        path="/webhooks/telnyx/texml/",
        content_type="application/x-www-form-urlencoded",
    )

    assert answer.status_code == 200, answer.content
    event = Event.objects.get(conference_id=conference)
    assert event.payload["FriendlyName"] == f"Sales{FFFD}Team" and event.raw_body == body


@pytest.mark.parametrize("char", UNSTORABLE, ids=["nul", "low-surrogate", "high-surrogate"])
@pytest.mark.parametrize("who", ["viewer_client", "supervisor_client"])
def test_an_action_request_with_unstorable_text_is_audited_and_every_page_still_answers(request, who, char):
    client = request.getfixturevalue(who)
    call = f"v3:odd-{uuid.uuid4().hex}"
    assert post_webhook(client, call_webhook("call.initiated", call)).status_code == 200
    # Denied for the viewer; for the supervisor, invalid (a surrogate is no client state Telnyx takes):
    # either way nothing is sent and the attempt is audited.
    answer = client.post(
        f"/api/calls/{call}/actions/client_state_update/",
        body_of({"client_state": f"x{char}", "note": f"n{char}"}),
        content_type="application/json",
    )

    assert answer.status_code in (400, 403), answer.content
    record = OperatorAction.objects.get(call_control_id=call)
    assert FFFD in json.dumps(record.parameters, ensure_ascii=False)
    for path in (
        f"/calls/{call}/",
        "/history/actions/",
        f"/history/actions/{record.pk}/",
        "/api/history/actions/",
        "/history/actions/export.csv",
        "/history/actions/export.json",
        "/api/history/actions/export.json",
    ):
        read_all(client, path)


def history_searches() -> list[tuple[str, str]]:
    from operations.history.filters import ActionFilter, CallFilter, ConferenceFilter, EventFilter

    searches = {
        "calls": CallFilter,
        "conferences": ConferenceFilter,
        "events": EventFilter,
        "actions": ActionFilter,
    }
    return [
        (prefix + f"/history/{resource}/", name)
        for resource, filterset in searches.items()
        for name in filterset.base_filters
        for prefix in ("", "/api")
    ]


@pytest.mark.parametrize(("path", "name"), history_searches())
def test_a_filter_with_unstorable_text_is_not_a_server_error(supervisor_client, path, name):
    for value in ("a%00b", "%ED%BF%BF", "a%C0b%00"):
        response = supervisor_client.get(path, QUERY_STRING=f"{name}={value}")
        assert response.status_code in (200, 400), (path, name, value, response.status_code)


@FUZZ
@given(name=any_text, header=any_text, state=any_text)
def test_any_text_goes_from_webhook_to_page_api_and_exports(supervisor_client, name, header, state):
    call = f"v3:fuzz-{uuid.uuid4().hex}"
    document = call_webhook(
        "call.initiated",
        call,
        caller_id_name=name,
        custom_headers=[{"name": header, "value": header}],
        client_state=state,
    )

    assert post_webhook(supervisor_client, body_of(document)).status_code == 200

    stored = Call.objects.get(call_control_id=call).caller_id_name
    assert "\x00" not in stored
    stored.encode("utf-8")  # readable back: no unpaired surrogate left
    for path in (f"/calls/{call}/", f"/api/calls/{call}/"):
        read_all(supervisor_client, path)
    query = f"call_control_id={quote(call)}"
    for path in ("/history/calls/export.csv", "/history/calls/export.json", "/history/events/export.json"):
        read_all(supervisor_client, path, query)


@FUZZ
@given(text=any_text)
def test_any_text_goes_from_an_action_to_its_audit_record_and_pages(viewer_client, text):
    call = f"v3:fuzz-{uuid.uuid4().hex}"
    assert post_webhook(viewer_client, call_webhook("call.initiated", call)).status_code == 200

    answer = viewer_client.post(
        f"/api/calls/{call}/actions/speak/",
        body_of({"payload": text, "voice": text, text: text}),
        content_type="application/json",
    )

    assert answer.status_code == 403
    record = OperatorAction.objects.get(call_control_id=call)
    for path in (f"/calls/{call}/", f"/history/actions/{record.pk}/", "/api/history/actions/"):
        read_all(viewer_client, path)
    read_all(viewer_client, "/history/actions/export.json", f"user={record.username}")
