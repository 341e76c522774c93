"""Websocket for live pages: authenticate, join one group, forward updates. Nothing else.

Operator actions never travel over this socket; they go through forms and the API.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from dashboard.realtime.fragments import fragments
from dashboard.realtime.registry import live_kinds, live_page

UNAUTHORISED = 4401
NOT_FOUND = 4404


@database_sync_to_async
def _group_for(scope_kwargs: dict) -> str | None:
    page = live_page(scope_kwargs.get("target", ""))
    if page is None:
        return None
    key = scope_kwargs.get("key")
    return page.detail_group(key) if key else page.list_group


def _kinds_user_may_act_on(user: object) -> frozenset[str]:
    return frozenset(
        kind.kind for kind in live_kinds() if kind.act_permission and user.has_perm(kind.act_permission)
    )


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    acts_on: frozenset[str] = frozenset()

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORISED)
            return
        self.group = await _group_for(self.scope["url_route"]["kwargs"])
        if self.group is None:
            await self.close(code=NOT_FOUND)
            return
        self.acts_on = await database_sync_to_async(_kinds_user_may_act_on)(user)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # The page re-fetches its snapshot on this hello, so nothing between render and connect is lost.
        await self.send_json({"type": "hello", "group": self.group})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections before every handler: one hop to the single
        # sync thread per update per open page. Updates touch the database only inside
        # database_sync_to_async, which does that itself, so they skip the hop.
        if message["type"] == "live.update":
            await self.live_update(message)
            return
        await super().dispatch(message)

    async def receive_json(self, content: dict, **kwargs: object) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def live_update(self, message: dict) -> None:
        if message["kind"] == "refresh":
            dom_id = message["group"].replace(".", "-")
            await self.send_json(
                {"kind": "refresh", "dom_id": dom_id, "version": 0, "alive": True, "html": ""}
            )
            return
        # Users who may not act get fragments without the buttons they could not use.
        can_act = message["kind"] in self.acts_on
        fragment = await fragments.get(message["kind"], message["pk"], tuple(message["stamp"]), can_act)
        if fragment is not None:
            await self.send(text_data=fragment)
