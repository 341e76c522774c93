"""The channel layer (Redis) going away and coming back, logged once each way.

During an outage every broadcast and every page connecting fails; a traceback for each would bury
the log (tens of thousands of lines for a few seconds). The first failure logs one warning, the
first success after it one line saying how long it lasted and how many operations failed; each
failure is also counted (switchboard_channel_layer_errors_total).
"""

import logging
import threading
import time

from dashboard.observability import metrics

logger = logging.getLogger("switchboard.realtime")


class LayerOutage:
    def __init__(self) -> None:
        self._down_since: float | None = None
        self._failures = 0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def failed(self, operation: str, error: BaseException) -> None:
        metrics.CHANNEL_LAYER_ERRORS.labels(operation).inc()
        with self._lock:
            starting = self._down_since is None
            if starting:
                self._down_since = time.monotonic()
            self._failures += 1
        if starting:
            logger.warning(
                "channel layer unavailable (%s in %s): live pages re-sync from the database until it is back",
                type(error).__name__,
                operation,
            )

    def succeeded(self) -> None:
        if self._down_since is None:  # the usual case: no lock taken
            return
        with self._lock:
            if self._down_since is None:
                return
            lasted = time.monotonic() - self._down_since
            failures = self._failures
            self._down_since, self._failures = None, 0
        logger.warning(
            "channel layer back after %.1f s (%d operations failed meanwhile)", lasted, failures
        )


outage = LayerOutage()
