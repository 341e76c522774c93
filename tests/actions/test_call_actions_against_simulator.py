"""Every call command, from the API, against the simulator: the right request reaches Telnyx,
the dashboard's state follows, and exactly one audit record is written per attempt."""

import pytest

from calls.models import Call
from calls.selectors import call_conditions
from dashboard.actions.spec import action_spec
from dashboard.models import OperatorAction
from tests.support.commands import B64, CALL_COMMANDS
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

# The forms' least input (dial has a test of its own), with what a live call needs beyond it.
VALID = {
    **{action: inputs for action, inputs in CALL_COMMANDS.items() if action != "dial"},
    "bridge": {},  # the other call is filled in by the test
    "gather": {"maximum_digits": "4"},
}
# What must run first for the command to make sense on a live call.
PREREQUISITES = {
    "fork_stop": ["fork_start"],
    "leave_queue": ["enqueue"],
    "record_stop": ["record_start"],
    "record_pause": ["record_start"],
    "record_resume": ["record_start", "record_pause"],
    "siprec_stop": ["siprec_start"],
    "suppression_stop": ["suppression_start"],
    "switch_supervisor_role": ["bridge"],
}
# What a supervisor then sees on the call, once Telnyx's webhooks (or the confirmation) arrive.
EXPECTED_STATE = {
    "answer": lambda call: call.state == "answered" and call.answered_at is not None,
    "bridge": lambda call: call.state == "bridged",
    "client_state_update": lambda call: call.client_state == B64,
    "enqueue": lambda call: call.state == "queued" and call.queue_name == "support",
    "fork_start": lambda call: call.details.get("fork", {}).get("active") is True,
    "fork_stop": lambda call: call.details.get("fork", {}).get("active") is False,
    "gather": lambda call: call.details.get("gather", {}).get("status") in {"valid", "invalid", "timeout"},
    "hangup": lambda call: call.state == "hangup" and not call.is_alive,
    "leave_queue": lambda call: call.details.get("queue", {}).get("reason") == "leave",
    "playback_start": lambda call: "playback" in call.details,
    "refer": lambda call: call.details.get("refer", {}).get("status") in {"started", "completed"},
    "siprec_start": lambda call: call.details.get("siprec", {}).get("status") == "started",
    "siprec_stop": lambda call: call.details.get("siprec", {}).get("status") == "stopped",
    "speak": lambda call: "speak" in call.details,
    "transfer": lambda call: call.is_alive,
}


def live_call(simulator, *, ringing: bool = False) -> Call:
    """An answered incoming call (ringing: one still waiting for the answer command)."""
    if ringing:
        handle, state = simulator.world.incoming_call(), "parked"
    else:
        handle, state = simulator.world.answered_call(), "answered"
    call = eventually(lambda: Call.objects.filter(call_control_id=handle.call_control_id, state=state).first())
    assert call is not None, "the simulator's call never reached the dashboard"
    return call


def offered(call: Call, action: str) -> bool:
    """Whether the dashboard offers the action on the call now: the webhooks of the steps before it
    (a bridge, a recording started) arrive after their command's answer, and it waits for them."""
    call.refresh_from_db()
    return action_spec("call", action).available_in(call.state, call_conditions(call))


def act(client, call: Call, action: str, data: dict):
    return client.post(
        f"/api/calls/{call.call_control_id}/actions/{action}/", data, content_type="application/json"
    )


def body_for(action: str, data: dict) -> dict:
    form = action_spec("call", action).form(data)
    assert form.is_valid(), form.errors
    return form.to_params()


