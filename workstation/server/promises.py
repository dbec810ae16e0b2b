"""Promise lifecycle, decided by the server from confirmed payments.

The decision itself is the core's (``workstation.lifecycle.promises``): a promise is **kept**
as soon as confirmed payments since it was made, up to its due date plus the grace days,
reach its amount; once that deadline has passed it is **partly kept** (some of that money
came) or **broken** (none). Reported payments never decide a promise. Each decision bumps
the account's version so the new state reaches the devices.

Three callers: a payment or void on an account (``evaluate_account_promises``, in the push's
transaction), the periodic sweep and ``POST /admin/promises/evaluate`` (``evaluate_due``: the
promises whose deadline has passed by ``now``), and the daily run (``decide_due_on``: the
promises falling due by its as-of day). All are idempotent. One account whose promises cannot
be decided (a corrupt row) is rolled back, logged and raised for review; the others are
still decided (issue 20).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, PromiseStatus
from workstation.lifecycle.promises import Payment, decide_promise
from workstation.lifecycle.promises import deadline as last_counting_day
from workstation.server.lifecycle.aging import record_history
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.lifecycle.confirmed import confirmed_payments
from workstation.server.lifecycle.isolation import flag_for_review
from workstation.server.models import AccountRow, CustomerRow, PromiseRow
from workstation.server.versioning import allocate, lock_rows, new_account_versions

log = logging.getLogger(__name__)
JOB = "decide its promises"


def deadline(due: date, grace_days: int) -> datetime:
    """The first instant after the grace period (end of due date + grace, UTC); the end of
    time for a promise due at the calendar's end (it never falls due)."""
    last = last_counting_day(due, grace_days)
    if last == date.max:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def decide(
    promise: _PromiseFacts | PromiseRow,
    payments: Sequence[Payment],
    day: date,
    grace_days: int,
    timezone: str | None,
) -> PromiseStatus | None:
    """The promise's new status at the end of ``day``, or ``None`` when it stays open.

    The day it was made is the customer's (``timezone``), as payments' days are: a promise
    made at 01:48 UTC on the 6th by a customer at UTC-12 and paid the same afternoon
    there counts that payment (its ``paid_on`` is the 5th)."""
    made_on = promise.made_at.astimezone(_zone(timezone)).date()
    decision = decide_promise(
        promise.amount_minor, made_on, promise.due_date, payments, day, grace_days=grace_days
    )
    return None if decision.status is PromiseStatus.OPEN else decision.status


def _decide_account(
    session: Session,
    account: AccountRow,
    *,
    decided_at: datetime,
    day: date,
    grace_days: int,
    version: int | None,
) -> int:
    payments = confirmed_payments(session, [account.id]).get(account.id, [])
    timezone = session.scalar(
        select(CustomerRow.timezone).where(CustomerRow.id == account.customer_id)
    )
    changed = 0
    for promise in session.scalars(
        select(PromiseRow).where(
            PromiseRow.account_id == account.id, PromiseRow.status == PromiseStatus.OPEN.value
        )
    ):
        status = decide(promise, payments, day, grace_days, timezone)
        if status is not None:
            promise.status = status.value
            promise.decided_at = decided_at
            changed += 1
    if changed:
        still_open = session.scalar(
            select(func.count()).where(
                PromiseRow.account_id == account.id, PromiseRow.status == PromiseStatus.OPEN.value
            )
        )
        if not still_open and account.status == AccountStatus.PROMISE.value:
            account.status = AccountStatus.OPEN.value
        account.version = version if version is not None else allocate(session, 1)
    return changed


def evaluate_account_promises(
    session: Session,
    account: AccountRow,
    now: datetime,
    grace_days: int,
    *,
    version: int | None = None,
    day: date | None = None,
) -> int:
    """Decide the open promises of one account as of ``day`` (default: ``now``'s UTC day);
    return how many changed. Raises on a bad row: the caller's transaction decides."""
    on = day or now.astimezone(UTC).date()
    return _decide_account(
        session, account, decided_at=now, day=on, grace_days=grace_days, version=version
    )


def _due_accounts(session: Session, last_due: date, batch: int | None) -> list[str]:
    stmt = (
        select(PromiseRow.account_id)
        .where(PromiseRow.status == PromiseStatus.OPEN.value, PromiseRow.due_date <= last_due)
        .distinct()
        .order_by(PromiseRow.account_id)
    )
    if batch is not None:
        stmt = stmt.limit(batch)
    return list(session.scalars(stmt))


class _PromiseFacts(Protocol):
    event_id: str
    account_id: str
    amount_minor: int
    made_at: datetime
    due_date: date
    timezone: str


