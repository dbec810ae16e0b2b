"""Cure and roll counts pre-aggregated by the daily run, equal to a scan at any time.

A period's cure and roll counts (``lead._delinquency_counts``) compare every account's state
at the end of the day before the period (the *state day* A) with its state at the end of
the period's last day E (``bucket_history.state_as_of``), grouped by the owner and bucket at
A. At a million accounts that is two "latest row per account" passes over several million
history rows per request (tens of seconds). The comparison is of two end points, so it does
not add up from per-day counts; what is stored instead is the answer per pair of days:

``kpi_roll_days(end_day B, state_day A, owner, bucket at A)``: accounts, cured, rolled, for
every A in ``[B - LOOKBACK_DAYS, B]``. One refresh for an end day B computes all of them in
one pass over the history: each history row is an interval ``[day, next row's day)`` in
which the account's state (owner, bucket, status) holds; with the account's state at B it
says whether the account cured or rolled; it adds its flags to every A in its interval (a
difference array: +1 where the interval starts, -1 where it ends, summed over the days).
``kpi_roll_ends`` lists the end days stored. The daily run refreshes its as-of day (and
keeps ``KEEP_DAYS`` of end days), so a period ending on any recent processed day is a
lookup, and a period ending later (today, after last night's run) is the stored answer for
the last stored B plus a correction for the accounts with a history row after B
(subtract their pair (A, B), add their pair (A, E)): today's changes, a few thousand.

**Equal to a scan.** A stored answer for B depends on history rows dated on or before B.
Any insert, update or delete of a ``bucket_history`` row dated D (the ORM listener, the
aging run, ``reconcile``, bulk files, the seed's COPY, hand-written SQL) removes every end
day B >= D from ``kpi_roll_ends`` — a database trigger (migration 0017), so no writer can
forget it. A period with no stored end day that fits falls back to the scan: correct,
slower, and the next refresh brings it back.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from workstation.domain.enums import AccountStatus
from workstation.server.bucket_history import bucket_rank
from workstation.server.models import Base, BucketHistory
from workstation.server.retention import take_guard

log = logging.getLogger(__name__)

LOOKBACK_DAYS = 62  # periods of up to two months start within one stored end day
KEEP_DAYS = 35  # end days kept (a period ending in the last five weeks is a lookup)
LOCK_KEY = 0x4B5052_4F4C4C  # 'KPROLL'


class KpiRollEnd(Base):
    """An end day whose cure and roll counts are stored in ``kpi_roll_days``."""

    __tablename__ = "kpi_roll_ends"
    end_day: Mapped[date] = mapped_column(Date, primary_key=True)
    lookback_days: Mapped[int] = mapped_column(Integer, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class KpiRollDay(Base):
    """Accounts open on ``state_day`` in bucket ``from_rank`` held by ``owner_id`` ('' for
    none), and how many of them had cured or rolled by the end of ``end_day``."""

    __tablename__ = "kpi_roll_days"
    end_day: Mapped[date] = mapped_column(Date, primary_key=True)
    state_day: Mapped[date] = mapped_column(Date, primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    from_rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    accounts: Mapped[int] = mapped_column(Integer, nullable=False)
    cured: Mapped[int] = mapped_column(Integer, nullable=False)
    rolled: Mapped[int] = mapped_column(Integer, nullable=False)


# (owner, from_rank) -> [accounts, cured, rolled]
Counts = dict[tuple[str, int], list[int]]


CLOSED_STATUSES = tuple(s.value for s in AccountStatus if s.is_closed)
PAID_UP_STATUSES = (AccountStatus.PAID.value, AccountStatus.SETTLED.value)


def _flags(from_dpd: Any, to_dpd: Any, to_status: Any) -> tuple[Any, Any]:
    """SQL: cured and rolled (1/0) for a state at A and a state at E (as ``lead``)."""
    from_rank, to_rank = bucket_rank(from_dpd), bucket_rank(to_dpd)
    paid_up = to_status.in_(PAID_UP_STATUSES)
    cured = case((or_(to_rank == 0, paid_up), 1), else_=0)
    rolled = case((and_(to_rank > from_rank, ~paid_up), 1), else_=0)
    return cured, rolled


def compute(session: Session, end_day: date, lookback: int = LOOKBACK_DAYS) -> dict[date, Counts]:
    """Every state day's counts for ``end_day``: {state_day: {(owner, rank): [n, c, r]}}."""
    first = end_day - timedelta(days=lookback)
    h = (
        select(
            BucketHistory.account_id,
            BucketHistory.day,
            BucketHistory.days_past_due,
            BucketHistory.status,
            func.coalesce(BucketHistory.owner_id, "").label("owner_id"),
            func.lead(BucketHistory.day)
            .over(partition_by=BucketHistory.account_id, order_by=BucketHistory.day)
            .label("next_day"),
        )
        .where(BucketHistory.day <= end_day)
        .cte("h")
    )
    e = h.alias("e")
    cured, rolled = _flags(h.c.days_past_due, e.c.days_past_due, e.c.status)
    rank = bucket_rank(h.c.days_past_due)
    iv = (
        select(
            case((h.c.day > first, h.c.day), else_=first).label("lo"),
            h.c.next_day.label("hi"),
            h.c.owner_id,
            rank.label("from_rank"),
            cured.label("cured"),
            rolled.label("rolled"),
        )
        .join(e, and_(e.c.account_id == h.c.account_id, e.c.next_day.is_(None)))
        .where(
            h.c.status.not_in(CLOSED_STATUSES),
            or_(h.c.next_day.is_(None), h.c.next_day > first),
        )
        .cte("iv")
    )

    def edge(at: Any, sign: int) -> Select[Any]:
        return (
            select(
                at.label("d"),
                iv.c.owner_id,
                iv.c.from_rank,
                (func.count() * sign).label("n"),
                (func.sum(iv.c.cured) * sign).label("c"),
                (func.sum(iv.c.rolled) * sign).label("r"),
            )
            .where(at.is_not(None))
            .group_by(at, iv.c.owner_id, iv.c.from_rank)
        )

    steps: dict[date, list[tuple[tuple[str, int], int, int, int]]] = defaultdict(list)
    for d, owner, from_rank, n, c, r in session.execute(
        union_all(edge(iv.c.lo, 1), edge(iv.c.hi, -1))
    ):
        steps[_as_date(d)].append(((owner, int(from_rank)), int(n), int(c or 0), int(r or 0)))
    out: dict[date, Counts] = {}
    running: Counts = {}
    day = first
    while day <= end_day:
        for key, n, c, r in steps.get(day, ()):
            total = running.setdefault(key, [0, 0, 0])
            total[0] += n
            total[1] += c
            total[2] += r
        out[day] = {k: list(v) for k, v in running.items() if v[0]}
        day += timedelta(days=1)
    return out


