"""Raise, clear and acknowledge alerts, and tell the open pages.

`evaluate()` compares the breaches of the moment with the active alerts: a new breach is raised (one
row per breach key, so two workers evaluating at once raise it once), an alert whose condition
ended is cleared. Pages hear of both over their socket (`dashboard/realtime/users.py`):

- {"kind": "alert", "event": "raised", "id", "html", "title", "body", "alert_kind"} to the floor;
- {"kind": "alert", "event": "cleared", "id"} to the floor;
- {"kind": "alert", "event": "acked", "id"} to the person who acknowledged it (their other tabs);
- {"kind": "feed", "state": "silent" | "live", "since": ISO or null, "html"} to the floor when the
  webhook feed falls silent while calls are live, and when it comes back.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from dashboard.realtime.users import send_to_floor, send_to_user
from operations.alerts.breaches import Breach, current_breaches
from operations.alerts.models import Alert, AlertAck, AlertKind
from operations.alerts.watch import watch
from operations.history.delivery import silence_warning

logger = logging.getLogger("switchboard.alerts")

# Cleared alerts are kept this long (who acknowledged what), then deleted.
KEEP_CLEARED = timedelta(days=7)
FEED_REMINDER = timedelta(seconds=30)


def alert_item_html(alert: Alert) -> str:
    return render_to_string("alerts/_alert_item.html", {"alert": alert})


def _raised_frame(alert: Alert) -> dict:
    return {
        "kind": "alert",
        "event": "raised",
        "id": alert.pk,
        "alert_kind": alert.kind,
        "html": alert_item_html(alert),
        "title": alert.get_kind_display(),
        "body": f"{alert.subject}: {alert.detail}",
    }


def feed_frame(alert: Alert | None) -> dict:
    """The feed's health as pages show it: silent since when (the active feed alert), with the banner
    every page shows then (the one pages render, `history/_delivery_banner.html`), or live."""
    if alert is None:
        return {"kind": "feed", "state": "live", "since": None, "html": ""}
    banner = render_to_string("history/_delivery_banner.html", {"delivery_warning": silence_warning()})
    return {"kind": "feed", "state": "silent", "since": alert.since.isoformat(), "html": banner.strip()}


def _raise(breach: Breach, now: datetime) -> Alert | None:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=breach.kind,
                key=breach.key,
                subject=breach.subject[:300],
                detail=breach.detail[:300],
                call_control_id=breach.call_control_id,
                since=breach.since,
                raised_at=now,
            )
            if breach.user_id is not None:
                AlertAck.objects.create(alert=alert, user_id=breach.user_id)
    except IntegrityError:
        return None  # raised already: by another worker now, or earlier and since cleared
    return alert


def _clear(alert: Alert, now: datetime) -> bool:
    return bool(Alert.objects.filter(pk=alert.pk, cleared_at__isnull=True).update(cleared_at=now))


def _announce(raised: list[Alert], cleared: list[Alert]) -> None:
    for alert in raised:
        send_to_floor(feed_frame(alert) if alert.kind == AlertKind.FEED else _raised_frame(alert))
    for alert in cleared:
        send_to_floor(
            feed_frame(None)
            if alert.kind == AlertKind.FEED
            else {"kind": "alert", "event": "cleared", "id": alert.pk}
        )


_reminded_at: datetime | None = None


def _remind_of_silence(feed: Alert | None, now: datetime) -> None:
    """While the feed is silent, say so again every FEED_REMINDER: a page that connected just after the
    first frame (rendered before it) learns of the silence all the same."""
    global _reminded_at
    if feed is None or feed.raised_at == now:
        _reminded_at = now if feed is not None else None
        return
    if _reminded_at is None or now - _reminded_at >= FEED_REMINDER:
        _reminded_at = now
        send_to_floor(feed_frame(feed))


def evaluate(*, now: datetime | None = None) -> tuple[list[Alert], list[Alert]]:
    """Raise the new breaches, clear the ended ones, tell the pages; returns (raised, cleared)."""
    now = now or timezone.now()
    breaches = current_breaches(now)
    active = {alert.key: alert for alert in Alert.objects.filter(cleared_at__isnull=True)}
    # One transaction for the lot (a savepoint per new alert): a burst of breaches is one commit.
    with transaction.atomic():
        raised = [
            alert for key, breach in breaches.items() if key not in active and (alert := _raise(breach, now))
        ]
        cleared = [alert for key, alert in active.items() if key not in breaches and _clear(alert, now)]
        if raised or cleared:
            transaction.on_commit(lambda: _announce(raised, cleared))
    still = [alert for alert in [*active.values(), *raised] if alert not in cleared]
    _remind_of_silence(next((alert for alert in still if alert.kind == AlertKind.FEED), None), now)
    watch.update(
        calls={alert.call_control_id for alert in still if alert.call_control_id},
        feed_silent=any(alert.kind == AlertKind.FEED for alert in still),
    )
    return raised, cleared


def acknowledge(alert: Alert, user) -> bool:  # noqa: ANN001 - a user
    """The person has seen it: it leaves their list on every page they have open. Whether it was new."""
    _, created = AlertAck.objects.get_or_create(alert=alert, user=user)
    send_to_user(user.pk, {"kind": "alert", "event": "acked", "id": alert.pk})
    return created


def forget_old(*, now: datetime | None = None) -> int:
    """Delete alerts cleared more than KEEP_CLEARED ago (with their acknowledgements)."""
    now = now or timezone.now()
    deleted, _ = Alert.objects.filter(cleared_at__lt=now - KEEP_CLEARED).delete()
    return deleted
