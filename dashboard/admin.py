"""Admin: history is append-only, so the event log and the audit trail are read-only here.

API tokens (django-rest-knox) are listed, and can be revoked, on knox's own admin page; they are
created with `manage.py create_api_token` (dashboard/accounts/api_tokens.py).
"""

import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from dashboard.models import Event, OperatorAction, RejectedWebhook, UserProfile


class ReadOnlyAdmin(admin.ModelAdmin):
    # Counting a filtered changelist twice over a large log costs more than the page itself.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def pretty(value: object) -> str:
    """JSON indented inside <pre>; format_html escapes it, as outside text must be."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return format_html("<pre>{}</pre>", value)
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "occurred_at", "received_at", "attempt", "duplicates", "call_control_id"]
    list_filter = ["source", "received_at", "event_type"]
    search_fields = ["=event_id", "=call_control_id", "=call_session_id", "=conference_id"]
    exclude = ["payload", "raw_body"]
    readonly_fields = ["pretty_payload", "pretty_raw_body"]

    @admin.display(description="payload")
    def pretty_payload(self, event: Event) -> str:
        return pretty(event.payload)

    @admin.display(description="raw body (as received)")
    def pretty_raw_body(self, event: Event) -> str:
        return pretty(event.raw_body)


@admin.register(OperatorAction)
class OperatorActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "action", "target_type", "outcome", "error_code", "latency_ms"]
    list_filter = ["outcome", "action", "channel", "created_at"]
    search_fields = ["=username", "=call_control_id", "=conference_id", "=command_id"]
    exclude = ["parameters", "response"]
    readonly_fields = ["pretty_parameters", "pretty_response"]

    @admin.display(description="parameters")
    def pretty_parameters(self, action: OperatorAction) -> str:
        return pretty(action.parameters)

    @admin.display(description="response")
    def pretty_response(self, action: OperatorAction) -> str:
        return pretty(action.response)


@admin.register(RejectedWebhook)
class RejectedWebhookAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "endpoint", "status", "reason", "remote_addr", "count", "body_bytes"]
    list_filter = ["endpoint", "status", "reason", "received_at"]


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    """Admins set a person's supervisor phone here (each person also edits their own on /profile/)."""

    list_display = ["user", "supervisor_phone", "time_zone", "theme", "alert_sound", "alert_desktop"]
    search_fields = ["user__username", "supervisor_phone"]
    raw_id_fields = ["user"]
