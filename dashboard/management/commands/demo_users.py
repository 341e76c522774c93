from django.core.management.base import BaseCommand

from dashboard.accounts.demo import DEMO_PASSWORD, ensure_demo_users


class Command(BaseCommand):
    help = "Create (or reset) the demo users: admin, supervisor and viewer."

    def handle(self, *args: object, **options: object) -> None:
        for username in ensure_demo_users():
            self.stdout.write(f"{username} / {DEMO_PASSWORD}")
