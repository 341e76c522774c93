"""{% alert_list %}: the person's unacknowledged alerts; {% feed_alert_now %}: the feed's (base.html)."""

from django import template

from operations.alerts.models import Alert
from operations.alerts.selectors import feed_alert, open_alerts

register = template.Library()


@register.inclusion_tag("alerts/_alert_list.html", takes_context=True)
def alert_list(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    preferences = getattr(request, "preferences", None)
    alerts, _ = open_alerts(user)
    return {
        "show": True,
        "alerts": alerts,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "sound": bool(getattr(preferences, "alert_sound", False)),
        "desktop": bool(getattr(preferences, "alert_desktop", False)),
    }


@register.simple_tag
def feed_alert_now() -> Alert | None:
    """The feed's silence as the alerts know it (the header badge): the row whose clearing is pushed,
    so a page rendered after the push agrees with it."""
    return feed_alert()
