"""The simulator fixtures of tests/simulator, for the simulator's part in supervision."""

from tests.simulator.conftest import (  # noqa: F401
    api,
    http,
    live_call,
    receiver,
    receiver_server,
    shared_api,
    shared_simulator,
    sim,
    webhook_url,
)
