"""Reads shared by the call and conference pages: timelines of events and operator actions."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import QuerySet

from dashboard.eventlog.event_types import PARTICIPANT_PREFIXES, EventType
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


# What an event about one participant says of them, after their name: "Ana Ruiz (+1312…) joined".
_SAYS = {
    EventType.CONFERENCE_CREATED: "started the conference",
    EventType.CONFERENCE_PARTICIPANT_JOINED: "joined",
    EventType.CONFERENCE_PARTICIPANT_LEFT: "left",
    EventType.TEXML_PARTICIPANT_JOIN: "joined",
    EventType.TEXML_PARTICIPANT_LEAVE: "left",
    EventType.CONFERENCE_FLOOR_CHANGED: "took the floor",
    EventType.CONFERENCE_PARTICIPANT_PLAYBACK_STARTED: "hears audio",
    EventType.CONFERENCE_PARTICIPANT_PLAYBACK_ENDED: "heard the audio",
    EventType.CONFERENCE_PARTICIPANT_SPEAK_STARTED: "hears speech",
    EventType.CONFERENCE_PARTICIPANT_SPEAK_ENDED: "heard the speech",
    EventType.DASHBOARD_PARTICIPANT_MUTED: "was muted",
    EventType.DASHBOARD_PARTICIPANT_UNMUTED: "was unmuted",
    EventType.DASHBOARD_PARTICIPANT_HELD: "was put on hold",
    EventType.DASHBOARD_PARTICIPANT_UNHELD: "was taken off hold",
    EventType.DASHBOARD_PARTICIPANT_ROLE_UPDATED: "got a new supervisor role",
    EventType.DASHBOARD_PARTICIPANT_UPDATED: "had their settings changed",
    EventType.DASHBOARD_PARTICIPANT_TEXML_UPDATED: "was updated",
    EventType.RECONCILE_PARTICIPANT_LEFT: "had left (found by reconciliation)",
    EventType.RECONCILE_PARTICIPANT_FOUND: "was found in the conference by reconciliation",
    EventType.RECONCILE_PARTICIPANT_IDENTIFIED: "was named in Telnyx's participant list",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "event" or "action"
    item: Event | OperatorAction
    facts: tuple[tuple[str, str], ...] = ()
    recordings: tuple[tuple[str, str], ...] = ()  # (label, url): http(s) links only
    who: str = ""  # the participant the entry is about, by name and number
    says: str = ""  # what the event says of them


@dataclass(frozen=True)
class TalkTime:
    who: str
    seconds: float
    turns: int

    @property
    def clock(self) -> str:
        minutes, seconds = divmod(round(self.seconds), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


class Timeline(list):
    """Timeline entries in time order; `truncated` when the limit cut some off. A conference's
    floor changes are folded out of the entries into `floor_changes` and `talk` (time on the floor
    per participant, most first)."""

    truncated: bool = False
    floor_changes: list[TimelineEntry]
    talk: list[TalkTime]

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.floor_changes = []
        self.talk = []


def _facts(event: Event, who: str) -> tuple[tuple[str, str], ...]:
    payload = event.payload if isinstance(event.payload, dict) else {}
    facts = [
        (key, str(payload[key])[:_FACT_LIMIT])
        for key in _FACT_KEYS
        if isinstance(payload.get(key), str | int | float) and payload[key] != ""
    ]
    if event.event_type.startswith("conference.") and event.call_control_id and not who:
        facts.append(("call", event.call_control_id))
    return tuple(facts)


def _about_someone(event: Event) -> bool:
    return bool(event.call_control_id) and (
        event.event_type in _SAYS or event.event_type.startswith(PARTICIPANT_PREFIXES)
    )


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


def event_entry(event: Event, names: Mapping[str, str] | None = None) -> TimelineEntry:
    """One event with what a reader needs first: whom it is about (by name, from `names`: call
    control id → "Ana Ruiz (+13125550101)"), key payload values and safe recording links."""
    who = (names or {}).get(event.call_control_id, "") if _about_someone(event) else ""
    return TimelineEntry(
        happened_at(event),
        "event",
        event,
        facts=_facts(event, who),
        recordings=_recordings(event),
        who=who,
        says=_SAYS.get(event.event_type, "") if who else "",
    )


def _action_entry(action: OperatorAction, names: Mapping[str, str]) -> TimelineEntry:
    who = names.get(action.participant_id, "") if action.participant_id else ""
    return TimelineEntry(action.created_at, "action", action, who=who)


def _talk(floor: list[TimelineEntry], until: datetime) -> list[TalkTime]:
    """Time on the floor per participant: each change holds it until the next (the last until `until`)."""
    seconds: dict[str, float] = {}
    turns: dict[str, int] = {}
    if not floor:
        return []
    for entry, following in zip(floor, [*floor[1:], None], strict=True):
        who = entry.who or entry.item.call_control_id
        end = following.at if following is not None else max(until, entry.at)
        seconds[who] = seconds.get(who, 0.0) + (end - entry.at).total_seconds()
        turns[who] = turns.get(who, 0) + 1
    return sorted((TalkTime(who, seconds[who], turns[who]) for who in seconds), key=lambda t: -t.seconds)


def timeline(
    events: QuerySet[Event],
    actions: QuerySet[OperatorAction],
    *,
    names: Mapping[str, str] | None = None,
    floor_until: datetime | None = None,
) -> Timeline:
    """Telnyx events and operator actions interleaved by the time they happened, people named.

    With `floor_until` (a conference's end, or now), floor changes leave the list for their own
    group and become talk time: dozens of "floor changed" lines say less than who talked how long.
    """
    names = names or {}
    event_rows = list(events[: TIMELINE_LIMIT + 1])
    action_rows = list(actions[: TIMELINE_LIMIT + 1])
    entries = Timeline(event_entry(e, names) for e in event_rows[:TIMELINE_LIMIT])
    entries += [_action_entry(a, names) for a in action_rows[:TIMELINE_LIMIT]]
    entries.sort(key=lambda entry: entry.at)
    if floor_until is not None:
        entries.floor_changes = [
            e
            for e in entries
            if e.kind == "event" and e.item.event_type == EventType.CONFERENCE_FLOOR_CHANGED
        ]
        entries[:] = [
            e
            for e in entries
            if not (e.kind == "event" and e.item.event_type == EventType.CONFERENCE_FLOOR_CHANGED)
        ]
        entries.talk = _talk(entries.floor_changes, floor_until)
    entries.truncated = len(event_rows) > TIMELINE_LIMIT or len(action_rows) > TIMELINE_LIMIT
    return entries


def recent_events(limit: int = 100) -> QuerySet[Event]:
    return Event.objects.order_by("-received_at", "-id")[:limit]
