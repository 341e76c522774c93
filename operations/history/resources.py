"""The four searchable resources: their FilterSet, base rows and sortable columns, in one place
for the pages, the exports and the API."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django_filters import FilterSet

from operations.history import selectors
from operations.history.filters import ActionFilter, CallFilter, ConferenceFilter, EventFilter


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the `sort` parameter's name for this column; empty: not sortable
    descending_first: bool = False  # times read newest first; names read A to Z


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    filterset: type[FilterSet]
    rows: Callable[[], QuerySet]
    export_rows: Callable[[], QuerySet]
    default_sort: str
    columns: tuple[Column, ...]
    # The filters always in view; the others fold under "More filters" (open when one of them is set).
    primary_filters: tuple[str, ...] = ()


RESOURCES: dict[str, Resource] = {
    "calls": Resource(
        name="calls",
        primary_filters=("number", "started_after", "started_before", "state"),
        title="Calls",
        filterset=CallFilter,
        rows=selectors.call_history,
        export_rows=selectors.call_history,
        default_sort="-start_time",
        columns=(
            Column("Started", "start_time", True),
            Column("From", "from"),
            Column("To", "to"),
            Column("Direction"),
            Column("State", "state"),
            Column("Duration", "duration", True),
            Column("Hangup", "hangup_cause"),
            Column("Ended", "end_time", True),
            Column("Conference"),
        ),
    ),
    "conferences": Resource(
        name="conferences",
        primary_filters=("name", "created_after", "created_before", "status"),
        title="Conferences",
        filterset=ConferenceFilter,
        rows=selectors.conference_history,
        export_rows=selectors.conference_history,
        default_sort="-created_at",
        columns=(
            Column("Started", "created_at", True),
            Column("Name", "name"),
            Column("Kind"),
            Column("Status", "status"),
            Column("Participants"),
            Column("Duration", "duration", True),
            Column("Ended", "end_time", True),
        ),
    ),
    "events": Resource(
        name="events",
        primary_filters=("event_type", "call_control_id", "received_after", "received_before"),
        title="Events",
        filterset=EventFilter,
        rows=lambda: selectors.event_history(with_payload=False),
        export_rows=selectors.event_history,
        default_sort="-received_at",
        columns=(
            Column("Received", "received_at", True),
            Column("Occurred", "occurred_at", True),
            Column("Type", "event_type"),
            Column("Source"),
            Column("Delivery"),
            Column("Call"),
            Column("Conference"),
        ),
    ),
    "actions": Resource(
        name="actions",
        primary_filters=("user", "action", "outcome", "created_after"),
        title="Operator actions",
        filterset=ActionFilter,
        rows=selectors.action_history,
        export_rows=selectors.action_history,
        default_sort="-created_at",
        columns=(
            Column("When", "created_at", True),
            Column("User", "user"),
            Column("Action", "action"),
            Column("Target"),
            Column("Outcome", "outcome"),
            Column("Error"),
            Column("Latency"),
        ),
    ),
}
