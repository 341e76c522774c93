"""A supervision follows its supervisor's leg: ringing, connected once answered, ended with it.

Run after every ingested batch (inside its transaction), for the calls it changed: one indexed
query, on live supervisions only.
"""

from django.utils import timezone

from calls.models import Call, CallState
from calls.supervision.models import Supervision, SupervisionState
from calls.supervision.notify import supervision_changed
from dashboard.eventlog.projections import StateChanges, register_batch_hook

CONNECTED_STATES = (CallState.ANSWERED, CallState.BRIDGED)


def follow_leg(supervision: Supervision, leg: Call) -> bool:
    """Bring the supervision in line with its leg's state; whether it changed."""
    if not supervision.is_active:
        return False
    if not leg.is_alive:
        supervision.state = SupervisionState.ENDED
        supervision.ended_at = leg.ended_at or timezone.now()
        if supervision.connected_at is None:
            cause = (leg.hangup_cause or "no answer").replace("_", " ")
            supervision.outcome = f"Your phone did not answer ({cause}): nothing was supervised."
        elif not supervision.outcome:
            supervision.outcome = "The supervision ended: the call or your phone hung up."
    elif leg.state in CONNECTED_STATES:
        if supervision.state == SupervisionState.CONNECTED:
            return False
        supervision.state = SupervisionState.CONNECTED
        supervision.connected_at = leg.answered_at or timezone.now()
    elif supervision.state == SupervisionState.DIALLING:
        supervision.state = SupervisionState.RINGING
    else:
        return False
    supervision.save(update_fields=["state", "connected_at", "ended_at", "outcome"])
    supervision_changed(supervision)
    return True


def follow_supervisor_legs(changes: StateChanges) -> None:
    legs = {row.call_control_id: row for row in changes.get("calls", ())}
    if not legs:
        return
    live = Supervision.objects.filter(ended_at__isnull=True, supervisor_call_control_id__in=list(legs))
    for supervision in live:
        follow_leg(supervision, legs[supervision.supervisor_call_control_id])


def register() -> None:
    register_batch_hook(follow_supervisor_legs)
