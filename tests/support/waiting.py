"""Waiting for something to happen, instead of sleeping for as long as it usually takes."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 10.0, interval: float = 0.02) -> T:
    """Poll `check` until it returns something truthy or `timeout` passes; returns its last result.

    The default is generous: a passing check returns at once, and a loaded CI machine can take seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def wait_until(check: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """Like eventually(), but a check still falsy after `timeout` raises TimeoutError naming `what`."""
    result = eventually(check, timeout, interval)
    if not result:
        raise TimeoutError(f"{what} not ready after {timeout:g}s")
    return result
