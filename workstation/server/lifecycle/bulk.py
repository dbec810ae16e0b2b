"""Writing a bank file's rows fast: COPY on PostgreSQL, one executemany on SQLite.

A placement or payment file brings tens of thousands of rows per table in one transaction.
ORM objects cost a Python object and its bookkeeping per row, and a multi-row ``VALUES`` is
compiled afresh for each batch size; on PostgreSQL ``COPY … FROM STDIN`` streams the rows in
the transaction's own connection, elsewhere one cached INSERT runs for all of them
(executemany). Values go in as the column types store them: JSON columns serialised here,
UTC datetimes kept aware (PostgreSQL ``timestamptz``) or made naive UTC (SQLite, as
``models.UTCDateTime`` does).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, JSON, ColumnElement, Table, any_, bindparam, insert, update
from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def file_transaction(sessions: sessionmaker[Session], *, dry_run: bool) -> Iterator[Session]:
    """ONE transaction for a whole bank file: committed when the block ends, rolled back on
    any error (nothing half-imported) and for a dry run (the report without the writes)."""
    session = sessions()
    try:
        session.begin()
        yield session
        if dry_run:
            session.rollback()
        else:
            session.commit()
    finally:
        session.close()


def chunks(session: Session, values: Sequence[Any]) -> Iterator[list[Any]]:
    """``values`` in pieces small enough for one ``one_of`` condition each."""
    size = 20_000 if _postgresql(session) else 1000
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def one_of(session: Session, column: Any, chunk: list[Any]) -> ColumnElement[bool]:
    """``column`` is one of ``chunk`` (a piece from ``chunks``).

    PostgreSQL: ``column = ANY(:array)``, ONE parameter (an IN list of a thousand
    placeholders costs the driver more to parse than the server to run). Elsewhere an IN
    list (``chunks`` keeps it under SQLite's parameter limit)."""
    result: ColumnElement[bool]
    if _postgresql(session):
        result = column == any_(bindparam(None, chunk, ARRAY(column.type)))
    else:
        result = column.in_(chunk)
    return result


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table`` (a model or a Table). Every row has the same keys,
    the column names; a column left out takes its database default."""
    if not rows:
        return
    target = _table(table)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(target), list(rows))
        return
    _copy(session, target.name, [target.c[k] for k in rows[0]], rows)


def update_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Update rows of ``table`` by primary key ``id``: each dict holds ``id`` and the new
    values (the same keys in every dict). PostgreSQL: COPY into a temporary table, then one
    ``UPDATE … FROM``; elsewhere one executemany UPDATE."""
    if not rows:
        return
    target = _table(table)
    keys = [k for k in rows[0] if k != "id"]
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        statement = (
            update(target)
            .where(target.c.id == bindparam("b_id"))
            .values({k: bindparam(f"b_{k}") for k in keys})
        )
        connection.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    temp = f"_bulk_{target.name}"
    names = ", ".join(f'"{target.c[k].name}"' for k in ["id", *keys])
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{temp}" AS SELECT {names} '
        f'FROM "{target.name}" WITH NO DATA'
    )
    connection.exec_driver_sql(f'TRUNCATE "{temp}"')
    _copy(session, temp, [target.c[k] for k in ["id", *keys]], rows)
    assignments = ", ".join(f'"{target.c[k].name}" = s."{target.c[k].name}"' for k in keys)
    connection.exec_driver_sql(
        f'UPDATE "{target.name}" AS t SET {assignments} FROM "{temp}" AS s WHERE t.id = s.id'
    )
    connection.exec_driver_sql(f'DROP TABLE "{temp}"')


def upsert_rows(
    session: Session, table: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert ``rows``, or update the row already there with the same ``keys`` (the
    conflict target, e.g. the primary key). PostgreSQL: COPY into a temporary table, then one
    ``INSERT … SELECT … ON CONFLICT DO UPDATE``; SQLite: one executemany upsert."""
    if not rows:
        return
    target = _table(table)
    columns = list(rows[0])
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(_sqlite_upsert(target, tuple(columns), tuple(keys)), list(rows))
        return
    temp = f"_bulk_{target.name}"
    names = ", ".join(f'"{target.c[k].name}"' for k in columns)
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{temp}" AS SELECT {names} '
        f'FROM "{target.name}" WITH NO DATA'
    )
    connection.exec_driver_sql(f'TRUNCATE "{temp}"')
    _copy(session, temp, [target.c[k] for k in columns], rows)
    changes = ", ".join(f'"{k}" = EXCLUDED."{k}"' for k in columns if k not in keys)
    conflict = ", ".join(f'"{k}"' for k in keys)
    connection.exec_driver_sql(
        f'INSERT INTO "{target.name}" ({names}) SELECT {names} FROM "{temp}" '
        f"ON CONFLICT ({conflict}) DO UPDATE SET {changes}"
    )
    connection.exec_driver_sql(f'DROP TABLE "{temp}"')


@functools.cache
def _sqlite_upsert(target: Table, columns: tuple[str, ...], keys: tuple[str, ...]) -> Any:
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    statement = sqlite_insert(target)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={k: statement.excluded[k] for k in columns if k not in keys},
    )


def _table(table: Any) -> Table:
    target = table if isinstance(table, Table) else table.__table__
    assert isinstance(target, Table)
    return target


def _copy(session: Session, name: str, columns: list[Any], rows: Sequence[dict[str, Any]]) -> None:
    as_json = {c.key for c in columns if isinstance(c.type, JSON) or _is_json(c.type)}
    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [_json(row[c.key]) if c.key in as_json else _value(row[c.key]) for c in columns]
            )


def _is_json(kind: Any) -> bool:
    impl = getattr(kind, "impl", None)
    return isinstance(impl, JSON)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(UTC) if isinstance(value, datetime) else value
