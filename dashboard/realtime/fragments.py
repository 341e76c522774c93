"""Rendered row fragments for live pages, from the same partials the pages include.

Rendered by the consumers, once per row version per process (and per variant: with or without
action buttons) however many pages are watching: concurrent requests for one fragment wait for
the first render instead of repeating it. The cache holds the websocket message already encoded,
so a hundred open pages cost one render and one JSON encoding, not a hundred.
"""

import asyncio
import json
from collections import OrderedDict

from channels.db import database_sync_to_async
from django.core.exceptions import ObjectDoesNotExist

from dashboard.realtime.registry import live_kind

_CACHE_SIZE = 4096


def render_fragment(kind: str, pk: int, can_act: bool) -> dict | None:
    """The current row as {dom_id, version, alive, html}; None when the row is gone."""
    try:
        return live_kind(kind).render(pk, can_act)
    except ObjectDoesNotExist:
        return None


class FragmentCache:
    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._done: OrderedDict[tuple, str | None] = OrderedDict()
        self._pending: dict[tuple, asyncio.Future] = {}

    def _store(self, key: tuple, fragment: str | None) -> None:
        self._done[key] = fragment
        self._done.move_to_end(key)
        while len(self._done) > self._size:
            self._done.popitem(last=False)

    async def get(self, kind: str, pk: int, version: int, can_act: bool) -> str | None:
        """The websocket message for this row, as JSON text: {kind, dom_id, version, alive, html}."""
        key = (kind, pk, version, can_act)
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
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
        fragment = None if rendered is None else json.dumps({"kind": kind, **rendered})
        # The row may have moved on since the note was sent: file it under its real version too.
        self._store(key, fragment)
        if rendered is not None:
            self._store((kind, pk, rendered["version"], can_act), fragment)
        future.set_result(fragment)
        return fragment


fragments = FragmentCache()
