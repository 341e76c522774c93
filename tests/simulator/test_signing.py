"""The simulator signs exactly as Telnyx does, with the fixed demo key unless told otherwise."""

import base64
import time

import pytest
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from simulator.options import DEMO_SIGNING_SEED, SIGNING_SEED_ENV, SimulatorOptions
from simulator.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, Signer
from switchboard.settings import DEMO_TELNYX_PUBLIC_KEY


def test_the_demo_seed_gives_the_key_the_dashboard_trusts() -> None:
    assert Signer(DEMO_SIGNING_SEED).public_key == "m7KRjthkirnHltiYx5sSgljWqkGcBTNGzXjRPNdVuL4="
    assert Signer(DEMO_SIGNING_SEED).public_key == DEMO_TELNYX_PUBLIC_KEY


def test_signature_covers_timestamp_and_body() -> None:
    signer = Signer(DEMO_SIGNING_SEED)
    body = b'{"data":{"event_type":"call.initiated"}}'
    headers = signer.headers(body, timestamp=1700000000)
    assert headers[TIMESTAMP_HEADER] == "1700000000"
    signature = base64.b64decode(headers[SIGNATURE_HEADER])
    assert len(signature) == 64
    key = VerifyKey(base64.b64decode(signer.public_key))
    key.verify(b"1700000000|" + body, signature)
    with pytest.raises(BadSignatureError):
        key.verify(b"1700000001|" + body, signature)
    assert abs(int(signer.headers(body)[TIMESTAMP_HEADER]) - time.time()) < 5


def test_corrupt_signatures_keep_their_shape_but_fail() -> None:
    signer = Signer(DEMO_SIGNING_SEED)
    headers = signer.headers(b"{}", corrupt=True)
    signature = base64.b64decode(headers[SIGNATURE_HEADER], validate=True)
    assert len(signature) == 64
    with pytest.raises(BadSignatureError):
        VerifyKey(base64.b64decode(signer.public_key)).verify(
            headers[TIMESTAMP_HEADER].encode() + b"|{}", signature
        )


def test_the_seed_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    key = SigningKey.generate()
    monkeypatch.setenv(SIGNING_SEED_ENV, base64.b64encode(bytes(key)).decode())
    options = SimulatorOptions.from_settings()
    assert Signer(options.signing_seed).public_key == base64.b64encode(bytes(key.verify_key)).decode()


@pytest.mark.parametrize("seed", ["not base64!", base64.b64encode(b"short").decode()])
def test_bad_seeds_are_refused(seed: str) -> None:
    with pytest.raises(ValueError, match="seed"):
        Signer(seed)
