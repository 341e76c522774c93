"""Reads for the queue view, from the calls waiting now and the queue webhooks of the day.

Waiting calls are the live calls in the `queued` state (call.enqueued put them there); what left a
queue is read from the call.dequeued events themselves, whose `reason` says how: bridged to an agent
(answered), the caller hung up or the queue timed out (abandoned), or taken out (left).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from calls.models import Call, CallState
from dashboard.eventlog.event_types import EventType
from dashboard.models import Event

AVERAGE_WINDOW = timedelta(minutes=15)
ANSWERED_REASONS = frozenset({"bridged", "bridging-in-process"})
ABANDONED_REASONS = frozenset({"hangup", "timeout"})
# How many waiting calls each queue lists (the count above them is exact).
WAITING_SHOWN = 200


@dataclass
class QueueFacts:
    name: str
    waiting: list[Call] = field(default_factory=list)
    waiting_count: int = 0
    average_wait_secs: int | None = None  # of the calls that left it in the last 15 minutes
    answered_today: int = 0
    abandoned_today: int = 0

    @property
    def dom_id(self) -> str:
        """The card's id on the page: the same for the same queue on every snapshot, whatever its name."""
        return "queue-" + hashlib.sha1(self.name.encode(), usedforsecurity=False).hexdigest()[:12]

    @property
    def average_wait(self) -> str:
        """The average wait as the page shows durations: m:ss (h:mm:ss past the hour)."""
        if self.average_wait_secs is None:
            return "—"
        minutes, seconds = divmod(max(0, self.average_wait_secs), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

    @property
    def longest_since(self) -> datetime | None:
        """When the call waiting longest entered the queue (the page ticks the wait from it)."""
        return self.waiting[0].state_since if self.waiting else None


def waiting_calls() -> list[Call]:
    return list(Call.objects.filter(is_alive=True, state=CallState.QUEUED).order_by("state_since", "pk"))


def _dequeued(since: datetime):  # noqa: ANN202 - a values() queryset
    return Event.objects.filter(event_type=EventType.CALL_DEQUEUED, received_at__gte=since).annotate(
        queue=KeyTextTransform("queue", "payload"), reason=KeyTextTransform("reason", "payload")
    )


def _outcomes_since(day_start: datetime) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    rows = _dequeued(day_start).values("queue", "reason").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts.setdefault(row["queue"] or "", {})[row["reason"] or ""] = row["n"]
    return counts


def _average_waits(since: datetime) -> dict[str, int]:
    """Average time in queue of the calls that left each queue since then, in seconds.

    Telnyx reports it on call.dequeued (`wait_time_secs`); where it does not, the wait is measured from
    the call's own call.enqueued."""
    left = list(
        _dequeued(since)
        .annotate(wait=KeyTextTransform("wait_time_secs", "payload"))
        .values_list("queue", "wait", "call_control_id", "occurred_at")
    )
    unmeasured = {ccid for _, wait, ccid, _ in left if wait is None}
    entered: dict[str, list[datetime]] = {}
    if unmeasured:
        for ccid, at in Event.objects.filter(
            event_type=EventType.CALL_ENQUEUED, call_control_id__in=unmeasured, occurred_at__isnull=False
        ).values_list("call_control_id", "occurred_at"):
            entered.setdefault(ccid, []).append(at)
    waits: dict[str, list[float]] = {}
    for queue, wait, ccid, left_at in left:
        if wait is not None:
            try:
                seconds = float(wait)
            except ValueError:
                continue
        else:
            before = [at for at in entered.get(ccid, ()) if left_at and at <= left_at]
            if not before:
                continue
            seconds = (left_at - max(before)).total_seconds()
        waits.setdefault(queue or "", []).append(seconds)
    return {queue: round(sum(values) / len(values)) for queue, values in waits.items()}


def queue_board(*, now: datetime | None = None) -> list[QueueFacts]:
    """One entry per queue with a call waiting now or any call that left it today, by name."""
    now = now or timezone.now()
    # "Today" in the reader's zone (the one activated for their request).
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    queues: dict[str, QueueFacts] = {}
    for call in waiting_calls():
        facts = queues.setdefault(call.queue_name, QueueFacts(call.queue_name))
        facts.waiting_count += 1
        if len(facts.waiting) < WAITING_SHOWN:
            facts.waiting.append(call)
    for name, reasons in _outcomes_since(day_start).items():
        facts = queues.setdefault(name, QueueFacts(name))
        facts.answered_today = sum(n for reason, n in reasons.items() if reason in ANSWERED_REASONS)
        facts.abandoned_today = sum(n for reason, n in reasons.items() if reason in ABANDONED_REASONS)
    for name, average in _average_waits(now - AVERAGE_WINDOW).items():
        queues.setdefault(name, QueueFacts(name)).average_wait_secs = average
    return [queues[name] for name in sorted(queues)]


def queue_totals(board: list[QueueFacts]) -> dict:
    """The overview's queue card: calls waiting in all queues, the longest wait, and today's outcomes."""
    since = [facts.longest_since for facts in board if facts.longest_since]
    return {
        "waiting": sum(facts.waiting_count for facts in board),
        "longest_since": min(since) if since else None,
        "answered_today": sum(facts.answered_today for facts in board),
        "abandoned_today": sum(facts.abandoned_today for facts in board),
    }


def bridge_candidates(limit: int = 50) -> list[Call]:
    """Answered calls a waiting caller could be bridged to (agents on the line), newest first."""
    return list(Call.objects.filter(is_alive=True, state=CallState.ANSWERED).order_by("-state_since")[:limit])
