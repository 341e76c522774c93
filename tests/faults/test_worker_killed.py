"""The dashboard process is killed (SIGKILL) in the middle of a burst of webhooks.

What it answered 200 is stored; nothing is half-applied (the state still equals a rebuild from the
log); and when Telnyx delivers everything again to the restarted server, every event is stored
exactly once and the state is again exactly the log's fold.
"""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from calls.models import Call
from conferences.models import Conference, Participant
from dashboard.eventlog.rebuild import state_rebuild
from dashboard.models import Event
from tests.support.servers import DashboardServer
from tests.support.signing import TEST_PUBLIC_KEY_B64, as_http_headers, sign
from tests.support.webhooks import envelope, fixture

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CALLS = 40
CONFERENCES = 4
KILL_AFTER = 60  # answers received before the kill: the burst is well under way, far from done
_NOT_STATE = {"id", "version", "conference"}  # row ids and change counters; the FK is compared by Telnyx id


def burst() -> list[tuple[str, bytes]]:
    """(event id, body) of calls that join one of a few conferences, talk, leave and hang up."""
    start = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    conferences = [str(uuid.uuid4()) for _ in range(CONFERENCES)]
    webhooks = []

    def add(event_type: str, payload: dict, at: datetime) -> None:
        event_id = str(uuid.uuid4())
        stamp = at.isoformat().replace("+00:00", "Z")
        document = envelope(event_type, payload, event_id=event_id, occurred_at=stamp)
        webhooks.append((event_id, json.dumps(document).encode()))

    for index, conference_id in enumerate(conferences):
        payload = {**fixture("conference.created")["data"]["payload"], "conference_id": conference_id}
        payload["call_control_id"] = f"v3:host-{index}"
        add("conference.created", payload, start)
    for index in range(CALLS):
        call = {
            **fixture("call.initiated")["data"]["payload"],
            "call_control_id": f"v3:killed-{uuid.uuid4().hex}",
            "call_leg_id": str(uuid.uuid4()),
            "call_session_id": str(uuid.uuid4()),
            "from": f"+1415555{index:04d}",
        }
        member = {**call, "conference_id": conferences[index % CONFERENCES]}
        at = start + timedelta(seconds=index)
        add("call.initiated", {**call, "state": "parked"}, at)
        add("call.answered", {**call, "state": "answered"}, at + timedelta(milliseconds=100))
        add("conference.participant.joined", member, at + timedelta(milliseconds=200))
        add("conference.participant.left", member, at + timedelta(milliseconds=300))
        add(
            "call.hangup",
            {**call, "state": "hangup", "hangup_cause": "normal_clearing", "hangup_source": "caller"},
            at + timedelta(milliseconds=400),
        )
    return webhooks


async def deliver_all(
    url: str, webhooks: list[tuple[str, bytes]], *, kill_after: int | None = None, kill=None
) -> set[str]:
    """Post every webhook, 16 at a time; the ids answered 200. With `kill_after`, call `kill()`
    once that many answers are in, with the rest of the burst still in flight."""
    accepted: set[str] = set()
    answered = 0
    semaphore = asyncio.Semaphore(16)
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=16)) as client:

        async def post(event_id: str, body: bytes) -> None:
            nonlocal answered
            headers = {"content-type": "application/json", **as_http_headers(sign(body))}
            async with semaphore:
                try:
                    response = await client.post(url + "/webhooks/telnyx/", content=body, headers=headers)
                except httpx.HTTPError:
                    return  # killed under it: Telnyx would deliver it again
            answered += 1
            if response.status_code == 200:
                accepted.add(event_id)
            if kill_after is not None and answered == kill_after:
                kill()

        await asyncio.gather(*(post(event_id, body) for event_id, body in webhooks))
    return accepted


def projected_state() -> dict:
    """Every Call, Conference and Participant row, keyed by Telnyx ids, without row ids or versions."""

    def rows(model, key) -> dict:  # noqa: ANN001
        names = [f.attname for f in model._meta.concrete_fields if f.name not in _NOT_STATE]
        extra = ["conference__conference_id"] if model is Participant else []
        return {key(row): row for row in model.objects.values(*names, *extra)}

    return {
        "calls": rows(Call, lambda row: row["call_control_id"]),
        "conferences": rows(Conference, lambda row: row["conference_id"]),
        "participants": rows(
            Participant, lambda row: (row["conference__conference_id"], row["call_control_id"])
        ),
    }


def assert_state_is_the_logs_fold() -> None:
    before = projected_state()
    state_rebuild()
    assert projected_state() == before


def test_a_killed_worker_leaves_no_partial_state_and_redelivery_completes_it():
    webhooks = burst()
    server = DashboardServer(public_keys=[TEST_PUBLIC_KEY_B64]).start()
    try:
        accepted = asyncio.run(
            deliver_all(server.url, webhooks, kill_after=KILL_AFTER, kill=server.process.kill)
        )
        server.process.wait(timeout=10)
        assert server.process.returncode == -9

        stored = set(Event.objects.values_list("event_id", flat=True))
        assert accepted <= stored, "an event answered 200 was lost"
        assert len(stored) < len(webhooks), "the kill came too late to interrupt the burst"
        assert_state_is_the_logs_fold()

        server.start()
        redelivered = asyncio.run(deliver_all(server.url, webhooks))
    finally:
        server.stop()

    assert redelivered == {event_id for event_id, _ in webhooks}
    assert Event.objects.count() == len(webhooks)
    assert set(Event.objects.values_list("event_id", flat=True)) == redelivered
    # Whatever had been stored before the kill was delivered again and counted as a duplicate only.
    assert Event.objects.filter(duplicates=1).count() == len(stored)
    assert_state_is_the_logs_fold()
    callers = Call.objects.filter(call_control_id__startswith="v3:killed-")
    assert callers.count() == CALLS and set(callers.values_list("state", flat=True)) == {"hangup"}
    assert Participant.objects.filter(status="left").count() == CALLS
