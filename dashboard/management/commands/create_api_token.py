"""`manage.py create_api_token NAME --role viewer|supervisor [--days 90]`: a token for a script.

Printed once, on standard output, and never again: only its hash is stored. `--days 0`: no expiry.
"""

from django.core.management.base import BaseCommand, CommandError

from dashboard.accounts.api_tokens import create_api_token
from dashboard.accounts.forms import normalise_username
from dashboard.accounts.roles import ROLE_ADMIN, ROLES


class Command(BaseCommand):
    help = "Create an API token named NAME holding one role; the token is printed once."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("name", help="what the token is for (crm-sync); the audit trail shows it")
        parser.add_argument("--role", required=True, choices=[role for role in ROLES if role != ROLE_ADMIN])
        parser.add_argument("--days", type=int, default=90, help="days until it expires (0: never)")

    def handle(self, *args: object, **options: object) -> None:
        name = normalise_username(str(options["name"]))
        if not name:
            raise CommandError("the name is empty")
        if int(options["days"]) < 0:
            raise CommandError("--days must be 0 or more")
        try:
            record, token = create_api_token(name=name, role=str(options["role"]), days=int(options["days"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        expiry = record.expiry.isoformat() if record.expiry else "never"
        self.stderr.write(f"token for {name} ({options['role']}), expires {expiry}; shown once:")
        self.stdout.write(token)
