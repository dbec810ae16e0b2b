"""Promise lifecycle, decided by the server from payments.

A promise is **kept** as soon as the payments on its account from the moment it was made up
to the end of its due date plus the grace days add up to its amount; it is **broken** once
that deadline has passed without that. Payments reported by an agent count as well as
confirmed ones (the demo has no bank feed; a deployment with one would count only
``confirmed``). A voided payment does not count. Each decision bumps the account's version
so the new state reaches the devices.

``evaluate_due(session, now, grace)`` runs periodically (the server runs it every few
minutes and after each payment) and is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, EventType, PromiseStatus
from workstation.server.models import AccountRow, EventRow, PromiseRow
from workstation.server.versioning import allocate


def deadline(due: date, grace_days: int) -> datetime:
    """The first instant after the grace period (end of due date + grace, UTC)."""
    return datetime.combine(due + timedelta(days=grace_days + 1), time(0), UTC)


def _paid_between(
    session: Session, account_id: str, currency: str, start: datetime, end: datetime
) -> int:
    voided_ids = select(EventRow.payload["target_event_id"].as_string()).where(
        EventRow.account_id == account_id, EventRow.type == EventType.VOID.value
    )
    total = session.scalar(
        select(func.coalesce(func.sum(EventRow.amount_minor), 0)).where(
            EventRow.account_id == account_id,
            EventRow.type == EventType.PAYMENT.value,
            EventRow.currency == currency,
            EventRow.occurred_at >= start,
            EventRow.occurred_at < end,
            EventRow.id.not_in(voided_ids),
        )
    )
    return int(total or 0)


def decide(session: Session, promise: PromiseRow, now: datetime, grace_days: int) -> str | None:
    """The promise's new status, or ``None`` when it stays open."""
    end = deadline(promise.due_date, grace_days)
    paid = _paid_between(session, promise.account_id, promise.currency, promise.made_at, end)
    if paid >= promise.amount_minor:
        return PromiseStatus.KEPT.value
    if now >= end:
        return PromiseStatus.BROKEN.value
    return None


def evaluate_account_promises(
    session: Session,
    account: AccountRow,
    now: datetime,
    grace_days: int,
    *,
    version: int | None = None,
) -> int:
    """Decide the open promises of one account; return how many changed."""
    changed = 0
    for promise in session.scalars(
        select(PromiseRow).where(
            PromiseRow.account_id == account.id, PromiseRow.status == PromiseStatus.OPEN.value
        )
    ):
        status = decide(session, promise, now, grace_days)
        if status is not None:
            promise.status = status
            promise.decided_at = now
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


def evaluate_due(session: Session, now: datetime, grace_days: int, *, batch: int = 500) -> int:
    """Decide every open promise whose deadline has passed; return how many changed.

    Promises kept early are decided when their payment arrives (``evaluate_account_promises``).
    """
    cutoff = (now - timedelta(days=grace_days + 1)).date()
    account_ids = list(
        session.scalars(
            select(PromiseRow.account_id)
            .where(PromiseRow.status == PromiseStatus.OPEN.value, PromiseRow.due_date <= cutoff)
            .distinct()
            .limit(batch)
        )
    )
    changed = 0
    for account_id in account_ids:
        account = session.get(AccountRow, account_id, with_for_update=True)
        if account is not None:
            changed += evaluate_account_promises(session, account, now, grace_days)
    return changed
