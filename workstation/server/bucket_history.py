"""Each account's delinquency state by day: the history cure and roll rates need (DESIGN §8).

**Change rows, not daily snapshots.** ``bucket_history`` holds one row per account per UTC
day on which its bucket, status, owner or team changed; the row holds the state from that
day on, until the account's next row. The state *as of* day D is the row with the greatest
``day <= D`` (the primary key ``(account_id, day)`` serves that lookup). A daily snapshot of
every account would be 100,000 accounts × 365 days = 36.5 million rows a year, almost all
repeating the day before; change rows cost one row per real change — an account moves
through at most six buckets and a few statuses and owners, so a year of a 100,000-account
portfolio stays around a million rows. ``days_past_due`` and ``balance_minor`` are kept as
they were at the change, for reading; a change of them alone (they may move every day)
writes no row, because the bucket is what the rates need.

**Who writes the rows.**

- Every ORM insert or update of an ``AccountRow`` whose bucket, status, owner or team
  changes upserts that day's row in the same transaction (the listener beside the model in
  ``models``): payments that close an account, promise/plan/dispute status changes, lead
  reassignments. Several changes on one day keep the last.
- ``seed`` writes the demo portfolio's history in bulk (``seed_rows``).
- ``reconcile`` compares every account with its latest row and writes a row for those that
  differ — a catch-all for writes that bypass the ORM (bulk SQL updates, imports done in
  SQL) and for databases upgraded from before this table. The scheduled maintenance job
  runs it (``retention.run_maintenance``).

**Reading.** ``state_as_of`` is the SQL selectable of every account's state at the end of a
day. "At the start of a period" is the end of the day before its first day; "at its end" is
the end of its last day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Subquery, and_, case, func, insert, select, update
from sqlalchemy.orm import Session

from workstation.domain.enums import Bucket
from workstation.server.models import AccountRow, BucketHistory

# bucket order (0 = current … 5 = 180+) from days past due, in SQL
BUCKET_ORDER: tuple[Bucket, ...] = tuple(Bucket)


def bucket_rank(days_past_due: Any) -> Any:
    """SQL: the bucket's position in ``BUCKET_ORDER`` for a days-past-due column."""
    return case(
        (days_past_due <= 0, 0),
        (days_past_due < 30, 1),
        (days_past_due < 60, 2),
        (days_past_due < 90, 3),
        (days_past_due < 180, 4),
        else_=5,
    )


def state_as_of(day: date) -> Subquery:
    """Every account with a history row on or before ``day``: its state at the end of ``day``.

    Columns: those of ``bucket_history`` (``account_id``, ``day`` = the day the state began,
    ``bucket``, ``days_past_due``, ``balance_minor``, ``status``, ``owner_id``, ``team_id``).
    """
    latest = (
        select(BucketHistory.account_id, func.max(BucketHistory.day).label("day"))
        .where(BucketHistory.day <= day)
        .group_by(BucketHistory.account_id)
        .subquery()
    )
    return (
        select(BucketHistory)
        .join(
            latest,
            and_(
                BucketHistory.account_id == latest.c.account_id, BucketHistory.day == latest.c.day
            ),
        )
        .subquery()
    )


def _row_of(account: Any, day: date) -> dict[str, Any]:
    return {
        "account_id": account.id,
        "day": day,
        "bucket": Bucket.for_days(account.days_past_due).value,
        "days_past_due": account.days_past_due,
        "balance_minor": account.balance_minor,
        "status": account.status,
        "owner_id": account.owner_id,
        "team_id": account.team_id,
    }


