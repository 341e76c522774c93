"""API tokens for tests: a knox token for an existing user, its text (what a client sends)."""

from knox.models import AuthToken


def api_token(user: object) -> str:
    return AuthToken.objects.create(user=user)[1]
