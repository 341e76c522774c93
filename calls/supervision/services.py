"""Supervising a live call from one's own phone: start (Listen / Whisper / Barge), switch role, leave.

Each step is an operator action run by the action runner (permission, validation, the Telnyx
command, the audit record): the dial with `supervise_call_control_id` (`SUPERVISE`), then
`switch_supervisor_role` and `hangup` on the supervisor's leg. The Supervision row links the two
legs and follows the supervisor's leg (hooks.py), so the bar shows where it stands on every page.
"""

from django.db import transaction
from django.utils import timezone

from calls.models import Call
from calls.services import call_run_command, call_target
from calls.supervision import selectors
from calls.supervision.actions import SUPERVISE
from calls.supervision.hooks import conference_supervision
from calls.supervision.models import Supervision, SupervisionState, SupervisorRole, leg_marker
from calls.supervision.notify import supervision_changed
from dashboard.actions.runner import ActionDenied, ActionInvalid, ActionTarget, perform_action
from dashboard.actions.spec import ActionSpec, action_spec
from dashboard.models import ActionOutcome, OperatorAction, UserProfile
from dashboard.telnyx import TelnyxClient

# Telnyx's "Call has already ended": leaving a leg that has gone is done.
CALL_ENDED = "90018"


def supervisor_phone_of(user) -> str:  # noqa: ANN001
    """Read when a supervision starts, not from the session: an admin may have just set it."""
    return UserProfile.objects.filter(user=user).values_list("supervisor_phone", flat=True).first() or ""


def refusal_words(record: OperatorAction) -> str:
    """What Telnyx answered to a command it did not carry out, with its code and title."""
    what = " ".join(part for part in (record.error_code, record.error_title) if part) or "no answer from Telnyx"
    detail = f": {record.error_detail}" if record.error_detail else ""
    verb = "refused" if record.outcome == ActionOutcome.REFUSED else "did not complete"
    return f"Telnyx {verb} it. {what}{detail}"[:500]


