"""Websocket for every logged-in page: authenticate, join groups, forward updates. Nothing else.

A live page joins its rows' group; any other page connects to the personal target (`me`), with no
rows. Every socket also joins its user's group and the floor's, for frames (`users.py`).

Operator actions never travel over this socket; they go through forms and the API.
When the channel layer (Redis) fails, the socket is closed cleanly with LAYER_UNAVAILABLE, whether
joining its group failed or the layer went away under an open page: the page reconnects within a
second or two and re-syncs from the database, and the outage is logged once (`outage.py`).
"""

import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from dashboard.models import Event, OperatorAction
from dashboard.observability import metrics
from dashboard.realtime.fragments import fragments
from dashboard.realtime.hub import LAYER_UNAVAILABLE, Hub, hub
from dashboard.realtime.outage import outage
from dashboard.realtime.registry import live_kinds, live_page
from dashboard.realtime.sessions import still_signed_in
from dashboard.realtime.users import FLOOR_GROUP, user_group

UNAUTHORISED = 4401
NOT_FOUND = 4404
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


class LiveConsumer(AsyncJsonWebsocketConsumer):
    # No channel-layer channel per socket: this process's hub receives each group's messages once and
    # hands every socket of the group the same encoded frame (`hub.py`).
    channel_layer_alias = "none: the hub subscribes for every socket"
    group: str | None = None
    joined: tuple[str, ...] = ()
    acts_on: frozenset[str] = frozenset()
    counted = False
    _hub: Hub | None = None
    _greeted = False
    _closing = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Frames the hub delivered before this socket said hello: they follow it, in order.
        self._held: list[str] = []

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
        groups = tuple(group for group in (self.group, user_group(user.pk), FLOOR_GROUP) if group)
        local = await hub()
        try:
            if local is not None:
                await local.join(groups, self)
                self._hub, self.joined = local, groups
        except Exception as exc:
            outage.failed("group_add", exc)
            self.group = None
            await self.accept()
            await self.close(code=LAYER_UNAVAILABLE)
            return
        outage.succeeded()
        await self.accept()
        self.counted = True
        metrics.WEBSOCKETS.inc()
        try:
            await self._hello()
        finally:
            while self._held:
                await self.send(text_data=self._held.pop(0))
            self._greeted = True

    async def deliver(self, text: str) -> None:
        """A frame from the hub, already encoded."""
        if self._closing:
            return
        if not self._greeted:
            self._held.append(text)
            return
        await self.send(text_data=text)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        # Once: the user's sockets may be told to close while the layer goes away, say.
        if not self._closing:
            self._closing = True
            await super().close(code=code, reason=reason)

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
        if self.joined and self._hub is not None:
            try:
                await self._hub.leave(self.joined, self)
            except Exception as exc:
                outage.failed("group_discard", exc)
            self.joined = ()

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
