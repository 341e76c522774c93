"""Conference and participant commands against the simulator, from the API and the page."""

import socket
import threading
import time

import pytest
from django.utils.html import escape

from conferences.models import Conference, Participant
from dashboard.models import OperatorAction
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conference(simulator):
    handle = simulator.world.start_conference(name="Incident bridge", participants=3)
    joined = eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 3
    )
    assert joined, "the simulator's conference never reached the dashboard"
    return Conference.objects.get(conference_id=handle.id)


def participant_url(conference: Conference, participant: Participant, action: str) -> str:
    return f"/api/conferences/{conference.conference_id}/participants/{participant.call_control_id}/actions/{action}/"


def world_participant(simulator, conference: Conference, call_control_id: str) -> dict:
    info = simulator.world.conference_info(conference.conference_id)
    return next(p for p in info["participants"] if p["call_control_id"] == call_control_id)


@pytest.mark.parametrize(
    ("action", "data", "path_suffix", "body", "state"),
    [
        ("mute", {}, "actions/mute", lambda p: {"call_control_ids": [p]}, {"muted": True}),
        ("hold", {}, "actions/hold", lambda p: {"call_control_ids": [p]}, {"on_hold": True}),
        (
            "update",
            {"supervisor_role": "monitor"},
            "actions/update",
            lambda p: {"supervisor_role": "monitor", "call_control_id": p},
            {"supervisor_role": "monitor"},
        ),
        (
            "participant_update",
            {"end_conference_on_exit": "true"},
            "participants/{p}",
            lambda p: {"end_conference_on_exit": True},
            {"end_conference_on_exit": True},
        ),
        ("leave", {}, "actions/leave", lambda p: {"call_control_id": p}, {"status": "left"}),
    ],
)
def test_participant_actions_reach_telnyx_and_show_on_the_participant(
    supervisor_client, simulator, conference, action, data, path_suffix, body, state
):
    participant = conference.participants.order_by("pk").first()
    # Seed 001's PATCH names the participant by its own id, not its call_control_id.
    telnyx_id = world_participant(simulator, conference, participant.call_control_id)["id"]
    response = supervisor_client.post(
        participant_url(conference, participant, action), data, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    record = response.json()
    assert (record["action"], record["outcome"], record["target_type"]) == (action, "ok", "participant")
    request = simulator.received[-1]
    expected_path = f"/v2/conferences/{conference.conference_id}/" + path_suffix.format(p=telnyx_id)
    assert request["path"] == expected_path
    assert request["method"] == ("PATCH" if action == "participant_update" else "POST")
    sent = {key: value for key, value in request["body"].items() if key != "command_id"}
    assert sent == body(participant.call_control_id)
    assert eventually(
        lambda: all(getattr(Participant.objects.get(pk=participant.pk), k) == v for k, v in state.items())
    )
    assert OperatorAction.objects.filter(action=action).count() == 1


def test_unmute_and_unhold_undo_the_change(supervisor_client, simulator, conference):
    participant = conference.participants.order_by("pk").first()
    for action in ("mute", "hold", "unmute", "unhold"):
        assert supervisor_client.post(participant_url(conference, participant, action), {}).status_code == 200
    participant.refresh_from_db()
    assert (participant.muted, participant.on_hold) == (False, False)
    seen = world_participant(simulator, conference, participant.call_control_id)
    assert (seen["muted"], seen["on_hold"]) == (False, False)


def test_mute_all_mutes_every_participant_and_a_rebuild_keeps_it(supervisor_client, simulator, conference):
    from dashboard.eventlog.rebuild import state_rebuild

    response = supervisor_client.post(f"/api/conferences/{conference.conference_id}/actions/mute/", {})
    assert response.status_code == 200, response.json()
    assert simulator.received[-1]["body"]["call_control_ids"] == []
    assert set(conference.participants.values_list("muted", flat=True)) == {True}
    state_rebuild()
    assert set(Participant.objects.values_list("muted", flat=True)) == {True}


def test_ending_the_conference_from_the_page_asks_telnyx_and_the_conference_ends(
    supervisor_client, simulator, conference
):
    response = supervisor_client.post(
        f"/conferences/{conference.conference_id}/actions/end/", {"submission_id": "end-1"}, follow=True
    )
    assert f"Ended {escape(conference.name or 'conference ' + conference.conference_id)}. Telnyx accepted it." in response.content.decode()
    assert eventually(lambda: Conference.objects.get(pk=conference.pk).status == "completed")
    assert OperatorAction.objects.get(action="end").outcome == "ok"


def test_a_texml_participant_update_is_form_encoded(supervisor_client, simulator):
    resource = simulator.world.texml_dial_participant("Morning standup", to="+18005550150", label="agent-7")
    participant = eventually(
        lambda: Participant.objects.filter(status="joined", conference__kind="texml").first()
    )
    assert participant is not None, resource
    conference = participant.conference
    response = supervisor_client.post(
        participant_url(conference, participant, "texml_update"),
        {"Muted": "true"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    request = simulator.received[-1]
    assert request["method"] == "POST"
    # Seed 003: "CallSid or Label of the Participant to update"; labels may repeat, the CallSid not.
    assert "/texml/Accounts/" in request["path"] and request["path"].endswith(
        f"/Conferences/{conference.conference_id}/Participants/{participant.call_control_id}"
    )
    assert request["body"] == {"Muted": "true"}
    assert eventually(lambda: Participant.objects.get(pk=participant.pk).muted is True)


@pytest.fixture
def silent_telnyx(settings):
    """A Telnyx that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.TELNYX_API_BASE = f"http://127.0.0.1:{listener.getsockname()[1]}/v2"
    settings.TELNYX_TIMEOUT_SECS = 0.3
    yield
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_timeout_ends_as_a_clear_failure_and_an_audit_record(supervisor_client, conference, silent_telnyx):
    participant = conference.participants.order_by("pk").first()
    started = time.monotonic()
    response = supervisor_client.post(participant_url(conference, participant, "mute"), {})
    assert time.monotonic() - started < 5
    assert response.status_code == 502
    body = response.json()
    assert body["error"]["type"] == "failed"
    record = OperatorAction.objects.get(action="mute")
    assert record.outcome == "failed" and record.http_status is None
    participant.refresh_from_db()
    assert participant.muted is False
