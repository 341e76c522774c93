"""TelnyxClient: the one client the dashboard uses to send commands to Telnyx."""

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dashboard.telnyx.calls import CallEndpoints
from dashboard.telnyx.conferences import ConferenceEndpoints
from dashboard.telnyx.session import TelnyxSession

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"


class TelnyxClient(CallEndpoints, ConferenceEndpoints):
    """Sync Telnyx v2 client.

    Each method returns a TelnyxResponse or raises TelnyxError. Connection errors, timeouts, 5xx
    and 429 are retried up to `max_attempts` times with the identical body (same command_id).
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 5.0,
        max_attempts: int = 3,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._session = TelnyxSession(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_attempts=max_attempts,
            transport=transport,
            sleep=sleep,
        )

    @classmethod
    def from_settings(
        cls,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Self:
        """A client configured by TELNYX_API_KEY, TELNYX_API_BASE and TELNYX_TIMEOUT_SECS."""
        api_key = getattr(settings, "TELNYX_API_KEY", None)
        if not api_key:
            raise ImproperlyConfigured("TELNYX_API_KEY must be set to send Telnyx commands")
        return cls(
            api_key=api_key,
            base_url=getattr(settings, "TELNYX_API_BASE", DEFAULT_BASE_URL),
            timeout=float(getattr(settings, "TELNYX_TIMEOUT_SECS", 5)),
            transport=transport,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        session = self._session
        return (
            f"TelnyxClient(base_url={session.base_url!r}, timeout={session.timeout!r}, "
            f"max_attempts={session.max_attempts!r})"
        )

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
