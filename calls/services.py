"""Call actions: each sends one Telnyx command through TelnyxClient and is audited."""

from django.conf import settings

from calls.forms import CALL_ACTION_FORMS
from calls.live import call_group
from calls.models import Call
from dashboard.actions.runner import ActionTarget, operator_event, perform_action
from dashboard.eventlog.event_types import EventType
from dashboard.models import OperatorAction
from dashboard.telnyx import CALL_ACTIONS_WITHOUT_COMMAND_ID, TelnyxClient, TelnyxResponse


def _confirm_client_state(call_control_id: str):
    # Telnyx sends no webhook for a client state update: its success is the event.
    def confirm(response: TelnyxResponse, params: dict, command_id: str) -> list:
        return [
            operator_event(
                EventType.DASHBOARD_CALL_CLIENT_STATE_UPDATED,
                command_id=command_id,
                call_control_id=call_control_id,
                payload={"client_state": params.get("client_state", "")},
            )
        ]

    return confirm


def call_run_command(
    *,
    user,
    call: Call,
    action: str,
    data: dict,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """Send one of the call commands (`CALL_ACTION_FORMS`, except dial) to a live call."""
    if action not in CALL_ACTION_FORMS or action == "dial":
        raise KeyError(action)
    form = CALL_ACTION_FORMS[action](data)

    def send(telnyx: TelnyxClient, params: dict, command_id: str) -> TelnyxResponse:
        return telnyx.call_action(
            call_control_id=call.call_control_id,
            action=action,
            params=params,
            command_id=None if action in CALL_ACTIONS_WITHOUT_COMMAND_ID else command_id,
        )

    return perform_action(
        user=user,
        channel=channel,
        action=action,
        target=ActionTarget(
            kind="call", call_control_id=call.call_control_id, live_groups=(call_group(call.pk),)
        ),
        form=form,
        send=send,
        confirm=_confirm_client_state(call.call_control_id) if action == "client_state_update" else None,
        submission_id=submission_id,
        client=client,
    )


def call_dial(
    *, user, data: dict, channel: str = "web", submission_id: str = "", client: TelnyxClient | None = None
) -> OperatorAction:
    """Place a new outbound call, from the configured Call Control application unless one is given."""
    form = CALL_ACTION_FORMS["dial"](data)

    def send(telnyx: TelnyxClient, params: dict, command_id: str) -> TelnyxResponse:
        params = {**params, "connection_id": params.get("connection_id") or settings.TELNYX_CONNECTION_ID}
        return telnyx.dial(params=params, command_id=command_id)

    record = perform_action(
        user=user,
        channel=channel,
        action="dial",
        target=ActionTarget(kind="call"),
        form=form,
        send=send,
        submission_id=submission_id,
        client=client,
    )
    new_call_id = (record.response or {}).get("call_control_id", "")
    if new_call_id and not record.call_control_id:
        record.call_control_id = new_call_id[:200]
        OperatorAction.objects.filter(pk=record.pk).update(call_control_id=record.call_control_id)
    return record
