"""Lifecycle benchmarks (group ``lifecycle``, shared with the payment imports).

``daily`` over 100,000 accounts on PostgreSQL (issue 14): ≤ 30 s, and ≤ 5× a bare SQL UPDATE
of the same rows (the aging UPDATE alone: every unpaid account one day older), ratio printed.

Setup: a fresh PostgreSQL schema seeded with the demo generator (promises, plans, flags and
payments as the demo has them). The first day the run processes is measured apart (it
catches up the demo's history: promises long due, plans agreed months ago); the figure
against the target is the next day, an ordinary day.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.perf.harness import Measurement, benchmark
from tests.pg_schema import drop_pg_schema, new_pg_schema

QUICK = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
ACCOUNTS = 10_000 if QUICK else 100_000


def _bare_update(sessions: Any) -> float:
    """The same rows, one bare UPDATE (rolled back): the floor any aging pays."""
    from sqlalchemy import text

    closed = "('paid', 'settled', 'closed')"
    with sessions() as session:
        started = time.perf_counter()
        session.execute(
            text(
                "UPDATE accounts SET days_past_due = days_past_due + 1 "
                f"WHERE status NOT IN {closed} AND past_due_minor > 0"
            )
        )
        took = time.perf_counter() - started
        session.rollback()
    return took


@benchmark("lifecycle: daily run over 100,000 accounts on PostgreSQL")
def bench_daily() -> list[Measurement]:
    base_url = os.environ.get("WORKSTATION_TEST_PG")
    if not base_url:
        return [Measurement("daily run (100,000 accounts)", 0.0, None,
                            note="skipped: set WORKSTATION_TEST_PG")]  # fmt: skip
    from sqlalchemy import func, select

    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.lifecycle.daily import run_daily
    from workstation.server.models import AccountRow
    from workstation.server.seed import seed

    schema, url = new_pg_schema(base_url, "ws_bench_")
    try:
        upgrade(url)
        engine = make_engine(url, pool_size=2)
        sessions = make_sessionmaker(engine)
        started = time.perf_counter()
        seed(sessions, accounts=ACCOUNTS, teams=10, agents=10, seed=5)
        seeded = time.perf_counter() - started
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        with sessions() as session:
            unpaid = session.scalar(
                select(func.count()).where(
                    AccountRow.past_due_minor > 0,
                    AccountRow.status.not_in(("paid", "settled", "closed")),
                )
            )
        today = datetime.now(UTC).date()
        first = run_daily(sessions, today).processed[0]
        bare = min(_bare_update(sessions) for _ in range(3))
        ordinary = run_daily(sessions, today + timedelta(days=1)).processed[0]
        engine.dispose()
    finally:
        drop_pg_schema(base_url, schema)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(ordinary.counts.items()))
    ratio = ordinary.seconds / bare if bare else 0.0
    return [
        Measurement(
            f"daily run, an ordinary day ({ACCOUNTS:,} accounts)",
            ordinary.seconds,
            30.0,
            note=f"{unpaid:,} aged; {counts}; {ordinary.versions} versions; seed {seeded:.0f} s",
        ),
        Measurement(
            "daily run ÷ bare SQL UPDATE of the same rows",
            ratio,
            5.0,
            unit="×",
            note=f"bare UPDATE {bare * 1000:.0f} ms",
        ),
        Measurement(
            "daily run, the first day (catches up the demo's history)",
            first.seconds,
            None,
            note=", ".join(f"{k} {v}" for k, v in sorted(first.counts.items())),
        ),
    ]