def reconcile(session: Session, day: date) -> int:
    """Write a row dated ``day`` for every account whose state differs from its latest row.

    Runs in the caller's transaction; returns how many rows it wrote. An account whose
    latest row is already dated ``day`` has that row updated instead.
    """
    latest = state_as_of(date.max)
    current_rank = bucket_rank(AccountRow.days_past_due)
    stale = (
        select(
            AccountRow.id,
            AccountRow.days_past_due,
            AccountRow.balance_minor,
            AccountRow.status,
            AccountRow.owner_id,
            AccountRow.team_id,
            latest.c.day.label("last_day"),
        )
        .outerjoin(latest, latest.c.account_id == AccountRow.id)
        .where(
            (latest.c.account_id.is_(None))
            | (bucket_rank(latest.c.days_past_due) != current_rank)
            | (latest.c.status != AccountRow.status)
            | (func.coalesce(latest.c.owner_id, "") != func.coalesce(AccountRow.owner_id, ""))
            | (func.coalesce(latest.c.team_id, "") != func.coalesce(AccountRow.team_id, ""))
        )
    )
    inserts: list[dict[str, Any]] = []
    written = 0
    for account in session.execute(stale):
        row = _row_of(account, day)
        if account.last_day == day:
            session.execute(
                update(BucketHistory)
                .where(BucketHistory.account_id == account.id, BucketHistory.day == day)
                .values({k: v for k, v in row.items() if k not in ("account_id", "day")})
                .execution_options(synchronize_session=False)
            )
        else:
            inserts.append(row)
        written += 1
    for start in range(0, len(inserts), 5000):
        session.execute(insert(BucketHistory), inserts[start : start + 5000])
    return written


def record_states(session: Session, accounts: Iterable[dict[str, Any]], day: date) -> None:
    """Upsert the ``day`` row of each account (dicts with ``id``, ``days_past_due``,
    ``balance_minor``, ``status``, ``owner_id``, ``team_id``): for bulk writes that bypass
    the ORM listener (payment and placement files), in bulk."""
    from workstation.server.lifecycle.bulk import upsert_rows

    rows = [_row_of(_Values(a), day) for a in accounts]
    upsert_rows(session, BucketHistory, rows, ("account_id", "day"))


class _Values:
    """Attribute access over a dict (``_row_of`` reads rows and ORM objects alike)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def seed_rows(
    accounts: Iterable[dict[str, Any]], today: date, history_days: int, cured: set[str]
) -> Iterator[dict[str, Any]]:
    """A plausible history for demo accounts, derived from their state on ``today``.

    A delinquent account has been unpaid for ``days_past_due`` days, so it entered bucket
    X on ``today - (days_past_due - X's first day)``: one row per bucket it passed through
    (none before ``today - history_days``; the first row says where it stood then). An
    account listed in ``cured`` is current today because it paid up: it had been overdue
    for a while (derived from its id, so seeding is repeatable) and its last row, on the
    cure day, says current.
    """
    first_day = today - timedelta(days=history_days)
    for account in accounts:
        path_end, path_dpd = today, int(account["days_past_due"])
        cure_day = None
        if path_dpd <= 0 and account["id"] in cured:
            digest = sum(ord(ch) for ch in account["id"])
            cure_day = today - timedelta(days=1 + digest % max(history_days - 1, 1))
            path_end = cure_day - timedelta(days=1)
            path_dpd = 5 + digest % 70  # how overdue it was on the day before it cured
        # days past due on day t <= path_end: path_dpd - (path_end - t)
        yield _seed_row(account, first_day, path_dpd - (path_end - first_day).days)
        for threshold in (1, 30, 60, 90, 180):
            entered = path_end - timedelta(days=path_dpd - threshold)
            if threshold <= path_dpd and entered > first_day:
                yield _seed_row(account, entered, threshold)
        if cure_day is not None:
            yield _seed_row(account, cure_day, 0)


def _seed_row(account: dict[str, Any], day: date, days_past_due: int) -> dict[str, Any]:
    return {
        "account_id": account["id"],
        "day": day,
        "bucket": Bucket.for_days(days_past_due).value,
        "days_past_due": max(days_past_due, 0),
        "balance_minor": account["balance_minor"],
        "status": account["status"],
        "owner_id": account["owner_id"],
        "team_id": account["team_id"],
    }
