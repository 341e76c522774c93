"""Login rate limiting and lockout: too many failures for one user or one address locks it out.

Kept in the database rather than a per-process cache so that several workers count together.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dashboard.models import LoginFailure


def _window_start():  # noqa: ANN202
    return timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECS)


def login_is_locked(*, username: str, remote_addr: str) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_user = recent.filter(username=username.lower()).count() if username else 0
    by_addr = recent.filter(remote_addr=remote_addr).count() if remote_addr else 0
    limit = settings.LOGIN_MAX_FAILURES
    # An address may try a few more names than one name may be tried, before it is stopped.
    return by_user >= limit or by_addr >= limit * 3


def login_failed(*, username: str, remote_addr: str) -> None:
    LoginFailure.objects.create(at=timezone.now(), username=username.lower()[:150], remote_addr=remote_addr[:64])
    LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def login_succeeded(*, username: str, remote_addr: str) -> None:
    LoginFailure.objects.filter(Q(username=username.lower()) | Q(remote_addr=remote_addr)).delete()
