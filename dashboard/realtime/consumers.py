"""Websocket for every logged-in page: authenticate, join groups, forward updates. Nothing else.

A live page joins its rows' group; any other page connects to the personal target (`me`), with no
rows. Every socket also joins its user's group and the floor's, for frames (`users.py`).

Operator actions never travel over this socket; they go through forms and the API.
When the channel layer (Redis) fails, the socket is closed cleanly with LAYER_UNAVAILABLE, whether
joining its group failed or the layer went away under an open page: the page reconnects within a
second or two and re-syncs from the database, and the outage is logged once (`outage.py`).
"""

import asyncio
import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from dashboard.models import Event, OperatorAction
from dashboard.observability import metrics
from dashboard.realtime.fragments import fragments
from dashboard.realtime.outage import outage
from dashboard.realtime.registry import live_kinds, live_page
from dashboard.realtime.sessions import still_signed_in
from dashboard.realtime.users import FLOOR_GROUP, user_group

UNAUTHORISED = 4401
NOT_FOUND = 4404
LAYER_UNAVAILABLE = 4503
_LAYER_LOST = {"type": "layer.lost"}
# The websocket target of pages without rows: only the user's and the floor's frames.
PERSONAL_TARGET = "me"


@database_sync_to_async
def _group_for(scope_kwargs: dict) -> str | None:
    page = live_page(scope_kwargs.get("target", ""))
    if page is None:
        return None
    key = scope_kwargs.get("key")
    return page.detail_group(key) if key else page.list_group


# Webhooks are stored within seconds of their arrival (the writer's queue): a change committed after a
# page read the database was received at most this long before that read.
CHANGE_MARGIN_SECS = 10
# A page's render time older than this is not worth checking: it re-reads its snapshot.
RENDER_MARK_MAX_AGE_SECS = 60


