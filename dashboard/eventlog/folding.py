"""Shared rules for folding events into state, whatever order they arrived in.

State is a pure function of an entity's events sorted by when they happened: the same set of
events, delivered in any order and any number of times, folds to the same state.
"""

import copy
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any, Protocol

from dashboard.eventlog.batch_sql import default_db, insert_unless_taken, update_rows
from dashboard.eventlog.event_types import EventType

# Tie-break for events stamped with the same instant: the order a call lives through them.
_LIFECYCLE_RANK = {
    EventType.CALL_INITIATED: 0,
    EventType.TEXML_CONFERENCE_START: 0,
    EventType.CONFERENCE_CREATED: 0,
    EventType.CALL_ANSWERED: 1,
    EventType.TEXML_PARTICIPANT_JOIN: 1,
    EventType.CONFERENCE_PARTICIPANT_JOINED: 1,
    EventType.CALL_BRIDGED: 2,
    EventType.CALL_ENQUEUED: 2,
    EventType.CALL_DEQUEUED: 3,
    EventType.CONFERENCE_PARTICIPANT_LEFT: 8,
    EventType.TEXML_PARTICIPANT_LEAVE: 8,
    EventType.CALL_HANGUP: 9,
    EventType.CONFERENCE_ENDED: 9,
    EventType.TEXML_CONFERENCE_END: 9,
    EventType.CALL_RECORDING_SAVED: 10,
    EventType.CALL_COST: 11,
}
_DEFAULT_RANK = 5


class FoldableEvent(Protocol):
    event_id: str
    event_type: str
    occurred_at: datetime | None
    received_at: datetime
    payload: dict


def happened_at(event: FoldableEvent) -> datetime:
    return event.occurred_at or event.received_at


def sort_key(event: FoldableEvent) -> tuple:
    return (happened_at(event), _LIFECYCLE_RANK.get(event.event_type, _DEFAULT_RANK), event.event_id)


def in_order(events: Iterable[FoldableEvent]) -> list[FoldableEvent]:
    return sorted(events, key=sort_key)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def text(payload: dict, key: str, limit: int = 300) -> str:
    """A payload value as bounded text: outside input may be any JSON type, or absent."""
    value = payload.get(key)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)[:limit]


def integer(payload: dict, key: str) -> int | None:
    value = payload.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def json_list(payload: dict, key: str, limit: int = 50) -> list:
    value = payload.get(key)
    return value[:limit] if isinstance(value, list) else []


def json_dict(payload: dict, key: str) -> dict:
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


def changed_fields(instance: Any, values: dict) -> list[str]:
    return [name for name, value in values.items() if getattr(instance, name) != value]


def state_of(instance: Any, fields: Iterable[str]) -> dict:
    """A row's projected fields as a fold state to continue from (JSON values copied)."""
    state = {}
    for name in fields:
        value = getattr(instance, name)
        # Only JSON containers are mutated by folds; copying every text and time cost more than the fold.
        state[name] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return state


def plan_folds(
    keys: Iterable[Hashable], existing: dict, fresh: dict[Hashable, list] | None
) -> tuple[dict[Hashable, tuple[Any, list]], set]:
    """Split keys into those that can fold their new events onto the stored row, and the rest.

    A row can continue from its stored state when every new event happened strictly after the
    last one it has seen (the common, in-order case). Anything else (an event from the past,
    no new events given) is refolded from the whole log, which is what keeps order irrelevant.
    """
    continuing: dict[Hashable, tuple[Any, list]] = {}
    refold: set = set()
    for key in keys:
        events = (fresh or {}).get(key)
        row = existing.get(key)
        if not events:
            refold.add(key)
        elif row is None or (row.last_event_at and min(happened_at(e) for e in events) > row.last_event_at):
            continuing[key] = (row, events)
        else:
            refold.add(key)
    return continuing, refold


def write_projection(
    model: type,
    folded: dict,
    existing: dict,
    new_rows: Callable[[dict], dict],
    *,
    key_field: str | None = None,
    redo: Callable[[set], list] | None = None,
) -> list:
    """Insert new rows and update changed ones (version bumped); returns the rows that changed.

    With `key_field` and `redo`, a new row that another worker created meanwhile (PostgreSQL) is
    not an error: `redo` folds those keys again, onto the row that now exists.
    """
    updated: list[tuple[Any, list[str]]] = []
    field_names: list[str] = []
    unseen = {}
    for key, values in folded.items():
        field_names = list(values)
        row = existing.get(key)
        if row is None:
            unseen[key] = values
            continue
        fields = changed_fields(row, values)
        if not fields:
            continue
        for name in fields:
            setattr(row, name, values[name])
        row.version += 1
        updated.append((row, fields))
    created = list(new_rows(unseen).values()) if unseen else []
    for row in created:
        row.version = 1
    if created and key_field and redo and default_db().vendor == "postgresql":
        taken = insert_unless_taken(model, created, key_field)
        if taken:
            lost = {id(row) for row in taken}
            created = [row for row in created if id(row) not in lost]
            created += redo({getattr(row, key_field) for row in taken})
    elif created and key_field:
        insert_unless_taken(model, created, key_field)  # SQLite: one statement built once, not bulk_create's
    elif created:
        model.objects.bulk_create(created)
    if updated:
        _update_changed(model, updated, field_names)
    return created + [row for row, _ in updated]


def _update_changed(model: type, updated: list[tuple[Any, list[str]]], field_names: list[str]) -> None:
    """Write the rows' new state (and version).

    PostgreSQL: one statement for every row, with every state column. An update that changes an
    indexed column adds an entry to every index anyway, and an unchanged value costs nothing more.
    SQLite rewrites the index entries of each column a statement sets, changed or not (the calls
    table has 14 indexes): rows are grouped by the columns that changed, and only those are set.
    """
    if default_db().vendor == "postgresql":
        update_rows(model, [row for row, _ in updated], [*field_names, "version"])
        return
    groups: dict[tuple[str, ...], list] = {}
    for row, fields in updated:
        groups.setdefault(tuple(fields), []).append(row)
    for fields, rows in groups.items():
        update_rows(model, rows, [*fields, "version"])
