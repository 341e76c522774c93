"""The event log (the truth), rejected deliveries, the operator audit trail, and people's profiles."""

import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class EventSource(models.TextChoices):
    TELNYX = "telnyx", "Telnyx webhook"
    TEXML = "texml", "TeXML status callback"
    OPERATOR = "operator", "Operator command"
    RECONCILE = "reconcile", "Reconciliation"


class Event(models.Model):
    """One accepted webhook (or operator-confirmed fact), stored once, never edited."""

    event_id = models.CharField(max_length=200, help_text="Telnyx data.id")
    event_type = models.CharField(max_length=120)
    source = models.CharField(max_length=20, choices=EventSource.choices, default=EventSource.TELNYX)
    occurred_at = models.DateTimeField(null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    attempt = models.PositiveIntegerField(default=1, help_text="meta.attempt of the first delivery")
    duplicates = models.PositiveIntegerField(default=0, help_text="later deliveries of the same data.id")
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    call_control_id = models.CharField(max_length=200, blank=True)
    call_session_id = models.CharField(max_length=200, blank=True)
    call_leg_id = models.CharField(max_length=200, blank=True)
    conference_id = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict, help_text="data.payload (or the TeXML form fields)")
    raw_body = models.TextField(help_text="the request body exactly as received")

    class Meta:
        ordering = ["occurred_at", "id"]
        # The log is written on every webhook, so each index here is paid on every insert: no
        # LIKE-pattern twins (ids are matched whole), and no single-column index that a composite
        # one starts with (event_id: the identity constraint; event_type: the history index of
        # history index below; conference_id: the one below).
        indexes = [
            models.Index(fields=["conference_id", "call_control_id"]),
            models.Index(fields=["call_control_id"], name="event_call_idx"),
            models.Index(fields=["call_session_id"], name="event_session_idx"),
            # History: events of some types, newest first, within a time range.
            models.Index(fields=["event_type", "received_at"], name="event_type_received_idx"),
            # The API: events of one type, pages in log order (by seq): read in order, where the
            # index above had every event of the type sorted by id for each page.
            models.Index(fields=["event_type", "id"], name="event_type_seq_idx"),
            # Partial: only the rare repeated or retried deliveries are indexed, so ingest barely pays.
            models.Index(
                fields=["received_at"], name="event_duplicated_recv_idx", condition=models.Q(duplicates__gt=0)
            ),
            models.Index(fields=["received_at"], name="event_retried_recv_idx", condition=models.Q(attempt__gt=1)),
            # Retried deliveries sorted by type (then id, the history's tie-break): read in order,
            # where the index above had every retried event sorted for each page.
            models.Index(fields=["event_type", "id"], name="event_retried_type_idx", condition=models.Q(attempt__gt=1)),
        ]
        # Telnyx's own documentation reuses one data.id across its sample events of different
        # types; a real duplicate delivery repeats both, so the pair is the identity.
        constraints = [
            models.UniqueConstraint(fields=["event_id", "event_type"], name="one_event_per_id_and_type")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class RejectedWebhook(models.Model):
    """Refused deliveries (bad signature, stale timestamp, malformed), never applied: one row per
    minute, endpoint, reason, status and source, counted in memory and written once a minute
    (dashboard/webhooks/rejections.py), so a flood of forgeries costs no write each."""

    received_at = models.DateTimeField(default=timezone.now, db_index=True, help_text="the last one of the minute")
    endpoint = models.CharField(max_length=20)
    reason = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    remote_addr = models.CharField(max_length=64, blank=True)
    body_bytes = models.PositiveIntegerField(default=0, help_text="the largest body of the minute")
    count = models.PositiveIntegerField(default=1)
    sample = models.TextField(blank=True, help_text="the start of one body, for a few rows a minute")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.status} {self.reason}"


class ActionOutcome(models.TextChoices):
    OK = "ok", "ok"
    REFUSED = "refused", "refused by Telnyx"
    FAILED = "failed", "failed"
    DENIED = "denied", "denied (permission)"
    INVALID = "invalid", "invalid input"


class OperatorAction(models.Model):
    """The audit trail: every attempt an operator makes, whatever its outcome."""

    created_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, db_index=True, help_text="kept if the user is deleted")
    channel = models.CharField(max_length=10, default="web", help_text="web form or api")
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=20)
    call_control_id = models.CharField(max_length=200, blank=True, db_index=True)
    conference_id = models.CharField(max_length=200, blank=True, db_index=True)
    participant_id = models.CharField(max_length=200, blank=True)
    parameters = models.JSONField(default=dict)
    command_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=ActionOutcome.choices, db_index=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    error_title = models.CharField(max_length=300, blank=True)
    error_detail = models.TextField(blank=True)
    error_pointer = models.CharField(max_length=200, blank=True)
    response = models.JSONField(default=dict, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    submission_id = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="one per submitted form: a double click sends once",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        # History: one person's, one action's or one outcome's attempts, newest first.
        indexes = [
            models.Index(fields=["username", "created_at"], name="action_user_created_idx"),
            models.Index(fields=["action", "created_at"], name="action_action_created_idx"),
            models.Index(fields=["outcome", "created_at"], name="action_outcome_created_idx"),
        ]
        # One permission per registered action (dashboard/actions/spec.py), created after migrate
        # by dashboard/accounts/roles.py: the action tables live in the apps, above this model.

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.outcome}"


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted (read from the tz database once per process)."""
    return tuple(sorted(available_timezones()))


def validate_time_zone(value: str) -> None:
    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("%(value)s is not a time zone name (IANA, e.g. Europe/Paris).", params={"value": value}) from None
    if value not in time_zone_names():
        raise ValidationError("%(value)s is not a time zone name (IANA, e.g. Europe/Paris).", params={"value": value})


# The same shapes the action forms accept (dashboard/actions/fields.py, above this layer): a
# supervisor phone is dialled as a call's `to`.
_E164 = re.compile(r"\+[0-9]{1,15}")
_SIP_URI = re.compile(r"sips?:(?:[^\s@]+@)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[;?]\S*)?", re.I)


def validate_supervisor_phone(value: str) -> None:
    if value and not (_E164.fullmatch(value) or _SIP_URI.fullmatch(value)):
        raise ValidationError(
            "Enter an E.164 number (+ then 1 to 15 digits, e.g. +13125550100) or a SIP URI (sip:ana@example.com).",
            code="supervisor_phone",
        )


class Theme(models.TextChoices):
    SYSTEM = "system", "Follow the device (light or dark)"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class UserProfile(models.Model):
    """One person's settings for the pages (dashboard/accounts/preferences.py reads them per request).

    A row exists once the person saves the profile page (or an admin saves it); until then the
    defaults apply. A new preference is a new field here and on the profile page's form.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="IANA name (Europe/Paris); empty: the server's DJANGO_TIME_ZONE",
    )
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.SYSTEM)
    supervisor_phone = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_supervisor_phone],
        help_text="E.164 number or SIP URI dialled when this person listens to a call; empty: not set",
    )
    # Alerts reach a page silently unless the person opts in (browsers ask before notifying anyway).
    alert_sound = models.BooleanField(default=False, help_text="play a sound when an alert is raised")
    alert_desktop = models.BooleanField(default=False, help_text="show a desktop notification when an alert is raised")

    def __str__(self) -> str:
        return f"{self.user} ({self.zone_name}, {self.theme})"

    @property
    def zone_name(self) -> str:
        """The zone times are shown in: the person's own, else the server's."""
        return self.time_zone or settings.TIME_ZONE
