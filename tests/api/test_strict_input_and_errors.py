"""Strict input and one error shape under /api/ (issue 19 §3, issue 18 §6's action bodies)."""

import csv
import io
import json
import re

import pytest
from django.test import Client

from dashboard.models import ActionOutcome, OperatorAction
from tests.faults.telnyx_fake import MisbehavingTelnyx
from tests.support.tokens import api_token
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db

CALL_ID = fixture("call.initiated")["data"]["payload"]["call_control_id"]
UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture
def telnyx(settings):
    with MisbehavingTelnyx([]) as fake:
        settings.TELNYX_API_BASE = fake.base_url
        yield fake


@pytest.fixture
def live_call(db):
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(Client(), fixture(name)).status_code == 200
    return CALL_ID


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize(
    ("query", "named"),
    [("from=%2B1312", "from"), ("number=312", "number"), ("is_alive=yes", "is_alive"), ("limit=0", "limit")],
)
def test_an_unknown_or_misspelt_query_parameter_is_a_400_naming_it(supervisor_client, query, named):
    error = error_of(supervisor_client.get(f"/api/calls/?{query}"), 400)
    assert error["type"] == "invalid" and named in error["fields"]


def test_a_time_filter_without_an_offset_is_a_400(supervisor_client):
    error = error_of(supervisor_client.get("/api/history/calls/?started_after=2026-12-02T10:00:00"), 400)
    assert "started_after" in error["fields"]
    assert supervisor_client.get("/api/history/calls/?started_after=2026-12-02T10:00:00Z").status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[1]", "application/json"),
        ('"str"', "application/json"),
        ("null", "application/json"),
        ("[" * 3000 + "]" * 3000, "application/json"),
        ('{"a": ' * 3000 + "1" + "}" * 3000, "application/json"),
        ("{not json", "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400_audited_as_invalid(
    supervisor_client, live_call, telnyx, body, content_type
):
    response = supervisor_client.post(
        f"/api/calls/{live_call}/actions/hangup/", body, content_type=content_type
    )
    error = error_of(response, 400)
    assert error["type"] == "invalid" and "__all__" in error["fields"]
    record = OperatorAction.objects.get(action="hangup")
    assert (record.outcome, record.channel) == (ActionOutcome.INVALID, "api")
    assert telnyx.requests == []


def test_an_unknown_body_field_is_a_400_naming_it_and_nothing_is_sent(supervisor_client, live_call, telnyx):
    response = supervisor_client.post(
        f"/api/calls/{live_call}/actions/hangup/", {"cause": "x"}, content_type="application/json"
    )
    error = error_of(response, 400)
    assert error["fields"] == {"cause": ["Unknown field."]}
    assert response.json()["action"]["outcome"] == ActionOutcome.INVALID
    assert telnyx.requests == []


def test_dial_takes_telnyxs_own_from(supervisor_client, telnyx):
    response = supervisor_client.post(
        "/api/calls/dial/", {"from": "+13125550100", "to": "+13125550101"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert telnyx.requests[0]["body"]["from"] == "+13125550100"


def test_a_repeated_idempotency_key_sends_one_command_and_answers_the_first_outcome(
    supervisor_client, live_call, telnyx
):
    url = f"/api/calls/{live_call}/actions/hangup/"
    first = supervisor_client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = supervisor_client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and len(telnyx.requests) == 1


def test_missing_credentials_are_a_401_asking_for_a_token(client):
    response = client.get("/api/calls/")
    assert error_of(response, 401)["type"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"
    bad = client.get("/api/calls/", HTTP_AUTHORIZATION="Token nope")
    assert error_of(bad, 401)["type"] == "not_authenticated" and bad["WWW-Authenticate"] == "Token"


def test_a_viewer_is_refused_an_action_with_a_403_in_the_same_shape(viewer_client, live_call, telnyx):
    response = viewer_client.post(
        f"/api/calls/{live_call}/actions/hangup/", {}, content_type="application/json"
    )
    assert error_of(response, 403)["type"] == "permission_denied"


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("get", "/api/no-such-thing/", 404, "not_found"),
        ("get", "/api/calls/v3:nobody/", 404, "not_found"),
        ("delete", "/api/calls/", 405, "method_not_allowed"),
        ("get", "/api/calls/dial/", 405, "method_not_allowed"),
    ],
)
def test_every_error_under_api_has_the_one_shape_never_html(supervisor_client, method, path, status, kind):
    assert error_of(getattr(supervisor_client, method)(path), status)["type"] == kind


def test_a_post_to_a_path_no_route_matches_answers_json_never_csrfs_html_page(supervisor, client):
    session = Client(enforce_csrf_checks=True)  # checked as a browser's session is
    session.force_login(supervisor)
    assert error_of(session.post("/api/supervisions/1.5/leave/"), 403)["type"] == "permission_denied"
    token = Client(headers={"Authorization": f"Token {api_token(supervisor)}"})
    assert error_of(token.post("/api/supervisions/1.5/leave/"), 404)["type"] == "not_found"
    assert error_of(client.post("/api/supervisions/1.5/leave/"), 401)["type"] == "not_authenticated"


@pytest.mark.parametrize("body", ['{"role": "monitor", "colour": "red"}', "[" * 3000 + "]" * 3000])
def test_supervise_refuses_unknown_fields_and_deep_nesting_with_a_400(supervisor_client, live_call, body):
    response = supervisor_client.post(
        f"/api/calls/{live_call}/supervise/", body, content_type="application/json"
    )
    assert error_of(response, 400)["type"] == "invalid"


@pytest.mark.parametrize(
    ("query", "named"), [("active=yes", "active"), ("active=2", "active"), ("mine=1", "mine")]
)
def test_the_supervision_list_refuses_what_it_would_ignore(supervisor_client, query, named):
    error = error_of(supervisor_client.get(f"/api/supervisions/?{query}"), 400)
    assert named in error["fields"]
    for spelling in ("1", "true", "0", "false"):
        assert supervisor_client.get(f"/api/supervisions/?active={spelling}").status_code == 200


def _body(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def _times(row: dict) -> dict[str, str]:
    return {name: value for name, value in row.items() if name.endswith(("_at", "_time")) and value}


def test_every_time_the_api_and_its_exports_give_is_utc_with_z_and_microseconds(supervisor_client, live_call):
    call = supervisor_client.get(f"/api/calls/{live_call}/").json()
    events = supervisor_client.get("/api/events/").json()["results"]
    exported = json.loads(_body(supervisor_client.get("/api/history/events/export.json")))
    rows = list(csv.DictReader(io.StringIO(_body(supervisor_client.get("/api/history/events/export.csv")))))
    times = {**_times(call)}
    for index, row in enumerate([*events, *exported, *rows]):
        times.update({f"{index}.{name}": value for name, value in _times(row).items()})
    assert len(times) >= 4 and "start_time" in times
    assert {name: value for name, value in times.items() if not UTC_STAMP.match(value)} == {}
