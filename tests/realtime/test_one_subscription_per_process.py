"""Pages open on one server process share one channel-layer subscription: a group's message is
received once and every page of the group gets the same row, whatever their number."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from dashboard.eventlog.ingest import ingest_events
from tests.realtime.test_live_socket import ORIGIN, connect, event, next_row, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_five_pages_hold_one_membership_of_their_group_and_all_get_the_row(supervisor):
    cookie = await session_cookie(supervisor)
    pages = []
    for _ in range(5):
        page = await connect("/ws/live/calls/", [ORIGIN, (b"cookie", cookie), (b"host", b"127.0.0.1")])
        assert (await page.connect())[0]
        assert (await page.receive_json_from())["type"] == "hello"
        pages.append(page)
    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # the in-memory layer shows its members; Redis keeps them server-side
        assert len(layer.groups["calls"]) == 1

    await sync_to_async(ingest_events)([event("call.initiated")])

    rows = [await next_row(page) for page in pages]
    assert {row["dom_id"] for row in rows} == {rows[0]["dom_id"]} and rows[0]["kind"] == "call"
    await pages[0].disconnect()
    await sync_to_async(ingest_events)([event("call.answered")])
    assert [(await next_row(page))["version"] for page in pages[1:]] == [2, 2, 2, 2]
    for page in pages[1:]:
        await page.disconnect()
    if hasattr(layer, "groups"):
        assert not layer.groups.get("calls")  # the last page gone, the process leaves the group
