"""Call: a projection of the event log, rebuilt by folding a call's events."""

from django.db import models


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
    call_session_id = models.CharField(max_length=200, blank=True, db_index=True)
    connection_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=10, blank=True, db_index=True)
    state = models.CharField(
        max_length=12, choices=CallState.choices, default=CallState.PARKED, db_index=True
    )
    state_since = models.DateTimeField(null=True, blank=True)
    is_alive = models.BooleanField(default=True, db_index=True)
    on_hold = models.BooleanField(default=False)
    from_number = models.CharField(max_length=300, blank=True, db_index=True)
    to_number = models.CharField(max_length=300, blank=True, db_index=True)
    caller_id_name = models.CharField(max_length=300, blank=True)
    start_time = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    hangup_cause = models.CharField(max_length=40, blank=True, db_index=True)
    hangup_source = models.CharField(max_length=20, blank=True)
    sip_hangup_cause = models.CharField(max_length=20, blank=True)
    client_state = models.TextField(blank=True, help_text="base64, as Telnyx carries it")
    conference_id = models.CharField(max_length=200, blank=True, db_index=True)
    queue_name = models.CharField(max_length=200, blank=True)
    # Facets shown on the call page but never filtered on: DTMF, gather, playback, recording, ...
    details = models.JSONField(default=dict, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-start_time", "-id"]
        indexes = [models.Index(fields=["is_alive", "start_time"])]

    def __str__(self) -> str:
        return f"{self.from_number} → {self.to_number} ({self.state})"
