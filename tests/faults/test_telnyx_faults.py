"""Telnyx misbehaves during an operator action: slow, 5xx, 429 or unreachable.

Every action waits a bounded time, retries with the same command_id (so Telnyx runs it once),
tells the operator clearly what happened and leaves an audit record; no worker is held up.
"""

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from django.utils.html import escape

from calls.models import Call
from calls.selectors import call_name
from dashboard.models import OperatorAction
from tests.faults.telnyx_fake import MisbehavingTelnyx, Reply
from tests.support.ports import free_port
from tests.support.servers import DashboardServer
from tests.support.signing import TEST_PUBLIC_KEY_B64, as_http_headers, sign
from tests.support.tokens import api_token
from tests.support.waiting import eventually
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.slow

UNAVAILABLE = {"errors": [{"code": "90015", "title": "Service unavailable", "detail": "Try again later."}]}
RATE_LIMITED = {"errors": [{"code": "10011", "title": "Too many requests", "detail": "Slow down."}]}


@pytest.fixture
def telnyx(settings) -> Iterator:
    """Start a misbehaving Telnyx with a script; in-process actions of the test are sent to it."""
    fakes: list[MisbehavingTelnyx] = []

    def start(*script: Reply) -> MisbehavingTelnyx:
        fake = MisbehavingTelnyx(list(script)).__enter__()
        fakes.append(fake)
        settings.TELNYX_API_BASE = fake.base_url
        return fake

    yield start
    for fake in fakes:
        fake.__exit__(None, None, None)


@pytest.fixture
def live_call(client) -> Call:
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(client, fixture(name)).status_code == 200
    return Call.objects.get()


def hang_up_through_the_api(client, call: Call) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.post(
        f"/api/calls/{call.call_control_id}/actions/hangup/", {}, content_type="application/json"
    )
    return response, time.monotonic() - started


@pytest.mark.django_db
def test_a_5xx_then_ok_is_retried_with_the_same_command_id_and_audited_as_ok(
    supervisor_client, live_call, telnyx
):
    fake = telnyx(Reply(503, UNAVAILABLE), Reply(500, UNAVAILABLE))

    response, took = hang_up_through_the_api(supervisor_client, live_call)

    assert response.status_code == 200, response.json()
    assert took < 5
    record = OperatorAction.objects.get()
    assert (record.action, record.outcome, record.http_status) == ("hangup", "ok", 200)
    assert len(fake.requests) == 3
    assert fake.command_ids == [record.command_id] * 3 and record.command_id
    assert response.json()["command_id"] == record.command_id


@pytest.mark.django_db
def test_a_429_waits_as_telnyx_asks_then_retries_with_the_same_command_id(
    supervisor_client, live_call, telnyx
):
    fake = telnyx(Reply(429, RATE_LIMITED, headers={"x-ratelimit-reset": "1"}))

    response, took = hang_up_through_the_api(supervisor_client, live_call)

    assert response.status_code == 200, response.json()
    record = OperatorAction.objects.get()
    assert record.outcome == "ok"
    assert fake.command_ids == [record.command_id] * 2
    waited = fake.requests[1]["at"] - fake.requests[0]["at"]
    assert 0.9 <= waited < 3 and took < 5


@pytest.mark.django_db
def test_telnyx_failing_every_attempt_is_a_clear_failure_with_an_audit_record(
    supervisor_client, live_call, telnyx
):
    fake = telnyx(*[Reply(503, UNAVAILABLE)] * 3)

    response, took = hang_up_through_the_api(supervisor_client, live_call)

    assert response.status_code == 502 and took < 5
    error = response.json()["error"]
    assert error["type"] == "failed" and error["message"] == "Telnyx did not complete the command"
    assert error["telnyx"] == {
        "status": 503,
        "code": "90015",
        "title": "Service unavailable",
        "detail": "Try again later.",
        "pointer": "",
    }
    record = OperatorAction.objects.get()
    assert (record.outcome, record.http_status, record.error_code) == ("failed", 503, "90015")
    assert fake.command_ids == [record.command_id] * 3
    live_call.refresh_from_db()
    assert live_call.is_alive  # nothing is assumed done that Telnyx did not do


