"""Every logged-in page's socket carries frames meant for its user and for the whole floor."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from dashboard.realtime.users import send_to_floor, send_to_user
from switchboard.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@sync_to_async
def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(user, path: str) -> WebsocketCommunicator:
    headers = [ORIGIN, (b"cookie", await session_cookie(user)), (b"host", b"127.0.0.1")]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["server"] = ("127.0.0.1", 8000)
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello"
    return communicator


async def test_a_page_without_rows_gets_its_users_frames_and_the_floors(supervisor, viewer):
    mine = await open_socket(supervisor, "/ws/live/me/")
    theirs = await open_socket(viewer, "/ws/live/calls/")
    await sync_to_async(send_to_user)(supervisor.pk, {"kind": "test", "n": 1})
    assert await mine.receive_json_from(timeout=2) == {"type": "frame", "frame": {"kind": "test", "n": 1}}
    assert await theirs.receive_nothing(timeout=0.3)
    await sync_to_async(send_to_floor)({"kind": "test", "n": 2})
    assert (await mine.receive_json_from(timeout=2))["frame"] == {"kind": "test", "n": 2}
    assert (await theirs.receive_json_from(timeout=2))["frame"] == {"kind": "test", "n": 2}
    await mine.disconnect()
    await theirs.disconnect()


async def test_the_personal_socket_is_fresh_and_needs_no_snapshot(supervisor):
    headers = [ORIGIN, (b"cookie", await session_cookie(supervisor)), (b"host", b"127.0.0.1")]
    communicator = WebsocketCommunicator(application, "/ws/live/me/", headers=headers)
    communicator.scope["server"] = ("127.0.0.1", 8000)
    assert (await communicator.connect())[0]
    hello = await communicator.receive_json_from()
    assert hello["fresh"] is True and hello["group"] is None
    await communicator.disconnect()


async def test_an_anonymous_personal_socket_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/live/me/", headers=[ORIGIN, (b"host", b"127.0.0.1")]
    )
    communicator.scope["server"] = ("127.0.0.1", 8000)
    connected, code = await communicator.connect()
    assert not connected or code == 4401
