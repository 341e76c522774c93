"""`manage.py revoke_api_token NAME`: every token of that name stops working at once."""

from django.core.management.base import BaseCommand, CommandError

from dashboard.accounts.api_tokens import revoke_api_tokens


class Command(BaseCommand):
    help = "Revoke every API token named NAME."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("name")

    def handle(self, *args: object, **options: object) -> None:
        revoked = revoke_api_tokens(name=str(options["name"]))
        if not revoked:
            raise CommandError(f"no token named {options['name']!r}")
        self.stdout.write(f"revoked {revoked} token(s) of {options['name']}")
