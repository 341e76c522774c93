"""Row fragments for live pages, from the same partials the pages include.

Rendered for the consumers once per row version per process (and per variant: with or without
action buttons) however many pages are watching: concurrent requests for one fragment wait for
the first render instead of repeating it, and the result goes into the row cache the pages use
too (`rows.py`), which also holds the websocket message already encoded.

Renders run in a thread of their own, never in the one thread Django's ASGI handler runs every
synchronous view in: a burst of new rows is rendered beside page requests, not ahead of them.
A burst's rows are rendered together, in one hop to that thread and one query per kind.
"""

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connection

from dashboard.realtime.registry import live_kind
from dashboard.realtime.rows import RenderedRow, rows

_renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fragment-render")
_MISSING = object()
Wanted = tuple[str, int, tuple]  # (kind, pk, stamp)


def render_fragments(wanted: list[tuple[str, int, bool]]) -> list[RenderedRow | None]:
    """The current rows of (kind, pk, can_act), in order; None for a row that is gone."""
    by_variant: dict[tuple[str, bool], list[int]] = {}
    for kind, pk, can_act in wanted:
        by_variant.setdefault((kind, can_act), []).append(pk)
    rendered = {
        (kind, can_act): live_kind(kind).render(pks, can_act) for (kind, can_act), pks in by_variant.items()
    }
    return [rendered[kind, can_act].get(pk) for kind, pk, can_act in wanted]


def _render_all(wanted: list[tuple[str, int, bool]]) -> list[RenderedRow | None]:
    # The thread keeps its connection between bursts, as the ingest writer does: handing it back
    # each time (the pool, CONN_MAX_AGE 0) cost a checkout and a health check round trip per burst.
    try:
        return render_fragments(wanted)
    except DatabaseError:
        # A connection the database dropped (restarted) is replaced, once.
        connection.close()
        return render_fragments(wanted)


class FragmentRenderer:
    def __init__(self, remembered: int = 4096) -> None:
        self._pending: dict[tuple, asyncio.Future] = {}
        # Notes that trail their row (it changed again before the note was read) and what they got.
        self._moved_on: OrderedDict[tuple, RenderedRow | None] = OrderedDict()
        self._remembered = remembered

    async def get(self, kind: str, pk: int, stamp: tuple, can_act: bool) -> str | None:
        """The websocket message for the row a note names (or the row as it is now, if it moved on)."""
        return (await self.get_many([(kind, pk, stamp)], can_act))[0]

    async def get_many(self, wanted: list[Wanted], can_act: bool) -> list[str | None]:
        """get() for several notes: the rows no one has rendered yet are rendered in one hop."""
        keys = [(kind, can_act, pk, stamp) for kind, pk, stamp in wanted]
        found: dict[tuple, str | None] = {}
        waiting: dict[tuple, asyncio.Future] = {}
        mine: dict[tuple, None] = {}  # insertion-ordered set
        loop = asyncio.get_running_loop()
        for key in keys:
            if key in found or key in waiting or key in mine:
                continue
            cached = self._cached(key)
            if cached is not _MISSING:
                found[key] = cached
            elif key in self._pending:
                waiting[key] = self._pending[key]
            else:
                self._pending[key] = loop.create_future()
                mine[key] = None
        if mine:
            await self._render(list(mine), found)
        for key, future in waiting.items():
            found[key] = await asyncio.shield(future)
        return [found[key] for key in keys]

    def _cached(self, key: tuple) -> object:
        kind, can_act, pk, stamp = key
        cached = rows.get(kind, can_act, pk, stamp=stamp)
        if cached is None and key in self._moved_on:
            cached = self._moved_on[key]
            if cached is None:
                return None
        return cached.message(kind) if cached is not None else _MISSING

    async def _render(self, keys: list[tuple], found: dict[tuple, str | None]) -> None:
        try:
            rendered = await asyncio.get_running_loop().run_in_executor(
                _renderer, _render_all, [(kind, pk, can_act) for kind, can_act, pk, _ in keys]
            )
        except BaseException as exc:
            for key in keys:
                future = self._pending.pop(key)
                future.set_exception(exc)
                future.exception()  # retrieved: waiters re-raise it, nobody logs it as lost
            raise
        for key, row in zip(keys, rendered, strict=True):
            found[key] = self._settle(key, row)

    def _settle(self, key: tuple, rendered: RenderedRow | None) -> str | None:
        kind, can_act, pk, stamp = key
        message = None
        if rendered is not None:
            rows.put(kind, can_act, pk, rendered)
            message = rendered.message(kind)
        if rendered is None or rendered.stamp != stamp:
            self._moved_on[key] = rendered
            while len(self._moved_on) > self._remembered:
                self._moved_on.popitem(last=False)
        self._pending.pop(key).set_result(message)
        return message


fragments = FragmentRenderer()
