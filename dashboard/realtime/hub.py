"""One channel-layer subscription per server process, fanning each group's messages out to its sockets.

Why not a subscription per socket: a message to a group of 500 open pages then costs 500 layer
deliveries (the in-memory layer deep-copies it for each receiver and scans every channel for expired
messages on each receive; Redis pushes it 500 times), 500 consumer wake-ups and 500 frames built.
The hub receives it once per process, builds each frame once per variant (with or without action
buttons) and hands the same text to every local socket of the group, in the order it arrived.
Messages that arrived while the previous ones were being rendered, or within a burst window that
grows with the open sockets, are taken together: a burst reaches each page as a few frames, not
one per committed batch.

A socket joins the hub with its groups (its page's, its user's, the floor's) and leaves on
disconnect; the hub holds a group in the layer while one local socket wants it. When the layer
fails under it (Redis gone), every socket is closed with LAYER_UNAVAILABLE: pages reconnect and
re-sync from the database, and the next join starts a new subscription.
"""

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from channels.layers import (
    DEFAULT_CHANNEL_LAYER,
    BaseChannelLayer,
    InMemoryChannelLayer,
    channel_layers,
    get_channel_layer,
)

from dashboard.observability import metrics
from dashboard.realtime.coalesce import ROW_TYPES, coalesced
from dashboard.realtime.fragments import fragments
from dashboard.realtime.outage import outage

logger = logging.getLogger("switchboard.realtime")

LAYER_UNAVAILABLE = 4503
# Layers forget a group membership after a day (channels' group_expiry): the hub renews its own.
GROUP_RENEW_SECS = 3600
# Other work (page requests, webhooks) gets the event loop back after this much has been sent.
YIELD_AFTER_CHARS = 64 * 1024
# In a burst, a hub sends at most one round of frames per window, and what arrives meanwhile is
# merged into the next: each round costs every open socket a send (about 30 µs of the event loop),
# so the window grows with the sockets to keep rounds near a sixth of the loop's time. 500 pages
# get a round every 0.1 s, 20 pages every 4 ms; the first message after a quiet window goes at once.
BURST_WINDOW_PER_SOCKET_SECS = 0.0002
BURST_WINDOW_MAX_SECS = 0.25


class Socket(Protocol):
    """What the hub needs of a consumer."""

    acts_on: frozenset[str]  # the kinds whose rows this user gets with action buttons

    async def deliver(self, text: str) -> None:
        """Send one pre-encoded frame (held until the socket has said hello)."""

    async def close(self, code: int) -> None: ...


def following(fragment: str, note_version: int) -> str:
    """The fragment, saying which version of its row came before the note it answers ("after").

    A note for version N may be answered with the row as it is now, N+1 or later (it changed again
    before the note was read): that is no gap, nothing was missed, and the page need not re-read its
    snapshot. A page misses something only when "after" is newer than the version it holds. The
    fragment is cached as JSON text, shared by every page: the field goes in front, without parsing.
    """
    return f'{{"after": {int(note_version) - 1}, {fragment[1:]}'


def batch_frame(items: list[str]) -> str:
    """Row messages as one websocket frame: a single row as itself, several as a "batch"."""
    if len(items) == 1:
        return items[0]
    return '{"type": "batch", "items": [' + ", ".join(items) + "]}"


def _receiving_instance(layer: BaseChannelLayer) -> BaseChannelLayer:
    """The layer instance a hub receives on: its own, for a layer shared between processes.

    channels_redis keeps one receive state per instance, bound to one event loop: a hub left on
    an event loop that ended (one per test; a server has one) would make every later hub's
    receive fail with "two event loops". The in-memory layer is its instance: it is shared.
    """
    if isinstance(layer, InMemoryChannelLayer):
        return layer
    return channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)


