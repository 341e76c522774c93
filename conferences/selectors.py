"""Reads for conferences and their participants."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from calls.models import Call
from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from dashboard.eventlog.timeline import TimelineEntry, timeline
from dashboard.models import Event, OperatorAction


def _with_counts(conferences: QuerySet[Conference]) -> QuerySet[Conference]:
    return conferences.annotate(
        live_participants=Count("participants", filter=Q(participants__status=ParticipantStatus.JOINED))
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


def conference_participants(*, conference: Conference) -> QuerySet[Participant]:
    return with_callers(conference.participants.all()).order_by("joined_at", "id")


def participant_get(*, conference: Conference, participant_id: str) -> Participant:
    return get_object_or_404(Participant, conference=conference, call_control_id=participant_id)


def conference_timeline(*, conference: Conference) -> list[TimelineEntry]:
    events = Event.objects.filter(conference_id=conference.conference_id)
    actions = OperatorAction.objects.filter(conference_id=conference.conference_id)
    return timeline(events, actions)
