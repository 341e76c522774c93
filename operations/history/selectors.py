"""Reads for the history searches: one base queryset per resource, filtered by its FilterSet."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from calls.models import Call
from conferences.models import Conference, Participant, ParticipantStatus
from dashboard.db.functions import SecondsBetween
from dashboard.models import Event, OperatorAction

# Telnyx's documented values, offered as suggestions: the filters accept anything, since a new
# cause must stay searchable.
HANGUP_CAUSES = (
    "call_rejected",
    "normal_clearing",
    "originator_cancel",
    "timeout",
    "time_limit",
    "user_busy",
    "not_found",
    "no_answer",
    "unspecified",
)
HANGUP_SOURCES = ("caller", "callee", "unknown")


def call_history() -> QuerySet[Call]:
    """Every call, live or ended, newest first, with its duration in seconds once it has ended
    (the expression the calls' duration index holds, so a duration search reads that index)."""
    return Call.objects.annotate(duration_secs=SecondsBetween("start_time", "ended_at")).order_by(
        "-start_time", "-id"
    )


def _participant_count(*extra: Q) -> Coalesce:
    counted = (
        Participant.objects.filter(*extra, conference=OuterRef("pk"))
        .order_by()
        .values("conference")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def conference_history() -> QuerySet[Conference]:
    """Every conference, newest first, with its duration once ended; participant counts are per
    row subqueries (run for the rows shown only, where a join and GROUP BY would aggregate the
    whole table first)."""
    return Conference.objects.annotate(
        duration_secs=SecondsBetween("created_at", "ended_at"),
        participants_total=_participant_count(),
        live_participants=_participant_count(Q(status=ParticipantStatus.JOINED)),
    ).order_by("-created_at", "-id")


def event_history(*, with_payload: bool = True) -> QuerySet[Event]:
    """The event log, last received first. The raw body is read only where it is shown."""
    deferred = ("raw_body",) if with_payload else ("raw_body", "payload")
    return Event.objects.defer(*deferred).order_by("-received_at", "-id")


def action_history() -> QuerySet[OperatorAction]:
    return OperatorAction.objects.order_by("-created_at", "-id")


def event_get(*, pk: int) -> Event:
    return get_object_or_404(Event, pk=pk)


def action_get(*, pk: int) -> OperatorAction:
    return get_object_or_404(OperatorAction, pk=pk)


def known_usernames(limit: int = 500) -> list[str]:
    return list(get_user_model().objects.order_by("username").values_list("username", flat=True)[:limit])
