"""Reads about webhook delivery: what arrived, what was repeated or refused, and silences."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from calls.models import Call
from dashboard.db.functions import EpochMinute
from dashboard.models import Event, EventSource, RejectedWebhook
from dashboard.observability import minutes

WEBHOOK_SOURCES = (EventSource.TELNYX, EventSource.TEXML)
CHART_MINUTES = 60
DEFAULT_SILENCE_SECS = 300


def silence_threshold_secs() -> int:
    return int(getattr(settings, "WEBHOOK_SILENCE_WARNING_SECS", DEFAULT_SILENCE_SECS))


@dataclass(frozen=True)
class DeliveryWarning:
    """Webhooks have stopped while calls are live: the pages are showing stale state."""

    last_webhook_at: datetime | None
    silent_secs: int | None  # None: no webhook was ever received
    live_calls: int
    threshold_secs: int


def last_webhook_at() -> datetime | None:
    # Walks the received_at index backwards; operator-confirmed events are skipped, being no delivery.
    return (
        Event.objects.filter(source__in=WEBHOOK_SOURCES)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )


def _warning(
    now: datetime, last: datetime | None, count_live_calls: Callable[[], int]
) -> DeliveryWarning | None:
    threshold = silence_threshold_secs()
    if last is not None and (now - last).total_seconds() < threshold:
        return None
    live_calls = count_live_calls()
    if not live_calls:
        return None
    silent = None if last is None else int((now - last).total_seconds())
    return DeliveryWarning(last, silent, live_calls, threshold)


def live_call_count() -> int:
    return Call.objects.filter(is_alive=True).count()


def silence_warning(*, now: datetime | None = None) -> DeliveryWarning | None:
    """One indexed query while webhooks flow; a second (live calls) only once they have stopped."""
    return _warning(now or timezone.now(), last_webhook_at(), live_call_count)


def _per_minute(rows: list[dict], start: int, key: str) -> list[int]:
    counts = [0] * CHART_MINUTES
    for row in rows:
        index = row["minute"] - start
        if 0 <= index < CHART_MINUTES:
            counts[index] = row[key] or 0
    return counts


def delivery_health(*, now: datetime | None = None) -> dict:
    """The last hour minute by minute, rejections by reason, and the latest arrivals."""
    now = now or timezone.now()
    hour_ago = now - timedelta(minutes=CHART_MINUTES)
    day_ago = now - timedelta(days=1)
    # Minutes are counted from the last whole minute back, so the newest bar is the current minute.
    first_minute = int(now.timestamp()) // 60 - CHART_MINUTES + 1
    accepted = list(
        Event.objects.filter(received_at__gte=hour_ago, received_at__lte=now, source__in=WEBHOOK_SOURCES)
        .annotate(minute=EpochMinute("received_at"))
        .values("minute")
        .annotate(
            events=Count("pk"), duplicates=Sum("duplicates"), retried=Count("pk", filter=Q(attempt__gt=1))
        )
        .order_by()
    )
    rejected = list(
        RejectedWebhook.objects.filter(received_at__gte=hour_ago, received_at__lte=now)
        .annotate(minute=EpochMinute("received_at"))
        .values("minute")
        .annotate(rejected=Sum("count"))
        .order_by()
    )
    last = last_webhook_at()
    live_calls = live_call_count()
    events = _per_minute(accepted, first_minute, "events")
    duplicates = _per_minute(accepted, first_minute, "duplicates")
    retried = _per_minute(accepted, first_minute, "retried")
    refused = _per_minute(rejected, first_minute, "rejected")
    series = [
        {
            "at": datetime.fromtimestamp((first_minute + i) * 60, UTC),
            "events": events[i],
            "duplicates": duplicates[i],
            "retried": retried[i],
            "rejected": refused[i],
        }
        for i in range(CHART_MINUTES)
    ]
    return {
        "now": now,
        "series": series,
        "peak": max([1, *events, *refused]),
        "totals": {
            "events": sum(events),
            "duplicates": sum(duplicates),
            "retried": sum(retried),
            "rejected": sum(refused),
        },
        "last_webhook_at": last,
        "last_rejected_at": RejectedWebhook.objects.aggregate(last=Max("received_at"))["last"],
        "rejections": list(
            RejectedWebhook.objects.filter(received_at__gte=day_ago)
            .values("reason", "status", "endpoint")
            .annotate(count=Sum("count"), last=Max("received_at"))
            .order_by("-count", "reason")[:50]
        ),
        "recent_duplicates": list(
            Event.objects.filter(duplicates__gt=0).defer("raw_body", "payload").order_by("-received_at")[:20]
        ),
        "live_calls": live_calls,
        "threshold_secs": silence_threshold_secs(),
        "warning": _warning(now, last, lambda: live_calls),
    }


def metrics_minutes(*, admin: bool) -> dict:
    """This server's own counters, minute by minute (newest first); queue and sockets for admins."""
    minutes.history.start()  # from the first view on, if the server did not start it already
    recent = list(reversed(minutes.history.minutes()))
    context: dict = {"metric_minutes": recent}
    if admin:
        context["metric_gauges"] = minutes.history.gauges()
    return context
