"""A hub left behind on an event loop that stopped with its receive pending (each async test has
its own loop) must not stop the next loop's hub: on Redis, a layer instance receives on one loop."""

import asyncio
import time
import uuid

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from dashboard.realtime.hub import hub

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: the in-memory layer has no receive state")


class Page:
    acts_on: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.closed_with: int | None = None

    async def deliver(self, text: str) -> None:
        self.frames.append(text)

    async def close(self, code: int) -> None:
        self.closed_with = code


async def _join(group: str, page: Page) -> None:
    await (await hub()).join((group,), page)
    await asyncio.sleep(0.2)  # its hub is now waiting in the layer's receive


async def _send_and_wait(group: str, page: Page) -> None:
    await _join(group, page)
    frame = {"type": "user.frame", "group": group, "frame": {"kind": "feed", "state": "live"}}  # as broadcast.send stamps it
    await get_channel_layer().group_send(group, frame)
    deadline = time.monotonic() + 10
    while not page.frames and page.closed_with is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    await (await hub()).abandon()


def test_the_next_event_loops_hub_receives_while_an_earlier_one_is_left_pending():
    group = f"hub-test-{uuid.uuid4().hex[:8]}"
    earlier, later = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        earlier.run_until_complete(_join(group + "-old", Page()))  # stops with its receive pending
        page = Page()
        later.run_until_complete(_send_and_wait(group, page))
        assert page.closed_with is None, "the hub lost its layer"
        assert page.frames == ['{"type": "frame", "frame": {"kind": "feed", "state": "live"}}']
    finally:
        later.close()
        earlier.close()
