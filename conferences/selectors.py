"""Reads for conferences and their participants."""

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from calls.models import Call
from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.timeline import TIMELINE_LIMIT, TimelineEntry, timeline
from dashboard.models import ActionOutcome, Event, OperatorAction


def _with_counts(conferences: QuerySet[Conference]) -> QuerySet[Conference]:
    joined = Q(participants__status=ParticipantStatus.JOINED)
    return conferences.annotate(
        live_participants=Count("participants", filter=joined),
        muted_participants=Count("participants", filter=joined & Q(participants__muted=True)),
        held_participants=Count("participants", filter=joined & Q(participants__on_hold=True)),
    )


def live_conferences() -> QuerySet[Conference]:
    return _with_counts(Conference.objects.exclude(status=ConferenceStatus.COMPLETED)).order_by(
        "created_at", "id"
    )


def conference_list(*, live_only: bool = False) -> QuerySet[Conference]:
    if live_only:
        return live_conferences()
    return _with_counts(Conference.objects.order_by("-created_at", "-id"))


def conference_get(*, conference_id: str) -> Conference:
    return get_object_or_404(_with_counts(Conference.objects.all()), conference_id=conference_id)


def with_callers(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants with their call's number and caller name, for a row a person can recognise."""
    # The person on the leg: who called in, or whom the dashboard (or Telnyx) dialled out to; an
    # outgoing leg's caller id is the company's own.
    outgoing = Q(direction="outgoing")
    call = Call.objects.filter(call_control_id=OuterRef("call_control_id")).annotate(
        person_number=Case(When(outgoing, then=F("to_number")), default=F("from_number")),
        person_name=Case(When(outgoing, then=Value("")), default=F("caller_id_name")),
    )
    return participants.select_related("conference").annotate(
        caller=Subquery(call.values("person_number")[:1]),
        caller_name=Subquery(call.values("person_name")[:1]),
    )


# What tells a live row's cached rendering from a stale one (conferences/live.py builds the stamps).
CONFERENCE_KEY_FIELDS = ("pk", "version", "conference_id", "last_event_at", "floor_changed_at")
PARTICIPANT_KEY_FIELDS = ("pk", "conference_id", "version", "call_control_id", "last_event_at")


def live_floor_keys() -> tuple[list[tuple], list[tuple]]:
    """The live list's rows as plain tuples, no model built: the live conferences oldest first
    (CONFERENCE_KEY_FIELDS), and who is in them in the order they came (PARTICIPANT_KEY_FIELDS,
    `conference_id` being the conference's pk)."""
    conferences = Conference.objects.exclude(status=ConferenceStatus.COMPLETED).order_by("created_at", "id")
    participants = (
        Participant.objects.exclude(status=ParticipantStatus.LEFT)
        .exclude(conference__status=ConferenceStatus.COMPLETED)
        .order_by("joined_at", "id")
    )
    return (
        list(conferences.values_list(*CONFERENCE_KEY_FIELDS)),
        list(participants.values_list(*PARTICIPANT_KEY_FIELDS)),
    )


def recording_conferences(conference_ids: list[str]) -> set[str]:
    """Those of the conferences where a recording the dashboard started runs (Telnyx sends no
    webhook when one starts): two queries however many conferences."""
    started: dict[str, object] = {}
    for conference_id, action, created_at in (
        OperatorAction.objects.filter(
            conference_id__in=conference_ids,
            target_type="conference",
            outcome=ActionOutcome.OK,
            action__in=("record_start", "record_stop"),
        )
        .order_by("created_at", "id")
        .values_list("conference_id", "action", "created_at")
    ):
        if action == "record_start":
            started[conference_id] = created_at
        else:
            started.pop(conference_id, None)
    if not started:
        return set()
    saved = Event.objects.filter(
        conference_id__in=list(started), event_type=EventType.CONFERENCE_RECORDING_SAVED
    ).values_list("conference_id", "received_at")
    for conference_id, received_at in saved:
        if conference_id in started and received_at > started[conference_id]:
            del started[conference_id]
    return set(started)


def conference_recording(conference: Conference) -> bool:
    """Whether a recording the dashboard started runs in this conference."""
    return conference.conference_id in recording_conferences([conference.conference_id])


def conference_participants(*, conference: Conference) -> QuerySet[Participant]:
    return with_callers(conference.participants.all()).order_by("joined_at", "id")


def participant_get(*, conference: Conference, participant_id: str) -> Participant:
    return get_object_or_404(Participant, conference=conference, call_control_id=participant_id)


def _label(name: str | None, number: str | None) -> str:
    return f"{name} ({number})" if name and number else name or number or ""


def participant_names(conference: Conference) -> dict[str, str]:
    """Each call the conference's timeline mentions → how a person names it: "Ana Ruiz
    (+13125550101)", the number alone, or the participant's label."""
    names = {
        participant.call_control_id: _label(participant.caller_name, participant.caller) or participant.label
        for participant in with_callers(conference.participants.all())
    }
    mentioned = (
        Event.objects.filter(conference_id=conference.conference_id)
        .exclude(call_control_id="")
        .exclude(call_control_id__in=list(names))
        .values_list("call_control_id", flat=True)
        .distinct()[:TIMELINE_LIMIT]
    )
    for call in Call.objects.filter(call_control_id__in=list(mentioned)):
        names[call.call_control_id] = (
            _label("", call.to_number)
            if call.direction == "outgoing"
            else _label(call.caller_id_name, call.from_number)
        )
    return {leg: name for leg, name in names.items() if name}


def conference_timeline(*, conference: Conference) -> list[TimelineEntry]:
    events = Event.objects.filter(conference_id=conference.conference_id)
    actions = OperatorAction.objects.filter(conference_id=conference.conference_id)
    return timeline(
        events,
        actions,
        names=participant_names(conference),
        floor_until=conference.ended_at or timezone.now(),
    )
