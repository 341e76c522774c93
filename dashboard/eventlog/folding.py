"""Shared rules for folding events into state, whatever order they arrived in.

State is a pure function of an entity's events sorted by when they happened: the same set of
events, delivered in any order and any number of times, folds to the same state.
"""

import copy
import functools
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field

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


def _db() -> BaseDatabaseWrapper:
    # The default connection itself: every attribute read through the `connection` proxy is a
    # context-local lookup, and preparing a batch's values reads it thousands of times.
    return connections[DEFAULT_DB_ALIAS]


def _prepared(db: BaseDatabaseWrapper, fields: Sequence[Field], row: Any) -> list:
    return [field.get_db_prep_save(getattr(row, field.attname), db) for field in fields]


@functools.cache
def _unnest_sql(fields: tuple[Field, ...]) -> str:
    arrays = ", ".join(f"%b::{field.db_type(_db())}[]" for field in fields)
    return f"SELECT * FROM unnest({arrays})"  # noqa: S608  (types from the model)


def _rows_source(db: BaseDatabaseWrapper, fields: tuple[Field, ...], rows: list) -> tuple[str, list]:
    """Rows as a relation to INSERT or UPDATE from, and its parameters.

    PostgreSQL gets one typed array per column (`unnest`): the statement's text is the same
    whatever the number of rows, so psycopg parses it once and the server prepares it, where a
    VALUES list of a thousand placeholders is parsed anew on every batch. SQLite gets VALUES.
    """
    if db.vendor == "postgresql":
        columns = zip(*(_prepared(db, fields, row) for row in rows), strict=True)
        return _unnest_sql(fields), [list(column) for column in columns]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"VALUES {', '.join([row_sql] * len(rows))}", [
        value for row in rows for value in _prepared(db, fields, row)
    ]


def _run(db: BaseDatabaseWrapper, sql: str, params: list) -> list[tuple]:
    if db.vendor == "postgresql":
        # Server-side binding (Django's own cursors bind on the client): a statement run five
        # times is prepared once and reused, in the same transaction as the ORM's statements.
        db.ensure_connection()
        with psycopg.Cursor(db.connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@functools.cache
def _locked_rows_statement(model: type, key_field: str) -> tuple[list[str], str]:
    db = _db()
    quote = db.ops.quote_name
    fields = [field.attname for field in model._meta.concrete_fields]
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    key = quote(model._meta.get_field(key_field).column)
    # Table and column names come from the model's metadata; the keys are a parameter.
    if db.vendor == "postgresql":
        where = f"{key} = ANY(%s)"
        lock = " FOR UPDATE"
    else:  # SQLite: the writer holds the database's one write lock already
        where = f"{key} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        lock = ""
    return fields, f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where} ORDER BY {key}{lock}"  # noqa: S608


@functools.cache
def _converters(model: type) -> list[tuple[Any, list[Callable]]]:
    """Per column, what the ORM's compiler would apply to the value read (backend's, then field's)."""
    db = _db()
    columns = [field.get_col(model._meta.db_table) for field in model._meta.concrete_fields]
    return [(column, db.ops.get_db_converters(column) + column.field.get_db_converters(db)) for column in columns]


def _from_db(db: BaseDatabaseWrapper, model: type, row: Sequence) -> list:
    values = list(row)
    for index, (column, converters) in enumerate(_converters(model)):
        for converter in converters:
            values[index] = converter(values[index], column, db)
    return values


def locked_rows(model: type, key_field: str, keys: Iterable[str]) -> dict[str, Any]:
    """The stored rows of `keys` by key, locked for update in key order (PostgreSQL).

    What `select_for_update().filter(key__in=…).order_by(key)` reads, from a statement built once:
    compiling that queryset cost more than running it, on every batch.
    """
    db = _db()
    fields, sql = _locked_rows_statement(model, key_field)
    keys = sorted(keys)
    rows = _run(db, sql, [keys if db.vendor == "postgresql" else json.dumps(keys)])
    instances = (model.from_db(db.alias, fields, _from_db(db, model, row)) for row in rows)
    return {getattr(instance, key_field): instance for instance in instances}


