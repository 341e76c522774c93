"""Reads shared by the call and conference pages: timelines of events and operator actions."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import QuerySet

from dashboard.eventlog.folding import happened_at
from dashboard.models import Event, OperatorAction

TIMELINE_LIMIT = 500
_FACT_LIMIT = 200
# Payload values worth reading without opening the payload, in the order they are shown.
_FACT_KEYS = (
    "from",
    "to",
    "direction",
    "state",
    "hangup_cause",
    "hangup_source",
    "sip_hangup_cause",
    "digit",
    "digits",
    "status",
    "reason",
    "result",
    "failure_reason",
    "failure_cause",
    "queue",
    "end_reason",
    "supervisor_role",
    "transcription_text",
)
_RECORDING_KEYS = ("recording_urls", "public_recording_urls")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "event" or "action"
    item: Event | OperatorAction
    facts: tuple[tuple[str, str], ...] = ()
    recordings: tuple[tuple[str, str], ...] = ()  # (label, url): http(s) links only


class Timeline(list):
    """Timeline entries in time order; `truncated` when the limit cut some off."""

    truncated: bool = False


def _facts(event: Event) -> tuple[tuple[str, str], ...]:
    payload = event.payload if isinstance(event.payload, dict) else {}
    facts = [
        (key, str(payload[key])[:_FACT_LIMIT])
        for key in _FACT_KEYS
        if isinstance(payload.get(key), str | int | float) and payload[key] != ""
    ]
    if event.event_type.startswith("conference.") and event.call_control_id:
        facts.append(("call", event.call_control_id))
    return tuple(facts)


def _is_web_link(url: object) -> bool:
    # A payload is outside text: a "javascript:" recording URL must never become a link.
    return isinstance(url, str) and urlsplit(url).scheme in {"http", "https"}


def _recordings(event: Event) -> tuple[tuple[str, str], ...]:
    payload = event.payload if isinstance(event.payload, dict) else {}
    links = []
    for key in _RECORDING_KEYS:
        urls = payload.get(key)
        if isinstance(urls, dict):
            prefix = "public " if key.startswith("public") else ""
            links += [(f"{prefix}{fmt}", url) for fmt, url in urls.items() if _is_web_link(url)]
    return tuple(links)


def event_entry(event: Event) -> TimelineEntry:
    """One event with what a reader needs first: key payload values and safe recording links."""
    return TimelineEntry(
        happened_at(event), "event", event, facts=_facts(event), recordings=_recordings(event)
    )


def timeline(events: QuerySet[Event], actions: QuerySet[OperatorAction]) -> Timeline:
    """Telnyx events and operator actions interleaved by the time they happened."""
    event_rows = list(events[: TIMELINE_LIMIT + 1])
    action_rows = list(actions[: TIMELINE_LIMIT + 1])
    entries = Timeline(event_entry(e) for e in event_rows[:TIMELINE_LIMIT])
    entries += [TimelineEntry(a.created_at, "action", a) for a in action_rows[:TIMELINE_LIMIT]]
    entries.sort(key=lambda entry: entry.at)
    entries.truncated = len(event_rows) > TIMELINE_LIMIT or len(action_rows) > TIMELINE_LIMIT
    return entries


def recent_events(limit: int = 100) -> QuerySet[Event]:
    return Event.objects.order_by("-received_at", "-id")[:limit]
