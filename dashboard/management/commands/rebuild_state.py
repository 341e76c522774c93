from django.core.management.base import BaseCommand

from dashboard.eventlog.rebuild import state_rebuild


class Command(BaseCommand):
    help = "Rebuild all calls, conferences and participants from the event log."

    def handle(self, *args: object, **options: object) -> None:
        counts = state_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"rebuilt {counts['calls']} calls, {counts['conferences']} conferences, "
                f"{counts['participants']} participants from the event log"
            )
        )
