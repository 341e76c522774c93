"""ASGI entry point: probes, webhooks fast path, Django for HTTP, Channels for the live-page websockets."""

import asyncio
import os

from switchboard.startup import (
    configuration_error_exit,
    flush_rejections,
    in_memory_layer_with_several_workers,
    start_background_tasks,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "switchboard.settings")
with configuration_error_exit():
    from django.core.asgi import get_asgi_application

    django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from dashboard.observability.requests import with_request_id  # noqa: E402
from dashboard.probes.asgi import PROBE_PATHS, probe_app  # noqa: E402
from dashboard.realtime.broadcast import remember_event_loop  # noqa: E402
from dashboard.realtime.origins import SameOriginValidator  # noqa: E402
from dashboard.realtime.routing import websocket_urlpatterns  # noqa: E402
from dashboard.webhooks.asgi_endpoint import WEBHOOK_PATHS, webhook_app  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def _lifespan(receive, send) -> None:  # noqa: ANN001
    # Broadcasts from the ingest writer thread are scheduled onto this loop.
    remember_event_loop(asyncio.get_running_loop())
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            refusal = in_memory_layer_with_several_workers()
            if refusal:
                # uvicorn logs the message and stops every worker (a startup failure is not retried).
                await send({"type": "lifespan.startup.failed", "message": refusal})
                return
            start_background_tasks()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await flush_rejections()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _application(scope: dict, receive, send) -> None:  # noqa: ANN001
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    remember_event_loop(asyncio.get_running_loop())
    if scope["type"] == "http":
        if scope["path"] in WEBHOOK_PATHS:
            await webhook_app(scope, receive, send)
            return
        if scope["path"] in PROBE_PATHS:
            await probe_app(scope, receive, send)
            return
    await router(scope, receive, send)


# Every request and websocket gets a request id (a trusted proxy's X-Request-ID, or a new one),
# carried by its log lines and echoed in the X-Request-ID response header.
application = with_request_id(_application)
