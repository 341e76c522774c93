"""Reads: the alerts a person has yet to acknowledge, and the feed's state."""

from django.db.models import Exists, OuterRef, Q

from operations.alerts.models import Alert, AlertAck, AlertKind

# A list longer than this is not read, it is scrolled past: the newest are shown, with the count.
SHOWN = 30


def open_alerts(user) -> tuple[list[Alert], int]:  # noqa: ANN001 - a user
    """The active alerts this person has not acknowledged, newest first (at most SHOWN), and how many."""
    _, shown, total = page_alerts(user)
    return shown, total


def page_alerts(user) -> tuple[Alert | None, list[Alert], int]:  # noqa: ANN001 - a user
    """What a page's header shows, in one query: the feed's silence (badge and banner, never an item,
    acknowledged or not) and the person's unacknowledged alerts (at most SHOWN) with how many."""
    acked = AlertAck.objects.filter(alert=OuterRef("pk"), user=user)
    alerts = (
        Alert.objects.filter(cleared_at__isnull=True)
        .filter(Q(kind=AlertKind.FEED) | ~Exists(acked))
        .order_by("-raised_at", "-id")
    )
    rows = list(alerts[: SHOWN + 1])
    feed = next((alert for alert in rows if alert.kind == AlertKind.FEED), None)
    shown = [alert for alert in rows if alert.kind != AlertKind.FEED][:SHOWN]
    if len(shown) < SHOWN:
        return feed, shown, len(shown)
    items = alerts.exclude(kind=AlertKind.FEED)
    return feed or alerts.filter(kind=AlertKind.FEED).first(), shown, items.count()


def feed_alert() -> Alert | None:
    """The active feed-silence alert, if the feed is silent."""
    return Alert.objects.filter(cleared_at__isnull=True, kind=AlertKind.FEED).order_by("-raised_at").first()
