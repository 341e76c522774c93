"""An alert is one breach (this call ringing since then, the feed silent since then), raised once and
cleared when the condition ends; each person acknowledges it for themselves."""

from django.conf import settings
from django.db import models


class AlertKind(models.TextChoices):
    RINGING = "ringing", "Ringing too long"
    HOLD = "hold", "On hold too long"
    QUEUED = "queued", "Waiting in a queue too long"
    SUPERVISION = "supervision", "Supervisor on a call"
    FEED = "feed", "Webhook feed silent"


class Alert(models.Model):
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    # The breach itself (kind, subject and since when): raising it twice, from two workers or two
    # evaluations, is one row.
    key = models.CharField(max_length=300, unique=True)
    subject = models.CharField(max_length=300, help_text="who or what, in words")
    detail = models.CharField(max_length=300, blank=True)
    call_control_id = models.CharField(max_length=200, blank=True)
    since = models.DateTimeField(help_text="when the condition began")
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            # Every page render and every evaluation reads the active ones: only they are indexed.
            models.Index(
                fields=["raised_at"], name="alert_active_idx", condition=models.Q(cleared_at__isnull=True)
            ),
            models.Index(fields=["cleared_at"], name="alert_cleared_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class AlertAck(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="acks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alert_ack_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.alert_id}"
