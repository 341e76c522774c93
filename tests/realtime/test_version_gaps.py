"""A push answers one note of a row, with the row as it is when rendered, which may be newer: it says
which version came before that note ("after"), so the page tells a row that moved on (nothing was
missed) from a push lost on the way (the page re-reads)."""

import json

import pytest
from asgiref.sync import sync_to_async

from dashboard.eventlog.ingest import ingest_events
from dashboard.realtime.hub import following
from tests.realtime.test_live_socket import ORIGIN, connect, event, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_the_note_answered_goes_in_front_of_the_cached_fragment():
    cached = json.dumps({"kind": "call", "dom_id": "call-7", "version": 3, "alive": True, "html": "<tr></tr>"})
    message = json.loads(following(cached, 2))
    assert message == {"after": 1, "kind": "call", "dom_id": "call-7", "version": 3, "alive": True, "html": "<tr></tr>"}


def missed_pushes(messages: list[dict], start: int) -> set[int]:
    """The page's rule (static/live.js): versions skipped between what it holds and a push's "after",
    less those whose push came later all the same."""
    current, awaited = start, set()
    for message in messages:
        awaited.discard(message["after"] + 1)
        if message["version"] <= current:
            continue
        awaited |= set(range(current + 1, message["after"] + 1))
        current = message["version"]
    return awaited


async def test_a_row_that_moved_on_before_its_note_was_read_is_no_gap(supervisor):
    cookie = await session_cookie(supervisor)
    page = await connect("/ws/live/calls/", [ORIGIN, (b"cookie", cookie), (b"host", b"127.0.0.1")])
    assert (await page.connect())[0]
    assert (await page.receive_json_from())["type"] == "hello"
    await sync_to_async(ingest_events)([event("call.initiated")])
    first = await page.receive_json_from(timeout=2)
    assert (first["after"], first["version"]) == (0, 1)
    # Three changes in quick succession: a note may be answered with a newer row than it names.
    for name in ("call.answered", "call.bridged", "call.hangup"):
        await sync_to_async(ingest_events)([event(name)])
    # Pushes close together may travel as one "batch" frame (the hub's burst window): rows, not frames.
    messages = []
    while len(messages) < 3:
        frame = await page.receive_json_from(timeout=2)
        messages += frame.get("items") or [frame]
    await page.disconnect()
    assert [message["after"] for message in messages] == [1, 2, 3]
    assert all(message["version"] >= message["after"] + 1 for message in messages)
    assert messages[-1]["version"] == 4
    assert missed_pushes(messages, start=1) == set()


def test_a_push_lost_on_the_way_is_still_seen():
    # The note of version 3 never came: version 4's push says it follows 3, which the page never had.
    pushes = [{"after": 1, "version": 2}, {"after": 3, "version": 4}]
    assert missed_pushes(pushes, start=1) == {3}
    # Notes from two workers in the wrong order are no loss: version 3's push comes after version 4's.
    reordered = [{"after": 1, "version": 2}, {"after": 3, "version": 4}, {"after": 2, "version": 4}]
    assert missed_pushes(reordered, start=1) == set()
