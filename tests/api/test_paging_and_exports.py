"""Paging a moving log, and exports (issue 19 §2, issue 18 §6): keyset pages never skip or repeat
a row while rows arrive or change; exports read in short queries and are limited per user."""

import csv
import io
from itertools import count

import pytest
from django.test import Client
from django.utils import timezone

from calls.models import Call
from dashboard.models import Event
from operations.history import export
from tests.support.tokens import api_token

pytestmark = pytest.mark.django_db

_serial = count()


def add_events(number: int) -> None:
    now = timezone.now()
    Event.objects.bulk_create(
        Event(event_id=f"ev-{n}", event_type="call.initiated", received_at=now, payload={}, raw_body="")
        for n in (next(_serial) for _ in range(number))
    )


def add_live_calls(number: int) -> None:
    now = timezone.now()
    Call.objects.bulk_create(
        Call(call_control_id=f"v3:c-{n}", state="answered", is_alive=True, start_time=now)
        for n in (next(_serial) for _ in range(number))
    )


def walk(client: Client, url: str, between_pages) -> list[dict]:  # noqa: ANN001
    seen: list[dict] = []
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content
        body = page.json()
        seen += body["results"]
        between_pages()
        url = body["next"]
    return seen


def test_the_event_log_walked_while_1000_events_arrive_shows_each_event_exactly_once(supervisor_client):
    add_events(300)
    before = set(Event.objects.values_list("pk", flat=True))
    arriving = iter([25] * 40)  # 1,000 events, 25 after each page read

    def writer() -> None:
        add_events(next(arriving, 0))

    # Newest first: every event there at the start, once; none twice.
    newest_first = [e["seq"] for e in walk(supervisor_client, "/api/events/?limit=20", writer)]
    assert len(newest_first) == len(set(newest_first)) and set(newest_first) == before
    # Following the log (`after`, then the tail link): every event, once, including those that arrived.
    followed = walk(supervisor_client, "/api/events/?after=0&limit=50", writer)
    tail = supervisor_client.get("/api/events/?after=0&limit=50").json()["tail"]
    assert f"after={followed[49]['seq']}&" in tail
    writer_left = list(arriving)
    add_events(sum(writer_left))
    last = followed[-1]["seq"]
    followed += walk(supervisor_client, f"/api/events/?after={last}&limit=50", lambda: None)
    seqs = [e["seq"] for e in followed]
    assert len(seqs) == len(set(seqs)) == Event.objects.count() == 1300
    assert seqs == sorted(seqs)


def test_live_calls_walked_while_calls_start_and_end_show_each_lasting_call_exactly_once(supervisor_client):
    add_live_calls(200)
    ids = list(Call.objects.order_by("pk").values_list("pk", flat=True))
    lasting = set(Call.objects.filter(pk__in=ids[1::2]).values_list("call_control_id", flat=True))
    ending = iter(ids[0::2])

    def churn() -> None:  # after each page: one call ends, three start
        Call.objects.filter(pk=next(ending, 0)).update(is_alive=False, state="hangup")
        add_live_calls(3)

    seen = [
        c["call_control_id"] for c in walk(supervisor_client, "/api/calls/?is_alive=true&limit=10", churn)
    ]
    assert len(seen) == len(set(seen))
    assert lasting <= set(seen)


def test_a_sorted_history_list_past_the_cap_is_a_400_that_says_so(supervisor_client):
    response = supervisor_client.get("/api/history/events/?sort=-received_at&offset=10000")
    assert response.status_code == 400 and "offset" in response.json()["error"]["fields"]


def test_an_export_reads_every_row_in_short_queries(supervisor_client, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_ROWS", 100)
    add_events(1050)
    response = supervisor_client.get("/api/history/events/export.csv?sort=received_at")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1050
    assert rows[0]["id"] == Event.objects.order_by("received_at", "pk").first().event_id


def test_a_users_exports_beyond_the_limit_are_a_429_saying_why(supervisor, viewer):
    add_events(5)
    api = Client(headers={"Authorization": f"Token {api_token(supervisor)}"})
    other = Client(headers={"Authorization": f"Token {api_token(viewer)}"})
    running = [api.get("/api/history/events/export.json") for _ in range(export.EXPORTS_PER_USER)]
    assert all(r.status_code == 200 for r in running)
    refused = api.get("/api/history/events/export.csv")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused.json()["error"]["type"] == "throttled"
    assert "exports running" in refused.json()["error"]["message"]
    assert other.get("/api/history/events/export.csv").status_code == 200  # per user
    b"".join(running[0].streaming_content)  # read to the end: the server closes it, freeing the slot
    again = api.get("/api/history/events/export.csv")
    assert again.status_code == 200
    for response in (*running[1:], again):  # slots live in the cache (Redis on scale-out): give them back
        b"".join(response.streaming_content)
