"""Call: a projection of the event log, rebuilt by folding a call's events."""

from django.db import models

from dashboard.db.functions import SecondsBetween


class CallState(models.TextChoices):
    PARKED = "parked", "ringing"
    BRIDGING = "bridging", "bridging"
    ANSWERED = "answered", "answered"
    BRIDGED = "bridged", "bridged"
    QUEUED = "queued", "queued"
    CONFERENCE = "conference", "in conference"
    HANGUP = "hangup", "ended"


class Call(models.Model):
    call_control_id = models.CharField(max_length=200, unique=True)
    call_leg_id = models.CharField(max_length=200, blank=True)
    call_session_id = models.CharField(max_length=200, blank=True)
    connection_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=10, blank=True)
    state = models.CharField(
        max_length=12, choices=CallState.choices, default=CallState.PARKED
    )
    state_since = models.DateTimeField(null=True, blank=True)
    is_alive = models.BooleanField(default=True)
    on_hold = models.BooleanField(default=False)
    from_number = models.CharField(max_length=300, blank=True)
    to_number = models.CharField(max_length=300, blank=True)
    caller_id_name = models.CharField(max_length=300, blank=True)
    start_time = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    hangup_cause = models.CharField(max_length=40, blank=True)
    hangup_source = models.CharField(max_length=20, blank=True)
    sip_hangup_cause = models.CharField(max_length=20, blank=True)
    client_state = models.TextField(blank=True, help_text="base64, as Telnyx carries it")
    conference_id = models.CharField(max_length=200, blank=True)
    queue_name = models.CharField(max_length=200, blank=True)
    # Facets shown on the call page but never filtered on: DTMF, gather, playback, recording, ...
    details = models.JSONField(default=dict, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-start_time", "-id"]
        # Every index is paid on each webhook that touches a call, so: no LIKE-pattern twins (the
        # number searches are substring searches no b-tree serves), and no single-column index a
        # composite one starts with (state, direction and hangup cause lead the history indexes below;
        # is_alive leads the live list's).
        indexes = [
            models.Index(fields=["is_alive", "start_time"]),
            models.Index(fields=["call_session_id"], name="call_session_idx"),
            models.Index(fields=["conference_id"], name="call_conference_idx"),
            models.Index(fields=["from_number"], name="call_from_idx"),
            models.Index(fields=["to_number"], name="call_to_idx"),
            # History: "call id" searches match the leg id too.
            models.Index(fields=["call_leg_id"], name="call_leg_id_idx"),
            # A filter on a common value (state=hangup: most calls) listed newest first: read in start
            # order from these, where single-column indexes made SQLite sort them all.
            models.Index(fields=["state", "start_time"], name="call_state_start_idx"),
            models.Index(fields=["direction", "start_time"], name="call_direction_start_idx"),
            models.Index(fields=["hangup_cause", "start_time"], name="call_cause_start_idx"),
            # Duration searches and sorts, on the very expression the history search computes.
            models.Index(SecondsBetween("start_time", "ended_at"), name="call_duration_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_number} → {self.to_number} ({self.state})"


from calls.supervision.models import Supervision  # noqa: E402, F401  (its app's models module must load it)
