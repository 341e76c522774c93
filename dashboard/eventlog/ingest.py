"""Store accepted webhooks in the event log and fold them into state, in one transaction."""

import logging
from collections.abc import Sequence

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from dashboard.eventlog.batch_sql import insert_new_rows
from dashboard.eventlog.entity_locks import lock_entities
from dashboard.eventlog.event_types import EventType
from dashboard.eventlog.incoming import IncomingEvent
from dashboard.eventlog.projections import project_events
from dashboard.models import Event
from dashboard.observability import metrics
from dashboard.realtime.broadcast import broadcast_changes

logger = logging.getLogger("switchboard.ingest")

_RACE_RETRIES = 3
_DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
# Event types as metric labels: the known ones by name, anything else Telnyx may send as "other".
_KNOWN_TYPES = frozenset(EventType)


def _count_stored(stored: Sequence[Event]) -> None:
    counts: dict[str, int] = {}
    for event in stored:
        label = event.event_type if event.event_type in _KNOWN_TYPES else "other"
        counts[label] = counts.get(label, 0) + 1
    for label, count in counts.items():
        metrics.EVENTS.labels(label).inc(count)


def _event_row(incoming: IncomingEvent) -> Event:
    return Event(
        event_id=incoming.event_id,
        event_type=incoming.event_type,
        source=incoming.source,
        occurred_at=incoming.occurred_at,
        received_at=incoming.received_at,
        attempt=incoming.attempt,
        call_control_id=incoming.call_control_id,
        call_session_id=incoming.call_session_id,
        call_leg_id=incoming.call_leg_id,
        conference_id=incoming.conference_id,
        payload=incoming.payload,
        raw_body=incoming.raw_body,
    )


def _identity(event: IncomingEvent | Event) -> tuple[str, str]:
    return (event.event_id, event.event_type)


def _store_new(incoming: Sequence[IncomingEvent]) -> tuple[list[Event], set[tuple[str, str]]]:
    """Insert the batch's events in one statement; the ones the log already held are skipped.

    One round trip for the whole batch, and no read-then-insert race between workers: on
    PostgreSQL a concurrent insert of the same id is waited for, then skipped as a duplicate.
    """
    fresh: dict[tuple[str, str], Event] = {}
    for event in incoming:
        fresh.setdefault(_identity(event), _event_row(event))
    inserted = insert_new_rows(Event, list(fresh.values()), conflict_fields=("event_id", "event_type"))
    stored = [fresh[key] for key in fresh if key in inserted]
    for key, row in fresh.items():
        row.pk = inserted.get(key)
    return stored, {key for key in fresh if key not in inserted}


def ingest_events(incoming: Sequence[IncomingEvent]) -> list[bool]:
    """Store and apply a batch; returns, per event, whether it was new (False: a duplicate).

    A duplicate delivery (same `data.id` and type) changes no state; it is only counted on the
    stored event.
    """
    for attempt in range(_RACE_RETRIES):
        try:
            with transaction.atomic():
                lock_entities(incoming)
                stored, known = _store_new(incoming)
                changes = project_events(stored)
                seen: set[tuple[str, str]] = set()
                duplicates: list[tuple[str, str]] = []
                results = []
                for event in incoming:
                    key = _identity(event)
                    is_new = key not in known and key not in seen
                    seen.add(key)
                    results.append(is_new)
                    if not is_new:
                        duplicates.append(key)
                for event_id, event_type in duplicates:
                    Event.objects.filter(event_id=event_id, event_type=event_type).update(
                        duplicates=F("duplicates") + 1, last_delivery_at=timezone.now()
                    )
                transaction.on_commit(lambda changes=changes: broadcast_changes(changes))
                transaction.on_commit(lambda stored=stored: _count_stored(stored))
            return results
        except (IntegrityError, OperationalError) as error:
            # Another process stored one of these ids between our read and our insert, or (on
            # PostgreSQL) two workers' batches each locked a call the other needed and the
            # database broke the deadlock by failing this one: either way, the batch can run again.
            if isinstance(error, OperationalError) and not _is_deadlock(error):
                raise
            if attempt == _RACE_RETRIES - 1:
                raise
            logger.info(
                "webhook batch raced another worker (%s); retrying it", type(error.__cause__).__name__
            )
    raise AssertionError("unreachable")


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == _DEADLOCK_DETECTED
