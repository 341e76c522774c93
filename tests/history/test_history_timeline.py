"""One timeline per call and per conference: events and operator actions, with their details."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.models import Call
from conferences.models import Conference
from dashboard.models import Event, OperatorAction
from tests.support.webhooks import fixture, post_webhook

from .builders import call_documents, deliver, event

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


def call_page(client, call_control_id: str = "v3:hist-1") -> str:
    response = client.get(f"/calls/{call_control_id}/")
    assert response.status_code == 200
    return response.content.decode()


def timeline_of(page: str) -> str:
    return re.search(r'<ol class="timeline" id="timeline" data-sync-region>(.*?)</ol>', page, re.S).group(1)


def test_the_timeline_shows_retries_and_duplicate_deliveries(supervisor_client):
    initiated, answered, hangup = call_documents(1)
    initiated["meta"]["attempt"] = 3
    deliver(supervisor_client, initiated, answered, answered, answered, hangup)
    timeline = timeline_of(call_page(supervisor_client))
    assert timeline.count('class="timeline-event') == 3
    assert "attempt 3" in timeline
    assert "2 duplicates" in timeline
    assert "hangup_cause: normal_clearing" in timeline


def test_the_timeline_decodes_client_state_and_links_recordings(supervisor_client):
    recording = event(
        "call.recording.saved",
        1,
        timezone.now(),
        recording_urls={"mp3": "https://s3.example.com/rec.mp3", "wav": "javascript:alert(1)"},
    )
    deliver(supervisor_client, *call_documents(1), recording)
    timeline = timeline_of(call_page(supervisor_client))
    assert "have a nice day" in timeline
    assert (
        '<a href="https://s3.example.com/rec.mp3" rel="noopener noreferrer" target="_blank">mp3</a>'
        in timeline
    )
    assert 'href="javascript:' not in timeline


def test_events_and_operator_actions_are_interleaved_by_time(supervisor_client):
    start = timezone.now() - timedelta(minutes=10)
    deliver(supervisor_client, *call_documents(1, start=start, duration=60))
    action = OperatorAction.objects.create(
        created_at=start + timedelta(seconds=30),
        username="sam-supervisor",
        action="record_start",
        target_type="call",
        call_control_id="v3:hist-1",
        outcome="refused",
        http_status=422,
        error_code="90018",
        error_title="Call has already ended",
        parameters={"format": "mp3"},
    )
    timeline = timeline_of(call_page(supervisor_client))
    order = re.findall(r'<li class="timeline-(event|action)', timeline)
    assert order == ["event", "event", "action", "event"]
    assert f'href="/history/actions/{action.pk}/"' in timeline
    assert "90018 Call has already ended" in timeline and "HTTP 422" in timeline


def test_the_raw_payload_is_pretty_printed_and_escaped(supervisor_client):
    deliver(supervisor_client, *call_documents(1, caller_id_name=HOSTILE))
    page = call_page(supervisor_client)
    assert HOSTILE not in page
    assert "&quot;caller_id_name&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in timeline_of(
        page
    )


def test_a_timeline_costs_the_same_queries_for_three_events_or_thirty(
    supervisor_client, django_assert_max_num_queries
):
    deliver(supervisor_client, *call_documents(1))
    # Ten: the call, its events and actions, plus what every page's header reads (session, user,
    # permissions, the feed's last webhook, the alerts, the supervision bar).
    with django_assert_max_num_queries(10) as few:
        call_page(supervisor_client)
    for k in range(27):
        dtmf = event("call.dtmf.received", 1, timezone.now(), digit=str(k % 10))
        dtmf["data"]["id"] = f"dtmf-{k}"
        post_webhook(supervisor_client, dtmf)
    for _ in range(5):
        OperatorAction.objects.create(
            created_at=timezone.now(),
            username="sam",
            action="send_dtmf",
            target_type="call",
            call_control_id="v3:hist-1",
            outcome="ok",
        )
    with django_assert_max_num_queries(10) as many:
        page = call_page(supervisor_client)
    assert timeline_of(page).count('class="timeline-') == 35
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_conference_timeline_names_the_participant_of_each_event(supervisor_client):
    deliver(
        supervisor_client,
        fixture("conference.created"),
        fixture("conference.participant.joined"),
        fixture("conference.participant.left"),
    )
    conference = Conference.objects.get()
    page = supervisor_client.get(f"/conferences/{conference.conference_id}/").content.decode()
    timeline = timeline_of(page)
    assert timeline.count('class="timeline-event') == 3
    assert "call: v3:u5OAKGEPT3Dx8SZSSDRWEMdNH2OripQhO" in timeline


def test_an_event_has_its_own_page(supervisor_client):
    deliver(supervisor_client, *call_documents(1))
    hangup = Event.objects.get(event_type="call.hangup")
    page = supervisor_client.get(f"/history/events/{hangup.pk}/").content.decode()
    assert "hist-1-call.hangup" in page and 'id="event-raw-body"' in page
    assert f'href="/calls/{Call.objects.get().call_control_id}/"' in page
    assert supervisor_client.get("/history/events/999999/").status_code == 404


def test_an_operator_confirmed_fact_shows_its_payload(supervisor_client):
    deliver(supervisor_client, *call_documents(1, ended=False))
    Event.objects.create(
        event_id="op-1",
        event_type="dashboard.call.client_state_updated",
        source="operator",
        received_at=timezone.now(),
        call_control_id="v3:hist-1",
        payload={"client_state": "aGVsbG8="},
    )
    timeline = timeline_of(call_page(supervisor_client))
    assert "Operator command" in timeline and "&quot;client_state&quot;: &quot;aGVsbG8=&quot;" in timeline
