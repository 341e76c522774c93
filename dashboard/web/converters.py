"""A URL converter for Telnyx ids, which are outside text: any character may turn up in them."""

from urllib.parse import quote, unquote

from django.urls import register_converter


class TelnyxIdConverter:
    # One path segment; a "/" (or "%") inside an id travels percent-encoded and comes back intact.
    # A NUL cannot be in any stored id (PostgreSQL text refuses it), so such a path is simply not found.
    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        return quote(str(value), safe=":@-._~+=")


def register() -> None:
    """`<tid:...>` in every URLconf; called from the core app's ready(), before any URLconf loads."""
    register_converter(TelnyxIdConverter, "tid")
