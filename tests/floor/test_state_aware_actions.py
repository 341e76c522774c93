"""One table says which call state allows which action: the page offers only those, and a post
for any other is refused by the dashboard itself, audited as invalid, with nothing sent."""

import pytest

from calls.models import Call
from conferences.models import Participant
from dashboard.models import OperatorAction
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def ringing_call(client):
    post_webhook(client, fixture("call.initiated"))
    return Call.objects.get()


@pytest.fixture
def answered_call(client, ringing_call):
    post_webhook(client, fixture("call.answered"))
    return Call.objects.get()


def _offered(client, call: Call) -> set[str]:
    page = client.get(f"/calls/{call.call_control_id}/").content.decode()
    return {
        name
        for name in ("answer", "bridge", "enqueue", "hangup", "transfer", "speak")
        if f"actions/{name}/" in page
    }


def test_a_ringing_incoming_call_offers_answer_and_no_media_command(supervisor_client, ringing_call):
    assert _offered(supervisor_client, ringing_call) == {"answer", "hangup", "transfer"}


def test_an_answered_call_offers_no_answer_but_bridge_and_enqueue(supervisor_client, answered_call):
    assert _offered(supervisor_client, answered_call) == {"bridge", "enqueue", "hangup", "transfer", "speak"}


def test_answer_posted_for_an_answered_call_is_refused_unsent_and_audited(
    supervisor_client, answered_call, simulator
):
    before = len(simulator.received)
    response = supervisor_client.post(
        f"/calls/{answered_call.call_control_id}/actions/answer/", {"submission_id": "x-1"}, follow=True
    )
    page = response.content.decode()
    assert "Answer is not available now: the call is answered. Nothing was sent." in page
    assert len(simulator.received) == before
    record = OperatorAction.objects.get(action="answer")
    assert record.outcome == "invalid" and "not available" in record.error_detail


def test_the_inline_post_gets_the_refusal_as_json(supervisor_client, ringing_call, simulator):
    response = supervisor_client.post(
        f"/calls/{ringing_call.call_control_id}/actions/speak/",
        {"payload": "hello", "voice": "female", "language": "en-US"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert response.json()["message"] == "Speak is not available now: the call is ringing. Nothing was sent."
    assert not simulator.received


def test_stopping_what_was_never_started_is_refused(supervisor_client, answered_call, simulator):
    for action in ("fork_stop", "record_pause", "record_resume", "siprec_stop", "suppression_stop"):
        response = supervisor_client.post(
            f"/calls/{answered_call.call_control_id}/actions/{action}/", {}, HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 409, action
    assert not simulator.received
    assert set(OperatorAction.objects.values_list("outcome", flat=True)) == {"invalid"}


def test_pause_and_resume_follow_the_recording(supervisor_client, answered_call, simulator):
    url = f"/calls/{answered_call.call_control_id}/"
    OperatorAction.objects.create(
        created_at=answered_call.answered_at,
        username="supervisor",
        channel="web",
        action="record_start",
        target_type="call",
        call_control_id=answered_call.call_control_id,
        parameters={},
        outcome="ok",
    )
    page = supervisor_client.get(url).content.decode()
    assert "actions/record_pause/" in page and "actions/record_resume/" not in page
    post_webhook(supervisor_client, fixture("call.recording.saved"))
    page = supervisor_client.get(url).content.decode()
    assert "actions/record_pause/" not in page


def test_an_ended_conference_and_a_departed_participant_take_no_command(supervisor_client, client, simulator):
    for name in ("conference.created", "conference.participant.joined", "conference.participant.left"):
        post_webhook(client, fixture(name))
    participant = Participant.objects.select_related("conference").get()
    conference = participant.conference
    response = supervisor_client.post(
        f"/conferences/{conference.conference_id}/participants/{participant.call_control_id}/actions/mute/",
        {},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert (
        response.json()["message"] == "Mute is not available now: the participant is gone. Nothing was sent."
    )
    post_webhook(client, fixture("conference.ended"))
    response = supervisor_client.post(
        f"/conferences/{conference.conference_id}/actions/mute/", {}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert "the conference is ended" in response.json()["message"]
    assert not simulator.received
