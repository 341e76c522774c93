"""The history API: the pages' searches over DRF, token authentication, schema and docs."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bench.history_generator import generate
from dashboard.models import OperatorAction
from dashboard.web import pagination
from tests.support.tokens import api_token

from .builders import call_documents, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(viewer):
    """A client that authenticates with a DRF token only (no session)."""
    return Client(headers={"Authorization": f"Token {api_token(viewer)}"})


def test_the_api_searches_calls_with_the_pages_filters(api, supervisor_client):
    deliver(
        supervisor_client,
        *call_documents(1, from_="+13129457420", to="+18005550001", duration=20),
        *call_documents(2, to="+442071234567", duration=300, cause="user_busy"),
    )
    body = api.get("/api/history/calls/?number=312 945&duration_max=60&count=true").json()
    assert body["count_estimate"] == 1 and body["count_capped"] is False
    call = body["results"][0]
    assert (call["call_control_id"], call["from"], call["to"]) == (
        "v3:hist-1",
        "+13129457420",
        "+18005550001",
    )
    assert 19 < call["duration_secs"] < 21
    assert len(api.get("/api/history/calls/?hangup_cause=user_busy").json()["results"]) == 1
    ordered = api.get("/api/history/calls/?sort=-duration").json()["results"]
    assert [c["call_control_id"] for c in ordered] == ["v3:hist-2", "v3:hist-1"]


def test_the_api_searches_events_conferences_and_actions(api, supervisor_client):
    deliver(supervisor_client, *call_documents(1))
    OperatorAction.objects.create(
        created_at=timezone.now(), username="sam", action="hangup", target_type="call", outcome="failed"
    )
    events = api.get("/api/history/events/?event_type=call.hangup").json()
    assert [e["id"] for e in events["results"]] == ["hist-1-call.hangup"]
    assert "last_delivery_at" in events["results"][0]
    actions = api.get("/api/history/actions/?user=sam&outcome=failed").json()
    assert len(actions["results"]) == 1 and actions["results"][0]["user"] == "sam"
    conferences = api.get("/api/history/conferences/?status=completed").json()
    assert conferences["results"] == []


def test_an_invalid_api_search_is_a_400_naming_the_field(api):
    response = api.get("/api/history/calls/?started_after=tomorrow-ish")
    assert response.status_code == 400 and "started_after" in response.json()["error"]["fields"]


def test_api_counts_stop_at_the_cap(api, monkeypatch):
    generate(events=600, calls=100, actions=0, rejected=0, days=2, live=0)
    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    body = api.get("/api/history/calls/?limit=20&count=true").json()
    assert (body["count_estimate"], body["count_capped"], len(body["results"])) == (30, True, 20)


def test_a_token_exports_and_the_export_is_audited_as_api(api, supervisor_client, viewer):
    now = timezone.now()
    deliver(supervisor_client, *call_documents(1, start=now - timedelta(hours=1)), *call_documents(2))
    response = api.get("/api/history/calls/export.csv?sort=start_time", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response.streaming
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["call_control_id"] for row in table] == ["v3:hist-1", "v3:hist-2"]
    record = OperatorAction.objects.get(action="export")
    assert (record.username, record.channel, record.parameters["filters"]) == (
        viewer.username,
        "api",
        {"sort": "start_time"},
    )


def test_the_schema_describes_the_history_searches(viewer_client):
    # The docs pages that render it (Swagger UI, Redoc) are tested in tests/pages/test_api_docs.py.
    schema = viewer_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/history/calls/", "/api/history/events/", "/api/history/actions/"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/history/calls/"]["get"]["parameters"]}
    assert {
        "number",
        "from",
        "to",
        "call_id",
        "started_after",
        "duration_min",
        "hangup_cause",
        "sort",
    } <= parameters


def test_the_api_refuses_anonymous_requests(client):
    for url in ("/api/history/calls/", "/api/history/events/export.csv", "/api/schema/"):
        assert client.get(url).status_code in (401, 403)
