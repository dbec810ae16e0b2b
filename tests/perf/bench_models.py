"""Ability and willingness: scoring both models for 1,000,000 accounts on the server ≤ 60 s
(issue 17).

Two figures, both extrapolated linearly to 1,000,000 accounts and compared with 60 s:

* **models alone** — both exported models evaluated in plain Python (as the server's
  rescore and the desktop do) with their top reasons and the segment, on the features of a
  100,000-account demo book (measured at 100,000);
* **the server's whole rescore** — read each account with its customer and events from
  SQLite, compute the features, propensity, ability, willingness and segment, write every
  account (a newly promoted model changes all of them) — measured at 20,000 accounts.

``WORKSTATION_PERF_QUICK=1``: 20,000 and 3,000 accounts.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from tests.perf.harness import Measurement, benchmark, best_of, stopwatch
from workstation.demo.generator import generate_portfolio
from workstation.queue.features import extract_features
from workstation.segments import assess, default_models

TARGET_S = 60.0
BOOK = 1_000_000
NOW = datetime(2026, 5, 6, 6, 30, tzinfo=UTC)


def _quick() -> bool:
    return os.environ.get("WORKSTATION_PERF_QUICK") == "1"


@benchmark("segments: both models for 1,000,000 accounts (evaluation)")
def bench_models_alone() -> Measurement:
    count = 20_000 if _quick() else 100_000
    portfolio = generate_portfolio(count, seed=3, as_of=NOW)
    customers = {c.id: c for c in portfolio.customers}
    events = defaultdict(list)
    for event in portfolio.events:
        events[event.account_id].append(event)
    features = [
        extract_features(customers[a.customer_id], a, events[a.id], NOW) for a in portfolio.accounts
    ]
    ability, willingness = default_models()

    def run() -> None:
        for f in features:
            assess(ability, willingness, f)

    seconds = best_of(3, run)
    return Measurement(
        "both models + top reasons + segment, 1M accounts (extrapolated)",
        seconds * BOOK / count,
        TARGET_S,
        note=f"measured {seconds:.2f} s at {count:,} accounts",
    )


@benchmark("segments: server rescore of 1,000,000 accounts with a new model (SQLite)")
def bench_rescore() -> Measurement:
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.models import SegmentModelRow
    from workstation.server.scoring import rescore
    from workstation.server.seed import seed

    count = 3_000 if _quick() else 20_000
    folder = Path(tempfile.mkdtemp(prefix="bench-models-"))
    url = f"sqlite:///{folder / 'server.db'}"
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        sessions = make_sessionmaker(engine)
        seed(sessions, accounts=count, seed=5)
        ability, willingness = default_models()
        # a promoted pair that moves every score: every open account is written
        with sessions.begin() as session:
            for model in (ability, willingness):
                session.add(
                    SegmentModelRow(
                        kind=model.kind,
                        model=model.to_json() | {"version": "bench", "intercept": 2.5},
                        metrics={},
                        promoted=True,
                        trained_at=datetime.now(UTC),
                    )
                )
        with stopwatch() as elapsed:
            report = rescore(sessions)
        seconds = elapsed[0]
    finally:
        engine.dispose()
    return Measurement(
        "server rescore (read, features, 3 models, write), 1M accounts (extrapolated)",
        seconds * BOOK / max(report.scored, 1),
        TARGET_S,
        note=(
            f"measured {seconds:.1f} s for {report.scored:,} open accounts "
            f"({report.changed:,} written) on SQLite"
        ),
    )
