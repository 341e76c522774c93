"""Telnyx Call Control client for the dashboard: `TelnyxClient` and the types it deals in."""

from dashboard.telnyx.actions import (
    CALL_ACTION_HTTP_METHODS,
    CALL_ACTIONS,
    CALL_ACTIONS_WITHOUT_COMMAND_ID,
    CONFERENCE_ACTIONS,
    CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID,
)
from dashboard.telnyx.client import TelnyxClient
from dashboard.telnyx.endpoint import new_command_id
from dashboard.telnyx.errors import ErrorKind, TelnyxError
from dashboard.telnyx.response import TelnyxResponse

__all__ = [
    "CALL_ACTIONS",
    "CALL_ACTIONS_WITHOUT_COMMAND_ID",
    "CALL_ACTION_HTTP_METHODS",
    "CONFERENCE_ACTIONS",
    "CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID",
    "ErrorKind",
    "TelnyxClient",
    "TelnyxError",
    "TelnyxResponse",
    "new_command_id",
]
