"""Reads: the alerts a person has yet to acknowledge, and the feed's state."""

from django.db.models import Exists, OuterRef

from operations.alerts.models import Alert, AlertAck, AlertKind

# A list longer than this is not read, it is scrolled past: the newest are shown, with the count.
SHOWN = 30


def open_alerts(user) -> tuple[list[Alert], int]:  # noqa: ANN001 - a user
    """The active alerts this person has not acknowledged, newest first (at most SHOWN), and how many."""
    acked = AlertAck.objects.filter(alert=OuterRef("pk"), user=user)
    alerts = (
        Alert.objects.filter(cleared_at__isnull=True)
        .exclude(kind=AlertKind.FEED)  # the feed has its badge and banner, not an item
        .exclude(Exists(acked))
        .order_by("-raised_at", "-id")
    )
    shown = list(alerts[:SHOWN])
    return shown, len(shown) if len(shown) < SHOWN else alerts.count()


def feed_alert() -> Alert | None:
    """The active feed-silence alert, if the feed is silent."""
    return Alert.objects.filter(cleared_at__isnull=True, kind=AlertKind.FEED).order_by("-raised_at").first()
