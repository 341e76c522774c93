"""The last hour of the dashboard's own counters, minute by minute, for the delivery health page.

Prometheus keeps the long history; this keeps one hour in memory so that the page needs no
Prometheus. Every minute a thread reads the same counters /metrics serves (all workers' figures in
multiprocess mode) and keeps the totals; a minute's figures are the difference between two
snapshots, and its p95 is read off the histogram's buckets as Prometheus' histogram_quantile does.
"""

import logging
import math
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

from dashboard.observability.metrics import forget_dead_workers

logger = logging.getLogger("switchboard.metrics")
MINUTES = 60

_HANDLING = "switchboard_webhook_handling_seconds"
_LAG = "switchboard_broadcast_lag_seconds"
_WANTED = {
    "switchboard_webhooks_received",
    "switchboard_webhooks_rejected",
    "switchboard_telnyx_commands",
    _HANDLING,
    _LAG,
    "switchboard_ingest_queue_depth",
    "switchboard_websocket_connections",
}

Totals = dict[tuple, float]


def read_totals() -> Totals:
    """The counters, histogram buckets and gauges of _WANTED, summed over workers."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        forget_dead_workers(directory)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        families = registry.collect()
    else:
        families = REGISTRY.collect()
    totals: Totals = {}
    for family in families:
        if family.name not in _WANTED:
            continue
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue
            labels = tuple(sorted(sample.labels.items()))
            key = (sample.name, labels)
            totals[key] = totals.get(key, 0.0) + sample.value
    return totals


def _sum(totals: Totals, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(value for (sample, pairs), value in totals.items() if sample == name and wanted <= set(pairs))


def _buckets(totals: Totals, name: str) -> dict[float, float]:
    buckets: dict[float, float] = {}
    for (sample, pairs), value in totals.items():
        if sample == f"{name}_bucket":
            bound = float(dict(pairs)["le"])
            buckets[bound] = buckets.get(bound, 0.0) + value
    return buckets


def quantile(buckets: dict[float, float], q: float) -> float | None:
    """histogram_quantile over cumulative bucket counts: None when nothing was observed."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    previous_bound, previous_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if math.isinf(bound):
                return previous_bound
            if count == previous_count:
                return bound
            return previous_bound + (bound - previous_bound) * (rank - previous_count) / (count - previous_count)
        previous_bound, previous_count = bound, count
    return previous_bound


@dataclass(frozen=True)
class Minute:
    at: float  # the minute's start (epoch seconds)
    webhooks: int
    duplicates: int
    rejected: dict[str, int]
    handling_p95_ms: float | None
    lag_p95_ms: float | None
    telnyx_errors: int

    @property
    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.at, UTC)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def difference(before: Totals, after: Totals, at: float) -> Minute:
    def delta(name: str, **labels: str) -> float:
        return max(0.0, _sum(after, name, **labels) - _sum(before, name, **labels))

    def delta_buckets(name: str) -> dict[float, float]:
        old = _buckets(before, name)
        return {bound: max(0.0, count - old.get(bound, 0.0)) for bound, count in _buckets(after, name).items()}

    reasons = {dict(pairs).get("reason", "") for (sample, pairs) in after if sample == "switchboard_webhooks_rejected_total"}
    rejected = {reason: int(delta("switchboard_webhooks_rejected_total", reason=reason)) for reason in sorted(reasons)}
    handling = quantile(delta_buckets(_HANDLING), 0.95)
    lag = quantile(delta_buckets(_LAG), 0.95)
    return Minute(
        at=at,
        webhooks=int(delta("switchboard_webhooks_received_total")),
        duplicates=int(delta("switchboard_webhooks_received_total", outcome="duplicate")),
        rejected={reason: count for reason, count in rejected.items() if count},
        handling_p95_ms=None if handling is None else handling * 1000,
        lag_p95_ms=None if lag is None else lag * 1000,
        telnyx_errors=int(
            delta("switchboard_telnyx_commands_total", outcome="refused")
            + delta("switchboard_telnyx_commands_total", outcome="failed")
        ),
    )


@dataclass
class MinuteHistory:
    """Snapshots of the totals at each minute's start, for the last MINUTES minutes."""

    snapshots: deque = field(default_factory=lambda: deque(maxlen=MINUTES + 1))
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False

    def take(self, now: float | None = None) -> None:
        minute = (now if now is not None else time.time()) // 60 * 60
        totals = read_totals()
        with self.lock:
            if self.snapshots and self.snapshots[-1][0] == minute:
                return
            self.snapshots.append((minute, totals))

    def minutes(self) -> list[Minute]:
        """Complete minutes, then the current one so far; oldest first. Empty before the first snapshot."""
        with self.lock:
            points = list(self.snapshots)
        points.append((None, read_totals()))
        return [difference(before, after, at) for (at, before), (_, after) in pairwise(points)][-MINUTES:]

    def gauges(self) -> dict[str, float]:
        totals = read_totals()
        return {
            "writer_queue": _sum(totals, "switchboard_ingest_queue_depth"),
            "open_sockets": _sum(totals, "switchboard_websocket_connections"),
        }

    def start(self) -> None:
        """Snapshot now, then at the start of every minute, in a daemon thread (once per process)."""
        with self.lock:
            if self.started:
                return
            self.started = True
        self.take()
        threading.Thread(target=self._run, name="metrics-minutes", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(60 - time.time() % 60 + 0.05)
            try:
                self.take()
            except Exception:  # a torn read of a file being written: the next minute will do
                logger.debug("metrics snapshot skipped", exc_info=True)


history = MinuteHistory()
