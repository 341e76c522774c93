"""Rebuild every Call, Conference and Participant from the event log."""

from django.db import transaction

from calls.models import Call
from calls.projection import project_calls
from conferences.models import Conference, Participant
from conferences.projection import (
    apply_floor_change,
    is_participant_event,
    latest_floor_events,
    project_conferences,
    project_participants,
)
from dashboard.models import Event

_CHUNK = 2000


def _chunks(items: list, size: int = _CHUNK) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@transaction.atomic
def state_rebuild() -> dict[str, int]:
    """Drop all projected state and fold it again from the log; returns row counts."""
    Participant.objects.all().delete()
    Conference.objects.all().delete()
    Call.objects.all().delete()
    conference_ids = sorted(
        set(Event.objects.exclude(conference_id="").values_list("conference_id", flat=True))
    )
    for chunk in _chunks(conference_ids):
        project_conferences(chunk)
        for event in latest_floor_events(chunk):
            apply_floor_change(event)
    keys = sorted(
        {
            (conf, call)
            for conf, call, kind in Event.objects.exclude(conference_id="")
            .exclude(call_control_id="")
            .values_list("conference_id", "call_control_id", "event_type")
            .iterator()
            if is_participant_event(kind)
        }
    )
    for chunk in _chunks(keys, 200):
        project_participants(chunk)
    call_ids = sorted(
        set(
            Event.objects.exclude(call_control_id="")
            .exclude(source="texml")
            .values_list("call_control_id", flat=True)
        )
    )
    for chunk in _chunks(call_ids):
        project_calls(chunk)
    return {
        "calls": Call.objects.count(),
        "conferences": Conference.objects.count(),
        "participants": Participant.objects.count(),
    }
