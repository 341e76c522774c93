"""Races that only PostgreSQL really runs in parallel: several worker processes storing the same
webhooks, and two operators changing one participant at the same moment."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection, connections, transaction
from django.test import Client

from calls.models import Call
from conferences.models import Participant
from dashboard.eventlog.ingest import ingest_events
from dashboard.eventlog.rebuild import state_rebuild
from dashboard.models import Event, OperatorAction
from dashboard.webhooks.parsing import parse_call_control
from tests.support.servers import DashboardServer
from tests.support.signing import TEST_PUBLIC_KEY_B64, as_http_headers, sign
from tests.support.waiting import eventually
from tests.support.webhooks import envelope, fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers anyway"),
]


def test_duplicates_racing_through_four_worker_processes_are_stored_once():
    server = DashboardServer(public_keys=[TEST_PUBLIC_KEY_B64], workers=4).start()
    try:
        names = ["call.initiated", "call.answered", "call.bridged", "call.hold", "call.unhold", "call.hangup"]
        bodies = [json.dumps(fixture(name)).encode() for name in names]

        def post(body: bytes) -> int:
            headers = {
                "content-type": "application/json",
                "connection": "close",
                **as_http_headers(sign(body)),
            }
            return httpx.post(
                server.url + "/webhooks/telnyx/", content=body, headers=headers, timeout=20
            ).status_code

        with ThreadPoolExecutor(max_workers=24) as pool:
            statuses = list(pool.map(post, [body for body in bodies for _ in range(8)]))
    finally:
        server.stop()
    assert set(statuses) == {200}
    assert Event.objects.count() == len(names)
    call = Call.objects.get()
    assert (call.state, call.event_count, call.on_hold) == ("hangup", len(names), False)
    before = Call.objects.values("state", "event_count", "hangup_cause", "answered_at").get()
    state_rebuild()
    assert Call.objects.values("state", "event_count", "hangup_cause", "answered_at").get() == before


def test_the_events_of_new_calls_racing_through_four_workers_all_land():
    """Each call's initiated, answered and hangup arrive at once, at different workers: both
    workers find no row for the new call; neither may fail, and each call ends as the log says."""
    server = DashboardServer(public_keys=[TEST_PUBLIC_KEY_B64], workers=4).start()
    calls = [f"v3:race-{index}" for index in range(40)]
    steps = [
        ("call.initiated", {"state": "parked"}),
        ("call.answered", {"state": "answered"}),
        ("call.hangup", {"state": "hangup", "hangup_cause": "normal_clearing"}),
    ]
    bodies = [
        json.dumps(
            envelope(
                name,
                {"call_control_id": call, "call_session_id": call, "from": "+14155550100", **extra},
                event_id=f"{call}-{name}",
                occurred_at=f"2026-11-21T10:00:0{step}Z",
            )
        ).encode()
        for call in calls
        for step, (name, extra) in enumerate(steps)
    ]
    try:
        with ThreadPoolExecutor(max_workers=24) as pool:
            statuses = list(pool.map(lambda body: _post(server.url, body), bodies))
    finally:
        server.stop()
    assert set(statuses) == {200}
    assert Event.objects.count() == len(bodies)
    ended = Call.objects.filter(call_control_id__in=calls, state="hangup", event_count=3, is_alive=False)
    assert ended.count() == len(calls)
    before = list(
        Call.objects.order_by("call_control_id").values_list("call_control_id", "state", "event_count")
    )
    state_rebuild()
    assert list(
        Call.objects.order_by("call_control_id").values_list("call_control_id", "state", "event_count")
    ) == (before)


def waiting_on_a_lock() -> bool:
    """Whether a session on this test database waits for a lock (one held by another transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_a_new_call_created_by_another_worker_mid_batch_is_folded_onto_its_row():
    """Worker B stores call.initiated and has not committed; worker A, holding call.answered of the
    same call, found no row, waits on B's insert, then must fold onto the row B created."""

    def incoming(name: str, step: int):
        payload = {"call_control_id": "v3:mid-batch", "from": "+14155550100", "state": name.split(".")[1]}
        body = envelope(name, payload, event_id=f"mid-{step}", occurred_at=f"2026-11-21T10:00:0{step}Z")
        return parse_call_control(json.dumps(body).encode())

    b_stored, release = threading.Event(), threading.Event()

    def worker_b() -> None:
        try:
            with transaction.atomic():
                ingest_events([incoming("call.initiated", 0)])
                b_stored.set()
                release.wait(10)
        finally:
            connections.close_all()

    def worker_a() -> list[bool]:
        try:
            return ingest_events([incoming("call.answered", 1)])
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        b = pool.submit(worker_b)
        assert b_stored.wait(10)
        a = pool.submit(worker_a)
        assert eventually(waiting_on_a_lock), "A never waited on B's uncommitted row"
        assert not a.done()
        release.set()
        b.result(10)
        assert a.result(10) == [True]
    call = Call.objects.get(call_control_id="v3:mid-batch")
    assert (call.state, call.event_count, call.version) == ("answered", 2, 2)


def _post(url: str, body: bytes) -> int:
    headers = {"content-type": "application/json", "connection": "close", **as_http_headers(sign(body))}
    return httpx.post(url + "/webhooks/telnyx/", content=body, headers=headers, timeout=20).status_code


def test_two_operators_changing_one_participant_at_once_lose_nothing(supervisor, admin_user, simulator):
    handle = simulator.world.start_conference(name="Race", participants=1)
    assert eventually(
        Participant.objects.filter(conference__conference_id=handle.id, status="joined").exists
    ), "the conference never reached the dashboard"
    participant = Participant.objects.get(conference__conference_id=handle.id)
    url = f"/api/conferences/{handle.id}/participants/{participant.call_control_id}/actions/{{}}/"
    start = threading.Barrier(2)

    def act(user, action: str) -> int:
        try:
            client = Client()
            client.force_login(user)
            start.wait()
            return client.post(url.format(action), {}, content_type="application/json").status_code
        finally:
            connections.close_all()  # this thread's own connection, or the test database cannot be dropped

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(act, [supervisor, admin_user], ["mute", "hold"]))
    assert results == [200, 200]
    participant.refresh_from_db()
    assert (participant.muted, participant.on_hold) == (True, True)
    assert OperatorAction.objects.filter(outcome="ok").count() == 2


