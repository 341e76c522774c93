"""Row fragments for live pages, from the same partials the pages include.

Rendered by the consumers, once per row version per process (and per variant: with or without
action buttons) however many pages are watching: concurrent requests for one fragment wait for
the first render instead of repeating it, and the result goes into the row cache the pages use
too (`rows.py`), which also holds the websocket message already encoded.
"""

import asyncio
from collections import OrderedDict

from channels.db import database_sync_to_async
from django.core.exceptions import ObjectDoesNotExist

from dashboard.realtime.registry import live_kind
from dashboard.realtime.rows import RenderedRow, rows


def render_fragment(kind: str, pk: int, can_act: bool) -> RenderedRow | None:
    """The current row; None when the row is gone."""
    try:
        return live_kind(kind).render(pk, can_act)
    except ObjectDoesNotExist:
        return None


class FragmentRenderer:
    def __init__(self, remembered: int = 4096) -> None:
        self._pending: dict[tuple, asyncio.Future] = {}
        # Notes that trail their row (it changed again before the note was read) and what they got.
        self._moved_on: OrderedDict[tuple, RenderedRow | None] = OrderedDict()
        self._remembered = remembered

    async def get(self, kind: str, pk: int, stamp: tuple, can_act: bool) -> str | None:
        """The websocket message for the row a note names (or the row as it is now, if it moved on)."""
        key = (kind, can_act, pk, stamp)
        cached = rows.get(kind, can_act, pk, stamp=stamp)
        if cached is None and key in self._moved_on:
            cached = self._moved_on[key]
            if cached is None:
                return None
        if cached is not None:
            return cached.message(kind)
        if key in self._pending:
            return await asyncio.shield(self._pending[key])
        future = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            rendered = await database_sync_to_async(render_fragment)(kind, pk, can_act)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it as lost
            raise
        finally:
            self._pending.pop(key, None)
        message = None
        if rendered is not None:
            rows.put(kind, can_act, pk, rendered)
            message = rendered.message(kind)
        if rendered is None or rendered.stamp != stamp:
            self._moved_on[key] = rendered
            while len(self._moved_on) > self._remembered:
                self._moved_on.popitem(last=False)
        future.set_result(message)
        return message


fragments = FragmentRenderer()
