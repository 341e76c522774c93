"""Batch statements for ingest (and the live rows it announces): many rows read, inserted or
updated in one statement each.

Each statement's text is built once per model (and columns) and cached: building it with the ORM,
every batch, cost more than running it. PostgreSQL gets typed arrays (`unnest`) and server-side
binding; SQLite gets VALUES lists and JSON arrays of keys.
"""

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, CharField, DateTimeField, Field, TextField


def default_db() -> BaseDatabaseWrapper:
    # The default connection itself: every attribute read through the `connection` proxy is a
    # context-local lookup, and preparing a batch's values reads it thousands of times.
    return connections[DEFAULT_DB_ALIAS]


Saver = Callable[[Any, BaseDatabaseWrapper], Any]


def _saver(field: Field) -> Saver:
    """`field.get_db_prep_save`, short-cut for the values ingest writes most (text, flags, aware times),
    where it would only hand them back (or, for a time, to the backend's adapter) four calls deep.
    Any other field class or value goes the whole way."""
    slow = field.get_db_prep_save
    kind = type(field)
    if kind in (CharField, TextField):
        return lambda value, db: value if value is None or type(value) is str else slow(value, db)
    if kind is BooleanField:
        return lambda value, db: value if type(value) is bool else slow(value, db)
    if kind is DateTimeField:

        def aware_time(value: Any, db: BaseDatabaseWrapper) -> Any:
            if type(value) is datetime and value.utcoffset() is not None:
                return db.ops.adapt_datetimefield_value(value)
            return slow(value, db)

        return aware_time
    return slow


@functools.cache
def _savers(fields: tuple[Field, ...]) -> tuple[tuple[str, Saver], ...]:
    return tuple((field.attname, _saver(field)) for field in fields)


def _prepared(db: BaseDatabaseWrapper, fields: Sequence[Field], rows: Iterable[Any]) -> list[list]:
    """Each row's values of `fields`, as the database takes them."""
    savers = _savers(tuple(fields))
    return [[save(getattr(row, attname), db) for attname, save in savers] for row in rows]


@functools.cache
def _unnest_sql(fields: tuple[Field, ...]) -> str:
    arrays = ", ".join(f"%b::{field.db_type(default_db())}[]" for field in fields)
    return f"SELECT * FROM unnest({arrays})"  # noqa: S608  (types from the model)


def _rows_source(db: BaseDatabaseWrapper, fields: tuple[Field, ...], rows: list) -> tuple[str, list]:
    """Rows as a relation to INSERT or UPDATE from, and its parameters.

    PostgreSQL gets one typed array per column (`unnest`): the statement's text is the same
    whatever the number of rows, so psycopg parses it once and the server prepares it, where a
    VALUES list of a thousand placeholders is parsed anew on every batch. SQLite gets VALUES.
    """
    if db.vendor == "postgresql":
        columns = zip(*_prepared(db, fields, rows), strict=True)
        return _unnest_sql(fields), [list(column) for column in columns]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"VALUES {', '.join([row_sql] * len(rows))}", [
        value for values in _prepared(db, fields, rows) for value in values
    ]


def _run(db: BaseDatabaseWrapper, sql: str, params: list) -> list[tuple]:
    if db.vendor == "postgresql":
        # Server-side binding (Django's own cursors bind on the client): a statement run five
        # times is prepared once and reused, in the same transaction as the ORM's statements.
        # The driver's errors are raised as Django's, as its own cursors do: callers catch those
        # (a deadlock retried, a dropped connection replaced).
        db.ensure_connection()
        with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@functools.cache
def _rows_statement(model: type, key_field: str, lock: bool) -> tuple[list[str], str]:
    db = default_db()
    quote = db.ops.quote_name
    fields = [field.attname for field in model._meta.concrete_fields]
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    key = quote(model._meta.get_field(key_field).column)
    # Table and column names come from the model's metadata; the keys are a parameter.
    if db.vendor == "postgresql":
        where = f"{key} = ANY(%s)"
        for_update = " FOR UPDATE" if lock else ""
    else:  # SQLite: the writer holds the database's one write lock already
        where = f"{key} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        for_update = ""
    return fields, f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where} ORDER BY {key}{for_update}"  # noqa: S608


@functools.cache
def _converters(model: type) -> list[tuple[Any, list[Callable]]]:
    """Per column, what the ORM's compiler would apply to the value read (backend's, then field's)."""
    db = default_db()
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
    return _rows_by_key(model, key_field, keys, lock=True)


def rows_by_key(model: type, key_field: str, keys: Iterable[Any]) -> dict[Any, Any]:
    """`locked_rows` without the lock: `in_bulk(keys, field_name=key_field)` from a statement built once."""
    return _rows_by_key(model, key_field, keys, lock=False)


def _rows_by_key(model: type, key_field: str, keys: Iterable[Any], lock: bool) -> dict[Any, Any]:
    db = default_db()
    fields, sql = _rows_statement(model, key_field, lock)
    keys = sorted(keys)
    rows = _run(db, sql, [keys if db.vendor == "postgresql" else json.dumps(keys)])
    instances = (model.from_db(db.alias, fields, _from_db(db, model, row)) for row in rows)
    return {getattr(instance, key_field): instance for instance in instances}


@functools.cache
def _insert_statement(model: type, conflict_fields: tuple[str, ...]) -> tuple[tuple[Field, ...], str]:
    """The columns and the text of `insert_new_rows`' statement, up to its row source."""
    db = default_db()
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
    db = default_db()
    fields, statement = _insert_statement(model, conflict_fields)
    source, params = _rows_source(db, fields, rows)
    return {tuple(found[1:]): found[0] for found in _run(db, statement.format(source=source), params)}


@functools.lru_cache(maxsize=512)  # SQLite: one per set of changed columns met
def _update_statement(model: type, field_names: tuple[str, ...]) -> tuple[tuple[Field, ...], str]:
    """The columns and the text of `_update_rows`' statement (PostgreSQL: up to its row source)."""
    db = default_db()
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


def update_rows(model: type, rows: list, field_names: list[str]) -> None:
    """One UPDATE for every row: the ORM's per-row save costs more than the write."""
    db = default_db()
    fields, statement = _update_statement(model, tuple(field_names))
    if db.vendor == "postgresql":
        source, params = _rows_source(db, (model._meta.pk, *fields), rows)
        _run(db, statement.format(source=source), params)
        return
    with db.cursor() as cursor:
        cursor.executemany(
            statement, [[*values, row.pk] for values, row in zip(_prepared(db, fields, rows), rows, strict=True)]
        )


def insert_unless_taken(model: type, rows: list, key_field: str) -> list:
    """Insert rows whose key nobody holds; returns the rows another transaction created first.

    On PostgreSQL, ON CONFLICT waits for the other transaction and then skips the row, instead of
    failing this whole batch on the unique key. SQLite writes one transaction at a time: none is taken.
    """
    inserted = insert_new_rows(model, rows, (key_field,))
    alias = default_db().alias
    taken = []
    for row in rows:
        pk = inserted.get((getattr(row, key_field),))
        if pk is not None:
            row.pk = pk
            row._state.adding, row._state.db = False, alias
        else:
            taken.append(row)
    return taken
