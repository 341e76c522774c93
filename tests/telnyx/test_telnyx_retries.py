"""When the client sends a command again, how long it waits, and when it gives up."""

import time

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telnyx_fakes import API_KEY, BASE_URL, FakeTelnyx, call_command, dial, ok, telnyx_error

from dashboard.telnyx import ErrorKind, TelnyxClient, TelnyxError
from dashboard.telnyx.retry import BACKOFF_CAP_SECS, RATE_LIMIT_WAIT_CAP_SECS, backoff_delay, rate_limit_delay

CALL_ID = "v3:call-1"


def server_error(status=500):
    return telnyx_error(status, "10001", "Unexpected error", "Something went wrong")


@pytest.mark.parametrize(
    "first_answer",
    [
        server_error(500),
        server_error(503),
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("server disconnected"),
        httpx.Response(200, text="<html>proxy hiccup</html>"),
    ],
    ids=["500", "503", "read-timeout", "connect-timeout", "connect-error", "disconnect", "malformed-2xx"],
)
def test_it_resends_the_identical_body_with_the_same_command_id_after_a_transient_failure(
    client, fake, sleeps, first_answer
):
    fake.answer(first_answer, ok())

    response = call_command(
        client, "speak", params={"payload": "Please hold", "voice": "female"}, command_id="cmd-42"
    )

    assert response.attempts == 2
    assert response.command_id == "cmd-42"
    first, second = fake.requests
    assert first.content == second.content
    assert fake.json_bodies()[0] == {"payload": "Please hold", "voice": "female", "command_id": "cmd-42"}
    assert (first.method, first.url) == (second.method, second.url)
    assert sleeps == [backoff_delay(1)]


def test_it_reuses_the_command_id_across_retries(client, fake):
    fake.answer(httpx.ReadTimeout("slow"), server_error(), ok())

    response = call_command(client, "hangup", command_id="cmd-1")

    command_ids = [body["command_id"] for body in fake.json_bodies()]
    assert command_ids == [response.command_id] * 3 == ["cmd-1"] * 3


def test_it_backs_off_exponentially_then_gives_up_as_a_retryable_failure(client, fake, sleeps):
    fake.answer(server_error(502), server_error(502), server_error(502))

    with pytest.raises(TelnyxError) as caught:
        call_command(client, "hangup", command_id="cmd-1")

    error = caught.value
    assert len(fake.requests) == 3
    assert sleeps == [backoff_delay(1), backoff_delay(2)]
    assert sleeps[0] < sleeps[1]
    assert error.kind == ErrorKind.FAILED
    assert error.status == 502
    assert error.code == "10001"
    assert error.retryable is True
    assert error.attempts == 3
    assert error.command_id == "cmd-1"
    assert str(error) == "10001 Unexpected error: Something went wrong (after 3 attempts)"


def test_it_reports_a_lost_connection_as_a_failure_without_status(client, fake):
    fake.answer(*(httpx.ConnectError("connection refused") for _ in range(3)))

    with pytest.raises(TelnyxError) as caught:
        call_command(client, "answer", command_id="cmd-1")

    error = caught.value
    assert error.kind == "failed"
    assert error.status is None
    assert error.retryable is True
    assert error.title == "ConnectError"
    assert str(error) == "ConnectError: connection refused (after 3 attempts)"
    assert isinstance(error.__cause__, httpx.ConnectError)


def test_it_gives_up_on_a_malformed_success_as_a_failure(client, fake):
    fake.answer(*(httpx.Response(200, text="not json") for _ in range(3)))

    with pytest.raises(TelnyxError) as caught:
        client.list_participants(conference_id="conf-1")

    assert caught.value.kind == ErrorKind.FAILED
    assert caught.value.status == 200
    assert "not json" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_it_does_not_retry_a_refusal(client, fake, sleeps, status):
    fake.answer(
        telnyx_error(
            status,
            "90018",
            "Call has already ended",
            "This call is no longer active and can't receive commands.",
        )
    )

    with pytest.raises(TelnyxError) as caught:
        call_command(client, "hangup", command_id="cmd-1")

    assert len(fake.requests) == 1
    assert sleeps == []
    assert caught.value.kind == ErrorKind.REFUSED
    assert caught.value.retryable is False
    assert caught.value.status == status


