from django.conf import settings
from django.http import HttpRequest


def switchboard(request: HttpRequest) -> dict:
    return {
        "alert_thresholds": {
            "ringing": settings.ALERT_RINGING_SECS,
            "hold": settings.ALERT_HOLD_SECS,
            "queued": settings.ALERT_QUEUED_SECS,
        },
        "live_grace_secs": settings.LIVE_GRACE_SECS,
    }