@pytest.mark.django_db
def test_the_operator_reads_why_a_form_action_failed(supervisor_client, live_call, telnyx):
    telnyx(*[Reply(503, UNAVAILABLE)] * 3)

    page = supervisor_client.post(
        f"/calls/{live_call.call_control_id}/actions/hangup/", {"submission_id": "form-1"}, follow=True
    ).content.decode()

    assert f"Hang up for {escape(call_name(live_call))} failed. 90015 Service unavailable: Try again later." in page
    assert OperatorAction.objects.get().outcome == "failed"


@pytest.mark.django_db
def test_a_rate_limit_that_does_not_lift_ends_as_a_refusal_in_bounded_time(
    supervisor_client, live_call, telnyx
):
    fake = telnyx(*[Reply(429, RATE_LIMITED, headers={"x-ratelimit-reset": "0.2"})] * 3)

    response, took = hang_up_through_the_api(supervisor_client, live_call)

    assert response.status_code == 422 and took < 5
    record = OperatorAction.objects.get()
    assert (record.outcome, record.http_status, record.error_title) == ("refused", 429, "Too many requests")
    assert fake.command_ids == [record.command_id] * 3


@pytest.mark.django_db
def test_a_slow_answer_is_abandoned_and_retried_with_the_same_command_id(
    supervisor_client, live_call, telnyx, settings
):
    settings.TELNYX_TIMEOUT_SECS = 0.3
    fake = telnyx(Reply(delay=1.0))

    response, took = hang_up_through_the_api(supervisor_client, live_call)

    assert response.status_code == 200, response.json()
    assert took < 3
    record = OperatorAction.objects.get()
    assert record.outcome == "ok" and fake.command_ids == [record.command_id] * 2


@pytest.mark.django_db
def test_an_unreachable_telnyx_fails_promptly_with_an_audit_record(supervisor_client, live_call, settings):
    settings.TELNYX_API_BASE = f"http://127.0.0.1:{free_port()}/v2"  # nothing listens there

    response, took = hang_up_through_the_api(supervisor_client, live_call)

    assert response.status_code == 502 and took < 5
    assert response.json()["error"]["telnyx"]["title"] == "ConnectError"
    record = OperatorAction.objects.get()
    assert (record.outcome, record.http_status, record.error_title) == ("failed", None, "ConnectError")
    assert record.command_id


@pytest.mark.django_db(transaction=True)
def test_a_slow_telnyx_holds_neither_the_worker_nor_the_next_action(supervisor):
    """On a real server: while one action waits out its timeouts, other requests are answered."""
    with MisbehavingTelnyx([Reply(delay=2.0)] * 3) as fake:
        server = DashboardServer(
            public_keys=[TEST_PUBLIC_KEY_B64],
            extra_env={"TELNYX_API_BASE": fake.base_url, "TELNYX_TIMEOUT_SECS": "1"},
        ).start()
        try:
            for name in ("call.initiated", "call.answered"):
                body = json.dumps(fixture(name)).encode()
                headers = {"content-type": "application/json", **as_http_headers(sign(body))}
                assert (
                    httpx.post(server.url + "/webhooks/telnyx/", content=body, headers=headers).status_code
                    == 200
                )
            auth = {"Authorization": f"Token {api_token(supervisor)}"}
            call_url = f"{server.url}/api/calls/{Call.objects.get().call_control_id}/"
            outcome: dict = {}

            def slow_action() -> None:
                started = time.monotonic()
                response = httpx.post(call_url + "actions/hangup/", json={}, headers=auth, timeout=30)
                outcome.update(status=response.status_code, took=time.monotonic() - started)

            action = threading.Thread(target=slow_action)
            action.start()
            assert eventually(lambda: fake.requests), "the action never reached Telnyx"  # it now waits there
            started = time.monotonic()
            assert httpx.get(call_url, headers=auth, timeout=10).status_code == 200
            assert time.monotonic() - started < 2  # held by the action, it would wait about 3 s more
            action.join(timeout=15)

            # Three attempts of one second each, with short pauses between: bounded, then a clear 502.
            assert outcome["status"] == 502 and outcome["took"] < 8
            assert fake.command_ids == [fake.command_ids[0]] * 3
            record = OperatorAction.objects.get()
            assert (record.outcome, record.error_title) == ("failed", "ReadTimeout")
            # The worker is free: the next action goes through at once.
            next_try = httpx.post(call_url + "actions/hangup/", json={}, headers=auth, timeout=10)
            assert next_try.status_code == 200 and len(fake.requests) == 4
        finally:
            server.stop()
