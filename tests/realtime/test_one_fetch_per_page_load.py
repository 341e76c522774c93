"""A live page is fetched once per load: its websocket's first hello says whether anything changed
since the page was rendered, and only then does the page read its snapshot again."""

import re
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from dashboard.eventlog.ingest import ingest_events
from switchboard.asgi import application
from tests.realtime.test_live_socket import ORIGIN, event, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


async def hello(user, query: str) -> dict:
    cookie = await session_cookie(user)
    communicator = WebsocketCommunicator(
        application, f"/ws/live/calls/{query}", headers=[ORIGIN, (b"cookie", cookie), (b"host", b"127.0.0.1")]
    )
    communicator.scope["server"] = ("127.0.0.1", 8000)
    assert (await communicator.connect())[0]
    message = await communicator.receive_json_from()
    await communicator.disconnect()
    assert message["type"] == "hello"
    return message


@sync_to_async
def rendered_at(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/calls/").content.decode()
    return re.search(r'data-rendered-at="([0-9.]+)"', page).group(1)


async def test_a_page_nothing_changed_since_is_not_fetched_again(supervisor):
    since = await rendered_at(supervisor)
    assert (await hello(supervisor, f"?since={since}"))["fresh"] is True


async def test_a_webhook_since_the_render_makes_the_page_read_its_snapshot(supervisor):
    since = await rendered_at(supervisor)
    await sync_to_async(ingest_events)([event("call.initiated")])
    assert (await hello(supervisor, f"?since={since}"))["fresh"] is False


@pytest.mark.parametrize("query", ["", "?since=", "?since=soon", "?since=an-hour-ago", "?since=nan"])
async def test_without_a_believable_render_time_the_page_reads_its_snapshot(supervisor, query):
    query = query.replace("an-hour-ago", str(time.time() - 3600))
    assert (await hello(supervisor, query))["fresh"] is False
