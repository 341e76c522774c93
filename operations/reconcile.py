"""Reconciliation: compare our live state with what Telnyx says is live, and mend the difference.

Missed webhooks leave ghosts (calls we think are live that Telnyx has ended) or gaps (calls and
participants Telnyx has that we never heard of). Each correction is written to the event log as
a `reconcile.*` event and folded like any other, so a rebuild from the log reproduces it.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings

from calls.models import Call
from conferences.models import Conference, ConferenceStatus, Participant, ParticipantStatus
from conferences.services import participant_identified_events
from dashboard.actions.runner import shared_client
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.incoming import IncomingEvent
from dashboard.eventlog.ingest import ingest_events
from dashboard.observability import metrics
from dashboard.telnyx import TelnyxClient

logger = logging.getLogger("switchboard.reconcile")


@dataclass
class ReconcileReport:
    calls_ended: list[str] = field(default_factory=list)
    calls_found: list[str] = field(default_factory=list)
    conferences_ended: list[str] = field(default_factory=list)
    conferences_found: list[str] = field(default_factory=list)
    conferences_named: list[str] = field(default_factory=list)
    participants_left: list[str] = field(default_factory=list)
    participants_found: list[str] = field(default_factory=list)
    participants_identified: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(len(items) for items in vars(self).values())

    def summary(self) -> str:
        """Every kind of correction, counted (zeros included, so a quiet run reads as one)."""
        return (
            f"calls: {len(self.calls_ended)} ghosts ended, {len(self.calls_found)} missing added; "
            f"conferences: {len(self.conferences_ended)} ended, {len(self.conferences_found)} added, "
            f"{len(self.conferences_named)} named; "
            f"participants: {len(self.participants_left)} left, {len(self.participants_found)} added"
        )


def _event(
    run: str, event_type: str, *, call_control_id: str = "", conference_id: str = "", payload: dict
) -> IncomingEvent:
    return IncomingEvent(
        event_id=f"reconcile-{run}-{event_type}-{conference_id}-{call_control_id}",
        event_type=event_type,
        source="reconcile",
        occurred_at=datetime.now(UTC),
        attempt=1,
        payload={**payload, "call_control_id": call_control_id, "conference_id": conference_id},
        raw_body="",
        call_control_id=call_control_id,
        call_session_id=str(payload.get("call_session_id") or "")[:200],
        call_leg_id=str(payload.get("call_leg_id") or "")[:200],
        conference_id=conference_id,
    )


def _reconcile_calls(client: TelnyxClient, run: str, report: ReconcileReport) -> list[IncomingEvent]:
    active = {
        item["call_control_id"]: item
        for item in client.list_active_calls(connection_id=settings.TELNYX_CONNECTION_ID).items
        if item.get("call_control_id")
    }
    ours = set(
        Call.objects.filter(is_alive=True, connection_id__in=["", settings.TELNYX_CONNECTION_ID]).values_list(
            "call_control_id", flat=True
        )
    )
    events = []
    for call_control_id in sorted(ours - set(active)):
        report.calls_ended.append(call_control_id)
        events.append(
            _event(
                run,
                EventType.RECONCILE_CALL_ENDED,
                call_control_id=call_control_id,
                payload={"reason": "not active at Telnyx"},
            )
        )
    known = set(
        Call.objects.filter(call_control_id__in=set(active)).values_list("call_control_id", flat=True)
    )
    for call_control_id in sorted(set(active) - known):
        report.calls_found.append(call_control_id)
        item = active[call_control_id]
        payload = {
            key: item.get(key) for key in ("call_leg_id", "call_session_id", "client_state", "call_duration")
        }
        events.append(
            _event(
                run,
                EventType.RECONCILE_CALL_FOUND,
                call_control_id=call_control_id,
                payload={**payload, "connection_id": settings.TELNYX_CONNECTION_ID},
            )
        )
    return events


def _reconcile_conferences(client: TelnyxClient, run: str, report: ReconcileReport) -> list[IncomingEvent]:
    theirs = {
        item["id"]: item
        for item in client.list_conferences(filters={"status": "in_progress"}).items
        if item.get("id")
    }
    ours = set(
        Conference.objects.filter(kind="call_control")
        .exclude(status=ConferenceStatus.COMPLETED)
        .values_list("conference_id", flat=True)
    )
    events = []
    for conference_id in sorted(ours - set(theirs)):
        report.conferences_ended.append(conference_id)
        events.append(
            _event(
                run,
                EventType.RECONCILE_CONFERENCE_ENDED,
                conference_id=conference_id,
                payload={"reason": "not in progress at Telnyx"},
            )
        )
    names = dict(Conference.objects.filter(conference_id__in=set(theirs)).values_list("conference_id", "name"))
    for conference_id in sorted(set(theirs) - set(names)):
        report.conferences_found.append(conference_id)
        events.append(
            _event(
                run,
                EventType.RECONCILE_CONFERENCE_FOUND,
                conference_id=conference_id,
                payload={"name": theirs[conference_id].get("name", "")},
            )
        )
    # Conference webhooks carry no name; the list does. A supervisor looks for "Incident bridge".
    for conference_id, name in sorted(names.items()):
        if not name and theirs[conference_id].get("name"):
            report.conferences_named.append(conference_id)
            events.append(
                _event(
                    run,
                    EventType.RECONCILE_CONFERENCE_NAMED,
                    conference_id=conference_id,
                    payload={"name": theirs[conference_id]["name"]},
                )
            )
    for conference_id in sorted(theirs):
        listed = client.list_participants(conference_id=conference_id).items
        members = {
            item["call_control_id"]: item
            for item in listed
            if item.get("call_control_id") and item.get("status") != "left"
        }
        joined = set(
            Participant.objects.filter(
                conference__conference_id=conference_id, status=ParticipantStatus.JOINED
            ).values_list("call_control_id", flat=True)
        )
        # The participant PATCH names a participant by Telnyx's id, which no webhook carries.
        known_ids = dict(
            Participant.objects.filter(conference__conference_id=conference_id).values_list(
                "call_control_id", "telnyx_participant_id"
            )
        )
        unidentified = [
            item
            for item in listed
            if item.get("id")
            and item.get("call_control_id") in known_ids
            and item["id"] != known_ids[item["call_control_id"]]
        ]
        report.participants_identified += [item["call_control_id"] for item in unidentified]
        events += participant_identified_events(conference_id, unidentified)
        for call_control_id in sorted(joined - set(members)):
            report.participants_left.append(call_control_id)
            events.append(
                _event(
                    run,
                    EventType.RECONCILE_PARTICIPANT_LEFT,
                    conference_id=conference_id,
                    call_control_id=call_control_id,
                    payload={},
                )
            )
        for call_control_id in sorted(set(members) - joined):
            report.participants_found.append(call_control_id)
            item = members[call_control_id]
            events.append(
                _event(
                    run,
                    EventType.RECONCILE_PARTICIPANT_FOUND,
                    conference_id=conference_id,
                    call_control_id=call_control_id,
                    payload={
                        **{key: item.get(key) for key in ("muted", "on_hold", "call_leg_id")},
                        "participant_id": item.get("id"),
                    },
                )
            )
    return events


def reconcile_with_telnyx(*, client: TelnyxClient | None = None) -> ReconcileReport:
    """Ask Telnyx what is live and write every correction into the event log."""
    client = client or shared_client()
    run = uuid.uuid4().hex[:12]
    report = ReconcileReport()
    try:
        events = _reconcile_calls(client, run, report) + _reconcile_conferences(client, run, report)
        if events:
            ingest_events(events)
    except Exception:
        metrics.RECONCILE_RUNS.labels("failed").inc()
        raise
    metrics.RECONCILE_RUNS.labels("ok").inc()
    for kind, items in vars(report).items():
        if items:
            metrics.RECONCILE_CORRECTIONS.labels(kind).inc(len(items))
    logger.info("reconciliation %s: %d corrections (%s)", run, report.changes, report.summary())
    return report
