"""Telnyx Call Control client for the dashboard: `TelnyxClient` and the types it deals in."""

from dashboard.telnyx.client import TelnyxClient
from dashboard.telnyx.endpoint import new_command_id
from dashboard.telnyx.errors import ErrorKind, TelnyxError
from dashboard.telnyx.response import TelnyxResponse

__all__ = [
    "ErrorKind",
    "TelnyxClient",
    "TelnyxError",
    "TelnyxResponse",
    "new_command_id",
]
