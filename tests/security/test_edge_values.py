"""Correctly signed webhooks with values at the edges: numbers beyond a column's or a double's range,
moments that overflow in UTC, offsets other than UTC. Each is stored (the field clamped or nulled,
the raw body keeping what was sent), never a 503 that Telnyx would retry for ever; and moments
are kept in UTC, so live state equals a rebuild from the log."""

import json
import uuid

import pytest
from django.forms.models import model_to_dict

from calls.models import Call
from dashboard.eventlog.rebuild import state_rebuild
from dashboard.models import Event
from tests.support.webhooks import envelope, fixture, post_webhook

pytestmark = pytest.mark.django_db


def webhook(event_type: str, call: str, occurred_at: str, **fields: object) -> dict:
    payload = {**fixture("call.initiated")["data"]["payload"], "call_control_id": call, **fields}
    return envelope(event_type, payload, event_id=str(uuid.uuid4()), occurred_at=occurred_at)


def stored(client, document: dict | bytes) -> Event:  # noqa: ANN001
    answer = post_webhook(client, document)
    assert answer.status_code == 200, answer.content
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    event = Event.objects.get(event_id=json.loads(body.replace(b"1e400", b"0"))["data"]["id"])
    assert event.raw_body == body.decode()
    return event


def test_an_attempt_beyond_the_column_is_clamped(client):
    document = webhook("call.initiated", "v3:edge", "2026-11-21T10:00:00Z")
    document["meta"]["attempt"] = 2**40

    assert stored(client, document).attempt == 2**31 - 1


def test_a_number_beyond_a_double_is_stored_as_null(client):
    document = webhook(
        "call.enqueued", "v3:edge", "2026-11-21T10:00:00Z", queue="support", current_position=7
    )
    body = json.dumps(document).encode().replace(b'"current_position": 7', b'"current_position": 1e400')
    assert b"1e400" in body

    event = stored(client, body)

    assert event.payload["current_position"] is None
    assert Call.objects.get(call_control_id="v3:edge").details["queue"]["current_position"] is None


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59.999999Z"]
)
def test_moments_that_overflow_are_stored_as_null(client, moment):
    document = webhook("call.initiated", "v3:edge", moment, start_time=moment)

    event = stored(client, document)

    assert event.occurred_at is None and event.payload["start_time"] is None
    assert Call.objects.filter(call_control_id="v3:edge").exists()
    assert client.get("/calls/").status_code != 500


def test_a_non_utc_offset_is_stored_in_utc(client):
    document = webhook(
        "call.initiated", "v3:edge", "2026-11-21T15:30:00+05:30", start_time="2026-11-21T15:29:58.5+05:30"
    )

    event = stored(client, document)

    assert event.occurred_at.isoformat() == "2026-11-21T10:00:00+00:00"
    assert event.payload["start_time"] == "2026-11-21T09:59:58.500000Z"


def snapshot() -> dict:
    rows = {
        call.call_control_id: model_to_dict(call, exclude=["id", "version"]) for call in Call.objects.all()
    }
    return json.loads(json.dumps(rows, default=str, sort_keys=True))


def test_live_state_with_offsets_equals_a_rebuild(client):
    steps = [
        ("call.initiated", "2026-11-21T15:30:00+05:30", {"start_time": "2026-11-21T15:30:00+05:30"}),
        ("call.answered", "2026-11-21T05:01:00-05:00", {"state": "answered"}),
        ("call.hold", "2026-11-21T10:02:00+00:00", {}),
        ("call.enqueued", "2026-11-21T11:03:00+01:00", {"queue": "support"}),
        ("call.dequeued", "2026-11-21T10:04:00Z", {"queue": "support", "reason": "bridged"}),
        ("call.hangup", "2026-11-21T19:35:00+09:30", {"hangup_cause": "normal_clearing"}),
    ]
    for event_type, occurred_at, fields in steps:
        assert (
            post_webhook(client, webhook(event_type, "v3:offsets", occurred_at, **fields)).status_code == 200
        )
    live = snapshot()

    state_rebuild()

    assert snapshot() == live
    assert live["v3:offsets"]["state"] == "hangup"
