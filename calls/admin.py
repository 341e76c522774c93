from django.contrib import admin

from calls.models import Call
from dashboard.admin import ReadOnlyAdmin


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    """Calls are a projection of the log: edit the log's consequences by rebuilding, never by hand."""

    list_display = [
        "from_number",
        "to_number",
        "direction",
        "state",
        "start_time",
        "ended_at",
        "hangup_cause",
    ]
    list_filter = ["state", "direction", "is_alive", "hangup_cause", "start_time"]
    search_fields = ["=call_control_id", "=call_session_id", "from_number", "to_number", "caller_id_name"]
