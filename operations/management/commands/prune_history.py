"""Retention: archive and delete events, audit records and rejected deliveries past their age."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.history.services import (
    DEFAULT_BATCH_SIZE,
    MAX_BATCH_SIZE,
    default_archive_dir,
    prune_history,
    retention_days,
)


class Command(BaseCommand):
    help = (
        "Delete history older than HISTORY_RETENTION_DAYS (archived first as gzipped JSON lines), in small "
        "batches that never hold up live ingest. Live calls and conferences keep all their events; ended "
        "calls and conferences left with no event are deleted too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help=f"keep this many days (default: {retention_days()})")
        parser.add_argument(
            "--archive",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="write the deleted rows to a .jsonl.gz file first (default: yes)",
        )
        parser.add_argument("--archive-dir", type=Path, help=f"default: {default_archive_dir()}")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows per transaction (at most {MAX_BATCH_SIZE})",
        )
        parser.add_argument("--dry-run", action="store_true", help="count what would go; change nothing")

    def handle(self, *args: object, **options: object) -> None:
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1")
        report = prune_history(
            days=options["days"],
            archive_dir=(options["archive_dir"] or default_archive_dir()) if options["archive"] else None,
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
        )
        verb = "would delete" if report.dry_run else "deleted"
        self.stdout.write(
            f"history before {report.cutoff:%Y-%m-%d %H:%M} UTC: {verb} {report.events} events, "
            f"{report.actions} operator actions, {report.rejected} rejected deliveries, "
            f"{report.calls} ended calls, {report.conferences} ended conferences"
        )
        if report.archive is not None:
            self.stdout.write(f"archived to {report.archive}")
