from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def switchboard(request: HttpRequest) -> dict:
    # The person's profile, read once per request by dashboard.accounts.preferences (absent: defaults).
    preferences = getattr(request, "preferences", None)
    return {
        "alert_thresholds": {
            "ringing": settings.ALERT_RINGING_SECS,
            "hold": settings.ALERT_HOLD_SECS,
            "queued": settings.ALERT_QUEUED_SECS,
        },
        "live_grace_secs": settings.LIVE_GRACE_SECS,
        "theme": getattr(preferences, "theme", "") or "system",
        # The zone every time on the page is in (the page's script formats pushed rows' times in it).
        "time_zone": timezone.get_current_timezone_name(),
        # When the request began, before the view read anything (none: the page re-reads on connect).
        "rendered_at": f"{request.started_at:.3f}" if hasattr(request, "started_at") else "",
    }
