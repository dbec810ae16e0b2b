"""The PostgreSQL pool pings a connection only after it sat idle, and swaps a dead one;
SQLite's read-only transactions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from tests.conftest import pg_url
from workstation.server import db


@pytest.mark.pg
def test_an_idle_connection_that_died_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_url()
    if not url:
        pytest.skip("PostgreSQL not configured (set WORKSTATION_TEST_PG)")
    engine = db.make_engine(url, pool_size=1)
    admin = create_engine(url)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        # used a moment ago: handed out again without a ping (same backend)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == first
        with admin.connect() as other:  # the server drops the pooled connection
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # it has now been "idle" long enough
        with engine.connect() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()
        admin.dispose()


def test_a_read_only_transaction_never_takes_the_writer_lock_and_cannot_write(
    tmp_path: Path,
) -> None:
    """SQLite: a page that only reads begins a plain reader (a writer holding the lock does
    not make it wait), a write in it fails at once, and the pooled connection writes again
    in the next ordinary transaction."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'r.db'}", pool_size=1)
    sessions = sessionmaker(engine)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        writer = db.make_engine(f"sqlite:///{tmp_path / 'r.db'}", pool_size=1)
        with writer.begin() as held:  # BEGIN IMMEDIATE: the one writer holds the lock
            held.execute(text("INSERT INTO t VALUES (2)"))
            started = time.perf_counter()
            with sessions.begin() as session:
                db.read_only(session)
                assert session.scalar(text("SELECT count(*) FROM t")) == 1  # its snapshot
                with pytest.raises(OperationalError, match="readonly"):
                    session.execute(text("INSERT INTO t VALUES (3)"))
            assert time.perf_counter() - started < 5  # the busy timeout is 30 s
        writer.dispose()
        with sessions.begin() as session:  # the same pooled connection, a writer again
            session.execute(text("INSERT INTO t VALUES (4)"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 3
    finally:
        engine.dispose()
