"""Reconciliation inside the server (RECONCILE_EVERY_SECS, on by default in production).

Every worker runs a small thread, but only one worker reconciles: the one holding the leader lock,
a PostgreSQL advisory lock on a connection of its own (any host) or, on SQLite, an exclusive lock on
a file beside the database (one host). The lock goes with its holder: when that worker dies or
loses its database connection, another one takes over at its next tick.
"""

import contextlib
import fcntl
import logging
import random
import threading
import time
from pathlib import Path

from django.db import close_old_connections, connections

from dashboard.telnyx import TelnyxError
from operations.reconcile import reconcile_with_telnyx

logger = logging.getLogger("switchboard.reconcile")

# pg_try_advisory_lock's key: any constant the deployment's other code does not use.
_ADVISORY_KEY = 0x5357_5243_4E43
_started = threading.Lock()
_thread: threading.Thread | None = None


class Leadership:
    """Whether this process is the one that reconciles; re-checked at every tick."""

    def __init__(self) -> None:
        self._pg = None
        self._file = None

    def held(self) -> bool:
        if connections["default"].vendor == "postgresql":
            return self._postgres()
        return self._sqlite()

    def _postgres(self) -> bool:
        import psycopg

        if self._pg is not None:
            try:
                self._pg.execute("SELECT 1")
                return True
            except psycopg.Error:
                with contextlib.suppress(psycopg.Error):
                    self._pg.close()
                self._pg = None
        db = connections["default"].settings_dict
        try:
            conn = psycopg.connect(
                host=db.get("HOST") or None,
                port=db.get("PORT") or None,
                dbname=db["NAME"],
                user=db.get("USER") or None,
                password=db.get("PASSWORD") or None,
                connect_timeout=5,
                autocommit=True,
                application_name="switchboard-reconcile-lock",
            )
            if conn.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_KEY]).fetchone()[0]:
                self._pg = conn
                return True
            conn.close()
        except psycopg.Error:
            return False
        return False

    def _sqlite(self) -> bool:
        if self._file is not None:
            return True
        path = Path(str(connections["default"].settings_dict["NAME"])).with_suffix(".reconcile.lock")
        handle = path.open("a")  # noqa: SIM115 - held open for the life of the process: that is the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True


def run_once() -> None:
    try:
        reconcile_with_telnyx()
    except TelnyxError as exc:
        logger.warning("reconciliation skipped: Telnyx did not answer (%s)", exc.title or exc.status)
    except Exception:
        logger.exception("reconciliation failed")
    finally:
        close_old_connections()


def _loop(every: int) -> None:
    leadership = Leadership()
    # The first run soon after start (names conferences, ends ghosts left by a restart), then every `every` s.
    time.sleep(min(every, 10) * random.uniform(0.5, 1.0))  # noqa: S311
    while True:
        try:
            leader = leadership.held()
        except Exception:
            logger.exception("reconciliation: could not check the leader lock")
            leader = False
        finally:
            close_old_connections()
        if leader:
            run_once()
        time.sleep(every)


def start_periodic_reconcile(every: int) -> None:
    global _thread
    with _started:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_loop, args=(every,), name="reconcile", daemon=True)
        _thread.start()
    logger.debug("periodic reconciliation every %d s", every)
