"""What a supervisor sees of a call after its webhooks arrive."""

import pytest

from calls.models import Call
from conferences.models import Conference, Participant
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


def deliver(client, *names: str) -> None:
    for name in names:
        assert post_webhook(client, fixture(name)).status_code == 200


def the_call() -> Call:
    return Call.objects.get()


def test_an_initiated_call_is_live_and_ringing(client):
    deliver(client, "call.initiated")
    call = the_call()
    assert (call.state, call.is_alive, call.direction) == ("parked", True, "incoming")
    assert (call.from_number, call.to_number, call.caller_id_name) == (
        "+35319605860",
        "+13129457420",
        "Ada Lovelace",
    )
    assert call.details["custom_headers"] == [{"name": "X-Queue", "value": "sales"}]


def test_answer_bridge_and_hangup_move_the_call_through_its_life(client):
    deliver(client, "call.initiated", "call.answered")
    assert the_call().state == "answered"
    deliver(client, "call.bridged")
    assert the_call().state == "bridged"
    deliver(client, "call.hangup")
    call = the_call()
    assert (call.state, call.is_alive) == ("hangup", False)
    assert (call.hangup_cause, call.hangup_source, call.sip_hangup_cause) == (
        "normal_clearing",
        "caller",
        "200",
    )
    assert call.details["call_quality_stats"]["inbound"]["mos"] == "4.50"


def test_hold_and_unhold(client):
    deliver(client, "call.initiated", "call.answered", "call.hold")
    assert the_call().on_hold is True
    deliver(client, "call.unhold")
    assert the_call().on_hold is False


def test_queue_position_and_dequeue_reason(client):
    deliver(client, "call.initiated", "call.answered", "call.enqueued")
    call = the_call()
    assert (call.state, call.queue_name, call.details["queue"]["current_position"]) == (
        "queued",
        "support",
        2,
    )
    deliver(client, "call.dequeued")
    call = the_call()
    assert call.state == "bridged"
    assert call.details["queue"]["reason"] == "bridged"
    assert call.details["queue"]["wait_time_secs"] == 30


@pytest.mark.parametrize(
    ("name", "facet", "expected"),
    [
        ("call.dtmf.received", "dtmf", "5"),
        ("call.gather.ended", "gather", {"status": "valid", "digits": "1234"}),
        (
            "call.playback.ended",
            "playback",
            {"status": "completed", "media_url": "http://example.com/hold.mp3"},
        ),
        ("call.speak.ended", "speak", {"status": "completed"}),
        ("call.machine.detection.ended", "machine_detection", {"result": "human"}),
        ("call.machine.greeting.ended", "machine_greeting", {"result": "beep_detected"}),
        ("call.fork.started", "fork", {"active": True, "stream_type": "decrypted"}),
        ("call.fork.stopped", "fork", {"active": False}),
        ("call.refer.completed", "refer", {"status": "completed", "sip_notify_response": 200}),
        ("call.refer.failed", "refer", {"status": "failed"}),
        ("siprec.started", "siprec", {"status": "started"}),
        ("siprec.failed", "siprec", {"status": "failed", "failure_cause": "connection_failed"}),
        ("streaming.failed", "streaming", {"status": "failed", "failure_reason": "connection_failed"}),
        ("call.recording.error", "recording_error", {"reason": "Internal server error"}),
        ("call.cost", "cost", {"total_cost": "0.0100", "billed_duration_secs": 60}),
    ],
)
def test_each_call_event_shows_on_the_call(client, name, facet, expected):
    deliver(client, "call.initiated", name)
    value = the_call().details[facet]
    if isinstance(expected, dict):
        assert {k: value[k] for k in expected} == expected
    else:
        assert value == expected


def test_recordings_keep_their_links(client):
    deliver(client, "call.initiated", "call.hangup", "call.recording.saved")
    recording = the_call().details["recordings"][0]
    assert recording["recording_urls"]["mp3"] == "https://s3.example.com/rec.mp3"


def test_a_conference_links_calls_and_participants(client):
    deliver(client, "call.initiated", "call.answered", "conference.created", "conference.participant.joined")
    conference = Conference.objects.get()
    participant = Participant.objects.get()
    call = the_call()
    assert conference.status == "in_progress"
    assert participant.conference == conference
    assert participant.call_control_id == call.call_control_id
    assert participant.status == "joined"
    assert (call.state, call.conference_id) == ("conference", conference.conference_id)


def test_floor_recording_and_end_of_a_conference(client):
    deliver(
        client,
        "conference.created",
        "conference.participant.joined",
        "conference.floor.changed",
        "conference.recording.saved",
        "conference.playback.started",
    )
    conference = Conference.objects.get()
    assert conference.floor_call_control_id == Participant.objects.get().call_control_id
    assert conference.details["recordings"][0]["recording_urls"]["mp3"] == "https://s3.example.com/conf.mp3"
    assert conference.details["playback"]["media_name"] == "welcome"
    deliver(client, "conference.participant.left", "conference.ended")
    conference.refresh_from_db()
    assert (conference.status, conference.end_reason) == ("completed", "all_left")
    assert conference.ended_at is not None
    assert Participant.objects.get().status == "left"


def test_participant_playback_and_speak_show_on_the_participant(client):
    deliver(client, "conference.participant.joined", "conference.participant.speak.started")
    assert Participant.objects.get().details["speak"]["event"] == "conference.participant.speak.started"


def test_a_late_answer_does_not_resurrect_a_call_that_hung_up(client):
    deliver(client, "call.initiated", "call.hangup", "call.answered", "call.bridged", "call.hold")
    call = the_call()
    assert (call.state, call.is_alive, call.on_hold) == ("hangup", False, False)


def test_a_late_join_does_not_bring_back_a_participant_who_left(client):
    deliver(client, "conference.participant.left", "conference.participant.joined")
    assert Participant.objects.get().status == "left"
