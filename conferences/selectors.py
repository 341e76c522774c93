"""Reads for conferences and their participants."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from calls.models import Call
from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.timeline import TimelineEntry, timeline
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
    call = Call.objects.filter(call_control_id=OuterRef("call_control_id"))
    return participants.select_related("conference").annotate(
        caller=Subquery(call.values("from_number")[:1]),
        caller_name=Subquery(call.values("caller_id_name")[:1]),
    )


def present(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Those still in their conference (joining or joined), in the order they came."""
    return with_callers(participants.exclude(status=ParticipantStatus.LEFT)).order_by("joined_at", "id")


def live_floor() -> list[Conference]:
    """The live conferences, each with `floor_participants`: who is in it now, named."""
    conferences = list(live_conferences())
    by_pk = {conference.pk: conference for conference in conferences}
    for conference in conferences:
        conference.floor_participants = []
    for participant in present(Participant.objects.filter(conference__in=list(by_pk))):
        by_pk[participant.conference_id].floor_participants.append(participant)
    return conferences


def conference_recording(conference: Conference) -> bool:
    """Whether a recording the dashboard started runs (Telnyx sends no webhook when one starts)."""
    last = (
        OperatorAction.objects.filter(
            conference_id=conference.conference_id,
            target_type="conference",
            outcome=ActionOutcome.OK,
            action__in=("record_start", "record_stop"),
        )
        .order_by("-created_at", "-id")
        .only("action", "created_at")
        .first()
    )
    if last is None or last.action == "record_stop":
        return False
    return not Event.objects.filter(
        conference_id=conference.conference_id,
        event_type=EventType.CONFERENCE_RECORDING_SAVED,
        received_at__gt=last.created_at,
    ).exists()


def conference_participants(*, conference: Conference) -> QuerySet[Participant]:
    return with_callers(conference.participants.all()).order_by("joined_at", "id")


def participant_get(*, conference: Conference, participant_id: str) -> Participant:
    return get_object_or_404(Participant, conference=conference, call_control_id=participant_id)


def conference_timeline(*, conference: Conference) -> list[TimelineEntry]:
    events = Event.objects.filter(conference_id=conference.conference_id)
    actions = OperatorAction.objects.filter(conference_id=conference.conference_id)
    return timeline(events, actions)
