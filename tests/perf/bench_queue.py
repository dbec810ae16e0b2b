"""Queue: decide + score + rank a 100,000-account book (issue 3 target: ≤ 1 s in total).

The book comes from the demo generator (realistic histories, CN/US/UK customers). Feature
extraction from history is setup, not timed: the store keeps features current as events
arrive, so a queue refresh reads them rather than re-deriving them.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from tests.perf.harness import Measurement, benchmark, best_of
from workstation.demo.generator import generate_portfolio
from workstation.domain.enums import Channel
from workstation.queue import QueueInput, from_account, rank

ACCOUNTS = 100_000
TARGET_S = 1.0
RANK_BUDGET_S = 0.5  # the compliance engine's share of the second is the other half
NOW = datetime(2026, 5, 6, 6, 30, tzinfo=UTC)  # 14:30 Shanghai, 02:30 New York, 07:30 London


@benchmark("queue: decide + score + rank 100,000 accounts")
def bench_queue() -> list[Measurement]:
    count = 10_000 if os.environ.get("WORKSTATION_PERF_QUICK") else ACCOUNTS
    portfolio = generate_portfolio(count, seed=3, as_of=NOW)
    customers = {c.id: c for c in portfolio.customers}
    events = defaultdict(list)
    for event in portfolio.events:
        events[event.account_id].append(event)
    book = [(customers[a.customer_id], a, events[a.id]) for a in portfolio.accounts]
    inputs: list[QueueInput] = [from_account(c, a, h, NOW) for c, a, h in book]

    try:
        from workstation.compliance import ContactPolicy

        policy: ContactPolicy | None = ContactPolicy()
    except ImportError:
        policy = None

    scale = ACCOUNTS / count
    results: list[Measurement] = []
    verdicts: list[Any] = []

    def decide_all() -> None:
        # the queue refresh's path: one decision per account, in book order, which rank
        # takes as it is (a blocked row's reasons are worded when the row is shown)
        assert policy is not None
        verdicts[:] = policy.decide_many(book, Channel.PHONE, NOW)

    def score_and_rank() -> None:
        rank(inputs, NOW, verdicts or None)

    def everything() -> None:
        if policy is not None:
            decide_all()
        score_and_rank()

    total = best_of(3, everything)
    # CPU seconds of one more run: on a shared, busy machine wall-clock overstates the cost
    cpu_start = time.process_time()
    everything()
    cpu = time.process_time() - cpu_start
    ranked = rank(inputs, NOW, verdicts or None)
    blocked = sum(1 for row in ranked if not row.contactable_now)
    results.append(
        Measurement(
            "queue: decide + score + rank 100,000 accounts",
            total * scale,
            TARGET_S,
            note=(f"{count:,} ranked, {blocked:,} blocked now" if policy else "decide not included")
            + f"; CPU {cpu * scale:.2f} s"
            + ("" if count == ACCOUNTS else f"; scaled ×{scale:g} from {count:,}"),
        )
    )
    alone = best_of(3, score_and_rank)
    cpu_start = time.process_time()
    score_and_rank()
    alone_cpu = time.process_time() - cpu_start
    results.append(
        Measurement(
            "queue: score + rank 100,000 accounts",
            alone * scale,
            RANK_BUDGET_S,
            note=f"{alone / count * 1e6:.1f} µs per account; CPU {alone_cpu * scale:.2f} s",
        )
    )
    return results
