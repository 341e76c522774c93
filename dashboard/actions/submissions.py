"""One submission, one command: a form's `submission_id` or an API client's Idempotency-Key.

A submission is scoped to who sent it, which action and what it is aimed at, so an id reused by
another user, for another action or on another call is a new submission, never someone else's
record. Its Telnyx `command_id` is derived from it (Telnyx ignores a repeated command_id on the
same call), and while one submission is being sent, a second one with the same scope waits for
it and then answers with its record: a dial, which has no call for Telnyx to de-duplicate on,
is placed once.
"""

import contextlib
import hashlib
import threading
import uuid
from collections.abc import Iterator

from django.db import connection, transaction

_COMMAND_IDS = uuid.UUID("7f1d2c4e-5b6a-4e8f-9a0b-1c2d3e4f5a6b")
# Striped, so the table never grows: two submissions sharing a stripe merely wait for each other.
_LOCKS = tuple(threading.RLock() for _ in range(64))


def scoped_submission(user, action: str, target_ids: tuple[str, ...], submission_id: str) -> str:  # noqa: ANN001
    """The key a submission is stored under (64 hex characters: the audit column's width)."""
    scope = "\x1f".join([str(getattr(user, "pk", "") or ""), action, *target_ids, submission_id])
    return hashlib.sha256(scope.encode("utf-8", "replace")).hexdigest()


def command_id_for(scoped: str) -> str:
    """The same Telnyx command_id for every attempt of one submission."""
    return str(uuid.uuid5(_COMMAND_IDS, scoped))


@contextlib.contextmanager
def submission_lock(scoped: str) -> Iterator[None]:
    """Hold the submission while it is checked, sent and recorded.

    Within a process, a lock; across processes on PostgreSQL, an advisory lock held by a
    transaction (released at its end, whatever happens). SQLite serves one process, and a
    transaction there would take the database's only write lock for the command's round trip.
    """
    with _LOCKS[int(scoped[:8], 16) % len(_LOCKS)]:
        if connection.vendor != "postgresql":
            yield
            return
        with transaction.atomic():
            key = int.from_bytes(bytes.fromhex(scoped[:16]), "big", signed=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            yield