def supervise_call(
    *,
    user,  # noqa: ANN001
    call: Call,
    role: str,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> tuple[Supervision, OperatorAction]:
    """Dial the user's supervisor phone onto `call` in `role` (`supervise_call_control_id`);
    returns the supervision and the dial's audit record. Denied or invalid: raised, nothing sent."""
    data = {
        "to": supervisor_phone_of(user),
        "from_": selectors.our_number(call),
        "supervise_call_control_id": call.call_control_id,
        "role": role,
    }
    supervision = Supervision(target_call_control_id=call.call_control_id, target_name=selectors.call_party(call)[:300])
    return start_supervision(
        user=user,
        spec=SUPERVISE,
        target=call_target(call),
        data=data,
        supervision=supervision,
        channel=channel,
        submission_id=submission_id,
        client=client,
    )


def start_supervision(
    *,
    user,  # noqa: ANN001
    spec: ActionSpec,
    target: ActionTarget,
    data: dict,
    supervision: Supervision,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> tuple[Supervision, OperatorAction]:
    """Send the supervisor's dial (`spec`, audited on `target`) and keep `supervision` (unsaved,
    its target filled in) linked to the new leg.

    One phone, one call at a time: a supervision already running for the user on the same target
    is kept (a double click) or switched to the new role once connected; any other is left first.
    """
    previous = selectors.active_supervision_of(user)
    if previous is not None and spec.allowed_for(user):
        same_target = (previous.target_call_control_id, previous.conference_id) == (
            supervision.target_call_control_id,
            supervision.conference_id,
        )
        if same_target and previous.dial_action is not None and previous.role == data["role"]:
            return previous, previous.dial_action
        if same_target and previous.state == SupervisionState.CONNECTED and data["role"] in SupervisorRole.values:
            return previous, switch_role(
                user=user, supervision=previous, role=data["role"], channel=channel, submission_id=submission_id, client=client
            )
        # Not for a dial the runner will refuse anyway (no phone, a call gone): the current one stays.
        refusable = not data["to"] or (target.state is not None and not spec.available_in(target.state, target.conditions))
        if not refusable:
            leave(user=user, supervision=previous, channel=channel, client=client)
    # Saved (committed) before the dial: the leg's first webhook may come before Telnyx's answer.
    supervision.user = user
    supervision.username = user.get_username()
    supervision.role = data["role"] if data["role"] in SupervisorRole.values else SupervisorRole.MONITOR
    supervision.supervisor_phone = data["to"][:200]
    supervision.state = SupervisionState.DIALLING
    supervision.started_at = timezone.now()
    supervision.save()
    try:
        record = perform_action(
            user=user,
            channel=channel,
            spec=spec,
            target=target,
            data={**data, "client_state": leg_marker(supervision.pk)},
            submission_id=submission_id,
            client=client,
        )
    except (ActionDenied, ActionInvalid):
        supervision.delete()  # nothing was sent: the audit record alone tells the attempt
        raise
    existing = Supervision.objects.filter(dial_action=record).first()
    if existing is not None:
        supervision.delete()
        return existing, record  # a double click: the first submission's supervision
    with transaction.atomic():
        supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
        supervision.dial_action = record
        if record.outcome != ActionOutcome.OK:
            fail(supervision, record)
        else:
            supervision.supervisor_call_control_id = str((record.response or {}).get("call_control_id", ""))[:200]
            if supervision.state == SupervisionState.DIALLING:  # else its webhooks moved it on already
                supervision.state = SupervisionState.RINGING
        supervision.save()
        supervision_changed(supervision)
    return supervision, record


def fail(supervision: Supervision, record: OperatorAction, what: str = "") -> None:
    """The supervision ends before it started: Telnyx refused (or never answered) `record`'s command."""
    supervision.state = SupervisionState.FAILED
    supervision.ended_at = timezone.now()
    supervision.error_code = record.error_code
    supervision.outcome = f"{what}{refusal_words(record)}"[:500]


def joined(supervision: Supervision) -> None:
    """A conference's supervisor is in: Telnyx accepted the join."""
    with transaction.atomic():
        supervision.state = SupervisionState.CONNECTED
        supervision.connected_at = timezone.now()
        supervision.save(update_fields=["state", "connected_at"])
        supervision_changed(supervision)


def join_refused(*, user, supervision: Supervision, record: OperatorAction) -> None:  # noqa: ANN001
    """The join was refused: the supervisor's phone is hung up, the bar says why."""
    with transaction.atomic():
        fail(supervision, record, "Could not join you into the conference. ")
        supervision.save(update_fields=["state", "ended_at", "error_code", "outcome"])
        supervision_changed(supervision)
    leg = selectors.leg_of(supervision)
    if leg is not None and leg.is_alive:
        call_run_command(user=user, call=leg, action="hangup", data={}, channel="auto")


def _leg_target(supervision: Supervision, leg: Call | None) -> ActionTarget:
    if leg is not None:
        return call_target(leg)
    # No webhook of the leg yet: aimed at it by id alone, its state unknown.
    leg_id = supervision.supervisor_call_control_id
    return ActionTarget(kind="call", call_control_id=leg_id, path_ids={"call_control_id": leg_id})


def switch_role(
    *,
    user,  # noqa: ANN001
    supervision: Supervision,
    role: str,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction:
    """`switch_supervisor_role` on the supervisor's leg (a conference's supervisor: the conference
    `update` command); the supervision takes the role once Telnyx accepts."""
    handlers = conference_supervision()
    if supervision.conference_id and handlers is not None:
        record = handlers.switch(
            user=user, supervision=supervision, role=role, channel=channel, submission_id=submission_id, client=client
        )
    else:
        record = perform_action(
            user=user,
            channel=channel,
            spec=action_spec("call", "switch_supervisor_role"),
            target=_leg_target(supervision, selectors.leg_of(supervision)),
            data={"role": role},
            submission_id=submission_id,
            client=client,
        )
    if record.outcome == ActionOutcome.OK:
        with transaction.atomic():
            supervision.role = role
            supervision.save(update_fields=["role"])
            supervision_changed(supervision)
    return record


def leave(
    *,
    user,  # noqa: ANN001
    supervision: Supervision,
    channel: str = "web",
    submission_id: str = "",
    client: TelnyxClient | None = None,
) -> OperatorAction | None:
    """Hang up the supervisor's leg (never the supervised call) and close the bar.

    None when there was nothing to hang up (the supervision had ended or never started).
    """
    record = None
    leg = selectors.leg_of(supervision)
    if supervision.is_active and supervision.supervisor_call_control_id and (leg is None or leg.is_alive):
        if leg is not None:
            record = call_run_command(
                user=user, call=leg, action="hangup", data={}, channel=channel, submission_id=submission_id, client=client
            )
        else:
            record = perform_action(
                user=user,
                channel=channel,
                spec=action_spec("call", "hangup"),
                target=_leg_target(supervision, None),
                data={},
                submission_id=submission_id,
                client=client,
            )
        if record.outcome != ActionOutcome.OK and record.error_code != CALL_ENDED:
            return record  # the leg is still up: the bar stays, with Leave
    with transaction.atomic():
        if supervision.is_active:
            supervision.state = SupervisionState.ENDED
            supervision.ended_at = timezone.now()
            supervision.outcome = "You left."
        supervision.dismissed = True
        supervision.save(update_fields=["state", "ended_at", "outcome", "dismissed"])
        supervision_changed(supervision)
    return record


def close(*, supervision: Supervision) -> None:
    """Take an ended supervision off the bar."""
    if supervision.is_active:
        return
    with transaction.atomic():
        supervision.dismissed = True
        supervision.save(update_fields=["dismissed"])
        supervision_changed(supervision)
