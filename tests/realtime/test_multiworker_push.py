"""Several server processes share live pushes through Redis: a page connected to one worker sees
webhooks that another worker stored."""

import asyncio
import json
import re

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async
from django.conf import settings

from tests.support.servers import DashboardServer
from tests.support.signing import TEST_PUBLIC_KEY_B64, as_http_headers, sign
from tests.support.webhooks import envelope

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: the in-memory layer is one process"),
]


def login_cookie(url: str, username: str, password: str) -> str:
    with httpx.Client(base_url=url, timeout=10) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def webhook(number: str) -> bytes:
    payload = {
        "call_control_id": f"v3:multi-{number}",
        "call_leg_id": number,
        "call_session_id": number,
        "from": number,
        "to": "+18005550100",
        "direction": "incoming",
        "state": "parked",
    }
    return json.dumps(
        envelope(
            "call.initiated", payload, event_id=f"multi-{number}", occurred_at="2026-11-21T10:00:00.000000Z"
        )
    ).encode()


async def test_a_page_on_one_worker_sees_webhooks_stored_by_any_worker(supervisor):
    server = DashboardServer(public_keys=[TEST_PUBLIC_KEY_B64], workers=2)
    await sync_to_async(server.start)()
    try:
        cookie = await sync_to_async(login_cookie)(
            server.url, supervisor.username, "pw-" + supervisor.username
        )
        ws_url = server.url.replace("http", "ws") + "/ws/live/calls/"
        numbers = [f"+1415555{index:04d}" for index in range(12)]
        async with websockets.connect(
            ws_url, additional_headers={"Cookie": cookie, "Origin": server.url}
        ) as socket:
            assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "hello"
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
                for number in numbers:
                    body = webhook(number)
                    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
                    # A new connection each time, so both workers take some of them.
                    response = await client.post(
                        "/webhooks/telnyx/", content=body, headers={**headers, "connection": "close"}
                    )
                    assert response.status_code == 200
            seen: set[str] = set()
            while len(seen) < len(numbers):
                message = json.loads(await asyncio.wait_for(socket.recv(), 5))
                for row in message.get("items") or [message]:  # several rows travel as one "batch" frame
                    seen |= {number for number in numbers if number in row.get("html", "")}
        assert seen == set(numbers)
    finally:
        await sync_to_async(server.stop)()
