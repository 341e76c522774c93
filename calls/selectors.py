"""Reads for calls."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from calls.models import Call
from dashboard.eventlog.timeline import TimelineEntry, timeline
from dashboard.models import Event, OperatorAction


def live_calls() -> QuerySet[Call]:
    return Call.objects.filter(is_alive=True).order_by("start_time", "id")


def live_call_stamps() -> QuerySet:
    """(pk, version, call_control_id, event_count, last_event_at) of every live call, in list order.

    Enough to tell whether a row rendered earlier is still current, without loading the calls.
    """
    return live_calls().values_list("pk", "version", "call_control_id", "event_count", "last_event_at")


def calls_by_pk(pks: list[int]) -> dict[int, Call]:
    return {call.pk: call for call in Call.objects.filter(pk__in=pks)}


def call_list(*, live_only: bool = False) -> QuerySet[Call]:
    return live_calls() if live_only else Call.objects.order_by("-start_time", "-id")


def call_get(*, call_control_id: str) -> Call:
    return get_object_or_404(Call, call_control_id=call_control_id)


def call_timeline(*, call: Call) -> list[TimelineEntry]:
    events = Event.objects.filter(call_control_id=call.call_control_id)
    actions = OperatorAction.objects.filter(call_control_id=call.call_control_id)
    return timeline(events, actions)


def call_name(call: Call) -> str:
    """How a person names a call: the other party, by name when known, else by number."""
    if call.direction == "outgoing":
        return call.to_number or call.call_control_id
    return call.caller_id_name or call.from_number or call.call_control_id


def call_name_for(call_control_id: str) -> str:
    call = Call.objects.filter(call_control_id=call_control_id).only(
        "direction", "to_number", "from_number", "caller_id_name", "call_control_id"
    ).first()
    return call_name(call) if call else ""
