"""The supervision API against the simulator: start, switch role, leave, list; denied for viewers
(audited), bad input refused with nothing sent (audited), Telnyx's refusals shown (422)."""

import pytest
from django.conf import settings

from calls.models import Call
from calls.supervision.models import Supervision
from dashboard.models import OperatorAction, UserProfile
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+13125550199"


def live_call(simulator, *, ringing: bool = False) -> Call:
    handle = simulator.world.incoming_call() if ringing else simulator.world.answered_call()
    state = "parked" if ringing else "answered"
    call = eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state=state).first())
    assert call is not None, "the simulator's call never reached the dashboard"
    return call


def with_phone(user, phone: str = PHONE) -> None:
    UserProfile.objects.update_or_create(user=user, defaults={"supervisor_phone": phone})


def post(client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def sent(simulator, path_end: str) -> list[dict]:
    return [item for item in simulator.received if item["method"] == "POST" and item["path"].endswith(path_end)]


def test_listen_whisper_barge_leave_through_the_api(supervisor_client, supervisor, simulator):
    with_phone(supervisor)
    call = live_call(simulator)

    started = post(supervisor_client, f"/api/calls/{call.call_control_id}/supervise/", {"role": "monitor"})
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["target"], body["role"], body["user"], body["supervisor_phone"]) == (
        call.call_control_id,
        "monitor",
        "sam-supervisor",
        PHONE,
    )
    leg = body["supervisor_call_control_id"]
    [dial] = sent(simulator, "/calls")
    assert dial["body"]["supervise_call_control_id"] == call.call_control_id
    assert dial["body"]["supervisor_role"] == "monitor"
    assert (dial["body"]["to"], dial["body"]["connection_id"]) == (PHONE, settings.TELNYX_CONNECTION_ID)

    supervision = Supervision.objects.get(pk=body["id"])
    assert eventually(lambda: Supervision.objects.get(pk=supervision.pk).state == "connected")
    listed = supervisor_client.get("/api/supervisions/?active=1").json()
    assert [item["id"] for item in listed["results"]] == [supervision.pk]

    for role in ("whisper", "barge"):
        switched = post(supervisor_client, f"/api/supervisions/{supervision.pk}/role/", {"role": role})
        assert switched.status_code == 200, switched.content
        assert switched.json()["role"] == role
    assert [item["body"] for item in sent(simulator, f"/calls/{leg}/actions/switch_supervisor_role")] == [
        {"role": "whisper"},
        {"role": "barge"},
    ]

    left = post(supervisor_client, f"/api/supervisions/{supervision.pk}/leave/", {})
    assert left.status_code == 200 and left.json()["state"] == "ended"
    assert sent(simulator, f"/calls/{leg}/actions/hangup")
    assert not sent(simulator, f"/calls/{call.call_control_id}/actions/hangup")
    assert eventually(lambda: not Call.objects.get(call_control_id=leg).is_alive)
    assert Call.objects.get(pk=call.pk).is_alive  # the supervised call goes on
    assert supervisor_client.get("/api/supervisions/?active=1").json()["results"] == []
    audited = list(OperatorAction.objects.order_by("id").values_list("action", "outcome"))
    assert audited == [
        ("supervise", "ok"),
        ("switch_supervisor_role", "ok"),
        ("switch_supervisor_role", "ok"),
        ("hangup", "ok"),
    ]


def test_a_viewer_is_refused_audited_and_nothing_is_sent(viewer_client, viewer, simulator):
    with_phone(viewer)
    call = live_call(simulator)
    response = post(viewer_client, f"/api/calls/{call.call_control_id}/supervise/", {"role": "monitor"})
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "permission_denied"
    record = OperatorAction.objects.get()
    assert (record.action, record.outcome, record.username) == ("supervise", "denied", "val-viewer")
    assert not sent(simulator, "/calls") and not Supervision.objects.exists()
    assert viewer_client.get("/api/supervisions/").status_code == 403


