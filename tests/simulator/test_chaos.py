"""The chaos switches: duplicates, reordering, late and badly signed deliveries, at configured
rates, reproducible from a seed."""

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from simulator.options import Chaos
from simulator.server import SimulatorServer
from tests.simulator.receiver import WebhookReceiver

Chaotic = Callable[[Chaos], SimulatorServer]


@pytest.fixture
def chaotic(sim: SimulatorServer) -> Iterator[Chaotic]:
    """The shared simulator with chaos switched on (and off again afterwards)."""

    def switch(chaos: Chaos) -> SimulatorServer:
        sim.set_chaos(chaos)
        return sim

    yield switch
    sim.set_chaos(Chaos())


def run_call(sim: SimulatorServer, digits: str = "1234") -> str:
    call = sim.world.answered_call().call_control_id
    if digits:
        sim.world.press_digits(call, digits)
    sim.world.hangup(call)
    sim.wait_idle()
    return call


def test_duplicates(chaotic: Chaotic, receiver: WebhookReceiver) -> None:
    sim = chaotic(Chaos(duplicate_rate=1.0))
    call = run_call(sim)
    ids = [event["id"] for event in receiver.events(call)]
    assert len(ids) == 2 * len(set(ids)) == 14
    assert ids[0] == ids[1] and receiver.events(call)[0] == receiver.events(call)[1]
    assert sum(record.duplicate for record in sim.deliveries) == 7


def test_out_of_order(chaotic: Chaotic, receiver: WebhookReceiver) -> None:
    sim = chaotic(Chaos(out_of_order_rate=1.0, reorder_window=0.05))
    call = run_call(sim, "123456")
    types = receiver.types(call)
    assert types[:2] == ["call.answered", "call.initiated"]
    digits = [event["payload"]["digit"] for event in receiver.events(call) if "digit" in event["payload"]]
    assert sorted(digits) == list("123456") and digits != list("123456")
    assert len(types) == 9 and all(record.reordered for record in sim.deliveries)


def test_late(chaotic: Chaotic, receiver: WebhookReceiver) -> None:
    sim = chaotic(Chaos(late_rate=1.0, late_delay=0.2))
    started = time.time()
    sim.world.incoming_call()
    sim.wait_idle()
    [request] = receiver.accepted()
    occurred = datetime.fromisoformat(request.data["occurred_at"].replace("Z", "+00:00")).timestamp()
    assert request.at - occurred >= 0.19 and request.at - started >= 0.19
    assert sim.deliveries[0].late


def test_late_ones_do_not_hold_the_others_back(chaotic: Chaotic, receiver: WebhookReceiver) -> None:
    sim = chaotic(Chaos(late_rate=0.5, late_delay=0.2, seed=11))
    call = run_call(sim, "12345678")
    late = {record.webhook_id for record in sim.deliveries if record.late}
    assert 0 < len(late) < 11
    ids = [event["id"] for event in receiver.events(call)]
    # The late ones arrive last; the rest were not held back behind them.
    assert len(ids) == 11 and set(ids[-len(late) :]) == late


def test_bad_signatures_are_rejected_then_retried(chaotic: Chaotic, receiver: WebhookReceiver) -> None:
    sim = chaotic(Chaos(bad_signature_rate=1.0))
    call = run_call(sim, "")
    first_attempts = [item for item in receiver.requests if item.document["meta"]["attempt"] == 1]
    assert first_attempts and not any(item.verified for item in first_attempts)
    assert all(item.status == 403 for item in first_attempts)
    assert receiver.types(call) == ["call.initiated", "call.answered", "call.hangup"]
    assert all(item.document["meta"]["attempt"] == 2 for item in receiver.accepted())
    assert [record.bad_signature for record in sim.deliveries].count(True) == 3


def test_no_chaos_by_default(sim: SimulatorServer, receiver: WebhookReceiver) -> None:
    run_call(sim)
    assert all(item.verified for item in receiver.requests)
    assert not any(record.duplicate or record.late or record.reordered for record in sim.deliveries)


def fault_pattern(chaotic: Chaotic, seed: int) -> list[tuple[str, bool, bool]]:
    sim = chaotic(Chaos(duplicate_rate=0.5, bad_signature_rate=0.3, seed=seed))
    sim.reset()
    run_call(sim, "12345678")
    return [(record.event_type, record.duplicate, record.bad_signature) for record in sim.deliveries]


def test_a_seed_replays_the_same_faults(chaotic: Chaotic) -> None:
    first, second = fault_pattern(chaotic, 5), fault_pattern(chaotic, 5)
    assert first == second
    assert any(duplicate for _, duplicate, _ in first) and any(bad for _, _, bad in first)
    assert fault_pattern(chaotic, 6) != first


def test_switching_chaos_at_run_time(
    sim: SimulatorServer, receiver: WebhookReceiver, http: httpx.Client
) -> None:
    sim.set_chaos(Chaos(duplicate_rate=1.0))
    try:
        sim.world.incoming_call()
        sim.wait_idle()
        assert len(receiver.accepted()) == 2
        response = http.put(f"{sim.url}/_sim/chaos", json={"duplicate_rate": 0.0})
        assert response.status_code == 200
        receiver.clear()
        sim.world.incoming_call()
        sim.wait_idle()
        assert len(receiver.accepted()) == 1
        assert http.put(f"{sim.url}/_sim/chaos", json={"duplicate_rate": 2}).status_code == 400
    finally:
        sim.set_chaos(Chaos())


@pytest.mark.parametrize("field", ["duplicate_rate", "out_of_order_rate", "late_rate", "bad_signature_rate"])
def test_rates_must_be_probabilities(field: str) -> None:
    settings: dict[str, Any] = {field: 1.5}
    with pytest.raises(ValueError, match=field):
        Chaos(**settings)
