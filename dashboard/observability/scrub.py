"""Secret scrubbing for log lines, error reports and anything else that leaves the process.

The Telnyx API key must never be written anywhere, even when a server, a proxy or an exception
quotes it back: exactly, in another case, JSON-escaped, URL-encoded, or cut short (any prefix of
12 or more characters). Phone numbers are masked too: logs and metrics are no place for callers.
"""

import json
import re
from functools import lru_cache
from urllib.parse import quote, quote_plus

REDACTED = "[REDACTED]"
PHONE_MASK = "[phone]"
# A prefix this long of the key is as good as the key to whoever holds the rest of a leaked line.
MIN_PREFIX_CHARS = 12
# E.164 numbers (+ and 7-15 digits, optionally spaced or dashed as people write them).
_PHONE = re.compile(r"(?<![\w+])\+\d(?:[ .-]?\d){6,14}(?!\d)")


def _prefix_pattern(text: str) -> str:
    """`text` or any prefix of it at least MIN_PREFIX_CHARS long, as one regex (longest match)."""
    if len(text) <= MIN_PREFIX_CHARS:
        return re.escape(text)
    tail = ""
    for char in reversed(text[MIN_PREFIX_CHARS:]):
        tail = f"(?:{re.escape(char)}{tail})?"
    return re.escape(text[:MIN_PREFIX_CHARS]) + tail


def _variants(secret: str) -> set[str]:
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    forms |= {quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)}
    return {form for form in forms if form}


@lru_cache(maxsize=8)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern | None:
    variants = {variant for secret in secrets if secret for variant in _variants(secret)}
    if not variants:
        return None
    # Longest first, so that a whole key is never left half-matched by one of its shorter forms.
    parts = [_prefix_pattern(variant) for variant in sorted(variants, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE)


def scrub_text(text: str, secrets: tuple[str, ...], *, phones: bool = True) -> str:
    """`text` with every form of every secret blanked (and phone numbers masked)."""
    pattern = _pattern(secrets)
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    if phones and "+" in text:
        text = _PHONE.sub(PHONE_MASK, text)
    return text


def scrub_value(value: object, secrets: tuple[str, ...], *, phones: bool = True) -> object:
    """Strings inside dicts, lists and tuples scrubbed, however deep (keys included)."""
    if isinstance(value, str):
        return scrub_text(value, secrets, phones=phones)
    if isinstance(value, dict):
        return {
            scrub_value(key, secrets, phones=phones): scrub_value(item, secrets, phones=phones)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(item, secrets, phones=phones) for item in value)
    return value


def configured_secrets() -> tuple[str, ...]:
    """The secrets of the running configuration (read each time: tests and key rotation change them)."""
    from django.conf import settings

    if not settings.configured:
        return ()
    return tuple(
        value
        for value in (getattr(settings, "TELNYX_API_KEY", ""), getattr(settings, "METRICS_TOKEN", ""))
        if value
    )