def _deadlocks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]



def test_two_workers_given_the_same_deliveries_in_opposite_orders_do_not_deadlock():
    """A retry storm: two workers each hold the same 400 deliveries, in opposite orders. Inserting
    them row by row, each would take one event the other needs next, and PostgreSQL would break
    the deadlock only after deadlock_timeout (1 s) by failing a batch. They must queue instead."""

    def incoming(call: str, step: int):
        name = ("call.initiated", "call.answered")[step]
        payload = {"call_control_id": call, "call_session_id": call, "from": "+14155550100"}
        body = envelope(name, payload, event_id=f"{call}-{step}", occurred_at=f"2026-11-21T10:00:0{step}Z")
        return parse_call_control(json.dumps(body).encode())

    def write(start: threading.Barrier, batch: list) -> list[bool]:
        try:
            start.wait(10)
            return ingest_events(batch)
        finally:
            connections.close_all()

    before = _deadlocks()
    for storm in range(3):  # each storm deadlocked about one time in two before the entity locks
        deliveries = [incoming(f"v3:storm{storm}-{index}", step) for index in range(200) for step in range(2)]
        start = threading.Barrier(2)
        with ThreadPoolExecutor(max_workers=2) as pool:
            forwards, backwards = pool.map(write, [start, start], [deliveries, deliveries[::-1]])
        assert sorted(forwards + backwards) == [False] * len(deliveries) + [True] * len(deliveries)
    assert _deadlocks() == before, "PostgreSQL had to break a deadlock between the two batches"
    assert Call.objects.filter(call_control_id__startswith="v3:storm", state="answered").count() == 600
