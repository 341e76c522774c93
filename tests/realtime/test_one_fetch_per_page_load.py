"""A live page is fetched once per load: its websocket's first hello says whether anything changed
since the page was rendered, and only then does the page read its snapshot again."""

import re
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from dashboard.eventlog.ingest import ingest_events
from dashboard.realtime import consumers
from switchboard.asgi import application
from tests.realtime.test_live_socket import ORIGIN, event, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


async def hello(user, query: str, path: str = "calls/") -> list[dict]:
    """The hello, and for a list page the rows it is sent and the "replayed" that ends them."""
    cookie = await session_cookie(user)
    communicator = WebsocketCommunicator(
        application, f"/ws/live/{path}{query}", headers=[ORIGIN, (b"cookie", cookie), (b"host", b"127.0.0.1")]
    )
    communicator.scope["server"] = ("127.0.0.1", 8000)
    assert (await communicator.connect())[0]
    messages = [await communicator.receive_json_from()]
    assert messages[0]["type"] == "hello"
    while messages[0]["replay"] and messages[-1].get("type") != "replayed":
        messages.append(await communicator.receive_json_from())
    await communicator.disconnect()
    return messages


@sync_to_async
def rendered_at(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/calls/").content.decode()
    return re.search(r'data-rendered-at="([0-9.]+)"', page).group(1)


async def test_a_page_nothing_changed_since_is_not_fetched_again(supervisor):
    since = await rendered_at(supervisor)
    hello_, replayed = await hello(supervisor, f"?since={since}")
    assert hello_["fresh"] is True and replayed == {"type": "replayed", "rows": 0}


async def test_a_list_page_is_sent_the_rows_that_changed_since_its_render_not_fetched_again(supervisor):
    since = await rendered_at(supervisor)
    await sync_to_async(ingest_events)([event("call.initiated")])
    hello_, row, replayed = await hello(supervisor, f"?since={since}")
    assert hello_["fresh"] is True
    assert row["kind"] == "call" and row["version"] == 1 and "+35319605860" in row["html"]
    assert replayed["rows"] == 1


async def test_an_objects_page_reads_its_snapshot_when_anything_changed_since(supervisor, monkeypatch):
    monkeypatch.setattr(consumers, "CHANGE_MARGIN_SECS", 0)  # the call's first webhook: before the render
    await sync_to_async(ingest_events)([event("call.initiated")])
    call_id = event("call.initiated").call_control_id
    since = await rendered_at(supervisor)
    (quiet,) = await hello(supervisor, f"?since={since}", path=f"calls/{call_id}/")
    assert quiet["fresh"] is True and quiet["replay"] is False
    await sync_to_async(ingest_events)([event("call.answered")])
    (changed,) = await hello(supervisor, f"?since={since}", path=f"calls/{call_id}/")
    assert changed["fresh"] is False


@pytest.mark.parametrize("query", ["", "?since=", "?since=soon", "?since=an-hour-ago", "?since=nan"])
async def test_without_a_believable_render_time_the_page_reads_its_snapshot(supervisor, query):
    query = query.replace("an-hour-ago", str(time.time() - 3600))
    (message,) = await hello(supervisor, query)
    assert message["fresh"] is False and message["replay"] is False