def refresh(sessions: sessionmaker[Session], end_day: date) -> bool:
    """Store the counts for ``end_day`` (and drop end days older than ``KEEP_DAYS``);
    False when another node is doing it (PostgreSQL advisory lock) or it is stored."""
    began = time.perf_counter()
    with sessions.begin() as session:
        if not take_guard(session, LOCK_KEY):
            return False
        if session.get(KpiRollEnd, end_day) is not None:
            return False
        by_day = compute(session, end_day)
        oldest = end_day - timedelta(days=KEEP_DAYS)
        session.execute(delete(KpiRollEnd).where(KpiRollEnd.end_day < oldest))
        stored = select(KpiRollEnd.end_day).scalar_subquery()
        # rows of end days dropped (by age, or by the trigger) and this day's leftovers
        session.execute(
            delete(KpiRollDay).where(
                or_(KpiRollDay.end_day.not_in(stored), KpiRollDay.end_day == end_day)
            )
        )
        rows = [
            {
                "end_day": end_day,
                "state_day": day,
                "owner_id": owner,
                "from_rank": rank,
                "accounts": n,
                "cured": c,
                "rolled": r,
            }
            for day, counts in by_day.items()
            for (owner, rank), (n, c, r) in counts.items()
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(KpiRollDay), rows[start : start + 5000])
        session.add(
            KpiRollEnd(end_day=end_day, lookback_days=LOOKBACK_DAYS, computed_at=datetime.now(UTC))
        )
    log.info(
        "kpi cure/roll rollup for %s: %d rows in %.1f s",
        end_day,
        len(rows),
        time.perf_counter() - began,
    )
    return True


