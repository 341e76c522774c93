"""The login form, and the one username normalisation shared by login and the lockout count.

" supervisor", "supervisor ", "\tsupervisor" and the full-width "ｓｕｐｅｒｖｉｓｏｒ" are one person: the
form logs in under the normalised name, and django-axes counts failures under the same name
(AXES_USERNAME_CALLABLE), so spelling a name differently never buys a fresh budget of guesses.
"""

import unicodedata

from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

# AccessAttempt.username is a varchar(255); normalising is bounded too (NFKC is slow on huge input).
_MAX_KEY_CHARS = 255


def normalise_username(value: str) -> str:
    """NFKC first (full-width letters and odd spaces become plain ones), then strip the ends."""
    return unicodedata.normalize("NFKC", value[: _MAX_KEY_CHARS * 4]).strip()[:_MAX_KEY_CHARS]


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name failures are counted (and reset) under, for every login path.

    The credentials are what authenticate() was given (login page, admin, DRF, anything later);
    without them (axes building its lockout response) the posted form field is read instead.
    """
    if credentials:
        raw = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get("username")
    if raw is None:
        return None
    return normalise_username(str(raw))


class LoginForm(AuthenticationForm):
    """Django's login form, logging in under the normalised name axes counts under."""

    def clean_username(self) -> str:
        return normalise_username(self.cleaned_data["username"])
