"""Supervising a conference (or one participant) against the simulator: the supervisor's phone is
dialled, joined in its role once it answers (the join's supervisor_role and whisper ids), the
participant row shows that role (it showed `none`), `update` switches it, Leave hangs up."""

import pytest

from calls.supervision.models import Supervision
from conferences.models import Conference, Participant
from dashboard.models import OperatorAction, UserProfile
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+13125550199"


@pytest.fixture
def conference(simulator):
    handle = simulator.world.start_conference(name="Incident bridge", participants=2)
    joined = eventually(
        lambda: Participant.objects.filter(conference__conference_id=handle.id, status="joined").count() == 2
    )
    assert joined, "the simulator's conference never reached the dashboard"
    return Conference.objects.get(conference_id=handle.id)


def post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def sent(simulator, path_end: str) -> list[dict]:
    return [item for item in simulator.received if item["method"] == "POST" and item["path"].endswith(path_end)]


def test_whisper_to_one_participant_then_barge_then_leave(supervisor_client, supervisor, simulator, conference):
    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    agent = conference.participants.order_by("id").first().call_control_id
    started = post(
        supervisor_client,
        f"/api/conferences/{conference.conference_id}/supervise/",
        {"role": "whisper", "participant": agent},
    )
    assert started.status_code == 201, started.content
    [dial] = sent(simulator, "/calls")
    assert dial["body"]["to"] == PHONE and "supervise_call_control_id" not in dial["body"]
    supervision = eventually(lambda: Supervision.objects.filter(pk=started.json()["id"], state="connected").first())
    assert supervision is not None, Supervision.objects.get(pk=started.json()["id"]).outcome
    [join] = sent(simulator, f"/conferences/{conference.conference_id}/actions/join")
    leg = supervision.supervisor_call_control_id
    assert join["body"]["call_control_id"] == leg
    assert (join["body"]["supervisor_role"], join["body"]["whisper_call_control_ids"]) == ("whisper", [agent])

    # The participant row says the role the join gave it.
    row = eventually(lambda: Participant.objects.filter(call_control_id=leg, status="joined").first())
    assert row is not None and row.supervisor_role == "whisper"
    page = supervisor_client.get(f"/conferences/{conference.conference_id}/").content.decode()
    assert "Whispering to" in page

    switched = post(supervisor_client, f"/api/supervisions/{supervision.pk}/role/", {"role": "barge"})
    assert switched.status_code == 200, switched.content
    [update] = sent(simulator, f"/conferences/{conference.conference_id}/actions/update")
    assert (update["body"]["call_control_id"], update["body"]["supervisor_role"]) == (leg, "barge")
    assert eventually(lambda: Participant.objects.get(call_control_id=leg, status="joined").supervisor_role == "barge")

    left = post(supervisor_client, f"/api/supervisions/{supervision.pk}/leave/", {})
    assert left.status_code == 200 and left.json()["state"] == "ended"
    assert eventually(lambda: Participant.objects.get(call_control_id=leg).status == "left")
    assert Participant.objects.filter(conference=conference, status="joined").count() == 2
    assert list(OperatorAction.objects.order_by("id").values_list("action", "outcome")) == [
        ("supervise", "ok"),
        ("join", "ok"),
        ("update", "ok"),
        ("hangup", "ok"),
    ]


def test_a_plain_join_with_a_role_shows_the_role_on_the_participant(supervisor_client, simulator, conference):
    handle = simulator.world.answered_call()
    eventually(lambda: conference.participants.exists())
    response = post(
        supervisor_client,
        f"/api/conferences/{conference.conference_id}/actions/join/",
        {"call_control_id": handle.call_control_id, "supervisor_role": "monitor"},
    )
    assert response.status_code == 200, response.content
    row = eventually(lambda: Participant.objects.filter(call_control_id=handle.call_control_id, status="joined").first())
    assert row is not None and row.supervisor_role == "monitor"


def test_a_participant_not_in_the_conference_is_not_found_and_nothing_is_sent(supervisor_client, supervisor, simulator, conference):
    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    response = post(
        supervisor_client,
        f"/api/conferences/{conference.conference_id}/supervise/",
        {"role": "whisper", "participant": "v3:someone-else"},
    )
    assert response.status_code == 404
    assert not sent(simulator, "/calls") and not Supervision.objects.exists()
