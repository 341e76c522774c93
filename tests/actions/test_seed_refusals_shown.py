"""Refusals the seeds document reach the operator as refusals (never as "Telnyx accepted it"),
with Telnyx's code, and are audited."""

import pytest
from django.utils.html import escape

from calls.models import Call
from calls.selectors import call_name
from dashboard.models import OperatorAction
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def answered_call(simulator) -> Call:
    handle = simulator.world.answered_call()
    call = eventually(
        lambda: Call.objects.filter(call_control_id=handle.call_control_id, state="answered").first()
    )
    assert call is not None, "the simulator's call never reached the dashboard"
    return call


def test_answering_an_answered_call_shows_telnyxs_refusal(supervisor_client, simulator):
    # Seed 002, answer: "Answer an incoming call." One already answered is in the wrong state,
    # seed 000's "code: '90033' / title: Unable to execute command".
    call = answered_call(simulator)
    # The dashboard has not heard of the answer yet (else it refuses itself, and nothing is sent).
    Call.objects.filter(pk=call.pk).update(state="parked", direction="incoming")
    response = supervisor_client.post(
        f"/calls/{call.call_control_id}/actions/answer/", {"submission_id": "a-1"}, follow=True
    )
    page = response.content.decode()
    assert "refused by Telnyx. 90033 Unable to execute command: The call has already been answered." in page
    assert f"Answer for {escape(call_name(Call.objects.get(pk=call.pk)))} refused" in page
    assert "Telnyx accepted it" not in page
    record = OperatorAction.objects.get(action="answer")
    assert (record.outcome, record.http_status, record.error_code) == ("refused", 422, "90033")


def test_a_call_telnyx_does_not_know_is_refused_with_90015(supervisor_client, simulator):
    # Seed 000: "code: '90015' / title: Invalid Call Control ID / detail: The call_control_id
    # provided was not valid. / source: pointer: /call_control_id"
    call = answered_call(simulator)
    simulator.reset()  # Telnyx forgets the call; the dashboard still shows it
    response = supervisor_client.post(
        f"/api/calls/{call.call_control_id}/actions/hangup/", {}, content_type="application/json"
    )
    assert response.status_code == 422
    telnyx = response.json()["error"]["telnyx"]
    assert (telnyx["code"], telnyx["title"]) == ("90015", "Invalid Call Control ID")
    record = OperatorAction.objects.get(action="hangup")
    assert (record.outcome, record.error_code, record.error_pointer) == ("refused", "90015", "/call_control_id")
