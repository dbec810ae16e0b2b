"""Money and accounts in, at a bank's scale, on PostgreSQL (issue 14's performance targets;
``python -m tests.perf --only "lifecycle: import"``).

- ``import placements`` of 100,000 accounts (80,000 customers, one in four with a second
  account; a team of 20 collectors assigning by count): target ≤ 60 s.
- ``import payments`` of 100,000 lines on those accounts (partial payments, payments in
  full that close the account, overpayments kept as credit): target ≤ 30 s.

Both are timed from the file on disk to the committed transaction: reading and validating
the whole file, scoring and assigning (placements), allocating, closing and versioning
(payments). Setup (a fresh schema, migrations, a seeded team) is not timed. Needs
``WORKSTATION_TEST_PG``; ``WORKSTATION_PERF_QUICK=1`` → 10,000 rows (targets scaled).
"""

from __future__ import annotations

import os
import random
import tempfile
from datetime import date
from pathlib import Path

from tests.perf.harness import Measurement, benchmark, stopwatch
from tests.pg_schema import drop_pg_schema, new_pg_schema

AS_OF = date(2027, 3, 1)
TEAM = "sh-desk"


def _placements(path: Path, count: int) -> list[tuple[str, int]]:
    """Write the placement file; return (account_ref, balance in fen) of every account."""
    rng = random.Random(14)
    accounts = []
    lines = [
        "account_ref,customer_ref,name,name_alt,jurisdiction,timezone,language,phone,email,"
        "product,currency,principal,balance,past_due,days_past_due,opened_on,national_id,"
        "annual_rate"
    ]
    customer = 0
    for index in range(count):
        if index % 5 != 4:  # every fifth account belongs to the previous customer
            customer += 1
        balance = rng.randrange(50_000, 5_000_000)
        past_due = rng.randrange(0, balance // 2)
        days = rng.randrange(1, 400) if past_due else 0
        ref = f"B-{index:08d}"
        accounts.append((ref, balance))
        lines.append(
            f"{ref},BC-{customer:08d},客户{customer},Customer {customer},cn-nifa,Asia/Shanghai,zh,"
            f"+86 138 {customer % 10000:04d} {index % 10000:04d},c{customer}@example.cn,"
            f"credit_card,CNY,{balance * 2 / 100:.2f},{balance / 100:.2f},{past_due / 100:.2f},"
            f"{days},2021-0{1 + customer % 9}-15,1101011990{customer:08d},18"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return accounts


def _payments(path: Path, accounts: list[tuple[str, int]]) -> None:
    rng = random.Random(15)
    lines = ["payment_ref,account_ref,amount,currency,paid_on,method"]
    for index, (ref, balance) in enumerate(accounts):
        share = rng.random()
        if share < 0.1:
            amount = balance  # paid in full: the account closes
        elif share < 0.12:
            amount = balance + rng.randrange(1, 10_000)  # overpaid: credit kept
        else:
            amount = max(1, int(balance * share / 3))
        lines.append(
            f"P-{index:09d},{ref},{amount / 100:.2f},CNY,2027-02-{1 + index % 27:02d},card"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@benchmark("lifecycle: import 100,000 placements, then 100,000 payments on PostgreSQL")
def bench_imports() -> list[Measurement]:
    base_url = os.environ.get("WORKSTATION_TEST_PG")
    if not base_url:
        return [Measurement("import placements (100,000 accounts)", 0.0, None,
                            note="skipped: set WORKSTATION_TEST_PG")]  # fmt: skip
    quick = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
    count = 10_000 if quick else 100_000
    scale = count / 100_000

    from workstation.lifecycle.assignment import AssignmentRule
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.lifecycle.payment_import import import_payments
    from workstation.server.lifecycle.placements import import_placements
    from workstation.server.seed import seed
    from workstation.server.settings import Settings

    schema, url = new_pg_schema(base_url, "ws_bench_life_")
    work = Path(tempfile.mkdtemp(prefix="ws-bench-lifecycle-"))
    engine = None
    try:
        upgrade(url)
        engine = make_engine(url, pool_size=2)
        sessions = make_sessionmaker(engine)
        seed(sessions, accounts=20, teams=1, agents=19, seed=3, with_history=False)
        accounts = _placements(work / "placements.csv", count)
        _payments(work / "payments.csv", accounts)
        with stopwatch() as placed_time:
            placed = import_placements(
                sessions, work / "placements.csv", team=TEAM, rule=AssignmentRule.COUNT,
                as_of=AS_OF,
            )  # fmt: skip
        assert placed.new_accounts == count, placed.as_dict()
        with stopwatch() as paid_time:
            paid = import_payments(
                sessions, work / "payments.csv", settings=Settings(db_url=url), as_of=AS_OF
            )
        assert len(paid.applied) == count
        closed = sum(1 for p in paid.applied if p.closed_as)
        return [
            Measurement(
                f"import placements ({count:,} accounts)", placed_time[0], 60.0 * scale,
                note=f"{count / placed_time[0]:,.0f} accounts/s; {placed.new_customers:,} "
                f"customers; tiers {placed.tiers}",
            ),
            Measurement(
                f"import payments ({count:,} lines)", paid_time[0], 30.0 * scale,
                note=f"{count / paid_time[0]:,.0f} lines/s; {closed:,} accounts paid off",
            ),
        ]  # fmt: skip
    finally:
        if engine is not None:
            engine.dispose()
        drop_pg_schema(base_url, schema)
