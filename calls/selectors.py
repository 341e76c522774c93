"""Reads for calls."""

from dataclasses import dataclass

from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404

from calls.models import Call, CallState
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.timeline import TimelineEntry, timeline
from dashboard.models import ActionOutcome, Event, OperatorAction

# Telnyx sends no webhook when a recording starts, pauses or resumes, nor for noise suppression:
# the last of these commands Telnyx accepted says whether one runs.
_RECORDING_COMMANDS = ("record_start", "record_pause", "record_resume", "record_stop")
_SUPPRESSION_COMMANDS = ("suppression_start", "suppression_stop")


def live_calls() -> QuerySet[Call]:
    return Call.objects.filter(is_alive=True).order_by("start_time", "id")


def live_call_stamps() -> QuerySet:
    """(pk, version, call_control_id, event_count, last_event_at) of every live call, in list order.

    Enough to tell whether a row rendered earlier is still current, without loading the calls.
    """
    return live_calls().values_list("pk", "version", "call_control_id", "event_count", "last_event_at")


@dataclass(frozen=True)
class LiveListView:
    """What a live list shows: the page's filters and order (the same as static/live.js applies)."""

    direction: str = ""
    state: str = ""  # a call state, or "hold"
    q: str = ""  # in the from number, the number called or the caller's name
    conference: str = ""  # in the conference id
    sort: str = ""  # a column (see _SORTS); "" is the list's own order, as the calls came
    descending: bool = False


# Each column as the page sorts it: its cell's text (a state by the word shown), a duration by its start.
_SORTS = {
    "from": (Lower("from_number"), Lower("caller_id_name")),
    "to": (Lower("to_number"),),
    "direction": (F("direction"),),
    "state": (Case(*(When(state=value, then=Value(label)) for value, label in CallState.choices), default=F("state")),),
    "duration": (F("start_time"),),  # the earlier it started, the longer: descending is the earliest first
    "conference": (Lower("conference_id"),),
}


def live_calls_in_view(view: LiveListView) -> QuerySet[Call]:
    """The live calls a list with these filters shows, in its order (ties as they came)."""
    calls = Call.objects.filter(is_alive=True)
    if view.direction:
        calls = calls.filter(direction=view.direction)
    if view.state == "hold":
        calls = calls.filter(on_hold=True)
    elif view.state:
        calls = calls.filter(state=view.state)
    if view.q:
        # One text, as the row's data-search joins them.
        calls = calls.alias(
            searched=Concat("from_number", Value(" "), "to_number", Value(" "), "caller_id_name")
        ).filter(searched__icontains=view.q)
    if view.conference:
        calls = calls.filter(conference_id__icontains=view.conference)
    keys = _SORTS.get(view.sort, ())
    descending = view.descending != (view.sort == "duration")
    ordering = [key.desc() if descending else key.asc() for key in keys]
    return calls.order_by(*ordering, "start_time", "id")


def live_calls_in_view_count(view: LiveListView) -> int:
    return live_calls_in_view(view).order_by().count()


def live_call_stamps_in_view(view: LiveListView, limit: int) -> QuerySet:
    """Like `live_call_stamps`, for the first `limit` calls of a filtered, ordered list."""
    return live_calls_in_view(view).values_list(
        "pk", "version", "call_control_id", "event_count", "last_event_at"
    )[:limit]


def calls_by_pk(pks: list[int]) -> dict[int, Call]:
    return {call.pk: call for call in Call.objects.filter(pk__in=pks)}


def call_list(*, live_only: bool = False) -> QuerySet[Call]:
    return live_calls() if live_only else Call.objects.order_by("-start_time", "-id")


def call_get(*, call_control_id: str) -> Call:
    return get_object_or_404(Call, call_control_id=call_control_id)


def call_timeline(*, call: Call) -> list[TimelineEntry]:
    events = Event.objects.filter(call_control_id=call.call_control_id)
    actions = OperatorAction.objects.filter(call_control_id=call.call_control_id)
    return timeline(events, actions, names={call.call_control_id: person_label(call)})


def person_label(call: Call) -> str:
    """The person on the call as a timeline names them: "Ana Ruiz (+13125550101)", or the number
    (the one dialled, for an outgoing call: its caller id is the company's own)."""
    if call.direction == "outgoing":
        return call.to_number
    if call.caller_id_name and call.from_number:
        return f"{call.caller_id_name} ({call.from_number})"
    return call.caller_id_name or call.from_number


def call_name(call: Call) -> str:
    """How a person names a call: the other party, by name when known, else by number."""
    if call.direction == "outgoing":
        return call.to_number or call.call_control_id
    return call.caller_id_name or call.from_number or call.call_control_id


def call_name_for(call_control_id: str) -> str:
    call = (
        Call.objects.filter(call_control_id=call_control_id)
        .only("direction", "to_number", "from_number", "caller_id_name", "call_control_id")
        .first()
    )
    return call_name(call) if call else ""


def _last_accepted(call: Call, commands: tuple[str, ...]) -> OperatorAction | None:
    return (
        OperatorAction.objects.filter(
            call_control_id=call.call_control_id,
            target_type="call",
            outcome=ActionOutcome.OK,
            action__in=commands,
        )
        .order_by("-created_at", "-id")
        .only("action", "created_at")
        .first()
    )


def _recording_conditions(call: Call) -> set[str]:
    last = _last_accepted(call, _RECORDING_COMMANDS)
    if last is None or last.action == "record_stop":
        return set()
    saved = Event.objects.filter(
        call_control_id=call.call_control_id,
        event_type=EventType.CALL_RECORDING_SAVED,
        received_at__gt=last.created_at,
    ).exists()
    if saved:  # the recording ended (the call's own end, or its max length)
        return set()
    return {"recording", "recording_paused"} if last.action == "record_pause" else {"recording"}


def call_conditions(call: Call) -> frozenset[str]:
    """What, beyond its state, decides which actions fit a call: its direction, and whether a
    recording, a media fork, SIPREC or noise suppression runs on it (see calls/actions.py)."""
    conditions = {call.direction} if call.direction else set()
    if not call.is_alive:
        return frozenset(conditions)
    details = call.details if isinstance(call.details, dict) else {}
    if (details.get("fork") or {}).get("active"):
        conditions.add("forking")
    if (details.get("siprec") or {}).get("status") == "started":
        conditions.add("siprec")
    last = _last_accepted(call, _SUPPRESSION_COMMANDS)
    if last is not None and last.action == "suppression_start":
        conditions.add("suppressing")
    return frozenset(conditions | _recording_conditions(call))
