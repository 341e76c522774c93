"""Redis goes away under a running dashboard: webhooks and actions carry on, pages re-sync from the
database, nothing hangs; when Redis is back, live pages get pushed updates again, no restart. A
Redis that stops answering without going away holds no command that broadcasts (reconcile)."""

import io
import json
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from calls.models import Call
from dashboard.models import Event, OperatorAction
from simulator.options import Delivery, Timings
from simulator.server import SimulatorServer
from tests.support.servers import DashboardServer, RedisServer
from tests.support.signing import TEST_PUBLIC_KEY_B64, as_http_headers, sign
from tests.support.tokens import api_token
from tests.support.webhooks import fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which("redis-server"), reason="needs redis-server (apt-get install redis-server)"
    ),
]

# A request that takes longer than this while Redis is down counts as hanging.
PROMPT_SECS = 3.0


@pytest.fixture
def redis_server():
    redis = RedisServer().start()
    yield redis
    redis.kill()


@pytest.fixture
def stack(redis_server):
    """The dashboard on the private Redis, with the simulator as its Telnyx."""
    server = DashboardServer(public_keys=[TEST_PUBLIC_KEY_B64])
    # Set after construction: DashboardServer copies the suite's own REDIS_URL, if any, over extra_env.
    server.env["REDIS_URL"] = redis_server.url
    simulator = SimulatorServer(
        webhook_url=server.url + "/webhooks/telnyx/",
        timings=Timings.fast(),
        delivery=Delivery(max_attempts=3, retry_backoff=0.05, timeout=5.0),
    )
    simulator.start()  # its port is known once it listens
    server.env["TELNYX_API_BASE"] = simulator.base_url
    server.env["TELNYX_PUBLIC_KEY"] += "," + simulator.public_key
    server.start()
    yield server, simulator
    server.stop()
    simulator.stop()


def new_call_event(event_type: str = "call.initiated") -> tuple[str, bytes]:
    """A webhook of a call nobody has seen yet: its call_control_id, and its body."""
    document = fixture(event_type)
    call_control_id = f"v3:redis-{uuid.uuid4().hex}"
    document["data"]["id"] = str(uuid.uuid4())
    document["data"]["payload"]["call_control_id"] = call_control_id
    return call_control_id, json.dumps(document).encode()


def deliver(server: DashboardServer, body: bytes) -> tuple[httpx.Response, float]:
    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
    started = time.monotonic()
    response = httpx.post(server.url + "/webhooks/telnyx/", content=body, headers=headers, timeout=15)
    return response, time.monotonic() - started


@contextmanager
def live_page(server: DashboardServer, cookie: str) -> Iterator[ClientConnection]:
    """A websocket opened as a live page opens it (session cookie, same origin), past its hello."""
    with connect(
        server.url.replace("http", "ws") + "/ws/live/calls/",
        additional_headers={"Cookie": cookie},
        origin=server.url,
        open_timeout=5,
    ) as page:
        assert json.loads(page.recv(timeout=5))["type"] == "hello"
        yield page


def pushed_row_of(page: ClientConnection, call_control_id: str, timeout: float) -> dict | None:
    """The first pushed call row carrying `call_control_id`, or None when none came in time."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(page.recv(timeout=left))
        except TimeoutError:
            return None
        if message.get("kind") == "call" and f"call:{call_control_id}" in message.get("html", ""):
            return message
    return None


def push_reaches_a_page(server: DashboardServer, cookie: str, timeout: float = 20) -> bool:
    """Whether a new webhook's row is pushed to a live page within `timeout` seconds; like live.js,
    the page reconnects whenever the server closes its socket or refuses it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with live_page(server, cookie) as page:
                while time.monotonic() < deadline:
                    call_control_id, body = new_call_event()
                    assert deliver(server, body)[0].status_code == 200
                    if pushed_row_of(page, call_control_id, timeout=2) is not None:
                        return True
        except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError):
            time.sleep(0.3)
    return False


