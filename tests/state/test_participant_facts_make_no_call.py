"""Facts about a conference participant never invent a call: a TeXML leg has no Call row."""

from datetime import UTC, datetime

import pytest

from calls.models import Call
from dashboard.eventlog.incoming import IncomingEvent
from dashboard.eventlog.ingest import ingest_events
from dashboard.eventlog.rebuild import state_rebuild

pytestmark = pytest.mark.django_db

LEG = "CA-texml-leg-1"


def fact(event_type: str, event_id: str) -> IncomingEvent:
    return IncomingEvent(
        event_id=event_id,
        event_type=event_type,
        source="reconcile" if event_type.startswith("reconcile.") else "operator",
        occurred_at=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
        attempt=1,
        payload={"call_control_id": LEG, "conference_id": "conf-1", "participant_id": "p-1"},
        raw_body="",
        call_control_id=LEG,
        conference_id="conf-1",
    )


def test_a_participant_fact_about_a_leg_without_a_call_adds_no_live_call():
    ingest_events(
        [
            fact("reconcile.participant.identified", "r-1"),
            fact("dashboard.participant.texml_updated", "d-1"),
        ]
    )
    assert not Call.objects.filter(call_control_id=LEG).exists()
    state_rebuild()
    assert not Call.objects.filter(call_control_id=LEG).exists()
