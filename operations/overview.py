"""Reads for the live overview: what is happening now, and over the last hour."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from calls.models import Call
from calls.queues.selectors import queue_board, queue_totals
from conferences.models import Conference, ConferenceStatus

CHART_MINUTES = 60


def concurrent_calls_series(*, now: datetime, minutes: int = CHART_MINUTES) -> list[dict]:
    """Concurrent calls sampled at the end of each of the last `minutes` minutes."""
    start = now - timedelta(minutes=minutes)
    spans = (
        Call.objects.filter(start_time__lte=now)
        .filter(Q(ended_at__isnull=True, is_alive=True) | Q(ended_at__gte=start))
        .values_list("start_time", "ended_at")
    )
    samples = [start + timedelta(minutes=i + 1) for i in range(minutes)]
    counts = [0] * minutes
    for began, ended in spans.iterator():
        for i, moment in enumerate(samples):
            if began <= moment and (ended is None or ended > moment):
                counts[i] += 1
    return [{"at": moment.isoformat(), "calls": count} for moment, count in zip(samples, counts, strict=True)]


def overview(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    # "Today" in the reader's zone (the one activated for their request).
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    last_minute = now - timedelta(minutes=1)
    last_quarter = now - timedelta(minutes=15)
    started_last_quarter = Call.objects.filter(start_time__gte=last_quarter, start_time__lte=now).count()
    return {
        "live_calls": Call.objects.filter(is_alive=True).count(),
        "live_conferences": Conference.objects.exclude(status=ConferenceStatus.COMPLETED).count(),
        "calls_last_minute": Call.objects.filter(start_time__gte=last_minute, start_time__lte=now).count(),
        "calls_per_minute_15": round(started_last_quarter / 15, 1),
        "on_hold": Call.objects.filter(is_alive=True, on_hold=True).count(),
        "hangup_causes_today": list(
            Call.objects.filter(ended_at__gte=day_start)
            .exclude(hangup_cause="")
            .values("hangup_cause")
            .annotate(count=Count("id"))
            .order_by("-count", "hangup_cause")
        ),
        "series": concurrent_calls_series(now=now),
        "queues": queue_totals(queue_board(now=now)),
    }
