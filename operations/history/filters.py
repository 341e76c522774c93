"""One FilterSet per searchable resource, shared by the history pages, their exports and the API.

Every filter here is backed by an index or runs on a table small enough to scan (calls,
conferences): a search must stay fast on a log of millions of events.
"""

import re
from datetime import UTC

import django_filters as filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import OrderBy

from calls.models import Call, CallState
from conferences.models import Conference, ConferenceStatus, Participant
from dashboard.models import ActionOutcome, Event, OperatorAction

_NUMBER_NOISE = re.compile(r"[\s\-()]")


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC.

    Python accepts offsets up to 24 h; PostgreSQL refuses 16 h and more. The same moment in UTC
    is always accepted, and compares the same.
    """

    def filter(self, qs: QuerySet, value: object) -> QuerySet:
        if value is not None and getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)


def _moment(label: str, field_name: str, lookup_expr: str) -> filters.IsoDateTimeFilter:
    return UtcDateTimeFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        # A moment typed without an offset is read in the reader's zone (their profile's, activated for
        # the request; the server's for API tokens), the zone the page names at its foot.
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
    )


def _choice(choices: list, **kwargs: object) -> filters.ChoiceFilter:
    return filters.ChoiceFilter(choices=choices, empty_label="any", **kwargs)


def _listed(name: str, **kwargs: object) -> filters.CharFilter:
    """A text filter with suggestions (an HTML datalist the page provides under this id)."""
    return filters.CharFilter(widget=forms.TextInput(attrs={"list": name}), **kwargs)


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    """`?event_type=call.answered,call.hangup`: any of a comma-separated list."""


class SortFilter(filters.OrderingFilter):
    """Sorting; the id in the same direction comes last so that pages never overlap or skip rows."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        qs = super().filter(qs, value)
        ordering = list(qs.query.order_by)
        if not value or not ordering:
            return qs
        tie_break = "-pk" if str(ordering[-1]).startswith("-") else "pk"
        # Empty values (a live call's duration) sort last on every database, as SQLite does.
        terms = [_nulls_last(term) if isinstance(term, str) else term for term in ordering]
        return qs.order_by(*terms, tie_break)


def _nulls_last(term: str) -> OrderBy:
    name = term.lstrip("-")
    return F(name).desc(nulls_last=True) if term.startswith("-") else F(name).asc(nulls_last=True)


_ANY_YES_NO = [("", "any"), ("true", "yes"), ("false", "no")]


def _yes_no(label: str, **kwargs: object) -> filters.BooleanFilter:
    return filters.BooleanFilter(label=label, widget=forms.Select(choices=_ANY_YES_NO), **kwargs)


def number_fragment(value: str) -> str:
    """A number as an operator types it ("+1 (312) 945-") as Telnyx stores it ("+1312945")."""
    return _NUMBER_NOISE.sub("", value)