def _rendered_at(scope: dict) -> float | None:
    """The `since` the page connects with: when the server began rendering it (epoch seconds)."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("since", [])
    try:
        since = float(values[0]) if values else None
    except ValueError:
        return None
    if since is None or not 0 <= time.time() - since <= RENDER_MARK_MAX_AGE_SECS:
        return None
    return since


# More changed rows than this since a list page was rendered: it fetches itself again instead.
REPLAY_MAX_ROWS = 300


def _changed_since(since: float) -> datetime:
    return datetime.fromtimestamp(since - CHANGE_MARGIN_SECS, UTC)


@database_sync_to_async
def _nothing_new_since(since: float) -> bool:
    """True when no webhook and no operator action arrived since the page was rendered (with a margin):
    the page it holds is current, and it need not fetch its snapshot again on this first hello."""
    moment = _changed_since(since)
    return not (
        Event.objects.filter(received_at__gte=moment).exists()
        or OperatorAction.objects.filter(created_at__gte=moment).exists()
    )


@database_sync_to_async
def _rows_changed_since(group: str, since: float) -> list[tuple[str, int, tuple]] | None:
    """(kind, pk, stamp) of this group's rows that changed since the page was rendered (with a margin),
    to send it as fragments; None when there are too many or a kind cannot tell (the page re-reads)."""
    moment = _changed_since(since)
    found = []
    for kind in live_kinds():
        if kind.changed_since is None:
            return None
        changed = list(kind.changed_since(moment)[: REPLAY_MAX_ROWS + 1])
        if len(changed) > REPLAY_MAX_ROWS:
            return None
        for row in changed:
            if group in kind.groups(row):
                found.append((kind.kind, row.pk, kind.stamp(row)))
    return found


def _kinds_user_may_act_on(user: object) -> frozenset[str]:
    return frozenset(
        kind.kind for kind in live_kinds() if kind.act_permission and user.has_perm(kind.act_permission)
    )


def _following(fragment: str, note_version: int) -> str:
    """The fragment, saying which version of its row came before the note it answers ("after").

    A note for version N may be answered with the row as it is now, N+1 or later (it changed again
    before the note was read): that is no gap, nothing was missed, and the page need not re-read its
    snapshot. A page misses something only when "after" is newer than the version it holds. The
    fragment is cached as JSON text, shared by every page: the field goes in front, without parsing.
    """
    return f'{{"after": {int(note_version) - 1}, {fragment[1:]}'


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    joined: tuple[str, ...] = ()
    acts_on: frozenset[str] = frozenset()
    counted = False
    _layer_lost = False
    _closing = False

    # Channels sets channel_receive to the layer's receive for this channel; reading it gives the
    # guarded version, which turns a layer failure into one "layer.lost" message instead of an
    # exception that would end the connection with a traceback.
    @property
    def channel_receive(self):  # noqa: ANN201
        return self._guarded_receive

    @channel_receive.setter
    def channel_receive(self, receive) -> None:  # noqa: ANN001
        self._layer_receive = receive

    async def _guarded_receive(self) -> dict:
        if self._layer_lost:
            await asyncio.Future()  # nothing more from the layer: wait for the socket to close
        try:
            message = await self._layer_receive()
        except Exception as exc:
            self._layer_lost = True
            outage.failed("receive", exc)
            return _LAYER_LOST
        outage.succeeded()
        return message

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORISED)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        if kwargs.get("target") != PERSONAL_TARGET:
            self.group = await _group_for(kwargs)
            if self.group is None:
                await self.close(code=NOT_FOUND)
                return
        self.acts_on = await database_sync_to_async(_kinds_user_may_act_on)(user)
        try:
            for group in (self.group, user_group(user.pk), FLOOR_GROUP):
                if group:
                    await self.channel_layer.group_add(group, self.channel_name)
                    self.joined += (group,)
        except Exception as exc:
            outage.failed("group_add", exc)
            self.group = None
            self._layer_lost = True
            await self.accept()
            await self._close_for_the_layer()
            return
        outage.succeeded()
        await self.accept()
        self.counted = True
        metrics.WEBSOCKETS.inc()
        await self._hello()

    async def _hello(self) -> None:
        """The page re-fetches its snapshot on this hello, so nothing between render and connect is lost;
        unless it need not ("fresh": one fetch per page load). A list page is sent the rows that changed
        since it was rendered, as fragments, then "replayed"; an object's page is fresh only if nothing
        at all changed since (a change to its own object has it re-read itself anyway)."""
        since = _rendered_at(self.scope)
        replay: list | None = None
        if self.group is None:
            await self.send_json({"type": "hello", "group": None, "fresh": True, "replay": False})
            return
        if since is not None and self.scope["url_route"]["kwargs"].get("key"):
            fresh = await _nothing_new_since(since)
        elif since is not None:
            replay = await _rows_changed_since(self.group, since)
            fresh = replay is not None
        else:
            fresh = False
        await self.send_json({"type": "hello", "group": self.group, "fresh": fresh, "replay": replay is not None})
        if replay is None:
            return
        for kind, pk, stamp in replay:
            fragment = await fragments.get(kind, pk, stamp, kind in self.acts_on)
            if fragment is not None:
                await self.send(text_data=fragment)
        await self.send_json({"type": "replayed", "rows": len(replay)})

    async def disconnect(self, code: int) -> None:
        if self.counted:
            self.counted = False
            metrics.WEBSOCKETS.dec()
        if self.joined and not self._layer_lost:
            try:
                for group in self.joined:
                    await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as exc:
                outage.failed("group_discard", exc)

    async def layer_lost(self, message: dict) -> None:
        await self._close_for_the_layer()

    async def _close_for_the_layer(self) -> None:
        # Once: the socket may be closing already (joining failed, then the receive failed too).
        if not self._closing:
            self._closing = True
            await self.close(code=LAYER_UNAVAILABLE)

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections before every handler: one hop to the single
        # sync thread per update per open page. Updates touch the database only inside
        # database_sync_to_async, which does that itself, so they skip the hop.
        if message["type"] == "live.update":
            await self.live_update(message)
            return
        if message["type"] == "live.updates":
            await self.live_updates(message)
            return
        if message["type"] == "user.frame":
            await self.user_frame(message)
            return
        if message is _LAYER_LOST:
            await self.layer_lost(message)
            return
        await super().dispatch(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: object) -> None:
        # Whatever a client sends, the answer is a frame, never a traceback in the server's log.
        try:
            content = json.loads(text_data) if text_data is not None else None
        except (ValueError, RecursionError):
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "error": "a frame must be a JSON object"})
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs: object) -> None:
        # The session may have ended since the socket opened (logged out elsewhere, deactivated):
        # checked again before anything a frame asks for.
        if not await still_signed_in(self.scope):
            await self.close(code=UNAUTHORISED)
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def user_close(self, message: dict) -> None:
        """The user logged out, was deactivated or changed role (dashboard/accounts/sockets.py)."""
        await self.close(code=int(message.get("code", UNAUTHORISED)))

    async def user_frame(self, message: dict) -> None:
        await self.send_json({"type": "frame", "frame": message["frame"]})
        metrics.WEBSOCKET_MESSAGES.inc()

    async def live_updates(self, message: dict) -> None:
        """A batch's notes for this group: their fragments in one websocket frame ("batch")."""
        notes = message["notes"]
        by_variant: dict[bool, list[dict]] = {}
        for note in notes:
            by_variant.setdefault(note["kind"] in self.acts_on, []).append(note)
        items = []
        for can_act, group in by_variant.items():
            wanted = [(note["kind"], note["pk"], tuple(note["stamp"])) for note in group]
            found = await fragments.get_many(wanted, can_act)
            items += [_following(f, note["version"]) for note, f in zip(group, found, strict=True) if f is not None]
        if items:
            # The fragments are cached JSON text: the frame is joined, not encoded again.
            await self.send(text_data='{"type": "batch", "items": [' + ", ".join(items) + "]}")
            metrics.WEBSOCKET_MESSAGES.inc()
            lag = time.time() - min(note.get("at", time.time()) for note in notes)
            metrics.BROADCAST_LAG.observe(max(0.0, lag))

    async def live_update(self, message: dict) -> None:
        if message["kind"] == "refresh":
            dom_id = message["group"].replace(".", "-")
            await self.send_json(
                {"kind": "refresh", "dom_id": dom_id, "version": 0, "alive": True, "html": ""}
            )
            metrics.WEBSOCKET_MESSAGES.inc()
            return
        # Users who may not act get fragments without the buttons they could not use.
        can_act = message["kind"] in self.acts_on
        fragment = await fragments.get(message["kind"], message["pk"], tuple(message["stamp"]), can_act)
        if fragment is not None:
            await self.send(text_data=_following(fragment, message["version"]))
            metrics.WEBSOCKET_MESSAGES.inc()
            if "at" in message:
                metrics.BROADCAST_LAG.observe(max(0.0, time.time() - message["at"]))
