"""API tokens (django-rest-knox): named, scoped to a role, expiring, revocable, stored hashed.

A token belongs to an API user named after it (`crm-sync`), which holds one role: what the token
may do is exactly what that role may, checked and audited like a person's action (the audit trail
names the token). The token itself is shown once, at creation; only its hash is stored.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from knox.models import AuthToken

from dashboard.accounts.roles import ROLE_ADMIN, assign_role


@transaction.atomic
def create_api_token(*, name: str, role: str, days: int | None) -> tuple[AuthToken, str]:
    """A new token for the API user `name` (created, or moved to `role`); (record, token text)."""
    if role == ROLE_ADMIN:
        raise ValueError("an API token holds the viewer or supervisor role, never admin")
    user, created = get_user_model().objects.get_or_create(username=name)
    if not created and user.has_usable_password():
        raise ValueError(f"{name!r} is a person's login: name the token after what it is for")
    if created:
        user.set_unusable_password()  # no login page for a token's user
        user.save()
    assign_role(user, role)
    return AuthToken.objects.create(user=user, expiry=timedelta(days=days) if days else None)


def revoke_api_tokens(*, name: str) -> int:
    """Revoke every token of the API user `name`; how many there were. The user stays, for the audit trail."""
    deleted, _ = AuthToken.objects.filter(user__username=name).delete()
    return deleted
