"""Supervision on the pages without a script: the bar read from the database on every page, the
buttons' plain posts answered with a message on the page they came from."""

import pytest
from django.test import Client
from django.utils import timezone

from calls.models import Call
from calls.supervision.models import Supervision
from dashboard.models import OperatorAction, UserProfile

pytestmark = pytest.mark.django_db

PHONE = "+13125550199"


def a_call(**fields) -> Call:
    defaults = {
        "call_control_id": "v3:ana",
        "direction": "incoming",
        "state": "answered",
        "from_number": "+13125550142",
        "to_number": "+13125550100",
        "caller_id_name": "Ana Ruiz",
        "start_time": timezone.now(),
    }
    return Call.objects.create(**{**defaults, **fields})


def a_supervision(user, **fields) -> Supervision:
    defaults = {
        "user": user,
        "username": user.username,
        "target_call_control_id": "v3:ana",
        "target_name": "Ana Ruiz (+13125550142)",
        "supervisor_phone": PHONE,
        "supervisor_call_control_id": "v3:leg",
        "state": "connected",
        "role": "whisper",
        "started_at": timezone.now(),
        "connected_at": timezone.now(),
    }
    return Supervision.objects.create(**{**defaults, **fields})


@pytest.mark.parametrize("path", ["/calls/", "/overview/", "/history/calls/", "/profile/"])
def test_the_bar_is_on_every_page_while_supervising(supervisor_client, supervisor, path):
    a_supervision(supervisor)
    page = supervisor_client.get(path).content.decode()
    assert 'class="supervision-bar state-connected role-whisper"' in page
    assert "Whispering to" in page and "Ana Ruiz (+13125550142)" in page
    assert 'value="whisper" aria-pressed="true"' in page and ">Leave</button>" in page


def test_nobody_sees_another_persons_bar_and_a_closed_one_is_gone(supervisor_client, supervisor, admin_user):
    ended = a_supervision(supervisor, state="ended", ended_at=timezone.now(), outcome="You left.")
    other = Client()
    other.force_login(admin_user)
    assert "supervision-bar state" not in other.get("/calls/").content.decode()
    assert other.post(f"/supervision/{ended.pk}/close/").status_code == 404  # not theirs
    page = supervisor_client.get("/calls/").content.decode()
    assert "You left." in page and ">Close</button>" in page and ">Leave</button>" not in page
    assert supervisor_client.post(f"/supervision/{ended.pk}/close/").status_code == 302
    assert "supervision-bar state" not in supervisor_client.get("/calls/").content.decode()


def test_listen_without_a_supervisor_phone_links_to_the_profile(supervisor_client):
    call = a_call()
    response = supervisor_client.post(
        f"/supervision/calls/{call.call_control_id}/", {"role": "monitor"}, HTTP_REFERER="http://testserver/calls/"
    )
    assert response.status_code == 302 and response["Location"] == "http://testserver/calls/"
    page = supervisor_client.get("/calls/").content.decode()
    assert 'Nothing was sent: no supervisor phone is set. <a href="/profile/#id_supervisor_phone">' in page
    json = supervisor_client.post(
        f"/supervision/calls/{call.call_control_id}/", {"role": "monitor"}, HTTP_ACCEPT="application/json"
    )
    assert json.status_code == 400
    assert json.json()["link"] == {"href": "/profile/#id_supervisor_phone", "text": "Set your supervisor phone"}


def test_a_viewer_may_not_listen(viewer_client):
    call = a_call()
    assert viewer_client.post(f"/supervision/calls/{call.call_control_id}/", {"role": "monitor"}).status_code == 403
    page = viewer_client.get(f"/calls/{call.call_control_id}/").content.decode()
    assert "supervise-buttons" not in page


def test_a_live_call_offers_listen_whisper_barge_and_an_ended_one_nothing(supervisor_client):
    live = a_call()
    ended = a_call(call_control_id="v3:gone", state="hangup", is_alive=False)
    page = supervisor_client.get(f"/calls/{live.call_control_id}/").content.decode()
    assert all(f'name="role" value="{role}"' in page for role in ("monitor", "whisper", "barge"))
    assert "supervise-buttons" not in supervisor_client.get(f"/calls/{ended.call_control_id}/").content.decode()


def test_the_marks_name_both_legs(supervisor_client, supervisor):
    a_supervision(supervisor, role="monitor")
    marks = supervisor_client.get("/supervision/marks/").json()["marks"]
    assert marks["v3:ana"]["words"] == "monitored by sam-supervisor"
    assert marks["v3:leg"]["words"] == "supervisor leg (sam-supervisor)" and marks["v3:leg"]["leg"] is True


def test_a_role_switch_before_the_phone_answers_is_refused_with_nothing_sent(supervisor_client, supervisor):
    a_call()
    a_call(call_control_id="v3:leg", direction="outgoing", state="bridging", from_number="+13125550100", to_number=PHONE)
    ringing = a_supervision(supervisor, state="ringing", connected_at=None)
    response = supervisor_client.post(f"/supervision/{ringing.pk}/role/", {"role": "barge"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json()["message"].startswith("Switch supervisor role is not available now")
    assert Supervision.objects.get(pk=ringing.pk).role == "whisper"


def test_listen_on_a_call_that_has_ended_keeps_the_current_supervision(supervisor_client, supervisor):
    UserProfile.objects.create(user=supervisor, supervisor_phone=PHONE)
    current = a_supervision(supervisor)
    gone = a_call(call_control_id="v3:gone", state="hangup", is_alive=False)
    response = supervisor_client.post(f"/supervision/calls/{gone.call_control_id}/", {"role": "monitor"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert Supervision.objects.get(pk=current.pk).state == "connected"
    assert list(OperatorAction.objects.values_list("action", "outcome")) == [("supervise", "invalid")]  # no hangup tried


def test_a_leg_whose_webhooks_come_before_the_dials_answer_is_followed(supervisor, django_assert_num_queries):
    from calls.supervision.hooks import follow_supervisor_legs
    from calls.supervision.models import leg_marker

    dialling = a_supervision(supervisor, state="dialling", supervisor_call_control_id="", connected_at=None)
    ordinary = a_call()
    with django_assert_num_queries(0):  # a batch of ordinary calls costs nothing
        follow_supervisor_legs({"calls": [ordinary]})
    leg = a_call(
        call_control_id="v3:early-leg",
        direction="outgoing",
        state="hangup",
        is_alive=False,
        hangup_cause="user_busy",
        client_state=leg_marker(dialling.pk),
    )
    follow_supervisor_legs({"calls": [ordinary, leg]})
    dialling.refresh_from_db()
    assert (dialling.state, dialling.supervisor_call_control_id) == ("ended", "v3:early-leg")
    assert dialling.outcome == "Your phone did not answer (user busy): nothing was supervised."
