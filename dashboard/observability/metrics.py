"""The dashboard's Prometheus metrics, in one place, all prefixed `switchboard_`.

With PROMETHEUS_MULTIPROC_DIR set (`manage.py serve` sets and empties it), prometheus-client keeps
each worker's figures in memory-mapped files there and one scrape reports them summed, whichever
worker answers it. An increment is an in-memory add and a write into the mapped page: no I/O call,
no lock held across I/O. Labels are low-cardinality only: never a call id, a number or a user.
"""

import glob
import os
from collections.abc import Callable, Iterable

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # prometheus-client opens its files there as soon as the first metric is declared.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import Counter, Gauge, Histogram, multiprocess  # noqa: E402
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SLOW = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# --- webhooks and ingest ----------------------------------------------------------------------
WEBHOOKS = Counter(
    "switchboard_webhooks_received_total",
    "Webhook deliveries by endpoint and outcome (stored, duplicate, rejected, failed: not stored, 503).",
    ["endpoint", "outcome"],
)
WEBHOOK_REJECTIONS = Counter(
    "switchboard_webhooks_rejected_total",
    "Webhook deliveries refused, by endpoint and reason (signature, timestamp, malformed, too_large, ...).",
    ["endpoint", "reason"],
)
WEBHOOK_SECONDS = Histogram(
    "switchboard_webhook_handling_seconds",
    "Time from a webhook's body received to its answer (verify, parse, durable commit).",
    ["endpoint"],
    buckets=_FAST,
)
INGEST_BATCH_SIZE = Histogram(
    "switchboard_ingest_batch_size",
    "Webhooks committed together by the ingest writer in one transaction.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
INGEST_COMMIT_SECONDS = Histogram(
    "switchboard_ingest_commit_seconds",
    "Time the ingest writer took to store and fold one batch (one transaction).",
    buckets=_FAST,
)
WRITER_QUEUE = Gauge(
    "switchboard_ingest_queue_depth",
    "Webhooks waiting for the ingest writer thread, summed over live workers.",
    multiprocess_mode="livesum",
)
EVENTS = Counter(
    "switchboard_events_stored_total",
    "New events written to the event log, by type (types the dashboard does not know: other).",
    ["type"],
)

# --- live pages -------------------------------------------------------------------------------
WEBSOCKETS = Gauge(
    "switchboard_websocket_connections",
    "Open live-page websockets, summed over live workers.",
    multiprocess_mode="livesum",
)
WEBSOCKET_MESSAGES = Counter(
    "switchboard_websocket_messages_sent_total",
    "Messages sent to live pages (row fragments, refreshes).",
)
BROADCAST_LAG = Histogram(
    "switchboard_broadcast_lag_seconds",
    "Time from a change's commit to its fragment being sent to a page.",
    buckets=_FAST,
)
CHANNEL_LAYER_ERRORS = Counter(
    "switchboard_channel_layer_errors_total",
    "Channel layer (Redis) operations that failed, by operation.",
    ["operation"],
)

# --- Telnyx -----------------------------------------------------------------------------------
TELNYX_COMMANDS = Counter(
    "switchboard_telnyx_commands_total",
    "Operator commands sent to Telnyx, by action and outcome (ok, refused, failed).",
    ["action", "outcome"],
)
TELNYX_COMMAND_SECONDS = Histogram(
    "switchboard_telnyx_command_seconds",
    "Telnyx command latency, retries included, by action.",
    ["action"],
    buckets=_SLOW,
)
TELNYX_RETRIES = Counter(
    "switchboard_telnyx_retries_total",
    "Telnyx requests sent again, by reason (rate_limited, server_error, transport, malformed).",
    ["reason"],
)
TELNYX_RATE_LIMIT_WAIT_SECONDS = Counter(
    "switchboard_telnyx_rate_limit_wait_seconds_total",
    "Seconds spent waiting after Telnyx answered 429.",
)

# --- people and exports -----------------------------------------------------------------------
LOGIN_FAILURES = Counter("switchboard_login_failures_total", "Failed password logins (any login path).")
LOGIN_LOCKOUTS = Counter("switchboard_login_lockouts_total", "Logins refused because the username is locked out.")
EXPORTS_RUNNING = Gauge(
    "switchboard_exports_running",
    "History exports being streamed now, summed over live workers.",
    multiprocess_mode="livesum",
)

# --- HTTP (Django's pages and API; webhooks have their own) ------------------------------------
HTTP_REQUESTS = Counter(
    "switchboard_http_requests_total",
    "HTTP requests answered by Django, by method, route (URL pattern name) and status class.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "switchboard_http_request_seconds",
    "Time Django took to answer, by route (URL pattern name).",
    ["route"],
    buckets=_SLOW,
)

# --- reconciliation ---------------------------------------------------------------------------
RECONCILE_RUNS = Counter(
    "switchboard_reconcile_runs_total", "Reconciliation runs, by outcome (ok, failed).", ["outcome"]
)
RECONCILE_CORRECTIONS = Counter(
    "switchboard_reconcile_corrections_total",
    "Corrections reconciliation wrote to the event log, by kind (calls_ended, conferences_named, ...).",
    ["kind"],
)

# Collectors computed when /metrics is read (live rows counted in the database, say), registered
# by the apps that own what they count.
ScrapeCollector = Callable[[], Iterable[Metric]]
_scrape_collectors: dict[str, ScrapeCollector] = {}


def register_scrape_collector(name: str, collect: ScrapeCollector) -> None:
    _scrape_collectors[name] = collect


def scrape_collectors() -> list[ScrapeCollector]:
    return list(_scrape_collectors.values())


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    """A one-value gauge for a scrape collector."""
    return GaugeMetricFamily(name, documentation, value=value)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def forget_dead_workers(directory: str) -> None:
    """A killed worker's live gauges (open sockets, queue depth) must not count; its counters do."""
    for path in glob.glob(os.path.join(directory, "gauge_live*_*.db")):
        try:
            pid = int(os.path.basename(path).rsplit("_", 1)[1].split(".")[0])
        except ValueError:
            continue
        if not _alive(pid):
            multiprocess.mark_process_dead(pid, directory)
