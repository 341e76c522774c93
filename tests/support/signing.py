"""Webhook signatures as Telnyx makes them: Ed25519 over "<timestamp>|<body>", both in headers."""

import base64
import time

from nacl.signing import SigningKey

# The suite's key pair: the dashboard under test trusts TEST_PUBLIC_KEY_B64.
TEST_SIGNING_KEY = SigningKey(b"switchboard-test-signing-key-32b")
TEST_PUBLIC_KEY_B64 = base64.b64encode(bytes(TEST_SIGNING_KEY.verify_key)).decode()


def public_key_b64(key: SigningKey) -> str:
    return base64.b64encode(bytes(key.verify_key)).decode()


def signature(body: bytes, key: SigningKey = TEST_SIGNING_KEY, timestamp: int | None = None) -> tuple[str, str]:
    """(base64 signature, timestamp) of a webhook body; the timestamp is now unless given."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signed = key.sign(stamp.encode() + b"|" + body).signature
    return base64.b64encode(signed).decode(), stamp


def sign(body: bytes, timestamp: int | None = None, key: SigningKey = TEST_SIGNING_KEY) -> dict[str, str]:
    """The signature headers as Django's test client takes them (request.META names)."""
    value, stamp = signature(body, key, timestamp)
    return {"HTTP_TELNYX_SIGNATURE_ED25519": value, "HTTP_TELNYX_TIMESTAMP": stamp}


def as_http_headers(django_meta: dict[str, str]) -> dict[str, str]:
    """The same headers for a real HTTP client."""
    return {name[5:].lower().replace("_", "-"): value for name, value in django_meta.items()}


def webhook_headers(body: bytes, key: SigningKey = TEST_SIGNING_KEY) -> dict[str, str]:
    """Everything a real HTTP client sends with a signed JSON webhook."""
    return {"content-type": "application/json", **as_http_headers(sign(body, key=key))}
