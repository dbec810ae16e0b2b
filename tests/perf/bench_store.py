"""Foundation benchmarks (issue 2): generate 100,000 accounts, load them into the local store,
read the queue rows back, and compare that read with a bare SQL SELECT of the same columns.

``WORKSTATION_PERF_QUICK=1`` (``--quick``) uses 10,000 accounts; figures are then not
comparable with the targets.
"""

from __future__ import annotations

import gc
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.perf.harness import Measurement, benchmark, best_of, stopwatch
from workstation.demo.generator import generate_portfolio
from workstation.store import Store
from workstation.store import queue as queue_module
from workstation.store.types import to_storage

QUICK = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
ACCOUNTS = 10_000 if QUICK else 100_000
AS_OF = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
GENERATE_TARGET_S = 30.0
LOAD_TARGET_S = 20.0
QUEUE_TARGET_S = 0.3


@benchmark("store: generate, load, queue rows")
def bench_store() -> list[Measurement]:
    label = f"{ACCOUNTS:,}"
    with stopwatch() as generated:
        portfolio = generate_portfolio(ACCOUNTS, seed=1, as_of=AS_OF)
    events = len(portfolio.events)
    results = [
        Measurement(
            f"generate {label} accounts with history",
            generated[0],
            GENERATE_TARGET_S,
            note=f"{events:,} events",
        )
    ]
    folder = Path(tempfile.mkdtemp(prefix="ws-bench-store-"))
    with Store.open(folder / "bench.db") as store:
        with stopwatch() as loaded:
            store.bulk_load(portfolio)
        results.append(
            Measurement(
                f"load {label} accounts into the local store",
                loaded[0],
                LOAD_TARGET_S,
                note=f"with {events:,} events, derived columns",
            )
        )
        del portfolio
        gc.collect()

        queue_s = best_of(3, lambda: store.queue_rows(now=AS_OF))
        since = to_storage(AS_OF - timedelta(days=7))
        m = queue_module
        statements = [
            (m._QUEUE_ACCOUNTS_SQL.format(closed=m._QUEUE_OPEN_ONLY), ()),
            (m._QUEUE_CUSTOMERS_SQL, ()),
            (m._QUEUE_RECENT_ATTEMPTS_SQL, (since,)),
            (m._QUEUE_OUTBOX_SQL, ()),
        ]

        def bare_select() -> None:
            """The same statements queue_rows runs, fetched raw (no row building)."""
            with store.engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                for sql, params in statements:
                    raw.execute(sql, params).fetchall()

        bare_s = best_of(3, bare_select)
        results.append(
            Measurement(
                f"queue rows of {label} accounts read back",
                queue_s,
                QUEUE_TARGET_S,
                note=f"bare SQL SELECT of the same columns {bare_s * 1000:.0f} ms, "
                f"ratio {queue_s / bare_s:.2f}",
            )
        )
        results.append(
            Measurement("queue rows vs bare SELECT (ratio)", queue_s / bare_s, None, unit="x")
        )
    return results
