"""`python manage.py simulator`: the Telnyx Call Control simulator, in the foreground."""

from __future__ import annotations

from argparse import ArgumentParser
from dataclasses import replace
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from simulator.options import (
    DEFAULT_PORT,
    DEFAULT_WEBHOOK_URL,
    DIAL_OUTCOMES,
    Chaos,
    SimulatorOptions,
)
from simulator.scenarios import PROFILES, TrafficProfile
from simulator.server import SimulatorServer


class Command(BaseCommand):
    help = "Run the Telnyx Call Control API simulator (and optionally its traffic driver)."
    # It needs neither the database nor the URL configuration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
        parser.add_argument("--webhook-url", default=DEFAULT_WEBHOOK_URL, help="where webhooks are posted")
        parser.add_argument(
            "--texml-webhook-url", help="where TeXML status callbacks go (default: the webhook URL + texml/)"
        )
        traffic = parser.add_argument_group("traffic")
        traffic.add_argument(
            "--traffic", choices=sorted(PROFILES), help="start the traffic driver with a profile"
        )
        traffic.add_argument(
            "--rate", type=float, help="calls per second (starts the driver; default profile busy)"
        )
        traffic.add_argument("--seed", type=int, help="seed of the world and the traffic driver")
        world = parser.add_argument_group("world")
        world.add_argument("--answer-delay", type=float, help="seconds before a dialled number answers (1.0)")
        world.add_argument("--media-duration", type=float, help="seconds a playback or speech lasts (3.0)")
        world.add_argument("--dial-outcome", choices=DIAL_OUTCOMES, help="what dialled numbers do (answer)")
        delivery = parser.add_argument_group("delivery")
        delivery.add_argument("--max-attempts", type=int, help="attempts per webhook (5)")
        delivery.add_argument(
            "--retry-backoff", type=float, help="seconds before the first retry, doubling (0.5)"
        )
        delivery.add_argument("--webhook-timeout", type=float, help="seconds to wait for the receiver (5)")
        delivery.add_argument("--concurrency", type=int, help="webhooks in flight at once (64)")
        delivery.add_argument(
            "--unordered", action="store_true", help="do not keep a call's webhooks in order"
        )
        chaos = parser.add_argument_group("chaos (rates between 0 and 1)")
        chaos.add_argument("--duplicate-rate", type=float, default=0.0, help="webhooks delivered twice")
        chaos.add_argument(
            "--out-of-order-rate", type=float, default=0.0, help="webhooks swapped with the next"
        )
        chaos.add_argument("--late-rate", type=float, default=0.0, help="webhooks delivered late")
        chaos.add_argument("--late-delay", type=float, default=2.0, help="seconds a late webhook is held (2)")
        chaos.add_argument(
            "--bad-signature-rate", type=float, default=0.0, help="first attempts badly signed"
        )
        chaos.add_argument("--chaos-seed", type=int, help="seed of the chaos draws")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            settings = build_options(options)
            traffic = build_traffic(options)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        server = SimulatorServer(settings, host=options["host"], port=options["port"], traffic=traffic)
        self.stdout.write(f"Telnyx simulator on http://{options['host']}:{options['port']}/v2")
        self.stdout.write(f"  webhooks to {settings.webhook_url} (TeXML: {settings.texml_url})")
        self.stdout.write(f"  public key {server.public_key}")
        if traffic:
            self.stdout.write(f"  traffic: {traffic.name}, {traffic.calls_per_second:g} calls/s")
        if settings.chaos.active:
            chaos = settings.chaos
            self.stdout.write(
                f"  chaos: duplicate {chaos.duplicate_rate:.0%}, out of order {chaos.out_of_order_rate:.0%}, "
                f"late {chaos.late_rate:.0%} ({chaos.late_delay:g}s), bad signature {chaos.bad_signature_rate:.0%}"
            )
        self.stdout.flush()
        server.serve_forever()


def given(options: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The options actually given, renamed from command-line names to option field names."""
    return {field: options[name] for name, field in names.items() if options.get(name) is not None}


def build_options(options: dict[str, Any]) -> SimulatorOptions:
    """The simulator's options from the command line (identity comes from Django settings)."""
    base = SimulatorOptions.from_settings(
        webhook_url=options.get("webhook_url"),
        texml_webhook_url=options.get("texml_webhook_url"),
        dial_outcome=options.get("dial_outcome"),
        seed=options.get("seed"),
    )
    timings = given(options, {"answer_delay": "answer_delay", "media_duration": "media_duration"})
    delivery = given(
        options,
        {
            "max_attempts": "max_attempts",
            "retry_backoff": "retry_backoff",
            "webhook_timeout": "timeout",
            "concurrency": "concurrency",
        },
    )
    chaos = given(
        options,
        {
            "duplicate_rate": "duplicate_rate",
            "out_of_order_rate": "out_of_order_rate",
            "late_rate": "late_rate",
            "late_delay": "late_delay",
            "bad_signature_rate": "bad_signature_rate",
            "chaos_seed": "seed",
        },
    )
    return replace(
        base,
        timings=replace(base.timings, **timings),
        delivery=replace(base.delivery, **delivery, ordered=not options.get("unordered")),
        chaos=Chaos(**chaos),
    )


def build_traffic(options: dict[str, Any]) -> TrafficProfile | None:
    name, rate = options.get("traffic"), options.get("rate")
    if name is None and rate is None:
        return None
    profile = PROFILES[name or "busy"]
    return profile.at_rate(rate) if rate is not None else profile
