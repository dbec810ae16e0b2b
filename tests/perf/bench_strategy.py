"""Strategy benchmark (issue 17): a daily strategy run over 100,000 accounts ≤ 60 s.

Setup: a fresh PostgreSQL schema seeded with the demo generator (the segments as the
ability/willingness models assess them at placement). Measured: the strategy step of one
day alone (``server.strategy.run.run_strategies``, in its own transaction and committed) —
every open account's cadence evaluated, every step due that day decided, each message
composed and asked of the compliance engine and queued (or deferred / blocked), each task
written — and, apart, the pure cadence evaluation over the book (``decide_due``).
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from tests.perf.harness import Measurement, benchmark
from tests.pg_schema import drop_pg_schema, new_pg_schema

QUICK = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
ACCOUNTS = 10_000 if QUICK else 100_000
TARGET_S = 60.0


@benchmark("strategy: a day's strategy run over 100,000 accounts on PostgreSQL")
def bench_strategy_day() -> list[Measurement]:
    base_url = os.environ.get("WORKSTATION_TEST_PG")
    if not base_url:
        return [Measurement("strategy run (100,000 accounts)", 0.0, None,
                            note="skipped: set WORKSTATION_TEST_PG")]  # fmt: skip
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.lifecycle.changes import DayChanges
    from workstation.server.seed import seed
    from workstation.server.strategy.run import decide_due, run_strategies

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
        today = datetime.now(UTC).date()
        with sessions() as session:
            started = time.perf_counter()
            due, sizes = decide_due(session, today)
            cadence = time.perf_counter() - started
            session.rollback()
        with sessions.begin() as session:
            changes = DayChanges(today)
            started = time.perf_counter()
            acted = run_strategies(session, today, changes)
            changes.stamp(session)
        took = time.perf_counter() - started
        engine.dispose()
    finally:
        drop_pg_schema(base_url, schema)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(changes.counts.items()))
    open_accounts = sum(sizes.values())
    return [
        Measurement(
            f"strategy run, one day ({ACCOUNTS:,} accounts, {open_accounts:,} open)",
            took,
            TARGET_S,
            note=f"{acted:,} due steps decided and acted on ({counts}); seed {seeded:.0f} s",
        ),
        Measurement(
            "cadence evaluation alone (every open account, no writes)",
            cadence,
            None,
            note=f"{len(due):,} steps due",
        ),
    ]
