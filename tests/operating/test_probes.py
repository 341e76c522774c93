"""/healthz, /readyz and /metrics answered in process (the ASGI app itself), without a login."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from dashboard.probes import readiness
from dashboard.webhooks.receive import writer
from switchboard.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def get(path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=application, client=("10.1.2.3", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.7") as client:
        return await client.get(path, headers=headers)


async def test_liveness_answers_without_login_host_check_or_https_redirect(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    response = await get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"
    assert len(response.headers["x-request-id"]) == 32


async def test_readiness_reports_each_check():
    response = await get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok", "writer": "ok", "migrations": "ok"},
    }


async def test_readiness_names_the_failing_check_and_nothing_more(monkeypatch, settings):
    monkeypatch.setattr(writer, "queue_depth", lambda: settings.READY_MAX_WRITER_QUEUE + 1)
    response = await get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["writer"]
    assert response.json()["checks"]["writer"] == "backlog"


async def test_a_database_that_does_not_answer_makes_the_worker_unready(monkeypatch):
    def broken() -> tuple[str, str]:
        raise OSError("connection to server at 10.9.9.9 port 5432 failed: password authentication failed")

    monkeypatch.setattr(readiness, "_database_and_migrations", broken)
    response = await get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"
    # No error text, host or port in the answer.
    assert "10.9.9.9" not in response.text and "password" not in response.text


async def test_metrics_do_not_exist_unless_configured(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert (await get("/metrics")).status_code == 404


async def test_metrics_need_the_token_or_an_allowed_address(settings):
    settings.METRICS_TOKEN = "scrape-token-123"
    settings.METRICS_ALLOWED_IPS = []
    assert (await get("/metrics")).status_code == 401
    assert (await get("/metrics", authorization="Bearer wrong")).status_code == 401
    response = await get("/metrics", authorization="Bearer scrape-token-123")
    assert response.status_code == 200
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"switchboard_webhooks_received", "switchboard_live_calls", "switchboard_http_requests"} <= names
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16"]
    assert (await get("/metrics")).status_code == 200


async def test_an_allowed_proxy_does_not_open_metrics_to_everyone_behind_it(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]  # the proxy's own address...
    settings.TRUSTED_PROXIES = ["10.1.2.3"]
    # ...forwarding a request from the internet: the client is 203.0.113.9, not the proxy.
    assert (await get("/metrics", **{"x-forwarded-for": "203.0.113.9"})).status_code == 403


async def test_a_trusted_proxy_sets_the_request_id_and_others_cannot(settings):
    settings.TRUSTED_PROXIES = []
    assert (await get("/healthz", **{"x-request-id": "from-anyone"})).headers["x-request-id"] != "from-anyone"
    settings.TRUSTED_PROXIES = ["10.1.0.0/16"]
    assert (await get("/healthz", **{"x-request-id": "lb-4f2a"})).headers["x-request-id"] == "lb-4f2a"
    # Not a plain token: replaced, never echoed.
    assert (await get("/healthz", **{"x-request-id": "a b\tc"})).headers["x-request-id"] != "a b\tc"


async def test_a_frozen_database_answers_within_the_deadline_and_piles_up_no_threads(monkeypatch, settings):
    import threading
    import time

    settings.READY_CHECK_TIMEOUT_SECS = 1
    release = threading.Event()
    calls = []

    def frozen() -> tuple[str, str]:
        calls.append(1)
        release.wait(10)
        return "ok", "ok"

    monkeypatch.setattr(readiness, "_database_and_migrations", frozen)
    try:
        started = time.monotonic()
        first = await get("/readyz")
        second = await get("/readyz")
        assert time.monotonic() - started < 3
        assert first.status_code == second.status_code == 503
        assert first.json()["checks"]["database"] == second.json()["checks"]["database"] == "timeout"
        assert len(calls) == 1  # the second probe did not start another stuck check
    finally:
        release.set()
