"""What the event log accepts: one event, from a webhook, an operator's command or reconciliation."""

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class IncomingEvent:
    event_id: str
    event_type: str
    source: str
    occurred_at: datetime | None
    attempt: int
    payload: dict
    raw_body: str
    call_control_id: str = ""
    call_session_id: str = ""
    call_leg_id: str = ""
    conference_id: str = ""
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
