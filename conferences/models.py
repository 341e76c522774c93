"""Conference and Participant: projections of the event log."""

from django.db import models


class ConferenceStatus(models.TextChoices):
    INIT = "init", "starting"
    IN_PROGRESS = "in_progress", "in progress"
    COMPLETED = "completed", "ended"


class ParticipantStatus(models.TextChoices):
    JOINING = "joining", "joining"
    JOINED = "joined", "joined"
    LEFT = "left", "left"


class Conference(models.Model):
    conference_id = models.CharField(max_length=200, unique=True, help_text="Telnyx id (or TeXML sid)")
    name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, default="call_control", help_text="call_control or texml")
    account_sid = models.CharField(max_length=200, blank=True, help_text="TeXML account")
    connection_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=ConferenceStatus.choices, default=ConferenceStatus.INIT, db_index=True
    )
    created_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)
    floor_call_control_id = models.CharField(max_length=200, blank=True)
    floor_changed_at = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.conference_id

    @property
    def is_live(self) -> bool:
        return self.status != ConferenceStatus.COMPLETED


class Participant(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    call_control_id = models.CharField(max_length=200, db_index=True, help_text="or TeXML CallSid")
    # The participant PATCH (seed 001) names the participant by this id, not by its call_control_id;
    # no webhook carries it, so it is read from Telnyx's participant list (empty until then).
    telnyx_participant_id = models.CharField(
        max_length=200, blank=True, help_text="Telnyx's ConferenceParticipant.id"
    )
    call_leg_id = models.CharField(max_length=200, blank=True)
    call_session_id = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.JOINING, db_index=True
    )
    muted = models.BooleanField(default=False)
    on_hold = models.BooleanField(default=False)
    supervisor_role = models.CharField(max_length=10, default="none")
    whisper_call_control_ids = models.JSONField(default=list, blank=True)
    end_conference_on_exit = models.BooleanField(null=True)
    soft_end_conference_on_exit = models.BooleanField(null=True)
    beep_enabled = models.CharField(max_length=10, blank=True)
    coaching = models.BooleanField(default=False)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    state_since = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "call_control_id"], name="one_participant_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.call_control_id} in {self.conference_id}"
