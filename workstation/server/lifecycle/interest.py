"""The daily run's interest step: frozen days counted every day, a month posted on the 1st.

Every day, each interest-bearing account whose interest is frozen that day — its customer
has a flag the lifecycle policy names (``interest.frozen_by``: hardship, breathing space), or
its status is one the policy freezes (an agreed plan, a hold, a dispute) — gets one more
frozen day for the month in ``interest_frozen_days``. On the first day of a month the
previous month's interest is posted to the balance of every open interest-bearing account,
for the month's days less its frozen days (``lifecycle.interest``), in one UPDATE per
distinct rate; each account whose balance moved gets a new version, so devices hear of it
once a month, not every day. A month is posted on its next 1st, whether or not the run saw
all its days.
"""

from __future__ import annotations

import calendar
from datetime import timedelta
from typing import Any

from sqlalchemy import String, Table, and_, cast, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus
from workstation.lifecycle.interest import DAYS_A_YEAR, rate_fraction
from workstation.lifecycle.policy import LifecyclePolicy
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.lifecycle.models import InterestFrozenDays
from workstation.server.models import AccountRow, CustomerRow

CLOSED = [s.value for s in AccountStatus if s.is_closed]
NO_RATE = ("0", "0.0", "0.00", "")
_CHUNK = 500


def _bearing() -> Any:
    return and_(
        AccountRow.status.not_in(CLOSED),
        AccountRow.balance_minor > 0,
        AccountRow.annual_rate.not_in(NO_RATE),
    )


def count_frozen_day(session: Session, changes: DayChanges, policy: LifecyclePolicy) -> None:
    """One more frozen day this month for every interest-bearing account frozen today."""
    frozen_flags = {flag.value for flag in policy.interest_frozen_by}
    customers = [
        customer_id
        for customer_id, flags in session.execute(
            select(CustomerRow.id, CustomerRow.flags).where(cast(CustomerRow.flags, String) != "[]")
        )
        if frozen_flags & set(flags or ())
    ]
    statuses = [s.value for s in policy.interest_frozen_statuses]
    ids = set(
        session.scalars(select(AccountRow.id).where(_bearing(), AccountRow.status.in_(statuses)))
    )
    for start in range(0, len(customers), _CHUNK):
        ids.update(
            session.scalars(
                select(AccountRow.id).where(
                    _bearing(), AccountRow.customer_id.in_(customers[start : start + _CHUNK])
                )
            )
        )
    if not ids:
        return
    month = changes.day.replace(day=1)
    connection = session.connection()
    insert: Any = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    table = InterestFrozenDays.__table__
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id", "month"], set_={"days": table.c.days + 1}
    )
    connection.execute(stmt, [{"account_id": i, "month": month, "days": 1} for i in sorted(ids)])
    changes.count("interest_frozen_accounts", len(ids))


def post_interest(session: Session, changes: DayChanges) -> None:
    """On the first day of a month, add the previous month's interest to the balances."""
    if changes.day.day != 1:
        return
    month = (changes.day - timedelta(days=1)).replace(day=1)
    days = calendar.monthrange(month.year, month.month)[1]
    accounts = AccountRow.__table__
    assert isinstance(accounts, Table)
    frozen = (
        select(InterestFrozenDays.days)
        .where(InterestFrozenDays.account_id == accounts.c.id, InterestFrozenDays.month == month)
        .scalar_subquery()
    )
    accruing = days - func.coalesce(frozen, 0)
    rates = list(session.scalars(select(AccountRow.annual_rate).where(_bearing()).distinct()))
    posted: list[str] = []
    for rate in rates:
        fraction = rate_fraction(rate)
        if fraction is None:
            continue
        num, den = fraction
        scale = den * 100 * DAYS_A_YEAR
        interest = (2 * accounts.c.balance_minor * num * accruing + scale) // (2 * scale)
        posted.extend(
            session.connection()
            .execute(
                update(accounts)
                .where(
                    accounts.c.annual_rate == rate,
                    accounts.c.status.not_in(CLOSED),
                    accounts.c.balance_minor > 0,
                    accruing > 0,
                    interest > 0,
                )
                .values(balance_minor=accounts.c.balance_minor + interest)
                .returning(accounts.c.id)
            )
            .scalars()
        )
    session.execute(delete(InterestFrozenDays).where(InterestFrozenDays.month <= month))
    changes.accounts.update(posted)
    changes.count("interest_posted", len(posted))