@pytest.mark.parametrize("action", sorted(VALID))
def test_each_call_action_reaches_telnyx_updates_state_and_is_audited(supervisor_client, simulator, action):
    # Seed 002: "Answer an incoming call."; every other command wants it answered.
    call = live_call(simulator, ringing=action == "answer")
    data = dict(VALID[action])
    if action in {"bridge", "switch_supervisor_role"}:
        data_bridge = {"call_control_id": live_call(simulator).call_control_id}
    for step in PREREQUISITES.get(action, []):
        step_data = data_bridge if step == "bridge" else VALID[step]
        assert eventually(lambda step=step: offered(call, step)), f"{step} never offered on {call.state}"
        assert act(supervisor_client, call, step, step_data).status_code == 200
    assert eventually(lambda: offered(call, action)), f"{action} never offered on {call.state}"
    if action == "bridge":
        data = data_bridge

    response = act(supervisor_client, call, action, data)

    assert response.status_code == 200, response.json()
    record = response.json()
    assert (record["action"], record["outcome"], record["user"]) == (action, "ok", "sam-supervisor")
    request = simulator.received[-1]
    assert request["method"] == ("PUT" if action == "client_state_update" else "POST")
    assert request["path"] == f"/v2/calls/{call.call_control_id}/actions/{action}"
    expected = body_for(action, data)
    if action_spec("call", action).command_id:
        expected["command_id"] = record["command_id"]
    assert request["body"] == expected
    assert OperatorAction.objects.filter(action=action, call_control_id=call.call_control_id).count() == 1
    if action in EXPECTED_STATE:
        assert eventually(lambda: EXPECTED_STATE[action](Call.objects.get(pk=call.pk))), Call.objects.get(
            pk=call.pk
        )


def test_dial_places_a_call_from_the_configured_application(supervisor_client, simulator, settings):
    response = supervisor_client.post(
        "/api/calls/dial/", {"to": "+18005550123", "from_": "+18005550100"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    record = response.json()
    request = simulator.received[-1]
    assert (request["method"], request["path"]) == ("POST", "/v2/calls")
    assert request["body"]["connection_id"] == settings.TELNYX_CONNECTION_ID
    assert request["body"]["to"] == "+18005550123"
    assert record["call_control_id"]
    call = eventually(
        lambda: Call.objects.filter(call_control_id=record["call_control_id"], state="answered").first()
    )
    assert call is not None and call.direction == "outgoing"


def _hangup_not_heard_yet(call: Call) -> None:
    """The dashboard still shows the call live: its hangup webhook is on the way (the dashboard
    refuses itself what its own state rules out, so only a stale state reaches Telnyx's refusal)."""
    eventually(lambda: Call.objects.get(pk=call.pk).state == "hangup")
    Call.objects.filter(pk=call.pk).update(state="answered", is_alive=True)


def test_a_telnyx_refusal_is_shown_with_its_code_and_audited(supervisor_client, simulator):
    call = live_call(simulator)
    assert act(supervisor_client, call, "hangup", {}).status_code == 200
    _hangup_not_heard_yet(call)
    response = act(supervisor_client, call, "speak", VALID["speak"])
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["type"] == "refused"
    assert body["error"]["telnyx"]["code"] == "90018"
    assert body["error"]["telnyx"]["title"]
    record = OperatorAction.objects.get(action="speak")
    assert (record.outcome, record.error_code, record.http_status) == ("refused", "90018", 422)


def test_a_refusal_from_the_page_shows_the_code_title_and_detail(supervisor_client, simulator):
    call = live_call(simulator)
    act(supervisor_client, call, "hangup", {})
    _hangup_not_heard_yet(call)
    response = supervisor_client.post(
        f"/calls/{call.call_control_id}/actions/speak/",
        {**VALID["speak"], "submission_id": "s-1"},
        follow=True,
    )
    page = response.content.decode()
    assert "Speak for " in page and " refused by Telnyx. 90018" in page
    assert OperatorAction.objects.filter(action="speak", outcome="refused").count() == 1


def test_a_double_submission_sends_one_command(supervisor_client, simulator):
    call = live_call(simulator)
    before = len(simulator.received)
    for _ in range(2):
        supervisor_client.post(
            f"/calls/{call.call_control_id}/actions/send_dtmf/",
            {"digits": "1", "submission_id": "same-click"},
        )
    assert len(simulator.received) == before + 1
    assert OperatorAction.objects.filter(action="send_dtmf").count() == 1
