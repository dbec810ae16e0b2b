"""Payments an agent *reported* (the desk's *Paid during call*): booked, checked, reviewed.

A reported payment is what the customer said was paid. It moves no balance, decides no
promise and is never counted as recovered (DESIGN §10); KPIs show it beside recovery as
"reported, unconfirmed". ``book_reported`` books one when its event is pushed: one above the
account's balance is flagged ``over_balance`` with a review item and never counted (the
guard against a mistyped or hostile amount). A confirmed payment later confirms it
(``payments.apply_confirmed``); one still unconfirmed ``payment_match_days`` after its date
goes to the lead's review list (``review_unmatched_reported``, called by the daily run).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.enums import PaymentSource, PaymentStatus
from workstation.domain.money import Money
from workstation.lifecycle.matching import review_due
from workstation.server.models import AccountRow, EventRow, PaymentRow, ReviewItem, User
from workstation.server.review import item as review_item
from workstation.text import Text

OPEN_REPORTED = (PaymentStatus.UNCONFIRMED.value, PaymentStatus.UNMATCHED.value)

OVER_BALANCE_REVIEW = "reported_payment_over_balance"
UNMATCHED_REVIEW = "reported_payment_unmatched"


def book_reported(
    session: Session, event: EventRow, account: AccountRow, inner: dict[str, Any], now: datetime
) -> ReviewItem | None:
    """Book a pushed reported payment; it moves nothing. Above the balance → flagged for review.

    Returns the review item (added to the session) when one was raised."""
    assert event.amount_minor is not None
    assert event.currency is not None
    raw_day = inner.get("paid_on")
    paid_on = date.fromisoformat(raw_day) if isinstance(raw_day, str) else event.occurred_at.date()
    over = event.amount_minor > account.balance_minor
    session.add(
        PaymentRow(
            event_id=event.id,
            account_id=account.id,
            source=PaymentSource.REPORTED.value,
            status=(PaymentStatus.OVER_BALANCE if over else PaymentStatus.UNCONFIRMED).value,
            payment_ref=None,
            amount_minor=event.amount_minor,
            currency=event.currency,
            paid_on=paid_on,
            method=str(inner["method"])[:32] if inner.get("method") else None,
            recorded_by_id=event.recorded_by_id,
            received_at=now,
            to_past_due_minor=0,
            to_balance_minor=0,
            credit_minor=0,
        )
    )
    if not over:
        return None
    amount = _wire(event.amount_minor, event.currency)
    balance = _wire(account.balance_minor, account.currency)
    item = review_item(
        OVER_BALANCE_REVIEW,
        Text(
            f"{event.recorded_by} reported a payment of {amount} {event.currency} on a balance "
            f"of {balance}: not counted until checked",
            f"{event.recorded_by}报告了{amount} {event.currency}的还款，超过余额{balance}："
            "核实前不计入",
        ),
        now,
        account_id=account.id,
        customer_id=account.customer_id,
        event_id=event.id,
        team_id=account.team_id,
        assignee_id=None,
        from_user_id=event.recorded_by_id,
        detail={"amount": amount, "balance": balance, "currency": event.currency},
    )
    session.add(item)
    return item


def void_payment(session: Session, target_event_id: str) -> str | None:
    """A void of a payment event: refused for confirmed money (the bank reverses it, not the
    desk), else the report stops counting. Returns the refusal reason, or None."""
    row = session.get(PaymentRow, target_event_id, with_for_update=True)
    if row is None:
        return None
    if row.source == PaymentSource.CONFIRMED.value:
        return "confirmed money is reversed by the bank's file, not voided at the desk"
    row.status = PaymentStatus.VOIDED.value
    return None


def review_unmatched_reported(session: Session, as_of: date, match_days: int, now: datetime) -> int:
    """Put every reported payment still unconfirmed ``match_days`` after its date on the
    lead's review list (once: its status becomes ``unmatched``). Idempotent per day; on
    PostgreSQL rows another runner holds are skipped (``SKIP LOCKED``)."""
    cutoff = as_of - timedelta(days=match_days)
    rows = list(
        session.scalars(
            select(PaymentRow)
            .where(
                PaymentRow.source == PaymentSource.REPORTED.value,
                PaymentRow.status == PaymentStatus.UNCONFIRMED.value,
                PaymentRow.paid_on < cutoff,
            )
            .order_by(PaymentRow.event_id)
            .with_for_update(skip_locked=True)
        )
    )
    if not rows:
        return 0
    accounts = {
        a.id: a
        for a in session.scalars(
            select(AccountRow).where(AccountRow.id.in_({r.account_id for r in rows}))
        )
    }
    names = dict(
        session.execute(
            select(User.id, User.username).where(
                User.id.in_({r.recorded_by_id for r in rows if r.recorded_by_id})
            )
        ).all()
    )
    for row in rows:
        assert review_due(row.paid_on, as_of, match_days)
        row.status = PaymentStatus.UNMATCHED.value
        account = accounts[row.account_id]
        amount = _wire(row.amount_minor, row.currency)
        who = names.get(row.recorded_by_id or "", "an agent")
        session.add(
            review_item(
                UNMATCHED_REVIEW,
                Text(
                    f"{who} reported {amount} {row.currency} paid on {row.paid_on.isoformat()}; "
                    f"no bank payment matched it within {match_days} days",
                    f"{who}报告客户于{row.paid_on.isoformat()}还款{amount} {row.currency}；"
                    f"{match_days}天内没有匹配的银行到账",
                ),
                now,
                account_id=account.id,
                customer_id=account.customer_id,
                event_id=row.event_id,
                team_id=account.team_id,
                assignee_id=None,
                from_user_id=row.recorded_by_id,
                detail={
                    "amount": amount,
                    "currency": row.currency,
                    "paid_on": row.paid_on.isoformat(),
                    "method": row.method,
                },
            )
        )
    return len(rows)


def _wire(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).wire()
