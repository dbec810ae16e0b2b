"""Engines, sessions and schema migration for the backend database.

SQLite (the embedded default) runs in WAL mode with every transaction started as
``BEGIN IMMEDIATE``: one writer at a time, readers never block, and no transaction can
upgrade from read to write half-way and deadlock; a transaction marked ``read_only`` (pages
that only read) begins as a plain reader with ``query_only`` on, so it never waits for the
writer and cannot write. PostgreSQL runs at READ COMMITTED; the
version counter row lock (``versioning``) serialises the writers that matter.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from workstation.server.settings import Settings

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


# a session's connection option: this transaction only reads (``read_only``)
READ_ONLY = "workstation_read_only"


def read_only(session: Session) -> None:
    """Make ``session``'s transaction, not yet begun, a reader: on SQLite a plain ``BEGIN``
    (not ``BEGIN IMMEDIATE``: a page that only reads never queues for the one writer) with
    ``query_only`` on, so a write in it fails instead of deadlocking; on PostgreSQL nothing
    changes (READ COMMITTED readers never wait)."""
    session.connection(execution_options={READ_ONLY: True})


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            if conn.get_execution_options().get(READ_ONLY):
                # a reader: a snapshot that never waits for the writer, and query_only makes
                # any write in it fail at once (rather than upgrade to a writer half-way)
                conn.exec_driver_sql("PRAGMA query_only=ON")
                conn.info[READ_ONLY] = True
                conn.exec_driver_sql("BEGIN")
                return
            if conn.info.pop(READ_ONLY, False):
                conn.exec_driver_sql("PRAGMA query_only=OFF")
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=20,
        pool_recycle=1800,
        # last in, first out: a busy server keeps reusing its warm connections, and the
        # ones beyond what the load needs stay idle (and get pinged before their next use)
        pool_use_lifo=True,
    )
    _ping_after_idle(engine)
    return engine


PING_AFTER_IDLE_S = 10.0


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle for a while.

    ``pool_pre_ping`` costs a round trip on EVERY checkout, and a request checks out a
    connection several times. A connection used seconds ago is almost surely alive; one
    that sat idle (a restart of PostgreSQL, a dropped socket) is pinged, and a dead one is
    swapped for a fresh connection (the pool retries on ``DisconnectionError``). A
    connection that dies while in use fails that request, and PostgreSQL's disconnect
    error makes the pool drop every connection older than it.
    """

    @event.listens_for(engine, "checkin")
    def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)  # one ``SELECT 1`` outside a transaction
        except Exception as exc:
            raise DisconnectionError("the pooled connection is gone") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, engine: Engine | None = None) -> str:
    """Bring the schema to the newest migration and create the singleton rows; return the head."""
    from alembic import command

    cfg = _alembic_config(url)
    own = engine is None
    engine = engine or make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        _ensure_state(engine)
        return current_revision(engine) or ""
    finally:
        if own:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _ensure_state(engine: Engine) -> None:
    import secrets

    from sqlalchemy.exc import IntegrityError

    from workstation.server.models import ServerState, VersionCounter

    defaults = {
        "schema_epoch": "1",
        "retained_from": "0",
    }
    if Settings.from_env().outside_token_secret() is None:
        # no secret configured outside the database: keep one in it (the embedded default)
        defaults["token_secret"] = secrets.token_hex(32)
    factory = make_sessionmaker(engine)
    for key, value in defaults.items():
        try:
            with factory.begin() as session:
                if session.get(ServerState, key) is None:
                    session.add(ServerState(key=key, value=value))
        except IntegrityError:  # another process created it first
            pass
    try:
        with factory.begin() as session:
            if session.scalar(select(VersionCounter).where(VersionCounter.id == 1)) is None:
                session.add(VersionCounter(id=1, value=0))
    except IntegrityError:
        pass