@pytest.mark.parametrize(
    ("phone", "body", "field"),
    [
        (PHONE, {"role": "boss"}, "role"),
        (PHONE, {}, "role"),
        (PHONE, ["monitor"], "role"),
        ("", {"role": "monitor"}, "to"),
    ],
    ids=["unknown-role", "no-role", "not-an-object", "no-supervisor-phone"],
)
def test_bad_input_is_refused_with_nothing_sent_and_audited(supervisor_client, supervisor, simulator, phone, body, field):
    with_phone(supervisor, phone)
    call = live_call(simulator)
    response = post(supervisor_client, f"/api/calls/{call.call_control_id}/supervise/", body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid" and field in error["fields"]
    if field == "to":
        assert "/profile/" in error["message"]
    assert (OperatorAction.objects.get().action, OperatorAction.objects.get().outcome) == ("supervise", "invalid")
    assert not sent(simulator, "/calls") and not Supervision.objects.exists()


def test_telnyxs_refusal_of_an_unanswered_call_is_shown(supervisor_client, supervisor, simulator):
    with_phone(supervisor)
    call = live_call(simulator, ringing=True)
    response = post(supervisor_client, f"/api/calls/{call.call_control_id}/supervise/", {"role": "monitor"})
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["error"]["type"] == "refused"
    assert (answer["error"]["telnyx"]["code"], answer["error"]["telnyx"]["title"]) == ("90033", "Unable to execute command")
    assert answer["supervision"]["state"] == "failed"
    assert "90033 Unable to execute command" in answer["supervision"]["outcome"]
    assert OperatorAction.objects.get().outcome == "refused"


def test_a_supervisor_phone_that_does_not_answer_ends_the_supervision(supervisor_client, supervisor, simulator):
    with_phone(supervisor)
    simulator.world.set_dial_outcome(PHONE, "busy")
    call = live_call(simulator)
    started = post(supervisor_client, f"/api/calls/{call.call_control_id}/supervise/", {"role": "barge"})
    assert started.status_code == 201
    ended = eventually(lambda: Supervision.objects.filter(pk=started.json()["id"], state="ended").first())
    assert ended is not None and ended.outcome.startswith("Your phone did not answer (user busy)")
    assert ended.connected_at is None


def test_nobody_steers_another_persons_supervision(client, supervisor, admin_user, simulator):
    supervision = Supervision.objects.create(
        user=supervisor, username=supervisor.username, target_call_control_id="v3:x", supervisor_phone=PHONE,
        started_at="2026-01-01T00:00:00Z",
    )
    client.force_login(admin_user)
    assert post(client, f"/api/supervisions/{supervision.pk}/role/", {"role": "barge"}).status_code == 404
    assert post(client, f"/api/supervisions/{supervision.pk}/leave/", {}).status_code == 404
    assert not simulator.received


def test_listen_twice_dials_once_and_another_role_on_the_same_call_switches(supervisor_client, supervisor, simulator):
    with_phone(supervisor)
    call = live_call(simulator)
    url = f"/api/calls/{call.call_control_id}/supervise/"
    first = post(supervisor_client, url, {"role": "monitor"})
    assert eventually(lambda: Supervision.objects.get(pk=first.json()["id"]).state == "connected")
    again = post(supervisor_client, url, {"role": "monitor"})
    assert again.json()["id"] == first.json()["id"] and len(sent(simulator, "/calls")) == 1
    whisper = post(supervisor_client, url, {"role": "whisper"})
    assert whisper.json()["id"] == first.json()["id"] and whisper.json()["role"] == "whisper"
    assert len(sent(simulator, "/calls")) == 1
    assert sent(simulator, "/actions/switch_supervisor_role")[0]["body"] == {"role": "whisper"}


def test_listening_to_another_call_leaves_the_first(supervisor_client, supervisor, simulator):
    with_phone(supervisor)
    first_call, second_call = live_call(simulator), live_call(simulator)
    first = post(supervisor_client, f"/api/calls/{first_call.call_control_id}/supervise/", {"role": "monitor"}).json()
    assert eventually(lambda: Supervision.objects.get(pk=first["id"]).state == "connected")
    second = post(supervisor_client, f"/api/calls/{second_call.call_control_id}/supervise/", {"role": "monitor"}).json()
    assert Supervision.objects.get(pk=first["id"]).state == "ended"
    assert sent(simulator, f"/calls/{first['supervisor_call_control_id']}/actions/hangup")
    assert eventually(lambda: Supervision.objects.get(pk=second["id"]).state == "connected")
    assert [item["id"] for item in supervisor_client.get("/api/supervisions/?active=1").json()["results"]] == [second["id"]]
