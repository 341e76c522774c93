"""Failed logins and lockouts as metrics (switchboard_login_failures_total, ..._lockouts_total)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed

from dashboard.observability import metrics


def _failed(**kwargs: object) -> None:
    metrics.LOGIN_FAILURES.inc()


def _locked_out(**kwargs: object) -> None:
    metrics.LOGIN_LOCKOUTS.inc()


def connect_login_counters() -> None:
    user_login_failed.connect(_failed, dispatch_uid="switchboard-login-failures")
    user_locked_out.connect(_locked_out, dispatch_uid="switchboard-login-lockouts")
