"""What breaches a threshold right now: the conditions alerts are raised for, read from the live rows.

Each breach has a key naming the condition and when it began, so a call that rings too long, is
answered, then rings again later is two alerts, and a condition seen twice is one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.dateparse import parse_datetime

from calls.models import Call, CallState
from calls.selectors import call_name
from calls.supervision.models import ACTIVE_STATES, Supervision
from operations.alerts.models import AlertKind
from operations.history.delivery import silence_warning

# Enough for any floor a person can read; past it, the oldest breaches are the ones shown.
PER_KIND_LIMIT = 100
RINGING_STATES = (CallState.PARKED, CallState.BRIDGING)


@dataclass(frozen=True)
class Breach:
    kind: str
    key: str
    subject: str
    detail: str
    since: datetime
    call_control_id: str = ""
    user_id: int | None = None  # who caused it (their own alert is acknowledged for them)


def _secs(value: int) -> str:
    return f"{value} s" if value < 120 else f"{value // 60} min"


def _call_breach(kind: str, call: Call, since: datetime, detail: str) -> Breach:
    name = call_name(call)
    subject = f"{name} ({call.from_number})" if call.caller_id_name and name == call.caller_id_name else name
    return Breach(
        kind,
        f"{kind}:{call.call_control_id}:{since.isoformat()}",
        subject,
        detail,
        since,
        call.call_control_id,
    )


def _ringing(now: datetime) -> list[Breach]:
    limit = settings.ALERT_RINGING_SECS
    # A supervisor's own phone ringing is their business (the supervision bar shows it), not the floor's.
    supervisor_legs = Supervision.objects.filter(ended_at__isnull=True).values("supervisor_call_control_id")
    calls = (
        Call.objects.filter(
            is_alive=True, state__in=RINGING_STATES, state_since__lt=now - timedelta(seconds=limit)
        )
        .exclude(call_control_id__in=supervisor_legs)
        .order_by("state_since")[:PER_KIND_LIMIT]
    )
    return [
        _call_breach(AlertKind.RINGING, call, call.state_since, f"ringing for over {_secs(limit)}")
        for call in calls
    ]


def _queued(now: datetime) -> list[Breach]:
    limit = settings.ALERT_QUEUED_SECS
    calls = Call.objects.filter(
        is_alive=True, state=CallState.QUEUED, state_since__lt=now - timedelta(seconds=limit)
    ).order_by("state_since")[:PER_KIND_LIMIT]
    return [
        _call_breach(
            AlertKind.QUEUED,
            call,
            call.state_since,
            f"waiting in {call.queue_name or 'a queue'} for over {_secs(limit)}",
        )
        for call in calls
    ]


def _on_hold(now: datetime) -> list[Breach]:
    limit = settings.ALERT_HOLD_SECS
    breaches = []
    # Calls on hold are few; when the hold began is a detail of the call's fold.
    for call in Call.objects.filter(is_alive=True, on_hold=True).order_by("state_since")[
        : PER_KIND_LIMIT * 5
    ]:
        since = parse_datetime(str((call.details or {}).get("hold_since") or ""))
        if since is not None and (now - since).total_seconds() > limit:
            breaches.append(_call_breach(AlertKind.HOLD, call, since, f"on hold for over {_secs(limit)}"))
    return breaches[:PER_KIND_LIMIT]


def _supervisions() -> list[Breach]:
    active = Supervision.objects.filter(state__in=ACTIVE_STATES).order_by("started_at")[:PER_KIND_LIMIT]
    return [
        Breach(
            AlertKind.SUPERVISION,
            # A role switch (listening → whispering → barged in) is a new request: a new alert.
            f"supervision:{supervision.pk}:{supervision.role}",
            supervision.target_name or supervision.target_call_control_id,
            f"{supervision.username} · {supervision.get_role_display().lower()}",
            supervision.started_at,
            supervision.target_call_control_id,
            supervision.user_id,
        )
        for supervision in active
    ]


def _feed(now: datetime) -> list[Breach]:
    warning = silence_warning(now=now)
    if warning is None:
        return []
    since = warning.last_webhook_at
    words = f"{warning.live_calls} call{'s' if warning.live_calls != 1 else ''} live"
    return [
        Breach(
            AlertKind.FEED,
            f"feed:{since.isoformat() if since else 'never'}",
            "Telnyx webhooks",
            f"no webhook {'for over ' + _secs(warning.threshold_secs) if since else 'received yet'} while {words}",
            since or now,
        )
    ]


def current_breaches(now: datetime) -> dict[str, Breach]:
    found = [*_feed(now), *_ringing(now), *_on_hold(now), *_queued(now), *_supervisions()]
    return {breach.key: breach for breach in found}
