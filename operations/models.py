"""The operations app's models live in their packages; Django looks for them here."""

from operations.alerts.models import Alert, AlertAck

__all__ = ["Alert", "AlertAck"]