@functools.cache
def _insert_statement(model: type, conflict_fields: tuple[str, ...]) -> tuple[tuple[Field, ...], str]:
    """The columns and the text of `insert_new_rows`' statement, up to its row source."""
    db = _db()
    fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    quote = db.ops.quote_name
    keys = ", ".join(quote(model._meta.get_field(name).column) for name in conflict_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    # Table and column names come from the model's metadata; values are all parameters.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
    tail = f" ON CONFLICT ({keys}) DO NOTHING RETURNING {quote(model._meta.pk.column)}, {keys}"
    return fields, head + "{source}" + tail


def insert_new_rows(model: type, rows: list, conflict_fields: tuple[str, ...]) -> dict[tuple, int]:
    """Insert rows in one statement, skipping those whose `conflict_fields` (a unique
    constraint) another row holds; returns {conflict values: new pk} of the rows inserted.

    One round trip however many rows. On PostgreSQL, a row another transaction is inserting
    meanwhile is waited for, then skipped (no unique violation failing the whole batch).
    """
    if not rows:
        return {}
    db = _db()
    fields, statement = _insert_statement(model, conflict_fields)
    source, params = _rows_source(db, fields, rows)
    return {tuple(found[1:]): found[0] for found in _run(db, statement.format(source=source), params)}


@functools.lru_cache(maxsize=512)  # SQLite: one per set of changed columns met
def _update_statement(model: type, field_names: tuple[str, ...]) -> tuple[tuple[Field, ...], str]:
    """The columns and the text of `_update_rows`' statement (PostgreSQL: up to its row source)."""
    db = _db()
    fields = tuple(model._meta.get_field(name) for name in field_names)
    quote = db.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # Table and column names come from the model's metadata; values are all parameters.
    if db.vendor == "postgresql":
        names = ", ".join(f"v{index}" for index in range(len(fields) + 1))
        assignments = ", ".join(
            f"{quote(field.column)} = new.v{index + 1}" for index, field in enumerate(fields)
        )
        sql = (
            f"UPDATE {table} SET {assignments} FROM ({{source}}) AS new ({names}) WHERE {table}.{pk} = new.v0"  # noqa: S608
        )
        return fields, sql
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    return fields, f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608


def _update_rows(model: type, rows: list, field_names: list[str]) -> None:
    """One UPDATE for every row: the ORM's per-row save costs more than the write."""
    db = _db()
    fields, statement = _update_statement(model, tuple(field_names))
    if db.vendor == "postgresql":
        source, params = _rows_source(db, (model._meta.pk, *fields), rows)
        _run(db, statement.format(source=source), params)
        return
    with db.cursor() as cursor:
        cursor.executemany(statement, [[*_prepared(db, fields, row), row.pk] for row in rows])


def _insert_unless_taken(model: type, rows: list, key_field: str) -> list:
    """Insert rows whose key nobody holds; returns the rows another transaction created first.

    On PostgreSQL, ON CONFLICT waits for the other transaction and then skips the row, instead of
    failing this whole batch on the unique key. SQLite writes one transaction at a time: none is taken.
    """
    inserted = insert_new_rows(model, rows, (key_field,))
    alias = _db().alias
    taken = []
    for row in rows:
        pk = inserted.get((getattr(row, key_field),))
        if pk is not None:
            row.pk = pk
            row._state.adding, row._state.db = False, alias
        else:
            taken.append(row)
    return taken


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
    if created and key_field and redo and _db().vendor == "postgresql":
        taken = _insert_unless_taken(model, created, key_field)
        if taken:
            lost = {id(row) for row in taken}
            created = [row for row in created if id(row) not in lost]
            created += redo({getattr(row, key_field) for row in taken})
    elif created and key_field:
        _insert_unless_taken(model, created, key_field)  # SQLite: one statement built once, not bulk_create's
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
    if _db().vendor == "postgresql":
        _update_rows(model, [row for row, _ in updated], [*field_names, "version"])
        return
    groups: dict[tuple[str, ...], list] = {}
    for row, fields in updated:
        groups.setdefault(tuple(fields), []).append(row)
    for fields, rows in groups.items():
        _update_rows(model, rows, [*fields, "version"])
