"""The live-page websocket: authenticated, same-origin, and fed after commit."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from dashboard.eventlog.ingest import ingest_events
from dashboard.webhooks.parsing import parse_call_control
from switchboard.asgi import application
from tests.support.webhooks import FIXTURES

pytestmark = [pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
# Generous: only a failing test waits it out, and a loaded CI machine can take seconds.
WAIT = 10


def event(name: str):
    return parse_call_control((FIXTURES / "webhooks" / f"{name}.json").read_bytes())


@sync_to_async
def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(path: str, headers: list) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["server"] = ("127.0.0.1", 8000)
    return communicator


async def next_row(page: WebsocketCommunicator) -> dict:
    message = await page.receive_json_from(timeout=WAIT)
    while message.get("type") == "frame":  # the floor's and the user's frames (alerts, feed), not rows
        message = await page.receive_json_from(timeout=WAIT)
    return message


async def test_an_operator_receives_a_hello_then_rendered_rows(supervisor):
    cookie = await session_cookie(supervisor)
    communicator = await connect("/ws/live/calls/", [ORIGIN, (b"cookie", cookie), (b"host", b"127.0.0.1")])
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected
    assert (await communicator.receive_json_from(timeout=WAIT))["type"] == "hello"
    await sync_to_async(ingest_events)([event("call.initiated")])
    message = await next_row(communicator)
    assert message["kind"] == "call" and message["version"] == 1 and message["alive"] is True
    assert "+35319605860" in message["html"] and message["html"].startswith("<tr id=\"call-")
    await sync_to_async(ingest_events)([event("call.hangup")])
    message = await next_row(communicator)
    assert message["alive"] is False and message["version"] == 2
    await communicator.disconnect()


async def test_a_call_page_gets_updates_of_its_call_only(supervisor):
    await sync_to_async(ingest_events)([event("call.initiated")])
    cookie = await session_cookie(supervisor)
    call_id = event("call.initiated").call_control_id
    communicator = await connect(f"/ws/live/calls/{call_id}/", [ORIGIN, (b"cookie", cookie), (b"host", b"127.0.0.1")])
    assert (await communicator.connect(timeout=WAIT))[0]
    await communicator.receive_json_from(timeout=WAIT)
    await sync_to_async(ingest_events)([event("call.answered")])
    assert (await next_row(communicator))["version"] == 2
    await communicator.disconnect()


async def test_an_anonymous_socket_is_refused():
    communicator = await connect("/ws/live/calls/", [ORIGIN, (b"host", b"127.0.0.1")])
    connected, code = await communicator.connect(timeout=WAIT)
    assert not connected or code == 4401


async def test_a_foreign_origin_is_refused(supervisor):
    cookie = await session_cookie(supervisor)
    communicator = await connect(
        "/ws/live/calls/", [(b"origin", b"https://evil.example.com"), (b"cookie", cookie), (b"host", b"127.0.0.1")]
    )
    connected, _ = await communicator.connect(timeout=WAIT)
    assert not connected