def test_it_waits_for_the_rate_limit_reset_given_in_seconds(client, fake, sleeps):
    fake.answer(_rate_limited("2"), ok())

    response = dial(client, params={"to": "+1", "from": "+2", "connection_id": "c"}, command_id="d-1")

    assert sleeps == [2.0]
    assert response.attempts == 2
    assert fake.json_bodies()[0] == fake.json_bodies()[1]


def test_it_waits_for_the_rate_limit_reset_given_as_a_unix_time(client, fake, sleeps):
    fake.answer(_rate_limited(str(int(time.time()) + 2)), ok())

    dial(client, params={"to": "+1"})

    assert len(sleeps) == 1
    assert 0.5 <= sleeps[0] <= 2.0


def test_it_caps_a_long_rate_limit_wait(client, fake, sleeps):
    fake.answer(_rate_limited("3600"), _rate_limited(str(int(time.time()) + 3600)), ok())

    dial(client, params={"to": "+1"})

    assert sleeps == [RATE_LIMIT_WAIT_CAP_SECS, RATE_LIMIT_WAIT_CAP_SECS]


def test_it_backs_off_on_a_rate_limit_without_a_usable_reset(client, fake, sleeps):
    fake.answer(httpx.Response(429), _rate_limited("soon"), ok())

    dial(client, params={"to": "+1"})

    assert sleeps == [backoff_delay(1), backoff_delay(2)]


def test_it_gives_up_on_a_persistent_rate_limit_as_a_retryable_refusal(client, fake):
    fake.answer(*(_rate_limited("0", code="90103") for _ in range(3)))

    with pytest.raises(TelnyxError) as caught:
        dial(client, params={"to": "+1"})

    assert len(fake.requests) == 3
    assert caught.value.kind == ErrorKind.REFUSED
    assert caught.value.status == 429
    assert caught.value.code == "90103"
    assert caught.value.retryable is True


def test_it_sends_once_when_max_attempts_is_one(fake, sleeps):
    client = TelnyxClient(
        api_key=API_KEY,
        base_url=BASE_URL,
        max_attempts=1,
        transport=httpx.MockTransport(fake),
        sleep=sleeps.append,
    )
    fake.answer(server_error())

    with pytest.raises(TelnyxError):
        call_command(client, "hangup", command_id="cmd-1")

    assert len(fake.requests) == 1
    assert sleeps == []


def test_it_neither_follows_nor_retries_a_redirect(client, fake):
    fake.answer(httpx.Response(302, headers={"location": "https://elsewhere.example/"}))

    with pytest.raises(TelnyxError) as caught:
        call_command(client, "hangup", command_id="cmd-1")

    assert len(fake.requests) == 1
    assert caught.value.kind == ErrorKind.FAILED
    assert caught.value.retryable is False


def test_it_rejects_a_max_attempts_below_one_or_a_missing_api_key():
    with pytest.raises(ValueError):
        TelnyxClient(api_key=API_KEY, max_attempts=0)
    with pytest.raises(ValueError):
        TelnyxClient(api_key="")


def test_it_waits_in_real_time_when_no_sleep_is_injected():
    fake_server = FakeTelnyx()
    fake_server.answer(server_error(), ok())
    client = TelnyxClient(api_key=API_KEY, base_url=BASE_URL, transport=httpx.MockTransport(fake_server))

    response = call_command(client, "answer", command_id="cmd-1")

    assert response.elapsed_ms >= backoff_delay(1) * 1000


@given(reset=st.one_of(st.none(), st.text(max_size=30), st.floats().map(str), st.integers().map(str)))
def test_it_always_waits_between_zero_and_the_cap_after_a_429(reset):
    delay = rate_limit_delay(reset, attempt=1, now=time.time())

    assert 0.0 <= delay <= max(RATE_LIMIT_WAIT_CAP_SECS, BACKOFF_CAP_SECS)


@given(attempt=st.integers(min_value=1, max_value=100))
def test_it_keeps_backoff_short_and_non_decreasing(attempt):
    assert 0 < backoff_delay(attempt) <= BACKOFF_CAP_SECS
    assert backoff_delay(attempt) <= backoff_delay(attempt + 1)


def _rate_limited(reset, code="10011"):
    return httpx.Response(
        429,
        headers={"x-ratelimit-limit": "30", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
        json={"errors": [{"code": code, "title": "Too many requests", "detail": "Rate limit exceeded"}]},
    )
