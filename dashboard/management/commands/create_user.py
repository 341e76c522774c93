"""`manage.py create_user USERNAME --role viewer|supervisor|admin`: a login for one person.

The password is asked twice on a terminal, or read from the first line of standard input when
that is not a terminal (`printf '%s\\n' "$PASSWORD" | manage.py create_user ...`), never taken from
the command line (it would sit in the shell history and the process list). Django's password
validators apply. Admins also get the Django admin (staff, superuser).
"""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dashboard.accounts.forms import normalise_username
from dashboard.accounts.roles import ROLE_ADMIN, ROLES, assign_role


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Create a user with one role (viewer, supervisor or admin); the password is prompted or read from stdin."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--update", action="store_true", help="set the password and role of an existing user instead of failing"
        )

    def handle(self, *args: object, **options: object) -> None:
        username = normalise_username(str(options["username"]))
        if not username:
            raise CommandError("the username is empty")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not options["update"]:
            raise CommandError(f"user {username!r} exists already (add --update to reset its password and role)")
        password = self._password()
        candidate = user or User(username=username, email=str(options["email"]))
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        role = str(options["role"])
        candidate.set_password(password)
        candidate.is_staff = candidate.is_superuser = role == ROLE_ADMIN
        if options["email"]:
            candidate.email = str(options["email"])
        candidate.save()
        assign_role(candidate, role)
        self.stdout.write(f"{'updated' if user else 'created'} {username} ({role})")

    def _password(self) -> str:
        stdin = self.stdin if hasattr(self, "stdin") else sys.stdin
        if not stdin.isatty():
            password = stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("no password on standard input")
            return password
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the two passwords differ")
        if not first:
            raise CommandError("the password is empty")
        return first

    def execute(self, *args: object, **options: object) -> object:
        self.stdin = options.pop("stdin", sys.stdin)
        return super().execute(*args, **options)
