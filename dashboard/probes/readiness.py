"""Readiness: can this worker do its job right now? Database, channel layer, ingest writer, migrations.

Each check has a short deadline and answers in fixed words (ok, unreachable, timeout, pending, ...):
no error text, hostname or setting is ever part of the answer. A database check that is still stuck
from an earlier probe is not started again, so a frozen database never piles up threads.
"""

import asyncio
import contextlib
import logging
import threading

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor

from dashboard.webhooks.receive import writer

logger = logging.getLogger("switchboard.health")

OK = "ok"
_database_check: asyncio.Future | None = None
_migrated = False


def _database_and_migrations() -> tuple[str, str]:
    global _migrated
    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _migrated:
            # Loading the migration graph costs tens of milliseconds: once all is applied, it stays so.
            executor = MigrationExecutor(connection)
            _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        # Each probe connects afresh (or takes one from the pool): a restarted database is seen at
        # once, and no connection is kept open for probes alone.
        connection.close()
    return OK, OK if _migrated else "pending"


def _in_daemon_thread(work) -> asyncio.Future:  # noqa: ANN001
    """`work()` in a thread of its own that never holds up the process's exit (a frozen database)."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result: object, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = work(), None
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is gone (the server stopped)
            loop.call_soon_threadsafe(settle, result, error)

    # Read the outcome even when nobody waits any more (the probe timed out): no "never retrieved" noise.
    future.add_done_callback(lambda done: done.cancelled() or done.exception())
    threading.Thread(target=run, name="readiness-database", daemon=True).start()
    return future


async def check_database(timeout: float) -> tuple[str, str]:
    """(database, migrations)."""
    global _database_check
    pending = _database_check
    if pending is not None and not pending.done() and pending.get_loop() is asyncio.get_running_loop():
        return "timeout", "unknown"
    _database_check = _in_daemon_thread(_database_and_migrations)
    try:
        return await asyncio.wait_for(asyncio.shield(_database_check), timeout)
    except TimeoutError:
        return "timeout", "unknown"
    except Exception as exc:
        logger.debug("readiness: database check failed: %s", type(exc).__name__)
        return "unreachable", "unknown"


async def check_channel_layer(timeout: float) -> str:
    layer = get_channel_layer()
    if layer is None:
        return "missing"
    if not hasattr(layer, "ring_size"):
        return OK  # the in-memory layer: nothing to reach
    try:
        async with asyncio.timeout(timeout):
            for index in range(layer.ring_size):
                await layer.connection(index).ping()
    except TimeoutError:
        return "timeout"
    except Exception:
        return "unreachable"
    return OK


def check_writer() -> str:
    if writer.stopped():
        return "stopped"
    if writer.queue_depth() > settings.READY_MAX_WRITER_QUEUE:
        return "backlog"
    return OK


async def readiness() -> tuple[bool, dict[str, str]]:
    timeout = settings.READY_CHECK_TIMEOUT_SECS
    (database, migrations), layer = await asyncio.gather(check_database(timeout), check_channel_layer(timeout))
    checks = {"database": database, "channel_layer": layer, "writer": check_writer(), "migrations": migrations}
    return all(state == OK for state in checks.values()), checks
