"""`manage.py simulator`: its options, and a real run in a separate process."""

import subprocess
import sys
from typing import Any

import httpx
import pytest
from django.core.management import CommandError, call_command

from simulator.management.commands.simulator import build_options, build_traffic
from simulator.options import DEFAULT_WEBHOOK_URL
from tests.simulator.receiver import WebhookReceiver
from tests.support.ports import free_port
from tests.support.servers import ROOT
from tests.support.waiting import wait_until


def options(**given: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"late_delay": 2.0, "duplicate_rate": 0.0, "unordered": False}
    return defaults | given


def test_defaults() -> None:
    built = build_options(options())
    assert built.webhook_url == DEFAULT_WEBHOOK_URL
    assert built.texml_url == "http://127.0.0.1:8000/webhooks/telnyx/texml/"
    assert built.delivery.ordered and not built.chaos.active
    assert built.timings.answer_delay <= 2.0
    assert build_traffic(options()) is None


def test_options_reach_the_simulator() -> None:
    built = build_options(
        options(
            webhook_url="http://127.0.0.1:9000/hooks/",
            answer_delay=0.5,
            dial_outcome="busy",
            max_attempts=2,
            retry_backoff=0.1,
            webhook_timeout=3.0,
            concurrency=4,
            unordered=True,
            duplicate_rate=0.1,
            out_of_order_rate=0.2,
            late_rate=0.3,
            late_delay=1.5,
            bad_signature_rate=0.05,
            chaos_seed=9,
            seed=4,
        )
    )
    assert built.texml_url == "http://127.0.0.1:9000/hooks/texml/"
    assert built.timings.answer_delay == 0.5 and built.dial_outcome == "busy" and built.seed == 4
    delivery = built.delivery
    assert (delivery.max_attempts, delivery.retry_backoff, delivery.timeout, delivery.concurrency) == (
        2,
        0.1,
        3.0,
        4,
    )
    assert not delivery.ordered
    chaos = built.chaos
    assert (chaos.duplicate_rate, chaos.out_of_order_rate, chaos.late_rate, chaos.bad_signature_rate) == (
        0.1,
        0.2,
        0.3,
        0.05,
    )
    assert (chaos.late_delay, chaos.seed) == (1.5, 9)


def test_traffic_options() -> None:
    calm = build_traffic(options(traffic="calm"))
    assert calm is not None and calm.name == "calm"
    fast = build_traffic(options(rate=12.5))
    assert fast is not None and fast.calls_per_second == 12.5


@pytest.mark.parametrize("arguments", [["--duplicate-rate", "1.5"], ["--max-attempts", "0"], ["--rate", "0"]])
def test_bad_options_are_command_errors(arguments: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("simulator", *arguments)


def test_the_command_serves_and_signs(receiver: WebhookReceiver, webhook_url: str) -> None:
    port = free_port()
    command = [sys.executable, "manage.py", "simulator", "--port", str(port), "--webhook-url", webhook_url]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(3)]
        assert banner[0].strip() == f"Telnyx simulator on http://127.0.0.1:{port}/v2"
        assert "m7KRjthkirnHltiYx5sSgljWqkGcBTNGzXjRPNdVuL4=" in banner[2]
        call = _wait_for_server(port).post(
            "/_sim/incoming_call", json={"caller_id_name": "Katherine Johnson"}
        )
        call_id = call.json()["data"]["call_control_id"]
        initiated = receiver.wait_for_type("call.initiated", call_id, count=1)
        assert initiated["payload"]["caller_id_name"] == "Katherine Johnson"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_server(port: int) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5)

    def answers() -> bool:
        try:
            client.get("/_sim/state")
        except httpx.TransportError:
            return False
        return True

    wait_until(answers, timeout=5, what="the simulator")
    return client
