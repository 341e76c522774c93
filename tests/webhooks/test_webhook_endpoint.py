"""The signed webhook endpoint: what Telnyx (or anyone else) gets back for what it sends."""

import base64
import json
import time

import pytest
from nacl.signing import SigningKey

from calls.models import Call
from dashboard.models import Event, RejectedWebhook
from tests.support.signing import sign
from tests.support.webhooks import FIXTURES, fixture, post_webhook

pytestmark = pytest.mark.django_db

WEBHOOK_FIXTURES = sorted(p.stem for p in (FIXTURES / "webhooks").glob("*.json"))


def _body(name: str = "call.initiated") -> bytes:
    return json.dumps(fixture(name)).encode()


@pytest.mark.parametrize("name", WEBHOOK_FIXTURES)
def test_it_accepts_and_stores_every_recorded_event_type(client, name):
    response = post_webhook(client, fixture(name))
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "duplicate": False}
    event = Event.objects.get()
    assert event.event_type == name
    assert event.raw_body == json.dumps(fixture(name))
    assert event.occurred_at is not None


def test_it_indexes_call_session_and_conference_ids(client):
    post_webhook(client, fixture("conference.participant.joined"))
    event = Event.objects.get()
    payload = fixture("conference.participant.joined")["data"]["payload"]
    assert event.call_control_id == payload["call_control_id"]
    assert event.call_session_id == payload["call_session_id"]
    assert event.conference_id == payload["conference_id"]


def test_it_keeps_the_delivery_attempt(client):
    document = fixture("call.answered")
    document["meta"]["attempt"] = 3
    post_webhook(client, document)
    assert Event.objects.get().attempt == 3


def test_it_acknowledges_a_duplicate_without_changing_state(client):
    post_webhook(client, fixture("call.initiated"))
    post_webhook(client, fixture("call.hangup"))
    before = Call.objects.get()
    response = post_webhook(client, fixture("call.hangup"))
    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    after = Call.objects.get()
    assert Event.objects.count() == 2
    assert Event.objects.get(event_type="call.hangup").duplicates == 1
    assert (after.version, after.state, after.ended_at) == (before.version, before.state, before.ended_at)


def test_it_stores_and_acknowledges_an_unknown_event_type(client):
    document = fixture("call.answered")
    document["data"]["event_type"] = "call.teleported"
    document["data"]["id"] = "b6f0b5ad-3f45-4b1a-9a0f-6c9f2f0e9d10"
    response = post_webhook(client, document)
    assert response.status_code == 200
    assert Event.objects.get().event_type == "call.teleported"


def test_the_seed_samples_show_an_ended_call_even_though_they_share_one_id(client):
    for name in ("call.answered", "call.hangup"):
        response = post_webhook(client, json.loads((FIXTURES / "seed" / f"{name}.json").read_text()))
        assert response.json()["duplicate"] is False
    call = Call.objects.get()
    assert call.state == "hangup"
    assert call.hangup_cause == "call_rejected"
    assert call.sip_hangup_cause == "603"


# --- signatures ---------------------------------------------------------------------------------


def _post_raw(client, body: bytes, headers: dict):
    return client.post("/webhooks/telnyx/", data=body, content_type="application/json", **headers)


def _assert_refused(response, status: int = 403):
    from dashboard.webhooks.receive import rejections

    assert response.status_code == status
    assert Event.objects.count() == 0
    assert Call.objects.count() == 0
    # Only this test's count: a server another test started may flush its own into this database.
    assert rejections.flush() == 1
    assert RejectedWebhook.objects.filter(status=status).latest("pk").count == 1


def test_a_valid_signature_is_accepted(client):
    assert _post_raw(client, _body(), sign(_body())).status_code == 200


def test_one_changed_byte_is_refused(client):
    body = _body()
    headers = sign(body)
    tampered = body.replace(b"+35319605860", b"+35319605861", 1)
    _assert_refused(_post_raw(client, tampered, headers))


def test_a_signature_by_another_key_is_refused(client):
    body = _body()
    _assert_refused(_post_raw(client, body, sign(body, key=SigningKey.generate())))


@pytest.mark.parametrize("missing", ["HTTP_TELNYX_SIGNATURE_ED25519", "HTTP_TELNYX_TIMESTAMP"])
def test_a_missing_header_is_refused(client, missing):
    body = _body()
    headers = sign(body)
    del headers[missing]
    _assert_refused(_post_raw(client, body, headers))


@pytest.mark.parametrize("signature", ["not base64!!", base64.b64encode(b"short").decode(), ""])
def test_a_malformed_signature_is_refused(client, signature):
    body = _body()
    headers = sign(body)
    headers["HTTP_TELNYX_SIGNATURE_ED25519"] = signature
    _assert_refused(_post_raw(client, body, headers))


@pytest.mark.parametrize("skew", [-299, 299])
def test_a_timestamp_within_tolerance_is_accepted(client, skew):
    body = _body()
    assert _post_raw(client, body, sign(body, int(time.time()) + skew)).status_code == 200


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_timestamp_outside_tolerance_is_refused(client, skew):
    body = _body()
    _assert_refused(_post_raw(client, body, sign(body, int(time.time()) + skew)))


def test_a_second_key_is_accepted_during_rotation(client, settings):
    other = SigningKey.generate()
    settings.TELNYX_PUBLIC_KEYS = [*settings.TELNYX_PUBLIC_KEYS, bytes(other.verify_key)]
    body = _body()
    assert _post_raw(client, body, sign(body, key=other)).status_code == 200


def test_the_rejection_reason_is_recorded(client, rejections):
    body = _body()
    _post_raw(client, body, sign(body, int(time.time()) - 1000))
    assert rejections.flush() == 1
    assert RejectedWebhook.objects.latest("pk").reason == "timestamp outside tolerance"


# --- malformed bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "no `data` object"),
        (b'{"data": {"event_type": "call.answered"}}', "`data.id`"),
        (b'{"data": {"id": "x"}}', "`data.event_type`"),
        (b'{"data": {"id": 5, "event_type": "call.answered"}}', "`data.id`"),
        (b'{"data": {"id": "x", "event_type": "call.answered", "payload": []}}', "`data.payload`"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{"data": {"id": "x", "event_type": "call.answered", "payload": {"n": NaN}}}', "not valid JSON"),
        (b"[" * 100000 + b"]" * 100000, "JSON"),
    ],
)
def test_a_signed_malformed_body_gets_400_with_a_message(client, body, message):
    response = _post_raw(client, body, sign(body))
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert Event.objects.count() == 0


def test_an_oversized_body_gets_413(client, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    document = fixture("call.initiated")
    document["data"]["payload"]["caller_id_name"] = "x" * 5000
    response = post_webhook(client, document)
    assert response.status_code == 413
    assert Event.objects.count() == 0


def test_only_post_is_allowed(client):
    assert client.get("/webhooks/telnyx/").status_code == 405


def test_a_storage_failure_asks_telnyx_to_retry(client, monkeypatch):
    def broken(_events):
        raise RuntimeError("database is gone")

    monkeypatch.setattr("dashboard.webhooks.receive.ingest_events", broken)
    response = post_webhook(client, fixture("call.initiated"))
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
