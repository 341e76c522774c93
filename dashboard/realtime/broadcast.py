"""Tell open pages what changed, after commit.

The ingest and action paths only send small notes (kind, row id, version) to the groups; the
consumers that exist, that is, pages that are open, turn them into rendered fragments
(`fragments.py`). With no page open, a change costs a few group sends and no rendering.
Broadcasts are hints: delivery is at-most-once, and a page that misses one (a version gap, a
reconnect) re-fetches its snapshot.
"""

import asyncio
import logging
import threading
import time
import weakref

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from dashboard.realtime.coalesce import coalesced
from dashboard.realtime.outage import outage
from dashboard.realtime.registry import live_kinds

logger = logging.getLogger("switchboard.realtime")

# How long one batch of hints may take to send, however many groups it goes to.
SEND_TIMEOUT_SECS = 3.0

_main_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def remember_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The server's loop: broadcasts from plain threads are scheduled onto it."""
    global _main_loop
    if _main_loop is loop:
        return
    with _loop_lock:
        _main_loop = loop


def _note(kind: str, pk: int, stamp: tuple, at: float) -> dict:
    # `at`: when the change was committed (wall clock, shared by the workers), for the broadcast lag.
    return {"type": "live.update", "kind": kind, "pk": pk, "version": stamp[0], "stamp": list(stamp), "at": at}


def notes_for(changes: dict[str, list]) -> list[tuple[str, dict]]:
    """The hints for a batch's changed rows ({projection name: rows}), one message per group.

    A group is sent the batch's notes together ("live.updates"): a burst of new calls costs each
    open page one wake-up and one websocket frame per batch, not one per row.
    """
    grouped: dict[str, list[dict]] = {}
    at = time.time()
    for kind in live_kinds():
        for row in changes.get(kind.projection, ()):
            note = _note(kind.kind, row.pk, kind.stamp(row), at)
            for group in kind.groups(row):
                grouped.setdefault(group, []).append(note)
    return [
        (group, notes[0] if len(notes) == 1 else {"type": "live.updates", "notes": notes})
        for group, notes in grouped.items()
    ]


async def _send_all(messages: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    sent = 0
    try:
        # A Redis that accepts connections but never answers (frozen, cut off) holds each send for
        # the client's read timeout: without one deadline per batch, a thread that waits for its
        # broadcast (a management command) would wait that long for every hint.
        async with asyncio.timeout(SEND_TIMEOUT_SECS):
            for group, message in messages:
                try:
                    # The group travels with the message: each process's hub hands it to that group's sockets.
                    await layer.group_send(group, {**message, "group": group})
                except Exception as exc:
                    # Redis down or a full channel: pages re-sync on reconnect, so a lost hint is
                    # tolerable. An outage is logged once when it starts and once when it ends.
                    outage.failed("group_send", exc)
                else:
                    outage.succeeded()
                sent += 1
    except TimeoutError as exc:
        outage.failed("group_send", exc)
        logger.debug("broadcast timed out after %ss; %d of %d hints dropped", SEND_TIMEOUT_SECS, len(messages) - sent, len(messages))


# Hints waiting for their loop's one sender, in commit order. Sent by concurrent tasks, a row's later
# note could overtake its earlier one (each group send is several Redis round trips); one sender
# keeps their order and merges what queued meanwhile into one send per group.
_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[tuple[str, dict]]] = weakref.WeakKeyDictionary()
_senders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task] = weakref.WeakKeyDictionary()


def _enqueue(messages: list[tuple[str, dict]]) -> None:
    loop = asyncio.get_running_loop()
    queue = _queues.setdefault(loop, [])
    queue.extend(messages)
    sender = _senders.get(loop)
    if sender is None or sender.done():
        _senders[loop] = loop.create_task(_send_queued(queue))


async def _send_queued(queue: list[tuple[str, dict]]) -> None:
    while queue:
        messages = coalesced(queue)
        queue.clear()
        await _send_all(messages)


def send(messages: list[tuple[str, dict]]) -> None:
    """Send from any thread without waiting: onto the server's loop when there is one, in order."""
    if not messages:
        return
    loop = _main_loop
    if loop is not None and loop.is_running():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            _enqueue(messages)
        else:
            loop.call_soon_threadsafe(_enqueue, messages)
        return
    async_to_sync(_send_all)(messages)


def broadcast_changes(changes: dict[str, list]) -> None:
    """Announce a committed batch's changes; never raises into the caller."""
    try:
        send(notes_for(changes))
    except Exception:
        logger.exception("could not broadcast state changes")


def nudge(live_groups: tuple[str, ...]) -> None:
    """Tell detail pages their object's timeline changed (an operator acted): they re-sync."""
    send([(group, {"type": "live.update", "kind": "refresh", "group": group}) for group in live_groups])
