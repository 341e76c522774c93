"""Timelines name people ("Ana Ruiz (+1312…) joined"), and a conference's floor changes become
talk time and one collapsed group instead of dozens of lines."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from conferences.models import Conference
from tests.support.webhooks import envelope, fixture, post_webhook

pytestmark = pytest.mark.django_db

CONFERENCE = "41b9acd4-f4da-4ff5-a85c-e07e90b53f46"
START = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _call(client, leg: str, number: str, name: str) -> None:
    payload = {
        "call_control_id": leg,
        "call_leg_id": f"leg-{leg}",
        "call_session_id": f"session-{leg}",
        "connection_id": "1494404757140276705",
        "from": number,
        "to": "+13125550100",
        "direction": "incoming",
        "state": "parked",
        "caller_id_name": name,
        "start_time": START.isoformat(),
    }
    post_webhook(
        client, envelope("call.initiated", payload, event_id=f"init-{leg}", occurred_at=START.isoformat())
    )


def _conference_event(client, event_type: str, leg: str, seconds: float, n: int) -> None:
    payload = {"call_control_id": leg, "conference_id": CONFERENCE, "connection_id": "1494404757140276705"}
    at = (START + timedelta(seconds=seconds)).isoformat()
    post_webhook(client, envelope(event_type, payload, event_id=f"{event_type}-{leg}-{n}", occurred_at=at))


@pytest.fixture
def conference_page(client, supervisor_client):
    post_webhook(client, fixture("call.initiated"))  # the call that starts the conference
    post_webhook(client, fixture("conference.created"))
    _call(client, "v3:ana", "+13125550101", "Ana Ruiz")
    _call(client, "v3:bo", "+13125550102", "")
    _conference_event(client, "conference.participant.joined", "v3:ana", 1, 0)
    _conference_event(client, "conference.participant.joined", "v3:bo", 2, 0)
    # Ana talks 10 s, Bo 5 s, Ana 20 s more: three floor changes.
    for n, (leg, at) in enumerate((("v3:ana", 10), ("v3:bo", 20), ("v3:ana", 25))):
        _conference_event(client, "conference.floor.changed", leg, at, n)
    _conference_event(client, "conference.participant.left", "v3:bo", 40, 0)
    post_webhook(
        client,
        envelope(
            "conference.ended",
            {"conference_id": CONFERENCE, "reason": "host_left"},
            event_id="ended-1",
            occurred_at=(START + timedelta(seconds=45)).isoformat(),
        ),
    )
    return supervisor_client.get(f"/conferences/{Conference.objects.get().conference_id}/").content.decode()


def test_the_conference_timeline_names_participants(conference_page):
    timeline = re.search(r'id="timeline" data-sync-region>(.*?)</ol>', conference_page, re.S).group(1)
    assert '<strong class="who">Ana Ruiz (+13125550101)</strong> joined' in timeline
    assert '<strong class="who">+13125550102</strong> left' in timeline
    assert '<strong class="who">Ada Lovelace (+35319605860)</strong> started the conference' in timeline
    assert "call: v3:" not in timeline
    assert "conference.floor.changed" not in timeline


def test_floor_changes_become_talk_time_and_one_collapsed_group(conference_page):
    talk = re.search(r'<table class="talk-time">(.*?)</table>', conference_page, re.S).group(1)
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"duration\">(.*?)</td><td>(\d+)</td></tr>", talk)
    assert rows == [("Ana Ruiz (+13125550101)", "0:30", "2"), ("+13125550102", "0:05", "1")]
    assert "<summary>floor changes (3)</summary>" in conference_page
    assert '<details class="floor-changes"><summary>' in conference_page  # collapsed: no "open"
