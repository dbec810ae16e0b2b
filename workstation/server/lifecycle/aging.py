"""The daily run's aging step: every unpaid account one day older, in set-based SQL.

The rules are the core's (``workstation.lifecycle.aging``): money past due and the account
still collected → one day older; nothing past due → current. Two UPDATE statements age the
whole portfolio (its cost is what the benchmark compares with a bare UPDATE of the same
rows). Only a *roll* — a change of bucket — is a change devices hear of (a new version), and
each roll writes the account's ``bucket_history`` row for the run's as-of day, so cure and
roll rates are real. Within a bucket the days tick on the server without a new version:
like the daily rescore (``scoring``), a device is not made to download its whole portfolio
every morning for a figure that moves by one; it gets the current figure with the account's
next real change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Table, and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, Bucket
from workstation.lifecycle.aging import BUCKET_STARTS
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow, BucketHistory

CLOSED = [s.value for s in AccountStatus if s.is_closed]
_CHUNK = 1000


def age_one_day(session: Session, changes: DayChanges) -> int:
    """Age every account by the one day ``changes.day``; return how many rolled."""
    accounts = AccountRow.__table__
    assert isinstance(accounts, Table)
    collected = accounts.c.status.not_in(CLOSED)
    overdue = accounts.c.past_due_minor > 0
    # who rolls: an overdue account reaching the first day of a bucket, or a settled-up one
    # leaving its bucket for "current"
    rolling = list(
        session.scalars(
            select(accounts.c.id).where(
                collected,
                or_(
                    and_(
                        overdue,
                        (accounts.c.days_past_due <= 0)
                        | (accounts.c.days_past_due + 1).in_(BUCKET_STARTS[1:]),
                    ),
                    and_(~overdue, accounts.c.days_past_due > 0),
                ),
            )
        )
    )
    connection = session.connection()
    connection.execute(
        update(accounts)
        .where(collected, overdue)
        .values(
            days_past_due=case((accounts.c.days_past_due < 0, 0), else_=accounts.c.days_past_due)
            + 1
        )
    )
    connection.execute(
        update(accounts)
        .where(collected, ~overdue, accounts.c.days_past_due != 0)
        .values(days_past_due=0)
    )
    record_history(session, rolling, changes.day)
    changes.accounts.update(rolling)
    changes.count("bucket_rolls", len(rolling))
    return len(rolling)


def record_history(session: Session, ids: list[str], day: date) -> None:
    """Upsert the ``bucket_history`` row of ``day`` for each account of ``ids`` (set-based
    writes bypass the ORM listener that does it for ORM updates)."""
    table = BucketHistory.__table__
    accounts = AccountRow.__table__
    assert isinstance(accounts, Table)
    connection = session.connection()
    insert: Any = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(ids), _CHUNK):
        rows = [
            {
                "account_id": r.id,
                "day": day,
                "bucket": Bucket.for_days(r.days_past_due).value,
                "days_past_due": r.days_past_due,
                "balance_minor": r.balance_minor,
                "status": r.status,
                "owner_id": r.owner_id,
                "team_id": r.team_id,
            }
            for r in connection.execute(
                select(
                    accounts.c.id,
                    accounts.c.days_past_due,
                    accounts.c.balance_minor,
                    accounts.c.status,
                    accounts.c.owner_id,
                    accounts.c.team_id,
                ).where(accounts.c.id.in_(ids[start : start + _CHUNK]))
            )
        ]
        if not rows:
            continue
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["account_id", "day"],
            set_={k: stmt.excluded[k] for k in rows[0] if k not in ("account_id", "day")},
        )
        connection.execute(stmt, rows)
