"""Reads shared by the call and conference pages: timelines of events and operator actions."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from .folding import happened_at
from .models import Event, OperatorAction

TIMELINE_LIMIT = 500


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "event" or "action"
    item: Event | OperatorAction


def timeline(events: QuerySet[Event], actions: QuerySet[OperatorAction]) -> list[TimelineEntry]:
    """Telnyx events and operator actions interleaved by the time they happened."""
    entries = [TimelineEntry(happened_at(e), "event", e) for e in events[:TIMELINE_LIMIT]]
    entries += [
        TimelineEntry(a.created_at, "action", a) for a in actions.select_related("user")[:TIMELINE_LIMIT]
    ]
    entries.sort(key=lambda entry: entry.at)
    return entries


def recent_events(limit: int = 100) -> QuerySet[Event]:
    return Event.objects.order_by("-received_at", "-id")[:limit]
