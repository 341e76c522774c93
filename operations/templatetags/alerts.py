"""{% alert_list %}: the person's unacknowledged alerts, on every page (base.html)."""

from django import template

from operations.alerts.selectors import open_alerts

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
