from django.contrib import admin

from conferences.models import Conference, Participant
from dashboard.admin import ReadOnlyAdmin


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["conference_id", "name", "kind", "status", "created_at", "ended_at", "end_reason"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["=conference_id", "name"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["call_control_id", "conference", "status", "muted", "on_hold", "supervisor_role"]
    list_filter = ["status", "muted", "on_hold"]
    list_select_related = ["conference"]
    search_fields = ["=call_control_id", "=conference__conference_id"]
