"""A supervision: one person listening to (whispering to, barging into) one live call from their phone.

It is an operator's record, like the audit trail, not a projection of the log: it links the
supervisor's leg to the call it supervises (which no webhook says), and follows the leg's state
(`hooks.py`), so the supervision bar reads one row on every page.
"""

import base64
import binascii

from django.conf import settings
from django.db import models


class SupervisorRole(models.TextChoices):
    # Telnyx's three roles (seed 004, POST /calls `supervisor_role`), as a supervisor says them.
    MONITOR = "monitor", "Listening"
    WHISPER = "whisper", "Whispering"
    BARGE = "barge", "Barged in"


class SupervisionState(models.TextChoices):
    DIALLING = "dialling", "dialling"
    RINGING = "ringing", "ringing your phone"
    CONNECTED = "connected", "connected"
    ENDED = "ended", "ended"
    FAILED = "failed", "not started"


SUPERVISION_STATES = tuple(SupervisionState.values)  # the API's enum of them
ROLE_PHRASES = {"monitor": "Listening to", "whisper": "Whispering to", "barge": "Barged into"}
# How a live list marks the supervised call: "monitored by sam".
MARK_PHRASES = {"monitor": "monitored by", "whisper": "whispered to by", "barge": "barged into by"}
ACTIVE_STATES = (SupervisionState.DIALLING, SupervisionState.RINGING, SupervisionState.CONNECTED)


# The supervisor's dial carries `client_state` = base64("switchboard-supervision:<pk>"), echoed by
# Telnyx on every webhook of that leg: a leg is known as a supervisor's from its first webhook, even
# one that lands before the dial's answer. 24 characters: its base64 is a fixed prefix.
_MARK = b"switchboard-supervision:"
MARK_PREFIX = base64.b64encode(_MARK).decode()


def leg_marker(pk: int) -> str:
    return base64.b64encode(_MARK + str(pk).encode()).decode()


def marked_supervision(client_state: str) -> int | None:
    """The supervision a leg's client_state names, if any (cheap for every other call)."""
    if not client_state or not client_state.startswith(MARK_PREFIX):
        return None
    try:
        tail = base64.b64decode(client_state, validate=True)[len(_MARK) :]
    except (binascii.Error, ValueError):
        return None
    return int(tail) if tail.isdigit() else None


class Supervision(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, help_text="kept if the user is deleted")
    target_call_control_id = models.CharField(
        max_length=200, blank=True, help_text="the supervised leg (empty: a whole conference)"
    )
    # A conference's supervisor is dialled, then joined into it with the role (Telnyx's join):
    # the conference, and the legs a whisper is heard by (one participant, or nobody).
    conference_id = models.CharField(max_length=200, blank=True)
    whisper_call_control_ids = models.JSONField(default=list, blank=True)
    join_sent_at = models.DateTimeField(null=True, blank=True, help_text="when the join was sent, once")
    target_name = models.CharField(max_length=300, blank=True, help_text="who the call is with, when it started")
    role = models.CharField(max_length=10, choices=SupervisorRole.choices, default=SupervisorRole.MONITOR)
    supervisor_phone = models.CharField(max_length=200)
    supervisor_call_control_id = models.CharField(max_length=200, blank=True, help_text="the supervisor's leg")
    state = models.CharField(max_length=10, choices=SupervisionState.choices, default=SupervisionState.DIALLING)
    # Why it ended or never started, in words, with Telnyx's code when Telnyx refused.
    outcome = models.CharField(max_length=500, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    # The audited dial that started it (a double-clicked Listen finds its supervision by it).
    dial_action = models.OneToOneField(
        "dashboard.OperatorAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    connected_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The bar stops showing an ended supervision once its supervisor closes it (or leaves).
    dismissed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["user", "dismissed", "started_at"], name="supervision_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.role} {self.target_call_control_id} ({self.state})"

    @property
    def role_phrase(self) -> str:
        """What the supervisor is doing to the call, as the bar says it: "Listening to"."""
        return ROLE_PHRASES.get(self.role, self.get_role_display())

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES
