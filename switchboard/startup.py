"""What a server process checks and starts before it serves (used by asgi.py and manage.py).

A configuration error is one line on stderr naming the variable, and exit code 2, not a traceback.
Several workers on the in-memory channel layer refuse to start: each would push its changes only
to the pages connected to itself.
"""

import contextlib
import logging
import multiprocessing
import os
import sys
from collections.abc import Iterator

from django.core.exceptions import ImproperlyConfigured

CONFIGURATION_ERROR = 2
# uvicorn's code for "failed before serving": its supervisor then stops instead of respawning the worker.
UVICORN_STARTUP_FAILURE = 3


def _in_uvicorn_worker() -> bool:
    return multiprocessing.parent_process() is not None and "uvicorn" in " ".join(sys.argv)


def fail(message: str) -> None:
    print(f"switchboard: {message}", file=sys.stderr, flush=True)
    raise SystemExit(UVICORN_STARTUP_FAILURE if _in_uvicorn_worker() else CONFIGURATION_ERROR)


@contextlib.contextmanager
def configuration_error_exit() -> Iterator[None]:
    try:
        yield
    except ImproperlyConfigured as exc:
        fail(f"configuration error: {exc}")


def in_memory_layer_with_several_workers() -> str | None:
    from dashboard.realtime.workers import several_workers_refusal

    return several_workers_refusal()


def start_background_tasks() -> None:
    """Periodic reconciliation with Telnyx, when RECONCILE_EVERY_SECS is set (one worker at a time), and
    alert evaluation (every ALERT_EVALUATE_EVERY_SECS, in every worker)."""
    from django.conf import settings

    from dashboard.observability.minutes import history
    from dashboard.realtime.workers import requested_workers
    from dashboard.webhooks.rejections import rejections

    if requested_workers() > 1 and multiprocessing.parent_process() and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        logging.getLogger("switchboard.metrics").warning(
            "several workers without PROMETHEUS_MULTIPROC_DIR: each scrape of /metrics sees one worker's "
            "figures (manage.py serve sets it)"
        )
    history.start()  # the delivery health page's last hour, minute by minute
    rejections.start()  # refused webhooks' per-minute counts, written once a minute
    if settings.ALERT_EVALUATE_EVERY_SECS > 0:
        from operations.alerts.schedule import start_alert_evaluation

        start_alert_evaluation(settings.ALERT_EVALUATE_EVERY_SECS)
    if settings.RECONCILE_EVERY_SECS > 0:
        from operations.schedule import start_periodic_reconcile

        start_periodic_reconcile(settings.RECONCILE_EVERY_SECS)


async def flush_rejections() -> None:
    """At shutdown, the refused webhooks counted since the last minute's write (best effort)."""
    from asgiref.sync import sync_to_async

    from dashboard.webhooks.rejections import rejections

    try:
        await sync_to_async(rejections.flush, thread_sensitive=False)()
    except Exception:
        logging.getLogger("switchboard.webhooks").exception("could not write the rejected webhooks' counts")
