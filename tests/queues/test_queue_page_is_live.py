"""The queue page's socket hears of every change to a queued call, and of no other call."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from switchboard.asgi import application
from tests.alerts.test_frames_reach_pages import ORIGIN, session_cookie
from tests.queues.support import dequeued, queued_call

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_enqueue_and_leave_reach_the_queue_page(supervisor):
    headers = [ORIGIN, (b"cookie", await session_cookie(supervisor)), (b"host", b"127.0.0.1")]
    communicator = WebsocketCommunicator(application, "/ws/live/queues/", headers=headers)
    communicator.scope["server"] = ("127.0.0.1", 8000)
    assert (await communicator.connect())[0]
    assert (await communicator.receive_json_from())["type"] == "hello"
    call_id = await sync_to_async(queued_call)("support", waited=5)
    kinds = set()
    while True:
        message = await communicator.receive_json_from(timeout=2)
        kinds.add(message["kind"])
        if message["alive"]:
            break
    assert kinds == {"queued-call"}  # the answered call, before it queued, was no queue's business
    await sync_to_async(dequeued)(call_id, "support", reason="leave")
    message = await communicator.receive_json_from(timeout=2)
    assert message["kind"] == "queued-call" and message["alive"] is False
    await communicator.disconnect()