def closed_within(page: ClientConnection, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            page.recv(timeout=left)
    except ConnectionClosed:
        return True
    except TimeoutError:
        pass
    return False


def test_without_redis_webhooks_and_actions_work_and_push_resumes_when_it_returns(
    stack, redis_server, supervisor
):
    server, simulator = stack
    browser = Client()
    browser.force_login(supervisor)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    token = api_token(supervisor)
    assert push_reaches_a_page(server, cookie), "live push did not work before the outage"
    caller = simulator.world.answered_call(caller_id_name="Outage Caller")
    simulator.wait_idle()

    with live_page(server, cookie) as open_page:
        redis_server.kill()

        stored = []
        for _ in range(5):
            call_control_id, body = new_call_event()
            response, took = deliver(server, body)
            assert response.status_code == 200 and took < PROMPT_SECS, (response.status_code, took)
            stored.append(call_control_id)
        assert Event.objects.filter(call_control_id__in=stored).count() == 5
        assert Call.objects.filter(call_control_id__in=stored, is_alive=True).count() == 5

        # An open page is not left deaf: its socket is closed, so it reconnects and re-syncs.
        assert closed_within(open_page, timeout=5)

    # The page's re-sync (a snapshot GET) shows what push could not deliver.
    started = time.monotonic()
    snapshot = httpx.get(
        server.url + "/calls/", headers={"Cookie": cookie, "X-Live-Snapshot": "1"}, timeout=15
    )
    assert snapshot.status_code == 200 and time.monotonic() - started < PROMPT_SECS
    assert all(f"call:{call_control_id}" in snapshot.text for call_control_id in stored)

    # An operator action reaches Telnyx, is audited, and its webhook lands in the log.
    started = time.monotonic()
    answer = httpx.post(
        f"{server.url}/api/calls/{caller.call_control_id}/actions/hangup/",
        json={},
        headers={"Authorization": f"Token {token}"},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    assert time.monotonic() - started < PROMPT_SECS
    assert OperatorAction.objects.get(action="hangup").outcome == "ok"
    simulator.wait_idle()
    assert Call.objects.get(call_control_id=caller.call_control_id).state == "hangup"

    redis_server.start()

    assert push_reaches_a_page(server, cookie), "live push did not resume after Redis came back"


@pytest.fixture
def frozen_redis(redis_server, settings):
    """This process's channel layer on a Redis that accepts connections and never answers."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_server.url]},
        }
    }
    redis_server.process.send_signal(signal.SIGSTOP)
    yield redis_server
    redis_server.process.send_signal(signal.SIGCONT)


@pytest.fixture
def deaf_simulator(settings):
    """A Telnyx whose webhooks reach nobody: everything it has, reconciliation must find."""
    with SimulatorServer(
        webhook_url="http://127.0.0.1:9/webhooks/telnyx/",
        timings=Timings.fast(),
        delivery=Delivery(max_attempts=1, retry_backoff=0.01, timeout=0.2),
    ) as sim:
        settings.TELNYX_API_BASE = sim.base_url
        yield sim


def reconcile() -> None:
    try:
        call_command("reconcile", stdout=io.StringIO())
    finally:
        connections.close_all()  # this thread's own connection: none may outlive the test database


def test_reconciliation_finishes_while_redis_is_unresponsive(deaf_simulator, frozen_redis):
    missed = [deaf_simulator.world.answered_call(caller_id_name=f"Missed {n}") for n in range(3)]
    # The command broadcasts its corrections from a plain thread, with no server loop to hand them to.
    run = threading.Thread(target=reconcile, daemon=True)
    started = time.monotonic()
    run.start()
    run.join(timeout=10)
    assert not run.is_alive(), "reconcile was held by its broadcasts to the unresponsive Redis"
    assert time.monotonic() - started < 8
    assert (
        Call.objects.filter(
            call_control_id__in=[call.call_control_id for call in missed], is_alive=True
        ).count()
        == 3
    )
