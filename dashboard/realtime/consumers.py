"""Websocket for live pages: authenticate, join one group, forward updates. Nothing else.

Operator actions never travel over this socket; they go through forms and the API.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from calls.models import Call
from conferences.models import Conference
from dashboard.realtime import groups
from dashboard.realtime.fragments import fragments

UNAUTHORISED = 4401
NOT_FOUND = 4404


@database_sync_to_async
def _group_for(scope_kwargs: dict) -> str | None:
    target = scope_kwargs.get("target")
    key = scope_kwargs.get("key")
    if target == "calls" and not key:
        return groups.CALLS
    if target == "conferences" and not key:
        return groups.CONFERENCES
    if target == "calls":
        pk = Call.objects.filter(call_control_id=key).values_list("pk", flat=True).first()
        return groups.call_group(pk) if pk else None
    if target == "conferences":
        pk = Conference.objects.filter(conference_id=key).values_list("pk", flat=True).first()
        return groups.conference_group(pk) if pk else None
    return None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    can_act = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORISED)
            return
        self.group = await _group_for(self.scope["url_route"]["kwargs"])
        if self.group is None:
            await self.close(code=NOT_FOUND)
            return
        self.can_act = await database_sync_to_async(user.has_perm)("dashboard.participant_mute")
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
            await self.send_json({"kind": "refresh", "dom_id": dom_id, "version": 0, "alive": True, "html": ""})
            return
        # Users who may not act get fragments without the buttons they could not use.
        can_act = self.can_act and message["kind"] == "participant"
        fragment = await fragments.get(message["kind"], message["pk"], message["version"], can_act)
        if fragment is not None:
            await self.send(text_data=fragment)
