from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings

from simulator.options import DEMO_SIGNING_SEED, Delivery, Timings
from simulator.server import SimulatorServer
from simulator.signing import Signer
from tests.simulator.receiver import ReceiverServer, WebhookReceiver

DEMO_PUBLIC_KEY = Signer(DEMO_SIGNING_SEED).public_key
FAST_DELIVERY = Delivery(max_attempts=3, retry_backoff=0.01, timeout=2.0)


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[ReceiverServer]:
    server = ReceiverServer(DEMO_PUBLIC_KEY).start()
    yield server
    server.stop()


@pytest.fixture
def receiver(receiver_server: ReceiverServer) -> WebhookReceiver:
    receiver_server.app.clear()
    return receiver_server.app


@pytest.fixture
def webhook_url(receiver_server: ReceiverServer) -> str:
    return f"{receiver_server.url}/webhooks/telnyx/"


def make_simulator(webhook_url: str, **overrides: Any) -> SimulatorServer:
    """A simulator with test timings, pointed at the receiver; overrides are SimulatorOptions fields."""
    options: dict[str, Any] = {"timings": Timings.fast(), "delivery": FAST_DELIVERY, "seed": 7}
    return SimulatorServer(webhook_url=webhook_url, **(options | overrides))


@pytest.fixture(scope="session")
def shared_simulator(receiver_server: ReceiverServer) -> Iterator[SimulatorServer]:
    with make_simulator(f"{receiver_server.url}/webhooks/telnyx/") as server:
        yield server


@pytest.fixture
def sim(shared_simulator: SimulatorServer, receiver: WebhookReceiver) -> SimulatorServer:
    """The shared simulator, emptied for this test (its options are the test defaults)."""
    shared_simulator.reset()
    receiver.clear()
    return shared_simulator


def client_for(server: SimulatorServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {settings.TELNYX_API_KEY}"}, timeout=5.0
    )


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """A plain client (creating one costs tens of milliseconds: share it)."""
    with httpx.Client(timeout=5.0) as client:
        yield client


@pytest.fixture(scope="session")
def shared_api(shared_simulator: SimulatorServer) -> Iterator[httpx.Client]:
    with client_for(shared_simulator) as client:
        yield client


@pytest.fixture
def api(sim: SimulatorServer, shared_api: httpx.Client) -> httpx.Client:
    """An authenticated client of the (emptied) shared simulator, based at /v2."""
    return shared_api


@pytest.fixture
def live_call(sim: SimulatorServer, receiver: WebhookReceiver) -> str:
    """An answered incoming call whose setup webhooks have been delivered and cleared."""
    handle = sim.world.answered_call("+13125550142", "+13125550100", caller_id_name="Ada Lovelace")
    sim.wait_idle()
    receiver.clear()
    return handle.call_control_id
