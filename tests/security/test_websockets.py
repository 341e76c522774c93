"""Live-page websockets: only pages of the dashboard's own origin (scheme, host and port) may open
one; a frame that is not a JSON object is answered, not a traceback; and a socket ends with its
login: closed on logout and deactivation, closed for a fresh start on a role change, and refused
anything once its session is gone even if the close never arrived."""

import logging

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client

from dashboard.accounts.roles import ROLE_VIEWER, assign_role
from switchboard.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True)]


@sync_to_async
def logged_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def socket(
    origin: bytes | None, host: bytes, cookie: bytes = b"", path: str = "/ws/live/calls/"
) -> WebsocketCommunicator:
    headers = [(b"host", host)] + ([(b"origin", origin)] if origin is not None else [])
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["server"] = ("127.0.0.1", 8000)
    return communicator


async def open_socket(client: Client) -> WebsocketCommunicator:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    page = socket(b"http://127.0.0.1:8000", b"127.0.0.1:8000", cookie)
    connected, _ = await page.connect()
    assert connected
    assert (await page.receive_json_from())["type"] == "hello"
    return page


async def closed_with(page: WebsocketCommunicator) -> int:
    message = await page.receive_output(timeout=3)
    assert message["type"] == "websocket.close", message
    return message.get("code")


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://localhost:9999", b"localhost:8000"),  # another port on the same host
        (b"https://127.0.0.1:8000", b"127.0.0.1:8000"),  # another scheme
        (b"http://127.0.0.1:8001", b"127.0.0.1"),
        (b"http://evil.example.com", b"127.0.0.1:8000"),
        (b"http://127.0.0.1:8000", b"evil.example.com"),  # a host that is not allowed
        (b"null", b"127.0.0.1:8000"),
        (None, b"127.0.0.1:8000"),
    ],
)
async def test_a_socket_from_another_origin_is_refused(supervisor, origin, host):
    client = await logged_in(supervisor)
    page = socket(origin, host, f"sessionid={client.cookies['sessionid'].value}".encode())

    connected, _ = await page.connect()

    assert not connected


@pytest.mark.parametrize(
    ("origin", "host"),
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000"),
        (b"http://localhost:8000", b"localhost:8000"),
        (b"https://switchboard.example.com", b"switchboard.example.com"),  # a trusted origin behind a proxy
    ],
)
async def test_a_socket_from_the_dashboards_own_origin_is_accepted(supervisor, settings, origin, host):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "switchboard.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://switchboard.example.com"]
    client = await logged_in(supervisor)
    page = socket(origin, host, f"sessionid={client.cookies['sessionid'].value}".encode())

    connected, _ = await page.connect()

    assert connected
    await page.disconnect()


@pytest.mark.parametrize(
    "frame", ["not json", "[1, 2]", '"text"', "null", "[" * 5000 + "]" * 5000, b"\x00\x01"]
)
async def test_a_frame_that_is_not_a_json_object_gets_an_error_frame_and_a_clean_log(
    supervisor, caplog, frame
):
    page = await open_socket(await logged_in(supervisor))
    caplog.set_level(logging.INFO)

    if isinstance(frame, bytes):
        await page.send_to(bytes_data=frame)
    else:
        await page.send_to(text_data=frame)

    assert (await page.receive_json_from())["type"] == "error"
    await page.send_json_to({"type": "ping"})
    assert (await page.receive_json_from()) == {"type": "pong"}  # still open
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    await page.disconnect()


async def test_logging_out_closes_the_users_open_sockets(supervisor):
    client = await logged_in(supervisor)
    page = await open_socket(client)

    await sync_to_async(client.post)("/accounts/logout/")

    assert await closed_with(page) == 4401


async def test_deactivating_a_user_closes_their_sockets(supervisor):
    page = await open_socket(await logged_in(supervisor))
    supervisor.is_active = False

    await sync_to_async(supervisor.save)()

    assert await closed_with(page) == 4401


async def test_a_role_change_closes_the_sockets_for_a_fresh_start(supervisor):
    page = await open_socket(await logged_in(supervisor))

    await sync_to_async(assign_role)(supervisor, ROLE_VIEWER)

    assert await closed_with(page) == 4403  # the page reconnects, with the viewer's rows


async def test_a_socket_whose_session_ended_is_refused_anything_it_asks(supervisor):
    page = await open_socket(await logged_in(supervisor))
    await sync_to_async(lambda: Session.objects.all().delete())()  # ended with no signal (an expiry)

    await page.send_json_to({"type": "ping"})

    assert await closed_with(page) == 4401
