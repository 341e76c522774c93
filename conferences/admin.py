from django.contrib import admin

from dashboard.admin import ReadOnlyAdmin

from .models import Conference, Participant


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["conference_id", "name", "kind", "status", "created_at", "end_reason"]
    list_filter = ["status", "kind"]
    search_fields = ["conference_id", "name"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["call_control_id", "conference", "status", "muted", "on_hold", "supervisor_role"]
    list_filter = ["status", "muted", "on_hold"]
    search_fields = ["call_control_id", "conference__conference_id"]
