"""Telnyx webhook signatures: Ed25519 over `{telnyx-timestamp}|{raw body}`, as the official SDKs check."""

import base64
import binascii
import time
from collections.abc import Mapping, Sequence

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

SIGNATURE_HEADER = "telnyx-signature-ed25519"
TIMESTAMP_HEADER = "telnyx-timestamp"


class SignatureError(Exception):
    """The delivery cannot be trusted; `reason` is short and safe to store."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _verify_keys(public_keys: Sequence[bytes]) -> list[VerifyKey]:
    return [VerifyKey(key) for key in public_keys]


def verify_signature(
    headers: Mapping[str, str],
    body: bytes,
    *,
    public_keys: Sequence[bytes],
    tolerance_secs: int,
    now: float | None = None,
) -> int:
    """Return the signed timestamp, or raise SignatureError. `headers` keys must be lower-case."""
    signature_b64 = headers.get(SIGNATURE_HEADER)
    timestamp = headers.get(TIMESTAMP_HEADER)
    if not signature_b64:
        raise SignatureError("missing signature header")
    if not timestamp:
        raise SignatureError("missing timestamp header")
    try:
        signed_at = int(timestamp)
    except ValueError:
        raise SignatureError("timestamp is not an integer") from None
    current = time.time() if now is None else now
    if abs(current - signed_at) > tolerance_secs:
        raise SignatureError("timestamp outside tolerance")
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("signature is not base64") from None
    if len(signature) != 64:
        raise SignatureError("signature is not 64 bytes")
    message = timestamp.encode() + b"|" + body
    # Two keys are configured only while a key is being rotated: either may have signed.
    for key in _verify_keys(public_keys):
        try:
            key.verify(message, signature)
            return signed_at
        except BadSignatureError:
            continue
    raise SignatureError("signature does not match")
