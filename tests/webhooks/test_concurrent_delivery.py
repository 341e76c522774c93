"""Duplicates racing each other against a real server: stored once, all acknowledged."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from calls.models import Call
from dashboard.models import Event
from tests.support.signing import as_http_headers, sign
from tests.support.webhooks import fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _post(url: str, body: bytes) -> httpx.Response:
    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
    return httpx.post(url + "/webhooks/telnyx/", content=body, headers=headers, timeout=10)


def test_concurrent_duplicates_are_stored_once(live_dashboard):
    bodies = [
        json.dumps(fixture(name)).encode() for name in ("call.initiated", "call.answered", "call.hangup")
    ]
    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(
            pool.map(lambda b: _post(live_dashboard.url, b), [b for b in bodies for _ in range(12)])
        )
    assert all(r.status_code == 200 for r in responses)
    assert sum(not r.json()["duplicate"] for r in responses) == 3
    assert Event.objects.count() == 3
    assert Event.objects.get(event_type="call.hangup").duplicates == 11
    call = Call.objects.get()
    assert (call.state, call.event_count) == ("hangup", 3)


def test_a_real_server_answers_403_for_a_bad_signature(live_dashboard):
    body = json.dumps(fixture("call.initiated")).encode()
    headers = {"content-type": "application/json", **as_http_headers(sign(body))}
    headers["telnyx-signature-ed25519"] = headers["telnyx-signature-ed25519"][::-1]
    response = httpx.post(live_dashboard.url + "/webhooks/telnyx/", content=body, headers=headers)
    assert response.status_code == 403
    assert Event.objects.count() == 0
