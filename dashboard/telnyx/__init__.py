"""Telnyx Call Control client for the dashboard: `TelnyxClient` and the types it deals in."""

from .actions import (
    CALL_ACTION_HTTP_METHODS,
    CALL_ACTIONS,
    CALL_ACTIONS_WITHOUT_COMMAND_ID,
    CONFERENCE_ACTIONS,
    CONFERENCE_ACTIONS_WITHOUT_COMMAND_ID,
)
from .client import TelnyxClient
from .endpoint import new_command_id
from .errors import ErrorKind, TelnyxError
from .response import TelnyxResponse

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
