"""Build a large history (events, calls, conferences, audit records) for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboard.models import Event
from operations.history.generator import generate


class Command(BaseCommand):
    help = (
        "Generate a realistic history with bulk inserts: --events 1000000 --calls 100000 takes a few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument("--calls", type=int, default=100_000)
        parser.add_argument("--actions", type=int, default=50_000, help="operator audit records")
        parser.add_argument(
            "--rejected", type=int, default=2_000, help="rejected deliveries, over the last day"
        )
        parser.add_argument("--days", type=int, default=30, help="the history spans this many days up to now")
        parser.add_argument("--live", type=int, default=50, help="calls still live (the newest ones)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default="gen", help="id prefix: use another one to add to a database")
        parser.add_argument(
            "--add",
            action="store_true",
            help="write into a database that already holds events (these calls never happened: never on a real one)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not options["add"] and Event.objects.exists():
            raise CommandError(
                "this database already holds events: generate into an empty one, or pass --add"
            )
        started = time.perf_counter()
        try:
            counts = generate(
                events=options["events"],
                calls=options["calls"],
                actions=options["actions"],
                rejected=options["rejected"],
                days=options["days"],
                live=options["live"],
                seed=options["seed"],
                prefix=options["prefix"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{counts.events} events, {counts.calls} calls ({counts.live_calls} live), "
            f"{counts.conferences} conferences, {counts.participants} participants, "
            f"{counts.actions} operator actions, {counts.rejected} rejected deliveries "
            f"in {time.perf_counter() - started:.0f} s"
        )
