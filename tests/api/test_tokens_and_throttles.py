"""API tokens (named, role-scoped, expiring, revocable, shown once, stored hashed) and throttles
on writes and exports, per token and per address (issue 19 §4)."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from dashboard.models import ActionOutcome, OperatorAction
from tests.faults.telnyx_fake import MisbehavingTelnyx
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db

CALL_ID = fixture("call.initiated")["data"]["payload"]["call_control_id"]


def create_token(name: str, role: str, days: int = 90) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", name, "--role", role, "--days", str(days), stdout=out, stderr=err)
    assert "shown once" in err.getvalue()
    return out.getvalue().strip()


def api(token: str, address: str = "127.0.0.1") -> Client:
    return Client(headers={"Authorization": f"Token {token}"}, REMOTE_ADDR=address)


@pytest.fixture
def live_call(db, settings):
    for name in ("call.initiated", "call.answered"):
        assert post_webhook(Client(), fixture(name)).status_code == 200
    with MisbehavingTelnyx([]) as telnyx:
        settings.TELNYX_API_BASE = telnyx.base_url
        yield CALL_ID


def test_a_token_is_shown_once_stored_hashed_and_acts_with_its_role_under_its_name(live_call):
    reader, operator = create_token("wallboard", "viewer"), create_token("crm-sync", "supervisor")
    stored = AuthToken.objects.values_list("digest", "token_key")
    assert all(reader != digest and operator != digest for digest, _ in stored)
    assert api(reader).get("/api/calls/").status_code == 200
    url = f"/api/calls/{live_call}/actions/hangup/"
    assert api(reader).post(url, {}, content_type="application/json").status_code == 403
    assert api(operator).post(url, {}, content_type="application/json").status_code == 200
    audited = OperatorAction.objects.values_list("username", "outcome").order_by("pk")
    assert list(audited) == [("wallboard", ActionOutcome.DENIED), ("crm-sync", ActionOutcome.OK)]


def test_a_revoked_or_expired_token_is_a_401(db):
    token = create_token("nightly-export", "viewer")
    call_command("revoke_api_token", "nightly-export", stdout=io.StringIO())
    response = api(token).get("/api/calls/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    expiring = create_token("short-lived", "viewer", days=1)
    AuthToken.objects.filter(user__username="short-lived").update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    assert api(expiring).get("/api/calls/").status_code == 401


def test_a_token_cannot_take_a_persons_login_or_the_admin_role(supervisor):
    with pytest.raises(CommandError, match="person's login"):
        create_token(supervisor.username, "viewer")
    with pytest.raises(CommandError):
        call_command("create_api_token", "root-ish", "--role", "admin", stdout=io.StringIO())


@pytest.fixture
def throttled(settings):
    cache.clear()
    settings.API_THROTTLE_RATES = {
        "writes_per_token": "3/min",
        "writes_per_address": "5/min",
        "exports_per_token": "2/min",
        "exports_per_address": None,
    }
    yield
    cache.clear()


def test_writes_are_throttled_per_token_then_per_address_with_retry_after(live_call, throttled):
    url = f"/api/calls/{live_call}/actions/client_state_update/"
    body = {"client_state": "aGk="}
    first, second = create_token("bot-a", "supervisor"), create_token("bot-b", "supervisor")
    answers = [api(first).post(url, body, content_type="application/json").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = api(first).post(url, body, content_type="application/json")
    assert refused.json()["error"]["type"] == "throttled" and int(refused["Retry-After"]) >= 1
    assert api(first).get("/api/calls/").status_code == 200  # reads are not throttled
    # Another token has its own count; the address's (5 writes) is spent, whoever asks from it.
    assert api(second).post(url, body, content_type="application/json").status_code == 429
    assert api(second, address="10.0.0.9").post(url, body, content_type="application/json").status_code == 200


def test_exports_are_throttled_per_token(db, throttled):
    token = create_token("exporter", "viewer")
    answers = []
    for _ in range(3):
        response = api(token).get("/api/history/events/export.csv")
        answers.append(response.status_code)
        if response.status_code == 200:
            b"".join(response.streaming_content)
    assert answers == [200, 200, 429]
