"""The SQLite (optionally SQLCipher) engine behind the local store, and its write discipline.

``Database`` is what every repository of the store holds: the engine, the one writer lock
and the two kinds of transaction (``write()`` and ``read()``).

Every connection: ``PRAGMA key`` first when a key is given (and a check that it opens the
file), then WAL, ``synchronous=FULL``, ``foreign_keys=ON`` and a busy timeout. The
DBAPI connection runs in autocommit mode (``isolation_level=None``) and SQLAlchemy's
``begin`` event emits ``BEGIN`` — or ``BEGIN IMMEDIATE`` for writers — itself: that is the
documented recipe for taking control of SQLite transactions from the pysqlite driver.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

from workstation.errors import WorkstationError
from workstation.text import Text

BUSY_TIMEOUT_MS = 15_000
# SQLite's own page cache lives in the process (RSS); the OS file cache backs it for reads.
# Everyday reads and writes use 8 MiB per connection; a bulk insert (first sync of 100,000
# accounts) widens its connection's cache while it rebuilds indexes (``bulk_cache``).
CACHE_KIB = 8_192
BULK_CACHE_KIB = 65_536
WRITE_OPTION = "workstation_begin_immediate"
_RAW_KEY = re.compile(r"^[0-9a-fA-F]{64}$")


class StoreError(WorkstationError, RuntimeError):
    """Base class of the local store's errors; messages are meant for people."""

    summary = Text("The local data could not be read or written", "无法读写本机数据")


class StoreLockedError(StoreError):
    """The database could not be unlocked: wrong key, missing key, or not a store at all."""

    summary = Text("The local data could not be unlocked", "无法解锁本机数据")


class UnknownRecordError(StoreError, KeyError):
    """The record a write refers to is not on this device."""

    summary = Text("That record is not on this computer", "本机没有该记录")


def _key_pragma(key: str) -> str:
    # A 64-hex-digit key (what workstation.auth generates or derives) is a raw 256-bit key:
    # SQLCipher then skips its PBKDF2 step, so opening a connection stays fast.
    if _RAW_KEY.match(key):
        return f"PRAGMA key = \"x'{key}'\""
    return "PRAGMA key = '" + key.replace("'", "''") + "'"


def _locked_message(path: Path, encrypted: bool) -> Text:
    if encrypted:
        return Text(
            f"The local data at {path} could not be unlocked: wrong key (or the file is not "
            "an encrypted workstation store). Nothing was changed.",
            f"无法解锁位于 {path} 的本机数据：密钥错误（或该文件不是加密的工作站数据）。"
            "未做任何更改。",
        )
    return Text(
        f"The local data at {path} could not be opened: it is encrypted or is not a "
        "workstation store. Nothing was changed.",
        f"无法打开位于 {path} 的本机数据：该文件已加密或不是工作站数据。未做任何更改。",
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


class Database:
    """The store file's engine and its single writer, shared by the store's repositories."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.engine = engine
        self.path = path
        # one writer per process (the desk's writes, the sync engine's pulls, backups):
        # threads queue on this lock rather than in SQLite's busy handler
        self.write_lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """The one writer: ``BEGIN IMMEDIATE`` … commit (rollback on any exception)."""
        with (
            self.write_lock,
            self.engine.connect().execution_options(**{WRITE_OPTION: True}) as connection,
            connection.begin(),
        ):
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent read snapshot (deferred ``BEGIN``)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection
