"""A participant held in its conference is a call on hold everywhere: the live calls row (badge,
colour, the "on hold" filter), the overview's count, the hold alerts."""

import re

import pytest

from calls.models import Call
from conferences.models import Participant
from dashboard.actions.runner import operator_event
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.ingest import ingest_events
from operations.overview import overview
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def _act(client, participant: Participant, action: str) -> None:
    url = f"/conferences/{participant.conference.conference_id}/participants/{participant.call_control_id}/actions/{action}/"
    response = client.post(url, {}, HTTP_ACCEPT="application/json")
    assert response.json()["outcome"] == "ok", response.json()


def test_holding_a_participant_puts_its_call_on_hold_everywhere(supervisor_client, simulator):
    handle = simulator.world.start_conference(name="Escalations", participants=2)
    assert eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    participant = (
        Participant.objects.select_related("conference").filter(conference__conference_id=handle.id).first()
    )
    call = Call.objects.get(call_control_id=participant.call_control_id)
    assert not call.on_hold

    _act(supervisor_client, participant, "hold")
    call.refresh_from_db()
    assert call.on_hold and call.details["hold_since"]
    page = supervisor_client.get("/calls/").content.decode()
    row = re.search(rf'<tr id="call-{call.pk}"[^>]*>.*?</tr>', page, re.S).group(0)
    assert "on-hold" in row.split(">")[0] and '<span class="badge hold">on hold</span>' in row
    assert overview()["on_hold"] == 1

    _act(supervisor_client, participant, "unhold")
    call.refresh_from_db()
    assert not call.on_hold
    assert overview()["on_hold"] == 0


def test_a_hold_fact_about_a_leg_with_no_call_invents_none():
    fact = operator_event(
        EventType.DASHBOARD_PARTICIPANT_HELD,
        command_id="c-1",
        call_control_id="CA0123456789abcdef",
        conference_id="conf-texml",
        payload={},
    )
    ingest_events([fact])
    assert not Call.objects.exists()
