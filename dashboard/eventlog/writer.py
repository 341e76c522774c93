"""One long-lived writer thread that commits webhooks in groups.

Request handlers verify and parse in the event loop, then hand the event to this thread and
await its answer. The thread keeps one database connection for its whole life and writes
whatever arrived while the previous group was committing in a single transaction, so one
commit (one fsync) covers many webhooks and SQLite's write lock is never fought over. Every
request is answered only after its event is durable.
"""

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from django.db import close_old_connections, connection

from dashboard.eventlog.incoming import IncomingEvent
from dashboard.observability import metrics

logger = logging.getLogger("switchboard.ingest")

_Pending = tuple[IncomingEvent, asyncio.AbstractEventLoop, asyncio.Future]


def _settle(future: asyncio.Future, result: object, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class IngestWriter:
    def __init__(self, write: Callable[[Sequence[IncomingEvent]], list[bool]], max_batch: int = 500) -> None:
        self._write = write
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def submit(self, event: IncomingEvent) -> bool:
        """Wait until the event is committed; True when it was new, False for a duplicate."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._ensure_started()
        self._queue.put((event, loop, future))
        return await future

    def queue_depth(self) -> int:
        """Webhooks waiting for the thread (approximate, as any queue size read from outside)."""
        return self._queue.qsize()

    def stopped(self) -> bool:
        """True when the thread was started and has died (it is started again by the next webhook)."""
        return self._thread is not None and not self._thread.is_alive()

    def _ensure_started(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
                self._thread.start()

    def _next_batch(self) -> list[_Pending]:
        batch = [self._queue.get()]
        while len(batch) < self._max_batch:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            metrics.WRITER_QUEUE.set(self._queue.qsize())
            metrics.INGEST_BATCH_SIZE.observe(len(batch))
            started = time.perf_counter()
            results = self._write_batch(batch)
            metrics.INGEST_COMMIT_SECONDS.observe(time.perf_counter() - started)
            for (_, loop, future), (result, error) in zip(batch, results, strict=True):
                # The request's loop may be gone (server stopping): nobody is left to answer.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, future, result, error)

    def _write_batch(self, batch: list[_Pending]) -> list[tuple[bool | None, BaseException | None]]:
        close_old_connections()
        try:
            return [(new, None) for new in self._write([event for event, _, _ in batch])]
        except Exception as exc:
            # Drop a broken connection so the next batch reconnects (database restarted).
            connection.close()
            if len(batch) == 1:
                logger.exception("webhook %s could not be stored", batch[0][0].event_id)
                return [(None, exc)]
        # One bad event must not fail its neighbours: write them one by one.
        return [self._write_batch([item])[0] for item in batch]
