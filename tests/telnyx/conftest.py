import httpx
import pytest
from telnyx_fakes import API_KEY, BASE_URL, FakeTelnyx

from dashboard.telnyx import TelnyxClient


@pytest.fixture
def fake() -> FakeTelnyx:
    return FakeTelnyx()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(fake: FakeTelnyx, sleeps: list[float]) -> TelnyxClient:
    return TelnyxClient(
        api_key=API_KEY,
        base_url=BASE_URL,
        timeout=2.0,
        transport=httpx.MockTransport(fake),
        sleep=sleeps.append,
    )
