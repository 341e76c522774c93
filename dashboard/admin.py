"""Admin: history is append-only, so the event log and the audit trail are read-only here."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Event, OperatorAction, RejectedWebhook


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "occurred_at", "received_at", "attempt", "duplicates", "call_control_id"]
    list_filter = ["source", "event_type"]
    search_fields = ["event_id", "call_control_id", "call_session_id", "conference_id"]
    date_hierarchy = "received_at"


@admin.register(OperatorAction)
class OperatorActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "action", "target_type", "outcome", "error_code", "latency_ms"]
    list_filter = ["outcome", "action", "channel"]
    search_fields = ["username", "call_control_id", "conference_id", "command_id"]


@admin.register(RejectedWebhook)
class RejectedWebhookAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "endpoint", "status", "reason", "remote_addr", "body_bytes"]
    list_filter = ["endpoint", "status", "reason"]
