"""The live conference list stays small however many conferences are live: a participant's
actions are rendered once for the page (static/floor.js fills a participant's menu from them), the
rows come from the row cache, and its reads do not grow with the number of conferences."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conferences.models import Conference, Participant
from dashboard.models import Event, OperatorAction

pytestmark = pytest.mark.django_db


def _conference(name: str, *, participants: int = 2, kind: str = "call_control") -> Conference:
    now = timezone.now()
    conference = Conference.objects.create(
        conference_id=f"conf-{uuid.uuid4()}", name=name, kind=kind, status="in_progress",
        created_at=now - timedelta(minutes=1), last_event_at=now, version=2,
    )
    for seat in range(participants):
        Participant.objects.create(
            conference=conference, call_control_id=f"v3:{uuid.uuid4()}", label=f"{name} seat {seat}",
            status="joined", joined_at=now, last_event_at=now, version=1,
        )
    return conference


def _row(page: str, dom_id: str) -> str:
    return re.search(rf'<tr id="{dom_id}".*?</tr>', page, re.S).group(0)


def _rows(page: str) -> str:
    return page.split('id="live-rows"', 1)[1].split("</tbody>", 1)[0]


def test_each_participants_actions_are_rendered_once_for_the_page(supervisor_client):
    conferences = [_conference(f"Room {n}") for n in range(3)] + [_conference("TeXML room", kind="texml")]
    page = supervisor_client.get("/conferences/").content.decode()

    rows = _rows(page)
    assert "/participants/" not in rows  # no participant's form in the rows
    assert rows.count('<details class="participant-menu">') == 8
    assert page.count('<template id="participant-menu-control">') == 1
    assert page.count('<template id="participant-menu-texml">') == 1
    texml_seat = conferences[-1].participants.first()
    assert 'data-menu="texml"' in _row(page, f"floor-participant-{texml_seat.pk}")
    # The menus hold every participant action, with placeholders floor.js fills from the row.
    menus = page.split('<template id="participant-menu-control">', 1)[1]
    for action in ("mute", "unmute", "hold", "unhold", "leave", "update", "participant_update"):
        assert f"/conferences/__conference__/participants/__participant__/actions/{action}/" in menus
    assert 'id="id_p__row___update_supervisor_role"' in menus  # floor.js puts the row's pk in place
    # The conference row: Listen and Barge from the supervisor's phone, and its own actions.
    row = _row(page, f"conference-{conferences[0].pk}")
    assert f'action="/supervision/conferences/{conferences[0].conference_id}/"' in row
    assert 'value="monitor"' in row and 'value="barge"' in row
    assert "/actions/mute/" in row and "/actions/end/" in row


def test_a_viewer_gets_names_that_link_to_calls_and_no_menus(viewer_client):
    conference = _conference("Read only")
    page = viewer_client.get("/conferences/").content.decode()
    seat = conference.participants.first()
    assert f'href="/calls/{seat.call_control_id}/"' in _row(page, f"floor-participant-{seat.pk}")
    assert "participant-menu" not in page and "<form" not in _rows(page)


def test_the_list_reads_the_same_few_queries_for_3_or_30_new_conferences(supervisor_client):
    supervisor_client.get("/conferences/")  # the session, permissions and the page's other reads

    def queries_for_new(count: int) -> int:
        Conference.objects.update(status="completed")  # only the new ones are live: all rendered
        for n in range(count):
            _conference(f"Batch of {count}, room {n}")
        with CaptureQueriesContext(connection) as queries:
            assert supervisor_client.get("/conferences/").status_code == 200
        return len(queries)

    few, many = queries_for_new(3), queries_for_new(30)
    assert few == many, (few, many)
    with CaptureQueriesContext(connection) as warm:
        supervisor_client.get("/conferences/")
    assert len(warm) < many  # nothing to render: the stamps only


def test_the_recording_badge_follows_the_dashboards_own_recordings(supervisor_client):
    started = timezone.now() - timedelta(seconds=30)
    recording, stopped, saved, silent = (_conference(name) for name in ("Recording", "Stopped", "Saved", "Silent"))

    def record(conference: Conference, action: str, seconds: int) -> None:
        OperatorAction.objects.create(
            created_at=started + timedelta(seconds=seconds), username="supervisor", channel="web",
            action=action, target_type="conference", conference_id=conference.conference_id,
            parameters={}, outcome="ok",
        )

    for conference in (recording, stopped, saved):
        record(conference, "record_start", 0)
    record(stopped, "record_stop", 5)
    Event.objects.create(
        event_id=str(uuid.uuid4()), event_type="conference.recording.saved", received_at=started + timedelta(seconds=10),
        conference_id=saved.conference_id, payload={}, raw_body="{}",
    )
    page = supervisor_client.get("/conferences/").content.decode()
    badges = {c.name: "badge recording" in _row(page, f"conference-{c.pk}") for c in (recording, stopped, saved, silent)}
    assert badges == {"Recording": True, "Stopped": False, "Saved": False, "Silent": False}
