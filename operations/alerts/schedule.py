"""Alerts evaluated on a schedule inside the server (ALERT_EVALUATE_EVERY_SECS; 0: off).

Thresholds are crossed by time passing, not by webhooks, so each worker evaluates every few seconds:
a handful of indexed reads; a breach is raised once however many workers see it (one row per key).
"""

import logging
import threading
import time

from django.db import close_old_connections

from operations.alerts.services import evaluate, forget_old

logger = logging.getLogger("switchboard.alerts")

_started = threading.Lock()
_thread: threading.Thread | None = None
FORGET_EVERY_SECS = 3600


def _loop(every: float) -> None:
    forgotten_at = 0.0
    while True:
        try:
            evaluate()
            if time.monotonic() - forgotten_at > FORGET_EVERY_SECS:
                forget_old()
                forgotten_at = time.monotonic()
        except Exception:
            logger.exception("alerts: evaluation failed")
        finally:
            close_old_connections()
        time.sleep(every)


def start_alert_evaluation(every: float) -> None:
    global _thread
    with _started:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_loop, args=(every,), name="alerts", daemon=True)
        _thread.start()
