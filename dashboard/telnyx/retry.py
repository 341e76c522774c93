"""How long to wait before re-sending a Telnyx request."""

import math

BACKOFF_BASE_SECS = 0.2
BACKOFF_CAP_SECS = 2.0
# A dashboard request thread should not hang on a rate limit: wait at most this, then retry.
RATE_LIMIT_WAIT_CAP_SECS = 3.0
# x-ratelimit-reset values from here up are unix timestamps (2001-09-09), smaller ones are seconds.
_EPOCH_THRESHOLD = 1_000_000_000


def backoff_delay(attempt: int) -> float:
    """Delay after the `attempt`-th failed try (1-based): short and exponential."""
    return min(BACKOFF_CAP_SECS, BACKOFF_BASE_SECS * 2 ** (attempt - 1))


def rate_limit_delay(reset: str | None, *, attempt: int, now: float) -> float:
    """Delay after a 429, from its x-ratelimit-reset header, capped."""
    try:
        value = float(reset) if reset is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return backoff_delay(attempt)
    wait = value - now if value >= _EPOCH_THRESHOLD else value
    return min(RATE_LIMIT_WAIT_CAP_SECS, max(0.0, wait))
