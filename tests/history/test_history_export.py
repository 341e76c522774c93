"""Exports: every row of a search as CSV or JSON, streamed, and audited."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import AsyncClient
from django.utils import timezone

from bench.history_generator import generate
from dashboard.models import OperatorAction

from .builders import call_documents, deliver

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content)


def test_a_csv_export_holds_every_row_of_the_search_and_is_audited(supervisor_client, supervisor):
    generate(events=1200, calls=200, actions=0, rejected=0, days=2, live=10)
    response = supervisor_client.get(
        "/history/calls/export.csv?is_alive=false&sort=start_time&per_page=25&page=3"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="switchboard-calls-')
    table = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert len(table) == 190
    assert table[0]["start_time"] < table[-1]["start_time"]
    assert {row["state"] for row in table} == {"hangup"}
    assert set(table[0]) >= {"call_control_id", "from", "to", "duration_secs", "hangup_cause", "end_time"}
    record = OperatorAction.objects.get(action="export")
    assert (record.username, record.target_type, record.outcome, record.channel) == (
        supervisor.username,
        "history",
        "ok",
        "web",
    )
    assert record.parameters == {
        "resource": "calls",
        "format": "csv",
        "filters": {"is_alive": "false", "sort": "start_time"},
    }


def test_a_json_export_is_one_array_with_telnyx_names(supervisor_client):
    deliver(supervisor_client, *call_documents(1), *call_documents(2, ended=False))
    response = supervisor_client.get("/history/events/export.json?event_type=call.initiated,call.hangup")
    assert response["Content-Type"] == "application/json"
    events = json.loads(body(response))
    assert sorted(e["id"] for e in events) == [
        "hist-1-call.hangup",
        "hist-1-call.initiated",
        "hist-2-call.initiated",
    ]
    assert events[0]["payload"]["call_control_id"].startswith("v3:hist-")
    assert OperatorAction.objects.get(action="export").parameters["format"] == "json"


def test_an_export_neutralises_spreadsheet_formulas_but_not_phone_numbers(supervisor_client):
    deliver(
        supervisor_client,
        *call_documents(1, caller_id_name='=HYPERLINK("http://evil")', from_="+35319605860"),
    )
    table = list(
        csv.DictReader(io.StringIO(body(supervisor_client.get("/history/calls/export.csv")).decode()))
    )
    assert table[0]["caller_id_name"] == '\'=HYPERLINK("http://evil")'
    assert table[0]["from"] == "+35319605860"


def test_every_resource_exports_in_both_formats(supervisor_client):
    deliver(supervisor_client, *call_documents(1))
    for resource in ("calls", "conferences", "events", "actions"):
        for fmt in ("csv", "json"):
            response = supervisor_client.get(f"/history/{resource}/export.{fmt}")
            assert response.status_code == 200
            body(response)
    assert OperatorAction.objects.filter(action="export").count() == 8


def test_an_invalid_search_exports_nothing_and_is_not_audited(supervisor_client):
    response = supervisor_client.get("/history/calls/export.csv?started_after=<b>soon</b>")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert not OperatorAction.objects.filter(action="export").exists()
    assert supervisor_client.get("/history/calls/export.xml").status_code == 404


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_export_is_pulled_chunk_by_chunk(supervisor):
    from asgiref.sync import sync_to_async

    await sync_to_async(generate)(events=6000, calls=1000, actions=0, rejected=0, days=2, live=0)
    client = AsyncClient()
    await client.aforce_login(supervisor)
    response = await client.get("/history/events/export.csv")
    assert response.status_code == 200 and response.streaming
    chunks = [chunk async for chunk in response.streaming_content]
    assert len(chunks) > 10  # one per few hundred rows, never the whole export at once
    assert b"".join(chunks).count(b"\n") == 6001


def test_an_export_of_a_time_range_streams_only_that_range(supervisor_client):
    now = timezone.now()
    deliver(
        supervisor_client,
        *call_documents(1, start=now - timedelta(days=2)),
        *call_documents(2, start=now - timedelta(minutes=5)),
    )
    since = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    table = list(
        csv.DictReader(
            io.StringIO(
                body(supervisor_client.get(f"/history/calls/export.csv?started_after={since}")).decode()
            )
        )
    )
    assert [row["call_control_id"] for row in table] == ["v3:hist-2"]
