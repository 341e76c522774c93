"""Template helpers: outside text decoded, bounded and left for autoescaping to make safe; times
shown one way everywhere, in the reader's own zone; navigation links that say where the reader is."""

import base64
import binascii
import json
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dashboard.db.storable import is_storable

register = template.Library()

# The one way a moment is written on every page (the zone is named once, at the foot of the page).
DATETIME_FORMAT = "Y-m-d H:i:s"
# Long outside text (client state, SIP headers) is cut to this many characters behind an expander.
LONG_TEXT_CHARS = 160


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
            loaded = json.loads(value)
        except ValueError:
            return value
        if not is_storable(loaded):
            return value  # a raw body whose escapes decode to NUL or a lone surrogate: shown as sent
        value = loaded
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


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def absolute(moment: datetime, precision: str = "") -> str:
    """`2026-11-21 10:00:02` in the current zone; precision "ms" adds the milliseconds."""
    if precision == "ms":
        return dateformat.format(_local(moment), DATETIME_FORMAT + ".u")[:-3]
    return dateformat.format(_local(moment), DATETIME_FORMAT)


def relative(seconds: float) -> str:
    """How long ago, as a person says it; live.js's `relative()` writes the same words."""
    seconds = int(seconds)
    if seconds < 0:
        return "in the future"
    if seconds < 10:
        return "just now"
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min ago" if minutes and hours < 3 else f"{hours} h ago"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''} ago"


@register.filter
def when(moment: object, precision: str = "") -> str:
    """A moment as `<time>`, in the reader's zone, in the one format; "—" when there is none."""
    if not isinstance(moment, datetime):
        return "—"
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), absolute(moment, precision))


@register.filter
def ago(moment: object) -> str:
    """"3 min ago", the absolute moment on hover; the page's script keeps the words current."""
    if not isinstance(moment, datetime):
        return "—"
    seconds = (timezone.now() - moment).total_seconds() if timezone.is_aware(moment) else 0
    return format_html(
        '<time datetime="{}" title="{}" data-ago>{}</time>', moment.isoformat(), absolute(moment), relative(seconds)
    )


@register.simple_tag
def zone_name() -> str:
    """The current zone and its abbreviation now: `Europe/Paris (CET)`, `UTC`."""
    name = timezone.get_current_timezone_name()
    abbreviation = timezone.localtime().strftime("%Z")
    return name if abbreviation in ("", name) else f"{name} ({abbreviation})"


@register.filter
def long_text(value: object, limit: int = LONG_TEXT_CHARS) -> str:
    """Outside text that may be any length: whole when short, else its start with the rest behind an
    expander. It wraps anywhere either way: one unbroken 5,000-character string never widens a page."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return format_html('<span class="long-text">{}</span>', text)
    return format_html(
        '<details class="long-text"><summary><span class="long-text-start">{}…</span> '
        '<span class="more">show all {} characters</span></summary><span class="long-text-all" tabindex="0">{}</span></details>',
        text[:limit],
        f"{len(text):,}",
        text,
    )


@register.filter
def header_line(header: object) -> str:
    """A SIP or custom header ({"name": ..., "value": ...}) as the line it was on the wire."""
    if not isinstance(header, dict):
        return ""
    return f"{header.get('name', '')}: {header.get('value', '')}"


_SECTIONS = {
    "overview": ("overview",),
    "calls": ("calls:",),
    "conferences": ("conferences:",),
    "queues": ("queues:",),
    "history": ("history:",),
    "api": ("api-docs", "api-redoc", "api-root"),
    "profile": ("profile",),
}


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, url_name: str, label: str, section: str) -> SafeString:
    """A navigation link marked `aria-current="page"` on its own page, `"true"` elsewhere in its section."""
    url = reverse(url_name)
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    if here == url_name or (request is not None and request.path == url):
        current = "page"
    elif any(here == prefix or (prefix.endswith(":") and here.startswith(prefix)) for prefix in _SECTIONS[section]):
        current = "true"
    else:
        return format_html('<a href="{}">{}</a>', url, label)
    return format_html('<a href="{}" aria-current="{}">{}</a>', url, current, label)
