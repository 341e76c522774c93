"""Test helpers: a test key pair and correctly signed webhook deliveries."""

import base64
import json
import time
from pathlib import Path

from nacl.signing import SigningKey

FIXTURES = Path(__file__).parent / "fixtures"
TEST_SIGNING_KEY = SigningKey(b"switchboard-test-signing-key-32b")
TEST_PUBLIC_KEY_B64 = base64.b64encode(bytes(TEST_SIGNING_KEY.verify_key)).decode()


def sign(body: bytes, timestamp: int | None = None, key: SigningKey = TEST_SIGNING_KEY) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = key.sign(str(timestamp).encode() + b"|" + body).signature
    return {
        "HTTP_TELNYX_SIGNATURE_ED25519": base64.b64encode(signature).decode(),
        "HTTP_TELNYX_TIMESTAMP": str(timestamp),
    }


def as_http_headers(django_meta: dict[str, str]) -> dict[str, str]:
    """The same headers for a real HTTP client."""
    return {name[5:].lower().replace("_", "-"): value for name, value in django_meta.items()}


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
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    headers = sign(body, timestamp)
    headers.update(extra)
    return client.post(path, data=body, content_type=content_type, **headers)


def eventually(check, timeout: float = 5.0):
    """Poll `check` until it returns something truthy or `timeout` passes; returns its last result."""
    import time as _time

    deadline = _time.monotonic() + timeout
    while True:
        result = check()
        if result or _time.monotonic() > deadline:
            return result
        _time.sleep(0.02)