def _sweep(
    session: Session,
    account_ids: list[str],
    *,
    decided_at: datetime,
    day: date,
    grace_days: int,
) -> tuple[int, list[str]]:
    """Decide the accounts' open promises; return how many were decided and the accounts
    whose promises changed (the caller gives them their versions).

    The decisions are made in Python from two bulk reads (open promises, confirmed
    payments); a row that cannot be decided is logged and raised for review, and the rest
    go on. The decisions are then written set-based: the promises (only if still open — a
    payment's own evaluation may have decided one meanwhile), and the accounts left with no
    open promise go from ``promise`` back to ``open`` (with their bucket-history row)."""
    ids = sorted(set(account_ids))
    promises: dict[str, list[_PromiseFacts]] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(
            select(
                PromiseRow.event_id,
                PromiseRow.account_id,
                PromiseRow.amount_minor,
                PromiseRow.made_at,
                PromiseRow.due_date,
                CustomerRow.timezone,
            )
            .join(AccountRow, AccountRow.id == PromiseRow.account_id)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(
                PromiseRow.account_id.in_(ids[start : start + 500]),
                PromiseRow.status == PromiseStatus.OPEN.value,
            )
        ):
            promises.setdefault(row.account_id, []).append(row)
    money = confirmed_payments(session, list(promises))
    decided: list[dict[str, Any]] = []
    accounts: list[str] = []
    for account_id, open_promises in sorted(promises.items()):
        try:
            mine = [
                {"b_id": p.event_id, "b_status": status.value}
                for p in open_promises
                if (status := decide(p, money.get(account_id, []), day, grace_days, p.timezone))
                is not None
            ]
        except Exception as exc:
            log.exception("deciding the promises of account %s failed", account_id)
            flag_for_review(session, JOB, account_id, day, exc)
            continue
        if mine:
            decided.extend(mine)
            accounts.append(account_id)
    if not decided:
        return 0, []
    # the accounts before their promises, as a push takes them (its account, then the
    # promise rows its payment decides): the other order can deadlock with a push
    accounts_table = AccountRow.__table__
    assert isinstance(accounts_table, Table)
    lock_rows(session, accounts_table, accounts)
    table = PromiseRow.__table__
    assert isinstance(table, Table)
    connection = session.connection()
    connection.execute(
        update(table)
        .where(table.c.event_id == bindparam("b_id"), table.c.status == PromiseStatus.OPEN.value)
        .values(status=bindparam("b_status"), decided_at=decided_at),
        decided,
    )
    _reopen(session, accounts, day)
    return len(decided), accounts


def _reopen(session: Session, account_ids: list[str], day: date) -> None:
    """Accounts in ``promise`` status with no open promise left go back to ``open``."""
    accounts = AccountRow.__table__
    assert isinstance(accounts, Table)
    still_open = select(PromiseRow.event_id).where(
        PromiseRow.account_id == accounts.c.id, PromiseRow.status == PromiseStatus.OPEN.value
    )
    reopened: list[str] = []
    for start in range(0, len(account_ids), 500):
        reopened.extend(
            session.connection()
            .execute(
                update(accounts)
                .where(
                    accounts.c.id.in_(account_ids[start : start + 500]),
                    accounts.c.status == AccountStatus.PROMISE.value,
                    ~exists(still_open),
                )
                .values(status=AccountStatus.OPEN.value)
                .returning(accounts.c.id)
            )
            .scalars()
        )
    record_history(session, reopened, day)


def evaluate_due(session: Session, now: datetime, grace_days: int, *, batch: int = 500) -> int:
    """Decide every open promise whose deadline has passed by ``now``; return how many changed.

    Promises kept early are decided when their payment arrives (``evaluate_account_promises``)
    and by the daily run.
    """
    day = now.astimezone(UTC).date()
    cutoff = day - timedelta(days=grace_days + 1)
    count, accounts = _sweep(
        session,
        _due_accounts(session, cutoff, batch),
        decided_at=now,
        day=day,
        grace_days=grace_days,
    )
    new_account_versions(session, accounts)
    return count


def decide_due_on(
    session: Session,
    day: date,
    *,
    decided_at: datetime,
    grace_days: int,
    changes: DayChanges,
    new_money: set[str],
) -> int:
    """The daily run's step: decide, as of the end of ``day``, every open promise whose
    deadline has passed, and the open promises of the accounts with new confirmed money
    (``new_money``: the money may have kept them early)."""
    try:
        cutoff = day - timedelta(days=grace_days + 1)
    except OverflowError:
        cutoff = date.min
    due = set(_due_accounts(session, cutoff, None))
    paid_since = _with_open_promises(session, new_money)
    count, accounts = _sweep(
        session, sorted(due | paid_since), decided_at=decided_at, day=day, grace_days=grace_days
    )
    changes.accounts.update(accounts)
    return count


def _with_open_promises(session: Session, account_ids: set[str]) -> set[str]:
    found: set[str] = set()
    ids = sorted(account_ids)
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(PromiseRow.account_id).where(
                    PromiseRow.status == PromiseStatus.OPEN.value,
                    PromiseRow.account_id.in_(ids[start : start + 500]),
                )
            )
        )
    return found
