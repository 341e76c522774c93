"""Call actions: each sends one Telnyx command, as the call action table says, and is audited."""

from calls.live import call_group
from calls.models import Call
from calls.selectors import call_conditions
from dashboard.actions.runner import ActionTarget, perform_action
from dashboard.actions.spec import action_spec
from dashboard.models import OperatorAction
from dashboard.telnyx import TelnyxClient


def call_target(call: Call) -> ActionTarget:
    return ActionTarget(
        kind="call",
        call_control_id=call.call_control_id,
        path_ids={"call_control_id": call.call_control_id},
        live_groups=(call_group(call.pk),),
        state=call.state,
        conditions=call_conditions(call),
        state_words=call.get_state_display(),
    )


def call_run_command(
    *,
    user,  # noqa: ANN001
    call: Call,
    action: str,
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """Send one of the call commands (every call action but dial) to a live call."""
    spec = action_spec("call", action)
    if spec is None or action == "dial":
        raise KeyError(action)
    return perform_action(
        user=user,
        channel=channel,
        spec=spec,
        target=call_target(call),
        data=data,
        submission_id=submission_id,
        client=client,
    )


def call_dial(
    *,
    user,  # noqa: ANN001
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """Place a new outbound call, from the configured Call Control application unless one is given."""
    record = perform_action(
        user=user,
        channel=channel,
        spec=action_spec("call", "dial"),
        target=ActionTarget(kind="call"),
        data=data,
        submission_id=submission_id,
        client=client,
    )
    new_call_id = (record.response or {}).get("call_control_id", "")
    if new_call_id and not record.call_control_id:
        record.call_control_id = new_call_id[:200]
        OperatorAction.objects.filter(pk=record.pk).update(call_control_id=record.call_control_id)
    return record