class Hub:
    def __init__(self, layer: BaseChannelLayer) -> None:
        self.configured = layer
        self.layer = _receiving_instance(layer)
        self._members: dict[str, set[Socket]] = {}
        self._channel: str | None = None
        self._tasks: list[asyncio.Task] = []
        self._lock = asyncio.Lock()
        self._inbox: deque[dict] = deque()
        self._arrived = asyncio.Event()

    async def join(self, groups: tuple[str, ...], socket: Socket) -> None:
        """Deliver these groups' messages to `socket` from now on; raises when the layer fails."""
        async with self._lock:
            if self._channel is None:
                self._channel = await self.layer.new_channel()
                self._tasks = [
                    asyncio.create_task(self._read(self._channel)),
                    asyncio.create_task(self._dispatch()),
                    asyncio.create_task(self._renew()),
                ]
            for group in groups:
                if group not in self._members:
                    await self.layer.group_add(group, self._channel)
                    self._members[group] = set()
                self._members[group].add(socket)

    async def leave(self, groups: tuple[str, ...], socket: Socket) -> None:
        async with self._lock:
            for group in groups:
                members = self._members.get(group)
                if members is None:
                    continue
                members.discard(socket)
                if not members:
                    del self._members[group]
                    await self.layer.group_discard(group, self._channel)

    async def abandon(self) -> None:
        """Its event loop ended (one per test; a server has one): leave the layer's groups it held."""
        for group in list(self._members):
            try:
                await self.layer.group_discard(group, self._channel)
            except Exception as exc:
                outage.failed("group_discard", exc)
        self._members.clear()

    async def _read(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outage.failed("receive", exc)
                await self._lost()
                return
            outage.succeeded()
            self._inbox.append(message)
            self._arrived.set()

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(GROUP_RENEW_SECS)
            try:
                async with self._lock:
                    for group in self._members:
                        await self.layer.group_add(group, self._channel)
            except Exception as exc:
                outage.failed("group_add", exc)

    async def _lost(self) -> None:
        """The layer failed: every socket closes (its page re-syncs); the next join starts afresh."""
        async with self._lock:
            sockets = {socket for members in self._members.values() for socket in members}
            tasks = [task for task in self._tasks if task is not asyncio.current_task()]
            self._members, self._channel, self._tasks = {}, None, []
            self._inbox.clear()
        for task in tasks:
            task.cancel()
        for socket in sockets:
            try:
                await socket.close(LAYER_UNAVAILABLE)
            except Exception:
                logger.debug("a socket closed before the layer's loss was sent", exc_info=True)

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        last_round = -BURST_WINDOW_MAX_SECS
        while True:
            await self._arrived.wait()
            pause = last_round + self._burst_window() - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            last_round = loop.time()
            self._arrived.clear()
            messages = list(self._inbox)
            self._inbox.clear()
            try:
                for group, work in _merged(messages):
                    await self._deliver(group, work)
            except asyncio.CancelledError:
                raise
            except Exception:
                # One bad message must not stop every page's updates.
                logger.exception("could not deliver live updates")

    def _burst_window(self) -> float:
        sockets = set().union(*self._members.values())
        return min(BURST_WINDOW_MAX_SECS, len(sockets) * BURST_WINDOW_PER_SOCKET_SECS)

    async def _deliver(self, group: str, message: dict) -> None:
        members = self._members.get(group)
        if not members:
            return
        kind = message["type"]
        if kind in ROW_TYPES and message.get("kind") != "refresh":
            await self._rows(message, tuple(members))
        elif kind in ROW_TYPES:
            text = json.dumps({"kind": "refresh", "dom_id": group.replace(".", "-"), "version": 0, "alive": True, "html": ""})
            await _send_each(tuple(members), lambda socket: text)
        elif kind == "user.frame":
            text = json.dumps({"type": "frame", "frame": message["frame"]})
            await _send_each(tuple(members), lambda socket: text)
        elif kind == "user.close":
            for socket in tuple(members):
                await socket.close(int(message.get("code", 4401)))
        else:
            logger.warning("live update of unknown type %r dropped", kind)

    async def _rows(self, message: dict, members: tuple[Socket, ...]) -> None:
        notes = message["notes"] if message["type"] == "live.updates" else [message]
        frames: dict[frozenset[str], str] = {}
        for rights in {socket.acts_on for socket in members}:
            items = await _row_messages(notes, rights)
            frames[rights] = batch_frame(items) if items else ""
        await _send_each(members, lambda socket: frames[socket.acts_on])
        committed = min(note.get("at", time.time()) for note in notes)
        metrics.BROADCAST_LAG.observe(max(0.0, time.time() - committed))


async def _row_messages(notes: list[dict], acts_on: frozenset[str]) -> list[str]:
    """The row messages answering these notes, for a user who may act on `acts_on` kinds."""
    by_variant: dict[bool, list[dict]] = {}
    for note in notes:
        by_variant.setdefault(note["kind"] in acts_on, []).append(note)
    items = []
    for can_act, group in by_variant.items():
        wanted = [(note["kind"], note["pk"], tuple(note["stamp"])) for note in group]
        found = await fragments.get_many(wanted, can_act)
        items += [following(fragment, note["version"]) for note, fragment in zip(group, found, strict=True) if fragment]
    return items


async def _send_each(members: tuple[Socket, ...], text_for: Callable[[Socket], str]) -> None:
    """The same encoded text to each socket (per its rights); nothing for an empty text."""
    sent = written = 0
    for socket in members:
        text = text_for(socket)
        if not text:
            continue
        try:
            await socket.deliver(text)
        except Exception:
            # That page is going away (its disconnect leaves the hub); the others still get theirs.
            logger.debug("a live frame could not be sent", exc_info=True)
            continue
        sent += 1
        written += len(text)
        if written >= YIELD_AFTER_CHARS:
            # A socket's send never waits (the transport buffers it): without a pause, a burst's frames
            # to hundreds of pages would hold the event loop, and every page request, until all are out.
            written = 0
            await asyncio.sleep(0)
    metrics.WEBSOCKET_MESSAGES.inc(sent)


def _merged(messages: list[dict]) -> list[tuple[str, dict]]:
    """(group, message) in arrival order, a group's consecutive row notes merged into one message."""
    return coalesced([(message.get("group", ""), message) for message in messages])


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


async def hub() -> Hub | None:
    """This process's hub on the running loop and the configured layer; None without a layer."""
    layer = get_channel_layer()
    if layer is None:
        return None
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None or current.configured is not layer:
        for ended in [other for other in _hubs if other.is_closed()]:
            await _hubs.pop(ended).abandon()
        current = _hubs[loop] = Hub(layer)
    return current
