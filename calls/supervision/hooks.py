"""A supervision follows its supervisor's leg: ringing, connected once answered, ended with it.

Run after every ingested batch (inside its transaction), for the calls it changed: a supervisor's
leg carries its supervision's mark in its client_state (models.leg_marker), so a batch without
one costs no query, and a leg whose webhooks land before the dial's answer is still followed. A conference's supervisor is connected once the join that
follows the answer is accepted; the conferences app (above this one) registers what sends it.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from calls.models import Call, CallState
from calls.supervision.models import Supervision, SupervisionState, marked_supervision
from calls.supervision.notify import supervision_changed
from dashboard.eventlog.projections import StateChanges, register_batch_hook
from dashboard.models import OperatorAction

logger = logging.getLogger("switchboard.supervision")

CONNECTED_STATES = (CallState.ANSWERED, CallState.BRIDGED)
ANSWERED_STATES = (CallState.ANSWERED, CallState.BRIDGED, CallState.CONFERENCE)


@dataclass(frozen=True)
class ConferenceSupervision:
    # Join the answered supervisor into the conference (by the supervision's pk); runs after commit
    # in a thread of its own, never inside the ingest transaction.
    join: Callable[[int], None]
    # The role switch of a conference's supervisor (the conference `update` command).
    switch: Callable[..., OperatorAction]


_conference: list[ConferenceSupervision] = []


def register_conference_supervision(handlers: ConferenceSupervision) -> None:
    _conference[:] = [handlers]


def conference_supervision() -> ConferenceSupervision | None:
    return _conference[0] if _conference else None


def _end(supervision: Supervision, leg: Call) -> None:
    supervision.state = SupervisionState.ENDED
    supervision.ended_at = leg.ended_at or timezone.now()
    if supervision.connected_at is None:
        cause = (leg.hangup_cause or "no answer").replace("_", " ")
        supervision.outcome = f"Your phone did not answer ({cause}): nothing was supervised."
    elif not supervision.outcome:
        supervision.outcome = "The supervision ended: the call or your phone hung up."


def _join_later(supervision: Supervision) -> None:
    """Send the conference join once, after this transaction commits, off the ingest path."""
    handlers = conference_supervision()
    claimed = Supervision.objects.filter(pk=supervision.pk, join_sent_at__isnull=True).update(join_sent_at=timezone.now())
    if not claimed or handlers is None:
        return
    pk = supervision.pk

    def run() -> None:
        close_old_connections()
        try:
            handlers.join(pk)
        except Exception:
            logger.exception("could not join supervision %s into its conference", pk)
        finally:
            connections.close_all()

    transaction.on_commit(lambda: threading.Thread(target=run, name=f"supervise-join-{pk}", daemon=True).start())


def follow_leg(supervision: Supervision, leg: Call) -> bool:
    """Bring the supervision in line with its leg's state; whether it changed."""
    if not supervision.is_active:
        return False
    if not leg.is_alive:
        _end(supervision, leg)
    elif supervision.conference_id and leg.state in ANSWERED_STATES:
        if supervision.join_sent_at is None:
            _join_later(supervision)
        return False
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
    """Supervisors' legs are known by their client_state: a batch without one costs no query."""
    legs = {}
    for row in changes.get("calls", ()):
        pk = marked_supervision(row.client_state)
        if pk is not None:
            legs[pk] = row
    if not legs:
        return
    for supervision in Supervision.objects.filter(pk__in=list(legs), ended_at__isnull=True).order_by():
        leg = legs[supervision.pk]
        if not supervision.supervisor_call_control_id:
            # Its webhooks came before the dial's answer named the leg.
            supervision.supervisor_call_control_id = leg.call_control_id
            supervision.save(update_fields=["supervisor_call_control_id"])
        follow_leg(supervision, leg)


def register() -> None:
    register_batch_hook(follow_supervisor_legs)
