"""Ed25519 webhook signatures, made exactly as Telnyx makes them."""

import base64
import binascii
import time

from nacl.signing import SigningKey

SIGNATURE_HEADER = "telnyx-signature-ed25519"
TIMESTAMP_HEADER = "telnyx-timestamp"


class Signer:
    """Signs `{timestamp}|{body}` with the key derived from a base64 32-byte seed."""

    def __init__(self, seed_b64: str) -> None:
        try:
            seed = base64.b64decode(seed_b64, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the signing seed is not base64") from None
        if len(seed) != 32:
            raise ValueError(f"the signing seed must be 32 bytes, got {len(seed)}")
        self._key = SigningKey(seed)
        self.public_key = base64.b64encode(bytes(self._key.verify_key)).decode()

    def headers(self, body: bytes, *, timestamp: int | None = None, corrupt: bool = False) -> dict[str, str]:
        """The two signature headers for `body`; `corrupt` breaks the signature but keeps its shape."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = bytearray(self._key.sign(stamp.encode() + b"|" + body).signature)
        if corrupt:
            # Still 64 bytes of valid base64, so only a real verification catches it.
            signature[0] ^= 0xFF
        return {
            SIGNATURE_HEADER: base64.b64encode(bytes(signature)).decode(),
            TIMESTAMP_HEADER: stamp,
        }
