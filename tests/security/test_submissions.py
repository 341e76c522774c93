"""A submission (a form's submission_id, an API Idempotency-Key) is scoped to who sent it, which
action and what it aims at, after the permission check: reused by a viewer it is denied and
audited, reused on another call it acts on that call. One submission sends one command, even
when it arrives twice at once, and a retry of it carries the same Telnyx command_id."""

import threading
import time
import uuid

import pytest
from django.db import connection

from calls.models import Call
from calls.services import call_dial, call_run_command
from dashboard.actions.runner import ActionDenied
from dashboard.models import ActionOutcome, OperatorAction
from dashboard.telnyx import TelnyxResponse
from tests.support.webhooks import envelope, fixture, post_webhook


class CountingTelnyx:
    """Telnyx as the runner sees it: answers ok after `delay`, remembering every command."""

    def __init__(self, delay: float = 0.0, fail_first: bool = False) -> None:
        self.delay, self.fail_first = delay, fail_first
        self.commands: list[tuple[str, dict, str | None]] = []
        self._lock = threading.Lock()

    def command(self, method, path, *, ids, params, command_id, encoding):  # noqa: ANN001, ANN201
        with self._lock:
            self.commands.append((path, dict(ids), command_id))
            first = len(self.commands) == 1
        time.sleep(self.delay)
        if first and self.fail_first:
            raise RuntimeError("the process died after sending")
        return TelnyxResponse(
            status=200, data={"call_control_id": f"v3:new-{uuid.uuid4().hex}"}, elapsed_ms=1.0, attempts=1
        )


def live_call(client) -> Call:  # noqa: ANN001
    call = f"v3:sub-{uuid.uuid4().hex}"
    payload = {**fixture("call.initiated")["data"]["payload"], "call_control_id": call, "state": "parked"}
    document = envelope(
        "call.initiated", payload, event_id=str(uuid.uuid4()), occurred_at="2026-11-21T10:00:00Z"
    )
    assert post_webhook(client, document).status_code == 200
    return Call.objects.get(call_control_id=call)


@pytest.mark.django_db
def test_a_viewer_reusing_a_supervisors_submission_is_denied_and_audited(client, supervisor, viewer):
    call, telnyx = live_call(client), CountingTelnyx()
    first = call_run_command(
        user=supervisor, call=call, action="hangup", data={}, submission_id="s-1", client=telnyx
    )

    with pytest.raises(ActionDenied) as denied:
        call_run_command(user=viewer, call=call, action="hangup", data={}, submission_id="s-1", client=telnyx)

    assert denied.value.record.pk != first.pk
    assert denied.value.record.username == viewer.username
    assert denied.value.record.outcome == ActionOutcome.DENIED
    assert len(telnyx.commands) == 1


@pytest.mark.django_db
def test_a_submission_reused_on_another_call_acts_on_that_call(client, supervisor):
    one, other, telnyx = live_call(client), live_call(client), CountingTelnyx()

    first = call_run_command(
        user=supervisor, call=one, action="hangup", data={}, submission_id="s-1", client=telnyx
    )
    second = call_run_command(
        user=supervisor, call=other, action="hangup", data={}, submission_id="s-1", client=telnyx
    )

    assert second.pk != first.pk and second.call_control_id == other.call_control_id
    assert [ids["call_control_id"] for _, ids, _ in telnyx.commands] == [
        one.call_control_id,
        other.call_control_id,
    ]


@pytest.mark.django_db
def test_a_repeated_submission_answers_the_first_record_and_sends_nothing(client, supervisor):
    call, telnyx = live_call(client), CountingTelnyx()

    first = call_run_command(
        user=supervisor, call=call, action="hangup", data={}, submission_id="s-1", client=telnyx
    )
    again = call_run_command(
        user=supervisor, call=call, action="hangup", data={}, submission_id="s-1", client=telnyx
    )

    assert again.pk == first.pk and len(telnyx.commands) == 1


@pytest.mark.django_db
def test_a_submission_retried_after_a_crash_sends_the_same_command_id(client, supervisor):
    call, telnyx = live_call(client), CountingTelnyx(fail_first=True)
    with pytest.raises(RuntimeError):
        call_run_command(
            user=supervisor, call=call, action="hangup", data={}, submission_id="s-1", client=telnyx
        )

    call_run_command(user=supervisor, call=call, action="hangup", data={}, submission_id="s-1", client=telnyx)

    (_, _, sent_first), (_, _, sent_again) = telnyx.commands
    assert sent_first and sent_first == sent_again  # Telnyx ignores the repeat on the same call
    other = call_run_command(
        user=supervisor, call=call, action="hangup", data={}, submission_id="s-2", client=telnyx
    )
    assert other.command_id != sent_first


def twice_at_once(run) -> list:  # noqa: ANN001
    results: list = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(run())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["dial", "hangup"])
def test_one_submission_fired_twice_at_once_sends_one_command(client, supervisor, action):
    call, telnyx = live_call(client), CountingTelnyx(delay=0.3)
    if action == "dial":
        data = {"to": "+14155550100", "from_": "+14155550101"}
        records = twice_at_once(
            lambda: call_dial(user=supervisor, data=data, submission_id="twice", client=telnyx)
        )
    else:
        records = twice_at_once(
            lambda: call_run_command(
                user=supervisor, call=call, action=action, data={}, submission_id="twice", client=telnyx
            )
        )

    assert len(records) == 2 and records[0].pk == records[1].pk
    assert len(telnyx.commands) == 1
    assert OperatorAction.objects.filter(action=action).count() == 1
