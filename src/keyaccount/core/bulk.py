"""Bulk writes for importers and generators: COPY on PostgreSQL, batched executemany on SQLite.

Callers run these inside their own transaction (an import is all-or-nothing) and pass rows as
tuples in column order, lazily, so memory stays bounded by the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone

_BATCH = 20_000


def _sqlite_datetime(value):
    """A DateTimeField value as Django stores it in SQLite: naive UTC text."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def insert_rows(table: str, columns: list[str], rows: Iterable[tuple], datetime_columns: Iterable[str] = (),
                constants: Sequence[tuple[str, object]] = ()) -> int:
    """Insert ``rows`` into ``table``; returns how many. Table and column names are ours, never
    user input; values are always bound parameters, or quoted by SQLite itself. On SQLite,
    ``datetime_columns`` are turned into Django's stored text here, once per value, instead of through
    sqlite3's adapters. ``constants`` are (column, value) pairs the same in every row (a model's
    defaults): on SQLite they are written into the statement once, as literals SQLite quoted (binding
    the 35 defaults of an imported call in each row took half the time of its insert); COPY takes them
    with each row."""
    count = 0
    if constants and connection.vendor == "postgresql":
        tail = tuple(value for _column, value in constants)
        columns = [*columns, *(column for column, _value in constants)]
        rows = (tuple(row) + tail for row in rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor behind Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    positions = [columns.index(name) for name in datetime_columns]
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3 connection: no placeholder rewriting per batch
    # A large page cache keeps the indexes being filled in memory (the default is 2 MB).
    raw.execute("PRAGMA cache_size = -65536")
    literals = [raw.execute("SELECT quote(?)", (value,)).fetchone()[0] for _column, value in constants]
    names = ", ".join([*columns, *(column for column, _value in constants)])
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns) + literals)})"  # noqa: S608
    return executemany_in_batches(raw, sql, _with_sqlite_datetimes(rows, positions), _BATCH)


def insert_records(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples of ``fields``, by column name: ``account_id``) into ``model``'s table, every
    other column at its default (``auto_now`` ones at this moment), so a generator names only what it
    sets and a new column with a default does not break it."""
    now = timezone.now()
    given = set(fields)
    rest, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if stamped else field.get_default()
        rest.append(field.column)
        defaults.append(field.get_db_prep_save(value, connection))
    missing = given - {field.column for field in model._meta.concrete_fields}
    if missing:
        raise ValueError(f"{model._meta.label} has no column {', '.join(sorted(missing))}")
    datetimes = [field.column for field in model._meta.concrete_fields
                 if field.column in given and field.get_internal_type() == "DateTimeField"]
    return insert_rows(model._meta.db_table, fields, rows, datetime_columns=datetimes,
                       constants=list(zip(rest, defaults, strict=True)))


def executemany_in_batches(cursor, sql: str, rows: Iterable, size: int) -> int:
    """Run ``sql`` over ``rows`` ``size`` at a time, so memory stays flat however many there are;
    returns how many rows went in."""
    count = 0
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


def _with_sqlite_datetimes(rows: Iterable[tuple], positions: list[int]):
    converted: dict = {}  # the same moment (a batch's "now") is converted once
    for row in rows:
        if positions:
            row = list(row)
            for position in positions:
                value = row[position]
                if value is not None:
                    text = converted.get(value)
                    if text is None:
                        text = _sqlite_datetime(value)
                        if len(converted) < 64:
                            converted[value] = text
                    row[position] = text
        yield row


def reserve_ids(table: str, count: int) -> list[int]:
    """``count`` primary keys reserved for rows inserted with explicit ids.

    Call inside the transaction that inserts them. PostgreSQL: drawn from the table's sequence, so
    concurrent writers never collide and nothing is locked. SQLite: the write transaction
    (IMMEDIATE, see settings) already excludes other writers, so the block after the maximum is free.
    """
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once: resolved in the select list, it was looked up for every id (110 ms
            # for 20,000 ids against 20 ms).
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0]
        return list(range(first, first + count))


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def reset_sequence(table: str) -> None:
    """After inserting explicit ids on PostgreSQL, move the table's sequence past them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608
            cursor.execute(sql, [table])


# A bulk write of at least this many rows refreshes the planner's statistics of the tables it wrote.
STATISTICS_AFTER_ROWS = 10_000


def refresh_statistics(tables: Iterable[str]) -> None:
    """Tell the query planner what a bulk write changed, inside the writer's transaction. A table that
    went from a few rows to a million keeps statistics that call it tiny, and the planner then walks
    the wrong index: after a million imported order lines an account's latest orders were read by
    scanning every order by date (590 ms instead of 1). SQLite samples (``analysis_limit``), so this
    costs milliseconds; PostgreSQL's ANALYZE samples 30,000 rows a table and counts the transaction's
    own new rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
