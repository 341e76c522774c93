"""{% alert_list %}: the person's unacknowledged alerts; {% feed_alert_now %}: the feed's (base.html)."""

from django import template
from django.http import HttpRequest

from operations.alerts.models import Alert
from operations.alerts.selectors import feed_alert, page_alerts

register = template.Library()


def _header_alerts(request: HttpRequest | None) -> tuple[Alert | None, list[Alert], int]:
    """Read once per request: the header's badge and the alert list come from the same rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return feed_alert(), [], 0
    if not hasattr(request, "_header_alerts"):
        request._header_alerts = page_alerts(user)
    return request._header_alerts


@register.inclusion_tag("alerts/_alert_list.html", takes_context=True)
def alert_list(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    preferences = getattr(request, "preferences", None)
    _, alerts, _ = _header_alerts(request)
    return {
        "show": True,
        "alerts": alerts,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "sound": bool(getattr(preferences, "alert_sound", False)),
        "desktop": bool(getattr(preferences, "alert_desktop", False)),
    }


@register.simple_tag(takes_context=True)
def feed_alert_now(context: template.Context) -> Alert | None:
    """The feed's silence as the alerts know it (the header badge): the row whose clearing is pushed,
    so a page rendered after the push agrees with it."""
    feed, _, _ = _header_alerts(context.get("request"))
    return feed
