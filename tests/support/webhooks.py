"""Webhook documents for tests: the recorded fixtures, envelopes around a payload, signed posts."""

import json
from pathlib import Path

from tests.support.signing import sign

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / "webhooks" / f"{name}.json").read_text())


def envelope(event_type: str, payload: dict, *, event_id: str, occurred_at: str, attempt: int = 1) -> dict:
    return {
        "data": {
            "record_type": "event",
            "event_type": event_type,
            "id": event_id,
            "occurred_at": occurred_at,
            "payload": payload,
        },
        "meta": {"attempt": attempt, "delivered_to": "http://127.0.0.1:8000/webhooks/telnyx/"},
    }


def post_webhook(
    client,
    document: dict | bytes,
    *,
    timestamp: int | None = None,
    path: str = "/webhooks/telnyx/",
    content_type: str = "application/json",
    **extra,
):
    """POST a signed webhook through Django's test client."""
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    headers = sign(body, timestamp)
    headers.update(extra)
    return client.post(path, data=body, content_type=content_type, **headers)
