"""The read API: Telnyx's field names, paginated, behind authentication."""

import pytest

from conferences.models import Conference
from tests.support.tokens import api_token
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


def deliver(client, *names: str) -> None:
    for name in names:
        assert post_webhook(client, fixture(name)).status_code == 200


def test_calls_use_telnyx_field_names(supervisor_client):
    deliver(supervisor_client, "call.initiated", "call.hangup")
    body = supervisor_client.get("/api/calls/").json()
    assert len(body["results"]) == 1 and body["next"] is None
    call = body["results"][0]
    assert call["from"] == "+35319605860" and call["to"] == "+13129457420"
    assert (call["state"], call["hangup_cause"]) == ("hangup", "normal_clearing")
    detail = supervisor_client.get(f"/api/calls/{call['call_control_id']}/").json()
    assert detail["call_control_id"] == call["call_control_id"]


def test_calls_filter_by_state(supervisor_client):
    deliver(supervisor_client, "call.initiated")
    assert supervisor_client.get("/api/calls/?state=hangup").json()["results"] == []
    assert len(supervisor_client.get("/api/calls/?state=parked").json()["results"]) == 1


def test_conferences_and_participants(supervisor_client):
    deliver(supervisor_client, "conference.created", "conference.participant.joined")
    conference = Conference.objects.get()
    body = supervisor_client.get("/api/conferences/").json()
    assert body["results"][0]["id"] == conference.conference_id
    assert body["results"][0]["participant_count"] == 1
    assert (
        supervisor_client.get(f"/api/conferences/{conference.conference_id}/").json()["status"]
        == "in_progress"
    )
    participants = supervisor_client.get(f"/api/conferences/{conference.conference_id}/participants/").json()
    participant = participants["results"][0]
    assert (participant["status"], participant["muted"], participant["on_hold"]) == ("joined", False, False)
    assert participant["conference"]["id"] == conference.conference_id


def test_events_are_listed_newest_first_and_paginated(supervisor_client):
    deliver(supervisor_client, "call.initiated", "call.answered", "call.hangup")
    body = supervisor_client.get("/api/events/?limit=2&count=true").json()
    assert body["count_estimate"] == 3 and len(body["results"]) == 2
    assert body["results"][0]["event_type"] == "call.hangup"
    rest = supervisor_client.get(body["next"]).json()
    assert [e["event_type"] for e in rest["results"]] == ["call.initiated"] and rest["next"] is None
    assert len(supervisor_client.get("/api/events/?event_type=call.answered").json()["results"]) == 1


def test_the_api_refuses_anonymous_requests(client):
    response = client.get("/api/events/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["type"] == "not_authenticated"


def test_a_token_authenticates(client, viewer):
    response = client.get("/api/calls/", HTTP_AUTHORIZATION=f"Token {api_token(viewer)}")
    assert response.status_code == 200
