"""On ingest, where it is cheap: a batch that may end an active alert has it cleared at once.

A silent feed's alert goes the moment a webhook arrives, and a ringing call's when it is answered,
instead of at the next scheduled evaluation; batches that touch no alerted call cost one set lookup.
"""

import logging

from django.db import transaction

from dashboard.eventlog.projections import StateChanges, register_batch_hook
from operations.alerts.services import evaluate
from operations.alerts.watch import watch

logger = logging.getLogger("switchboard.alerts")


def _evaluate() -> None:
    try:
        evaluate()
    except Exception:
        logger.exception("alerts: evaluation after ingest failed")


def after_batch(changes: StateChanges) -> None:
    calls = {call.call_control_id for call in changes.get("calls", ())}
    # Any batch is a webhook: with the feed silent, even one that changed no call ends the silence.
    if watch.concerns(calls):
        transaction.on_commit(_evaluate)


def register() -> None:
    register_batch_hook(after_batch)
