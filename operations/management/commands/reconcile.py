import time

from django.core.management.base import BaseCommand

from dashboard.telnyx import TelnyxError
from operations.reconcile import reconcile_with_telnyx


class Command(BaseCommand):
    help = "Ask Telnyx which calls, conferences and participants are live, and mend what webhooks missed."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (0: once)")

    def handle(self, *args: object, **options: object) -> None:
        while True:
            try:
                report = reconcile_with_telnyx()
                self.stdout.write(report.summary())
            except TelnyxError as exc:
                self.stderr.write(f"Telnyx did not answer: {exc}")
                if not options["every"]:
                    raise SystemExit(1) from None
            if not options["every"]:
                return
            time.sleep(options["every"])
