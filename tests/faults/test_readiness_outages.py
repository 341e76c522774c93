"""/readyz follows the database and Redis down and back up, and a Redis restart costs live pages
nothing but a quick reconnect: no 500s, no tracebacks, the outage logged once each way."""

import json
import shutil
import time
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.db import connection
from django.test import Client
from websockets.sync.client import connect

from tests.support.proxy import TcpProxy
from tests.support.servers import DashboardServer, RedisServer, shared_database_url
from tests.support.signing import TEST_PUBLIC_KEY_B64
from tests.support.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

needs_redis = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def ready(server: DashboardServer) -> httpx.Response:
    return httpx.get(server.url + "/readyz", timeout=10)


def page_socket_outcome(server: DashboardServer, cookie: str) -> str:
    """What a live page's websocket meets now: "hello", or the close code the server answered with."""
    try:
        with connect(
            server.url.replace("http", "ws") + "/ws/live/calls/",
            additional_headers={"Cookie": cookie},
            origin=server.url,
            open_timeout=5,
        ) as page:
            message = page.recv(timeout=5)
            return json.loads(message)["type"]
    except Exception as exc:  # the close frame, or a handshake refused with an HTTP status
        code = getattr(getattr(exc, "rcvd", None), "code", None)
        if code is not None:
            return str(code)
        response = getattr(exc, "response", None)
        return f"http {response.status_code}" if response is not None else type(exc).__name__


@needs_redis
def test_redis_down_and_back(tmp_path, supervisor):
    redis = RedisServer().start()
    server = DashboardServer(public_keys=[TEST_PUBLIC_KEY_B64], extra_env={"LOG_LEVEL": "INFO"})
    server.env["REDIS_URL"] = redis.url
    server.log_path = tmp_path / "server.log"
    browser = Client()
    browser.force_login(supervisor)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    server.start()
    try:
        assert ready(server).status_code == 200
        assert page_socket_outcome(server, cookie) == "hello"

        redis.kill()
        answer = eventually(lambda: (r := ready(server)).status_code == 503 and r, timeout=10)
        assert answer and answer.json()["failing"] == ["channel_layer"], answer and answer.text
        assert "127.0.0.1" not in answer.text and str(redis.port) not in answer.text
        # A page connecting now is closed cleanly with "try again soon" (4503), not an HTTP 500.
        assert page_socket_outcome(server, cookie) == "4503"
        assert page_socket_outcome(server, cookie) == "4503"

        redis.start()
        # Back at once: the first pages to connect after the restart join their group.
        outcomes = [page_socket_outcome(server, cookie) for _ in range(4)]
        assert outcomes == ["hello"] * 4, outcomes
        assert eventually(lambda: ready(server).status_code == 200, timeout=10)
    finally:
        server.stop()
        redis.kill()
    log = server.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    assert log.count("channel layer unavailable") == 1, log[-3000:]
    assert log.count("channel layer back after") == 1, log[-3000:]


def _through(url: str, proxy: TcpProxy) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    auth = netloc[0] + "@" if len(netloc) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{proxy.port}"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a PostgreSQL server's connections")
def test_database_down_and_back():
    settings_dict = connection.settings_dict
    proxy = TcpProxy(settings_dict.get("HOST") or "127.0.0.1", int(settings_dict.get("PORT") or 5432)).start()
    server = DashboardServer(
        public_keys=[TEST_PUBLIC_KEY_B64], extra_env={"DATABASE_URL": _through(shared_database_url(), proxy)}
    )
    server.start()
    try:
        assert ready(server).status_code == 200
        proxy.cut()
        started = time.monotonic()
        answer = ready(server)
        assert time.monotonic() - started < 5  # a short deadline, however the connection fails
        assert answer.status_code == 503 and "database" in answer.json()["failing"], answer.text
        assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200  # alive all the same
        proxy.start()
        assert eventually(lambda: ready(server).status_code == 200, timeout=20)
    finally:
        server.stop()
        proxy.cut()
