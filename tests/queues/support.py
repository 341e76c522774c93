"""Calls that wait in queues, as the webhooks Telnyx sends for them (seed 002)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

from dashboard.eventlog.ingest import ingest_events
from dashboard.webhooks.parsing import parse_call_control
from tests.support.webhooks import envelope


def _at(seconds_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).isoformat().replace("+00:00", "Z")


def _send(event_type: str, call_id: str, seconds_ago: float, **payload: object) -> None:
    body = {
        "call_control_id": call_id,
        "call_leg_id": call_id[-12:],
        "call_session_id": call_id[-12:],
        "connection_id": "7267",
        "from": payload.pop("caller", "+14155550100"),
        "to": "+13125550199",
        "direction": "incoming",
        **payload,
    }
    document = envelope(event_type, body, event_id=str(uuid.uuid4()), occurred_at=_at(seconds_ago))
    ingest_events([parse_call_control(json.dumps(document).encode())])


def queued_call(queue: str, *, waited: float, caller: str = "+14155550100") -> str:
    """A call answered and enqueued `waited` seconds ago; its call_control_id."""
    call_id = f"v3:{uuid.uuid4().hex}"
    _send("call.initiated", call_id, waited + 5, caller=caller, state="parked")
    _send("call.answered", call_id, waited + 2, caller=caller)
    _send("call.enqueued", call_id, waited, caller=caller, queue=queue, current_position=1)
    return call_id


def dequeued(call_id: str, queue: str, *, reason: str, wait_time_secs: int | None = None) -> None:
    extra = {} if wait_time_secs is None else {"wait_time_secs": wait_time_secs}
    _send("call.dequeued", call_id, 0, queue=queue, reason=reason, queue_position=1, **extra)


def hung_up(call_id: str) -> None:
    _send("call.hangup", call_id, 0, hangup_cause="normal_clearing", hangup_source="caller")
