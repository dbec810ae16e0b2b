"""The PostgreSQL pool pings a connection only after it sat idle, and swaps a dead one."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

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
