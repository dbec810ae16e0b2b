"""Loading many rows at once: PostgreSQL's COPY, with indexes built after the load.

The seed of a bank-sized book (a million accounts, six million events) spends its time in the
database, not in Python, if rows go in with INSERTs: each row is a statement to parse and
plan, and every index and foreign key is maintained row by row. Here, on PostgreSQL:

``copy_rows``
    streams rows through ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``) inside the
    caller's transaction; JSON columns are serialised as SQLAlchemy would (``json.dumps``).
    On SQLite it falls back to the ORM's bulk INSERT (the tests' small seeds).

``indexes_deferred``
    when the tables are still empty, drops their secondary indexes and their foreign keys
    for the duration of the load and recreates them afterwards from their own definitions
    (``pg_indexes`` / ``pg_get_constraintdef``): one sort per index instead of millions of
    B-tree inserts, one join per foreign key instead of a trigger per row. Primary and
    unique keys stay (they guard the load). Everything happens in the caller's
    transaction, so a failed load leaves the schema as it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_BATCH = 5000


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _table(model: Any) -> Table:
    table = model.__table__ if hasattr(model, "__table__") else model
    assert isinstance(table, Table)
    return table


def copy_rows(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Write ``rows`` (dicts keyed by column name) into ``model``'s table; how many."""
    if not rows:
        return 0
    table = _table(model)
    if not is_postgresql(session):
        for start in range(0, len(rows), _BATCH):
            session.execute(insert(table), rows[start : start + _BATCH])
        return len(rows)
    columns = [c for c in table.columns if c.name in rows[0]]
    names = [c.name for c in columns]
    json_at = [i for i, c in enumerate(columns) if isinstance(c.type, JSON)]
    raw = session.connection().connection.driver_connection
    assert raw is not None
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    began = time.perf_counter()
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in names]
            for i in json_at:
                if values[i] is not None:
                    values[i] = json.dumps(values[i])
            copy.write_row(values)
    log.debug("COPY %s: %d rows in %.1f s", table.name, len(rows), time.perf_counter() - began)
    return len(rows)


def _all_empty(session: Session, tables: Iterable[str]) -> bool:
    return all(
        session.execute(text(f"SELECT NOT EXISTS (SELECT 1 FROM {name})")).scalar_one()
        for name in tables
    )


@contextmanager
def indexes_deferred(session: Session, models: Sequence[Any]) -> Iterator[bool]:
    """Drop the secondary indexes and foreign keys of ``models``' (empty) tables for the
    body, recreate them after; yields whether it did (only on PostgreSQL, only when every
    table is empty: rebuilding an index of a big table for a small load would cost more)."""
    names = [_table(m).name for m in models]
    if not is_postgresql(session) or not _all_empty(session, names):
        yield False
        return
    params = {"tables": names}
    foreign_keys = session.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' "
            "AND c.conrelid::regclass::text = ANY(:tables)"
        ),
        params,
    ).all()
    indexes = session.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.contype IN ('p', 'u', 'x'))"
        ),
        params,
    ).all()
    for table, name, _definition in foreign_keys:
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _definition in indexes:
        session.execute(text(f'DROP INDEX "{name}"'))
    yield True
    began = time.perf_counter()
    # the load wrote millions of rows: give the planner their statistics before the
    # index builds (and before the first query after the commit)
    for table in names:
        session.execute(text(f"ANALYZE {table}"))
    session.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    for _name, definition in indexes:
        session.execute(text(definition))
    for table, name, definition in foreign_keys:
        session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    log.info(
        "bulk load: %d indexes and %d foreign keys rebuilt in %.1f s",
        len(indexes),
        len(foreign_keys),
        time.perf_counter() - began,
    )
