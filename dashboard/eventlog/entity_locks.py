"""One order across processes for ingest batches on PostgreSQL.

Two workers whose batches share calls would otherwise lock rows in whatever order their
statements meet them. Given the same deliveries in opposite orders (Telnyx retrying into two
workers), each inserted one event the other then had to wait for: a deadlock PostgreSQL settles
only after `deadlock_timeout` (1 s), by failing a batch. A new call both batches create is the
milder case: the loser waits, then folds it again. Taking transaction-scoped advisory locks on
every call and conference of the batch first, in one statement and in one global order, makes the
later batch wait at its start for the earlier one's commit, then read what it wrote. Within a
process the writer already shards by call, so these locks are only ever waited on across processes.
"""

import zlib
from collections.abc import Iterable

from django.db import connection

from dashboard.eventlog.incoming import IncomingEvent

# The two-integer advisory lock space (classid, objid) is apart from the single-key locks the
# schedule and submissions take; the class says "ingest entity".
_LOCK_CLASS = 0x5B0A


def _lock_id(key: str) -> int:
    # crc32 as a signed int4; two keys sharing an id only wait for each other needlessly.
    return zlib.crc32(key.encode()) - 2**31


def lock_entities(events: Iterable[IncomingEvent]) -> None:
    """Hold the batch's calls and conferences until the transaction ends (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time
    ids = sorted(
        {_lock_id(key) for event in events for key in (event.call_control_id, event.conference_id) if key}
    )
    if not ids:
        return
    with connection.cursor() as cursor:
        # unnest yields the array in order: every batch takes its locks in ascending id order.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, id)) FROM unnest(%s::int[]) AS id", [_LOCK_CLASS, ids]
        )
