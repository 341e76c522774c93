"""Roles: viewers read, supervisors act, everyone's attempt is audited; invalid input never leaves."""

import pytest

from calls.models import Call
from conferences.models import Participant
from dashboard.models import OperatorAction
from tests.support.webhooks import fixture, post_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_call(client):
    for name in ("call.initiated", "call.answered"):
        post_webhook(client, fixture(name))
    return Call.objects.get()


@pytest.fixture
def participant(client):
    for name in ("conference.created", "conference.participant.joined"):
        post_webhook(client, fixture(name))
    return Participant.objects.select_related("conference").get()


def test_a_viewer_sees_no_action_buttons(viewer_client, live_call):
    page = viewer_client.get(f"/calls/{live_call.call_control_id}/").content.decode()
    assert "Hang up" not in page and "action-form" not in page


def test_a_supervisor_sees_the_action_forms_that_fit_the_calls_state(supervisor_client, live_call):
    page = supervisor_client.get(f"/calls/{live_call.call_control_id}/").content.decode()
    assert page.count('class="action-form"') >= 15
    assert "data-confirm" in page  # hangup asks for confirmation
    # An answered call is not answered again, is in no queue, and is bridged to nobody to supervise;
    # nothing was started on it that could be stopped or paused.
    for absent in (
        "actions/answer/",
        "actions/leave_queue/",
        "actions/switch_supervisor_role/",
        "actions/fork_stop/",
        "actions/record_pause/",
        "actions/record_resume/",
        "actions/siprec_stop/",
        "actions/suppression_stop/",
    ):
        assert absent not in page
    assert "actions/hangup/" in page and "actions/speak/" in page


def test_an_ended_call_offers_no_action(supervisor_client, live_call, client):
    post_webhook(client, fixture("call.hangup"))
    page = supervisor_client.get(f"/calls/{live_call.call_control_id}/").content.decode()
    assert 'class="action-form"' not in page


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_a_form_post_without_permission_is_refused_and_audited(client, live_call, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(f"/calls/{live_call.call_control_id}/actions/hangup/", {})
    assert response.status_code == 403
    record = OperatorAction.objects.get()
    assert (record.username, record.action, record.outcome) == (user.username, "hangup", "denied")


def test_an_api_post_without_permission_is_403_with_the_audit_record(viewer_client, participant):
    url = f"/api/conferences/{participant.conference.conference_id}/participants/{participant.call_control_id}/actions/mute/"
    response = viewer_client.post(url, {}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["error"]["type"] == "permission_denied"
    assert body["action"]["outcome"] == "denied" and body["action"]["action"] == "mute"


def test_an_anonymous_api_post_is_refused(client, live_call):
    response = client.post(
        f"/api/calls/{live_call.call_control_id}/actions/hangup/", {}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert OperatorAction.objects.count() == 0


def test_invalid_input_is_refused_beside_the_field_and_nothing_is_sent(
    supervisor_client, live_call, settings
):
    settings.TELNYX_API_BASE = "http://127.0.0.1:9/v2"  # nothing listens: a send would fail, not be refused
    response = supervisor_client.post(
        f"/calls/{live_call.call_control_id}/actions/transfer/", {"to": "not-a-number", "timeout_secs": "3"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "E.164" in page
    record = OperatorAction.objects.get()
    assert (record.outcome, record.http_status, record.command_id) == ("invalid", None, "")


def test_invalid_api_input_lists_field_errors(supervisor_client, live_call):
    response = supervisor_client.post(
        f"/api/calls/{live_call.call_control_id}/actions/speak/",
        {"payload": "x" * 3001, "voice": "female"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["type"] == "invalid"
    assert "payload" in body["error"]["fields"]
    assert body["action"]["outcome"] == "invalid"


def test_an_unknown_action_is_a_404(supervisor_client, live_call):
    assert supervisor_client.post(f"/calls/{live_call.call_control_id}/actions/teleport/").status_code == 404


def test_secrets_are_never_stored_in_the_audit(supervisor_client, live_call):
    supervisor_client.post(
        f"/calls/{live_call.call_control_id}/actions/transfer/",
        {"to": "bad", "sip_auth_password": "hunter2", "sip_auth_username": "bob"},
    )
    record = OperatorAction.objects.get()
    assert "hunter2" not in str(record.parameters) and "bob" not in str(record.parameters)