class CallFilter(filters.FilterSet):
    number = filters.CharFilter(method="filter_number", label="Number (from or to, partial)")
    caller_id_name = filters.CharFilter(lookup_expr="icontains", label="Caller name")
    call_id = filters.CharFilter(method="filter_call_id", label="Call id (control, session or leg)")
    started_after = _moment("Started from", "start_time", "gte")
    started_before = _moment("Started before", "start_time", "lt")
    direction = _choice([("incoming", "incoming"), ("outgoing", "outgoing")])
    state = _choice(CallState.choices, label="State (final, if ended)")
    is_alive = _yes_no("Live")
    hangup_cause = _listed("hangup-causes", label="Hangup cause")
    hangup_source = _listed("hangup-sources", label="Hangup source")
    sip_hangup_cause = filters.CharFilter(label="SIP hangup cause")
    duration_min = filters.NumberFilter(
        field_name="duration_secs", lookup_expr="gte", label="Duration at least (s, once ended)"
    )
    duration_max = filters.NumberFilter(
        field_name="duration_secs", lookup_expr="lte", label="Duration at most (s, once ended)"
    )
    conference_id = filters.CharFilter(label="Conference id")
    call_control_id = filters.CharFilter(label="Call control id")
    call_session_id = filters.CharFilter(label="Call session id")
    call_leg_id = filters.CharFilter(label="Call leg id")
    sort = SortFilter(
        fields=[
            ("start_time", "start_time"),
            ("ended_at", "end_time"),
            ("duration_secs", "duration"),
            ("from_number", "from"),
            ("to_number", "to"),
            ("state", "state"),
            ("hangup_cause", "hangup_cause"),
        ]
    )

    class Meta:
        model = Call
        fields: list[str] = []

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        fragment = number_fragment(value)
        return queryset.filter(Q(from_number__contains=fragment) | Q(to_number__contains=fragment))

    def filter_number_part(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{name}{LOOKUP_SEP}contains": number_fragment(value)})

    def filter_call_id(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(call_control_id=value) | Q(call_session_id=value) | Q(call_leg_id=value))


def _insert_after(mapping: dict, key: str, extra: dict) -> dict:
    items = list(mapping.items())
    at = [name for name, _ in items].index(key) + 1
    return dict(items[:at] + list(extra.items()) + items[at:])


# `from` is a Python keyword: Telnyx's names are declared through the filter map, as the API's
# serializer does for its fields.
CallFilter.base_filters = _insert_after(
    CallFilter.base_filters,
    "number",
    {
        "from": filters.CharFilter(
            field_name="from_number", method="filter_number_part", label="From (partial)"
        ),
        "to": filters.CharFilter(field_name="to_number", method="filter_number_part", label="To (partial)"),
    },
)


class ConferenceFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", label="Name (partial)")
    number = filters.CharFilter(method="filter_number", label="Participant number (partial)")
    conference_id = filters.CharFilter(label="Conference id")
    call_control_id = filters.CharFilter(method="filter_participant", label="Participant call id")
    status = _choice(ConferenceStatus.choices)
    kind = _choice([("call_control", "Call Control"), ("texml", "TeXML")])
    created_after = _moment("Started from", "created_at", "gte")
    created_before = _moment("Started before", "created_at", "lt")
    end_reason = filters.CharFilter(label="End reason")
    duration_min = filters.NumberFilter(
        field_name="duration_secs", lookup_expr="gte", label="Duration at least (s, once ended)"
    )
    duration_max = filters.NumberFilter(
        field_name="duration_secs", lookup_expr="lte", label="Duration at most (s, once ended)"
    )
    sort = SortFilter(
        fields=[
            ("created_at", "created_at"),
            ("ended_at", "end_time"),
            ("duration_secs", "duration"),
            ("name", "name"),
            ("status", "status"),
        ]
    )

    class Meta:
        model = Conference
        fields: list[str] = []

    def filter_participant(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Exists(Participant.objects.filter(conference=OuterRef("pk"), call_control_id=value))
        )

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Calls first (one scan of the calls table), then their conferences through the
        # participants' call id index: far cheaper than a correlated subquery per conference.
        fragment = number_fragment(value)
        calls = Call.objects.filter(Q(from_number__contains=fragment) | Q(to_number__contains=fragment))
        conferences = Participant.objects.filter(call_control_id__in=calls.values("call_control_id"))
        return queryset.filter(pk__in=conferences.values("conference_id"))


class EventFilter(filters.FilterSet):
    event_type = CharInFilter(label="Type (comma-separated)")
    id = filters.CharFilter(field_name="event_id", label="Event id (data.id)")
    call_control_id = filters.CharFilter(label="Call control id")
    call_session_id = filters.CharFilter(label="Call session id")
    conference_id = filters.CharFilter(label="Conference id")
    occurred_after = _moment("Occurred from", "occurred_at", "gte")
    occurred_before = _moment("Occurred before", "occurred_at", "lt")
    received_after = _moment("Received from", "received_at", "gte")
    received_before = _moment("Received before", "received_at", "lt")
    duplicated = _yes_no("Delivered more than once", method="filter_duplicated")
    retried = _yes_no("First stored on a retry", method="filter_retried")
    sort = SortFilter(
        fields=[("received_at", "received_at"), ("occurred_at", "occurred_at"), ("event_type", "event_type")]
    )

    class Meta:
        model = Event
        fields: list[str] = []

    # Both conditions are spelled exactly as the partial indexes that serve them.
    def filter_duplicated(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(duplicates__gt=0) if value else queryset.filter(duplicates=0)

    def filter_retried(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(attempt__gt=1) if value else queryset.filter(attempt=1)


class ActionFilter(filters.FilterSet):
    user = _listed("usernames", field_name="username", label="User")
    action = CharInFilter(label="Action (comma-separated)")
    outcome = _choice(ActionOutcome.choices)
    channel = _choice([("web", "web"), ("api", "api")])
    target_type = _choice(
        [(kind, kind) for kind in ("call", "conference", "participant", "history")], label="Target"
    )
    call_control_id = filters.CharFilter(label="Call control id")
    conference_id = filters.CharFilter(label="Conference id")
    created_after = _moment("From", "created_at", "gte")
    created_before = _moment("Before", "created_at", "lt")
    sort = SortFilter(
        fields=[
            ("created_at", "created_at"),
            ("username", "user"),
            ("action", "action"),
            ("outcome", "outcome"),
        ]
    )

    class Meta:
        model = OperatorAction
        fields: list[str] = []
