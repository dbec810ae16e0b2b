"""The SQLite (optionally SQLCipher) engine behind the local store, and its write discipline.

Every connection: ``PRAGMA key`` first when a key is given (and a check that it opens the
file), then WAL, ``synchronous=FULL``, ``foreign_keys=ON`` and a busy timeout. The
DBAPI connection runs in autocommit mode (``isolation_level=None``) and SQLAlchemy's
``begin`` event emits ``BEGIN`` — or ``BEGIN IMMEDIATE`` for writers — itself: that is the
documented recipe for taking control of SQLite transactions from the pysqlite driver.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

BUSY_TIMEOUT_MS = 15_000
# SQLite's own page cache lives in the process (RSS); the OS file cache backs it for reads.
# Everyday reads and writes use 8 MiB per connection; a bulk insert (first sync of 100,000
# accounts) widens its connection's cache while it rebuilds indexes (``bulk_cache``).
CACHE_KIB = 8_192
BULK_CACHE_KIB = 65_536
WRITE_OPTION = "workstation_begin_immediate"
_RAW_KEY = re.compile(r"^[0-9a-fA-F]{64}$")


class StoreError(RuntimeError):
    """Base class of the local store's errors; messages are meant for people."""


class StoreLockedError(StoreError):
    """The database could not be unlocked: wrong key, missing key, or not a store at all."""


def _key_pragma(key: str) -> str:
    # A 64-hex-digit key (what workstation.auth generates or derives) is a raw 256-bit key:
    # SQLCipher then skips its PBKDF2 step, so opening a connection stays fast.
    if _RAW_KEY.match(key):
        return f"PRAGMA key = \"x'{key}'\""
    return "PRAGMA key = '" + key.replace("'", "''") + "'"


def _locked_message(path: Path, encrypted: bool) -> str:
    if encrypted:
        return (
            f"The local data at {path} could not be unlocked: wrong key (or the file is not "
            "an encrypted workstation store). Nothing was changed."
        )
    return (
        f"The local data at {path} could not be opened: it is encrypted or is not a "
        "workstation store. Nothing was changed."
    )


def make_engine(path: Path, *, key: str | None = None) -> Engine:
    """An engine for the store file at ``path`` (SQLCipher when ``key`` is given)."""
    url = f"sqlite+pysqlite:///{path}"
    connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    if key is not None:
        import sqlcipher3

        engine = create_engine(url, module=sqlcipher3, connect_args=connect_args)
    else:
        engine = create_engine(url, connect_args=connect_args)
    database_error: type[Exception] = (
        sqlite3.DatabaseError if key is None else _sqlcipher_database_error()
    )

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            if key is not None:
                cursor.execute(_key_pragma(key))
            try:
                cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except database_error as exc:
                raise StoreLockedError(_locked_message(path, key is not None)) from exc
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # 100,000 accounts' indexes outgrow SQLite's 2 MB default page cache; a load or a
            # queue read then thrashes. Allocated lazily, so small stores do not pay for it.
            cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _sqlcipher_database_error() -> type[Exception]:
    import sqlcipher3

    error: type[Exception] = sqlcipher3.dbapi2.DatabaseError
    return error


@contextmanager
def bulk_cache(connection: Connection) -> Iterator[None]:
    """A wide page cache on ``connection`` for one bulk insert; the pages are freed after."""
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
