"""What this process's last evaluation left active, for the ingest hook to know when to look again."""

import threading


class Watch:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: frozenset[str] = frozenset()
        self._feed_silent = False

    def update(self, *, calls: set[str], feed_silent: bool) -> None:
        with self._lock:
            self._calls = frozenset(calls)
            self._feed_silent = feed_silent

    def concerns(self, call_control_ids: set[str]) -> bool:
        """Whether a batch that changed these calls may end an active alert: any webhook ends a silent
        feed; a change to a call with an alert may end its ringing, hold or wait."""
        with self._lock:
            return self._feed_silent or not self._calls.isdisjoint(call_control_ids)


watch = Watch()