def _pairs(
    session: Session, state_day: date, end_day: date, owners: Sequence[str], accounts: Any
) -> Counts:
    """The scan's counts restricted to ``accounts`` (a subquery of account ids)."""

    def state(day: date) -> Any:
        latest = (
            select(BucketHistory.account_id, func.max(BucketHistory.day).label("day"))
            .where(BucketHistory.day <= day, BucketHistory.account_id.in_(accounts))
            .group_by(BucketHistory.account_id)
            .subquery()
        )
        return (
            select(BucketHistory)
            .join(
                latest,
                and_(
                    BucketHistory.account_id == latest.c.account_id,
                    BucketHistory.day == latest.c.day,
                ),
            )
            .subquery()
        )

    start, end = state(state_day), state(end_day)
    cured, rolled = _flags(start.c.days_past_due, end.c.days_past_due, end.c.status)
    rank = bucket_rank(start.c.days_past_due)
    stmt = (
        select(start.c.owner_id, rank, func.count(), func.sum(cured), func.sum(rolled))
        .join(end, end.c.account_id == start.c.account_id)
        .where(start.c.owner_id.in_(list(owners)), start.c.status.not_in(CLOSED_STATUSES))
        .group_by(start.c.owner_id, rank)
    )
    return {
        (owner, int(r)): [int(n), int(c or 0), int(ro or 0)]
        for owner, r, n, c, ro in session.execute(stmt)
    }


def counts(
    session: Session, owners: Sequence[str], start_day: date, end_day: date
) -> Counts | None:
    """The period's counts per (owner at the start, bucket at the start), from the stored
    end day that fits (and a correction for accounts changed after it); None when none fits
    (the caller scans)."""
    state_day = start_day - timedelta(days=1)
    base = session.scalar(
        select(func.max(KpiRollEnd.end_day)).where(
            KpiRollEnd.end_day <= end_day,
            KpiRollEnd.end_day >= state_day,
            KpiRollEnd.end_day <= state_day + timedelta(days=LOOKBACK_DAYS),
        )
    )
    if base is None:
        return None
    base = _as_date(base)
    out: Counts = {
        (owner, int(rank)): [int(n), int(c), int(r)]
        for owner, rank, n, c, r in session.execute(
            select(
                KpiRollDay.owner_id,
                KpiRollDay.from_rank,
                KpiRollDay.accounts,
                KpiRollDay.cured,
                KpiRollDay.rolled,
            ).where(
                KpiRollDay.end_day == base,
                KpiRollDay.state_day == state_day,
                KpiRollDay.owner_id.in_(list(owners)),
            )
        )
    }
    if base < end_day:
        # accounts whose state may differ between B and E: those with a row after B
        changed = (
            select(BucketHistory.account_id)
            .where(BucketHistory.day > base, BucketHistory.day <= end_day)
            .distinct()
            .scalar_subquery()
        )
        for sign, pairs in (
            (-1, _pairs(session, state_day, base, owners, changed)),
            (1, _pairs(session, state_day, end_day, owners, changed)),
        ):
            for key, values in pairs.items():
                total = out.setdefault(key, [0, 0, 0])
                for i, v in enumerate(values):
                    total[i] += sign * v
    return {k: v for k, v in out.items() if v[0]}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
