"""Accounts put where a strategy step falls, for the strategy room's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select, update

from tests.server.conftest import Backend
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.strategy.run import run_strategies


def pick(backend: Backend, n: int, owner_id: str | None = None) -> list[str]:
    """``n`` open accounts whose customers carry no flag (of ``owner_id``, given one)."""
    query = (
        select(AccountRow.id, CustomerRow.flags)
        .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
        .where(AccountRow.status == "open")
        .order_by(AccountRow.id)
    )
    if owner_id is not None:
        query = query.where(AccountRow.owner_id == owner_id)
    with backend.sessions() as session:
        ids = [account_id for account_id, flags in session.execute(query) if not flags]
    assert len(ids) >= n
    return list(ids[:n])


def set_account(backend: Backend, account_id: str, **values: object) -> None:
    with backend.sessions.begin() as session:
        session.execute(update(AccountRow).where(AccountRow.id == account_id).values(**values))


def run_day(backend: Backend, day: date) -> int:
    """The strategy step alone for ``day``; how many steps it took."""
    with backend.sessions.begin() as session:
        changes = DayChanges(day)
        done = run_strategies(session, day, changes)
        changes.stamp(session)
        return done


def quiet_others(backend: Backend, keep: list[str]) -> None:
    """Every other account on a day no step falls on (days past due 4: no cadence uses it)."""
    with backend.sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(
                AccountRow.id.not_in(keep), AccountRow.status.not_in(["paid", "settled", "closed"])
            )
            .values(days_past_due=4, status="open", score="0.80", segment="able_willing")
        )


def quiet_since(backend: Backend, candidates: list[str], day: date, n: int) -> list[str]:
    """``n`` of ``candidates`` with no call or visit logged on or after ``day`` (UTC): a task
    raised on ``day`` stands on them until the test answers it."""
    since = datetime.combine(day, time.min, UTC)
    with backend.sessions() as session:
        busy = set(
            session.scalars(
                select(EventRow.account_id).where(
                    EventRow.account_id.in_(candidates),
                    EventRow.type.in_(["contact_attempt", "visit"]),
                    EventRow.occurred_at >= since,
                )
            )
        )
    quiet = [a for a in candidates if a not in busy]
    assert len(quiet) >= n
    return quiet[:n]


def strategy_day(backend: Backend, day: date) -> dict[str, int]:
    """The daily run's strategy step for ``day`` (settle raised tasks, then the day's steps),
    in one transaction as the daily run takes it: its counts."""
    from workstation.server.strategy.daily import run_strategy_day

    with backend.sessions.begin() as session:
        changes = DayChanges(day)
        run_strategy_day(session, day, changes)
        changes.stamp(session)
    assert "strategy_failed" not in changes.counts
    return changes.counts
