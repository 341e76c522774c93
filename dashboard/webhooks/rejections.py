"""Refused deliveries, counted in memory and written as per-minute aggregates.

Anyone can post to the webhook endpoint: a database write per forgery would let a stranger load
the database (and grow a table without bound) for free. Instead each refusal bumps a counter
keyed by minute, endpoint, reason, status and source address; a thread writes the finished
minutes once a minute, one row per key (`RejectedWebhook.count`), with the start of a few bodies
per minute and reason kept for diagnosis. A worker that dies loses at most its last minute's
counts, which the metrics (`switchboard_webhooks_rejected_total`) still have.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import close_old_connections

from dashboard.db.storable import storable_text
from dashboard.models import RejectedWebhook

logger = logging.getLogger("switchboard.webhooks")

FLUSH_EVERY_SECS = 60
SAMPLES_PER_MINUTE_AND_REASON = 3
SAMPLE_BYTES = 1024
# Distinct sources kept apart per minute; beyond, a flood from many addresses is one "(many)" row.
SOURCES_PER_MINUTE = 500
MANY_SOURCES = "(many)"

_Key = tuple[int, str, str, int, str]  # minute, endpoint, reason, status, source


@dataclass
class _Tally:
    count: int = 0
    largest: int = 0
    last_at: float = 0.0
    sample: str = ""


class Rejections:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tallies: dict[_Key, _Tally] = {}
        self._sources: dict[int, set[str]] = {}
        self._samples: dict[tuple[int, str, str], int] = {}
        self._thread: threading.Thread | None = None

    def add(
        self, *, endpoint: str, reason: str, status: int, remote_addr: str, size: int, body: bytes = b""
    ) -> None:
        """Count one refusal (no I/O: safe to call from the event loop)."""
        now = time.time()
        minute = int(now // 60)
        with self._lock:
            sources = self._sources.setdefault(minute, set())
            source = remote_addr[:64]
            if source not in sources:
                source = MANY_SOURCES if len(sources) >= SOURCES_PER_MINUTE else source
                sources.add(source)
            tally = self._tallies.setdefault((minute, endpoint, reason[:200], status, source), _Tally())
            tally.count += 1
            tally.largest = max(tally.largest, size)
            tally.last_at = now
            sampled = self._samples.get((minute, endpoint, reason), 0)
            if body and not tally.sample and sampled < SAMPLES_PER_MINUTE_AND_REASON:
                tally.sample = storable_text(body[:SAMPLE_BYTES].decode("utf-8", "replace"))
                self._samples[(minute, endpoint, reason)] = sampled + 1

    def flush(self, *, everything: bool = True) -> int:
        """Write the counted minutes (only the finished ones unless `everything`); returns rows written."""
        current = int(time.time() // 60)
        with self._lock:
            done = [key for key in self._tallies if everything or key[0] < current]
            taken = {key: self._tallies.pop(key) for key in done}
            for minute in [m for m in self._sources if everything or m < current]:
                del self._sources[minute]
            for key in [k for k in self._samples if everything or k[0] < current]:
                del self._samples[key]
        rows = [
            RejectedWebhook(
                received_at=datetime.fromtimestamp(tally.last_at, UTC),
                endpoint=endpoint,
                reason=reason,
                status=status,
                remote_addr=source,
                body_bytes=min(tally.largest, 2**31 - 1),
                count=tally.count,
                sample=tally.sample,
            )
            for (_, endpoint, reason, status, source), tally in taken.items()
        ]
        if rows:
            RejectedWebhook.objects.bulk_create(rows)
        return len(rows)

    def start(self, every_secs: float = FLUSH_EVERY_SECS) -> None:
        """Write finished minutes every `every_secs` from a daemon thread (once per process)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, args=(every_secs,), name="rejections", daemon=True)
        self._thread.start()

    def _run(self, every_secs: float) -> None:
        while True:
            time.sleep(every_secs)
            close_old_connections()
            try:
                self.flush(everything=False)
            except Exception:
                # The counts of that minute are lost; the metrics still have them.
                logger.exception("could not write the rejected webhooks' counts")


rejections = Rejections()
