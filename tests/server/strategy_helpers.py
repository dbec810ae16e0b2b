"""Accounts put where a strategy step falls, for the strategy room's tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from tests.server.conftest import Backend
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow, CustomerRow
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
