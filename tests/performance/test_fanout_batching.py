"""A burst of changes reaches an open page as one frame per committed batch, not one per row."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from dashboard.eventlog.ingest import ingest_events
from dashboard.webhooks.parsing import parse_call_control
from switchboard.asgi import application
from tests.support.webhooks import FIXTURES

pytestmark = [pytest.mark.django_db(transaction=True)]

HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1")]


def new_call(number: int):
    document = json.loads((FIXTURES / "webhooks" / "call.initiated.json").read_bytes())
    document["data"]["id"] = str(uuid.uuid4())
    document["data"]["payload"]["call_control_id"] = f"v3:burst-{number}"
    document["data"]["payload"]["from"] = f"+1415555{number:04d}"
    return parse_call_control(json.dumps(document).encode())


@sync_to_async
def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_a_batch_of_new_calls_arrives_in_one_frame_with_every_row(supervisor):
    communicator = WebsocketCommunicator(
        application, "/ws/live/calls/", headers=[*HEADERS, (b"cookie", await session_cookie(supervisor))]
    )
    communicator.scope["server"] = ("127.0.0.1", 8000)
    assert (await communicator.connect())[0]
    assert (await communicator.receive_json_from())["type"] == "hello"

    await sync_to_async(ingest_events)([new_call(number) for number in range(5)])

    frame = await communicator.receive_json_from(timeout=10)
    while frame.get("type") == "frame":  # the floor's and the user's frames (alerts, feed), not rows
        frame = await communicator.receive_json_from(timeout=10)
    assert frame.get("type") == "batch"
    assert sorted(item["html"].split("+1415555")[1][:4] for item in frame["items"]) == [f"{n:04d}" for n in range(5)]
    assert all(item["kind"] == "call" and item["version"] == 1 and item["after"] == 0 for item in frame["items"])
    while not await communicator.receive_nothing(timeout=0.3):
        assert (await communicator.receive_json_from()).get("type") == "frame"  # no second batch
    await communicator.disconnect()
