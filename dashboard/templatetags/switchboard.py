"""Template helpers for outside text: decoded, bounded, and left for autoescaping to make safe."""

import base64
import binascii
import json

from django import template

register = template.Library()


@register.filter
def decode_client_state(value: str) -> str:
    """Client state is base64 set by whoever controls the call; show it as text, never as markup."""
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"(not base64) {value[:200]}"
    return raw.decode("utf-8", errors="replace")[:1000]


@register.filter
def pretty_json(value: object) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@register.filter
def get_item(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def iso(moment: object) -> str:
    return moment.isoformat() if hasattr(moment, "isoformat") else ""


@register.filter
def web_link(url: object) -> str:
    """Only http(s) URLs become links: a recording URL is outside text (javascript: is not a link)."""
    text = str(url or "")
    return text if text.lower().startswith(("https://", "http://")) else ""
