"""ASGI entry point: Django for HTTP, Channels for the live-page websockets."""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "switchboard.settings")
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from dashboard.realtime.broadcast import remember_event_loop  # noqa: E402
from dashboard.realtime.routing import websocket_urlpatterns  # noqa: E402
from dashboard.webhooks.asgi_endpoint import WEBHOOK_PATHS, webhook_app  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def application(scope: dict, receive, send) -> None:  # noqa: ANN001
    if scope["type"] == "lifespan":
        # Broadcasts from the ingest writer thread are scheduled onto this loop.
        remember_event_loop(asyncio.get_running_loop())
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    remember_event_loop(asyncio.get_running_loop())
    if scope["type"] == "http" and scope["path"] in WEBHOOK_PATHS:
        await webhook_app(scope, receive, send)
        return
    await router(scope, receive, send)
