"""Races that only PostgreSQL really runs in parallel: several worker processes storing the same
webhooks, and two operators changing one participant at the same moment."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection, connections
from django.test import Client

from calls.models import Call
from conferences.models import Participant
from dashboard.models import Event, OperatorAction
from dashboard.rebuild import state_rebuild
from tests.helpers import TEST_PUBLIC_KEY_B64, as_http_headers, fixture, sign
from tests.live import ServerProcess

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers anyway"),
]


def test_duplicates_racing_through_four_worker_processes_are_stored_once():
    server = ServerProcess(public_keys=[TEST_PUBLIC_KEY_B64], workers=4).start()
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


def test_two_operators_changing_one_participant_at_once_lose_nothing(supervisor, admin_user, simulator):
    handle = simulator.world.start_conference(name="Race", participants=1)
    deadline = time.monotonic() + 5
    while not Participant.objects.filter(conference__conference_id=handle.id, status="joined").exists():
        assert time.monotonic() < deadline, "the conference never reached the dashboard"
        time.sleep(0.02)
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
