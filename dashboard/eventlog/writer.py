"""Long-lived writer threads that commit webhooks in groups.

Request handlers verify and parse in the event loop, then hand the event to a writer thread
and await its answer. Each thread keeps one database connection for its whole life and writes
whatever arrived while its previous group was committing in a single transaction, so one
commit (one fsync) covers many webhooks. Every request is answered only after its event is
durable.

SQLite has one write lock: one thread. PostgreSQL commits transactions side by side, so
INGEST_WRITERS threads may overlap their waits for the server; one is the default, as its
batches are larger and a batch costs about the same few round trips whatever its size. Events
are sharded by call (else conference): a call's events always go to the same thread, so two
threads of a process never wait for each other's locks on it.
"""

import asyncio
import contextlib
import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection

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


def shard_of(event: IncomingEvent, shards: int) -> int:
    """The writer an event goes to: the same one for every event of a call (or conference)."""
    if shards == 1:
        return 0
    key = event.call_control_id or event.conference_id or event.event_id
    return zlib.crc32(key.encode()) % shards


class _Shard:
    def __init__(self, write: Callable[[Sequence[IncomingEvent]], list[bool]], max_batch: int, name: str) -> None:
        self._write = write
        self._max_batch = max_batch
        self._name = name
        self.queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        with self._lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self.thread.start()

    def _next_batch(self) -> list[_Pending]:
        batch = [self.queue.get()]
        while len(batch) < self._max_batch:
            try:
                batch.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            metrics.INGEST_BATCH_SIZE.observe(len(batch))
            started = time.perf_counter()
            results = self._write_batch(batch)
            metrics.INGEST_COMMIT_SECONDS.observe(time.perf_counter() - started)
            for (_, loop, future), (result, error) in zip(batch, results, strict=True):
                # The request's loop may be gone (server stopping): nobody is left to answer.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, future, result, error)

    def _write_batch(self, batch: list[_Pending]) -> list[tuple[bool | None, BaseException | None]]:
        # The thread keeps its connection for good: handing it back after every batch (what
        # close_old_connections does with a pool, CONN_MAX_AGE 0) cost a checkout and a health
        # check round trip per batch. A connection that fails is closed below and replaced.
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


class IngestWriter:
    def __init__(
        self, write: Callable[[Sequence[IncomingEvent]], list[bool]], max_batch: int = 500, shards: int | None = None
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._shard_count = shards
        self._shards: list[_Shard] = []
        self._lock = threading.Lock()

    async def submit(self, event: IncomingEvent) -> bool:
        """Wait until the event is committed; True when it was new, False for a duplicate."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        shards = self._all_shards()
        shard = shards[shard_of(event, len(shards))]
        shard.ensure_started()
        shard.queue.put((event, loop, future))
        metrics.WRITER_QUEUE.set(self.queue_depth())
        return await future

    def queue_depth(self) -> int:
        """Webhooks waiting for the threads (approximate, as any queue size read from outside)."""
        return sum(shard.queue.qsize() for shard in self._shards)

    def stopped(self) -> bool:
        """True when a thread was started and has died (it is started again by its next webhook)."""
        return any(shard.thread is not None and not shard.thread.is_alive() for shard in self._shards)

    def _all_shards(self) -> list[_Shard]:
        if not self._shards:
            with self._lock:
                if not self._shards:
                    count = self._shard_count or (1 if connection.vendor == "sqlite" else settings.INGEST_WRITERS)
                    self._shards = [
                        _Shard(self._write, self._max_batch, f"ingest-writer-{index}") for index in range(count)
                    ]
        return self._shards
