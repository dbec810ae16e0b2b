"""Money in on the server: confirmed payments applied, reported payments booked and matched.

**Confirmed** payments (a bank file line, ``POST /api/v1/payments``) are the only money that
moves balances and counts as recovered. ``apply_confirmed`` applies a batch of them in the
caller's transaction, in order: each is allocated (``workstation.lifecycle.allocation``: past
due, then balance, then a credit kept for the customer), may close the account (``paid``; an
active settlement reached → ``settled`` with the rest written off), confirms the agent's
matching *reported* payment (``workstation.lifecycle.matching``), and becomes a ``payment``
event plus a ``payments`` row (``payment_ref`` is unique: the same payment twice adds
nothing). A closure also writes a ``write_off`` event (what was forgiven) and a
``status_change`` event (why), completes the account's active plans and cancels promises
left open. Every new event and each touched account take a version, so devices receive the
change on their next pull, incrementally.

Batches are applied with bulk statements (one INSERT per table, one executemany UPDATE of
the accounts), because a bank file holds tens of thousands of lines; versions are taken
after everything is computed, right before the writes, so the version counter's lock is
held for the writes only.

**Reported** payments (the desk's *Paid during call*) are booked by ``reported``; a
confirmed payment here confirms the matching one.

Event payloads are built here and only here (``confirmed_payload``, ``write_off_payload``,
``status_change_payload``), so moving them into the shared contract is one change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workstation.domain.enums import (
    AccountStatus,
    EventType,
    PaymentSource,
    PaymentStatus,
    PromiseStatus,
)
from workstation.domain.model import new_id
from workstation.domain.money import Money, MoneyError
from workstation.lifecycle.allocation import AccountMoney, Settlement, apply_payment
from workstation.lifecycle.matching import ReportedPayment, match_reported
from workstation.server.bucket_history import record_states
from workstation.server.lifecycle.bulk import chunks, insert_rows, one_of, update_rows
from workstation.server.lifecycle.reported import OPEN_REPORTED, UNMATCHED_REVIEW
from workstation.server.models import (
    AccountRow,
    EventRow,
    PaymentRow,
    PlanRow,
    PromiseRow,
    ReviewItem,
)
from workstation.server.promises import evaluate_account_promises
from workstation.server.versioning import allocate


def wire(minor: int, currency: str) -> str:
    return Money.from_minor(minor, currency).wire()


# --- payloads (one place; see the module docstring) ---------------------------------------------


def confirmed_payload(
    payment: ConfirmedPayment,
    to_past_due: int,
    to_balance: int,
    credit: int,
    matched_event_id: str | None,
) -> dict[str, Any]:
    cur = payment.currency
    payload: dict[str, Any] = {
        "amount": wire(payment.amount_minor, cur),
        "currency": cur,
        "source": PaymentSource.CONFIRMED.value,
        "paid_on": payment.paid_on.isoformat(),
        "payment_ref": payment.payment_ref,
        "allocation": {
            "past_due": wire(to_past_due, cur),
            "balance": wire(to_balance, cur),
            "credit": wire(credit, cur),
        },
    }
    if payment.method:
        payload["method"] = payment.method
    if matched_event_id:
        payload["matched_event_id"] = matched_event_id
    return payload


def write_off_payload(
    amount: int, currency: str, plan_event_id: str | None, payment_event_id: str
) -> dict[str, Any]:
    return {
        "amount": wire(amount, currency),
        "currency": currency,
        "reason": "settlement",
        "plan_event_id": plan_event_id,
        "payment_event_id": payment_event_id,
    }


def status_change_payload(
    old: str, new: str, reason: str, cause_event_id: str | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {"from_status": old, "to_status": new, "reason": reason}
    if cause_event_id:
        payload["cause_event_id"] = cause_event_id
    return payload


# --- confirmed payments -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfirmedPayment:
    """One confirmed payment to apply (the account already resolved from its ``account_ref``)."""

    payment_ref: str
    account_id: str
    amount_minor: int
    currency: str
    paid_on: date
    method: str | None = None
    line: int | None = None  # the file's line, for reports
    account_ref: str | None = None


@dataclass(slots=True)
class AppliedPayment:
    payment_ref: str
    account_id: str
    event_id: str
    amount_minor: int
    currency: str
    to_past_due: int
    to_balance: int
    credit: int
    balance_after: int
    closed_as: str | None = None  # paid / settled, when this payment closed the account
    written_off: int = 0
    matched_event_id: str | None = None
    line: int | None = None
    account_ref: str | None = None

    def as_dict(self) -> dict[str, Any]:
        cur = self.currency
        out: dict[str, Any] = {
            "payment_ref": self.payment_ref,
            "account_ref": self.account_ref,
            "account_id": self.account_id,
            "event_id": self.event_id,
            "amount": wire(self.amount_minor, cur),
            "currency": cur,
            "to_past_due": wire(self.to_past_due, cur),
            "to_balance": wire(self.to_balance, cur),
            "credit": wire(self.credit, cur),
            "balance_after": wire(self.balance_after, cur),
            "closed_as": self.closed_as,
            "written_off": wire(self.written_off, cur),
            "matched_event_id": self.matched_event_id,
        }
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(frozen=True, slots=True)
class KnownPayment:
    """A payment_ref already on the books."""

    payment_ref: str
    event_id: str
    account_id: str
    amount_minor: int
    currency: str
    paid_on: date


def known_payments(session: Session, refs: Iterable[str]) -> dict[str, KnownPayment]:
    found: dict[str, KnownPayment] = {}
    for chunk in chunks(session, list(dict.fromkeys(refs))):
        for row in session.execute(
            select(
                PaymentRow.payment_ref,
                PaymentRow.event_id,
                PaymentRow.account_id,
                PaymentRow.amount_minor,
                PaymentRow.currency,
                PaymentRow.paid_on,
            ).where(one_of(session, PaymentRow.payment_ref, chunk))
        ):
            ref, event_id, account_id, amount, currency, paid_on = row
            assert ref is not None
            found[ref] = KnownPayment(ref, event_id, account_id, amount, currency, paid_on)
    return found


@dataclass(slots=True)
class _Settlement:
    plan_event_id: str
    agreed: int
    since: date
    paid: int = 0


@dataclass(slots=True)
class _Account:
    id: str
    customer_id: str
    currency: str
    status: str
    money: AccountMoney
    reason: str | None
    owner_id: str | None
    team_id: str | None
    days_past_due: int
    settlement: _Settlement | None = None
    reported: list[ReportedPayment] = field(default_factory=list)
    closed_now: bool = False
    history: bool = False  # bucket or status changed: a bucket_history row is due


@dataclass(frozen=True, slots=True)
class Recorder:
    """Who records the server's events: a bank file (no user) or an integration user."""

    name: str
    user_id: str | None = None
    device_id: str | None = None


def _load(session: Session, account_ids: Sequence[str]) -> dict[str, _Account]:
    """The accounts, locked (FOR UPDATE on PostgreSQL), with settlements and open reports."""
    accounts: dict[str, _Account] = {}
    for chunk in chunks(session, account_ids):
        for row in session.execute(
            select(
                AccountRow.id,
                AccountRow.customer_id,
                AccountRow.currency,
                AccountRow.status,
                AccountRow.balance_minor,
                AccountRow.past_due_minor,
                AccountRow.credit_minor,
                AccountRow.status_reason,
                AccountRow.owner_id,
                AccountRow.team_id,
                AccountRow.days_past_due,
            )
            .where(one_of(session, AccountRow.id, chunk))
            .order_by(AccountRow.id)  # one lock order for every writer: no deadlocks
            .with_for_update()
        ):
            accounts[row.id] = _Account(
                row.id,
                row.customer_id,
                row.currency,
                row.status,
                AccountMoney.of_row(row.balance_minor, row.past_due_minor, row.credit_minor),
                row.status_reason,
                row.owner_id,
                row.team_id,
                row.days_past_due,
            )
        for plan_id, account_id, payload, occurred_at in session.execute(
            select(PlanRow.event_id, PlanRow.account_id, EventRow.payload, EventRow.occurred_at)
            .join(EventRow, EventRow.id == PlanRow.event_id)
            .where(one_of(session, PlanRow.account_id, chunk), PlanRow.status == "active")
        ):
            agreed = _settlement_amount(payload, accounts[account_id].currency)
            if agreed is not None:
                accounts[account_id].settlement = _Settlement(plan_id, agreed, occurred_at.date())
        for report in session.execute(
            select(
                PaymentRow.event_id,
                PaymentRow.account_id,
                PaymentRow.amount_minor,
                PaymentRow.currency,
                PaymentRow.paid_on,
                PaymentRow.received_at,
            ).where(
                one_of(session, PaymentRow.account_id, chunk),
                PaymentRow.source == PaymentSource.REPORTED.value,
                PaymentRow.status.in_(OPEN_REPORTED),
            )
        ):
            accounts[report.account_id].reported.append(
                ReportedPayment(
                    report.event_id,
                    report.amount_minor,
                    report.currency,
                    report.paid_on,
                    report.received_at,
                )
            )
    settling = [a for a in accounts.values() if a.settlement is not None]
    for account in settling:  # few: only accounts with an active settlement
        assert account.settlement is not None
        paid = session.scalar(
            select(func.coalesce(func.sum(PaymentRow.amount_minor), 0)).where(
                PaymentRow.account_id == account.id,
                PaymentRow.source == PaymentSource.CONFIRMED.value,
                PaymentRow.status == PaymentStatus.APPLIED.value,
                PaymentRow.paid_on >= account.settlement.since,
            )
        )
        account.settlement.paid = int(paid or 0)
    return accounts


def _settlement_amount(payload: dict[str, Any], currency: str) -> int | None:
    """The agreed amount of a plan agreement that is a settlement, in minor units."""
    if payload.get("kind") != "settlement":
        return None
    try:
        agreed = Money.of(str(payload.get("total")), str(payload.get("currency") or currency))
    except MoneyError:
        return None
    return agreed.minor if agreed.currency == currency and agreed.minor > 0 else None


def apply_confirmed(
    session: Session,
    payments: Sequence[ConfirmedPayment],
    *,
    now: datetime,
    as_of: date,
    recorder: Recorder,
    grace_days: int,
    match_days: int,
) -> list[AppliedPayment]:
    """Apply ``payments`` (new ``payment_ref``s, checked by the caller) in order; see module doc.

    ``as_of`` is the business day the payments are applied on (the day of the history rows
    of accounts they close)."""
    if not payments:
        return []
    accounts = _load(session, sorted({p.account_id for p in payments}))
    events: list[dict[str, Any]] = []
    books: list[dict[str, Any]] = []
    matched: list[tuple[str, str]] = []  # (reported event id, confirmed event id)
    closed: list[_Account] = []
    applied: list[AppliedPayment] = []
    for payment in payments:
        account = accounts[payment.account_id]
        settlement: Settlement | None = None
        plan = account.settlement
        if plan is not None and payment.paid_on >= plan.since:
            plan.paid += payment.amount_minor
            settlement = Settlement(plan.agreed, plan.paid)
        allocation, closure = apply_payment(account.money, payment.amount_minor, settlement)
        event_id = new_id()
        reported = match_reported(
            payment.amount_minor, payment.currency, payment.paid_on, account.reported, match_days
        )
        if reported is not None:
            account.reported.remove(reported)
            matched.append((reported.event_id, event_id))
        occurred_at = datetime.combine(payment.paid_on, time(0), UTC)
        events.append(
            _event_row(
                event_id,
                EventType.PAYMENT,
                account,
                occurred_at,
                now,
                recorder,
                confirmed_payload(
                    payment,
                    allocation.to_past_due,
                    allocation.to_balance,
                    allocation.credit,
                    reported.event_id if reported else None,
                ),
                payment.amount_minor,
            )
        )
        books.append(
            {
                "event_id": event_id,
                "account_id": account.id,
                "source": PaymentSource.CONFIRMED.value,
                "status": PaymentStatus.APPLIED.value,
                "payment_ref": payment.payment_ref,
                "amount_minor": payment.amount_minor,
                "currency": payment.currency,
                "paid_on": payment.paid_on,
                "method": payment.method,
                "recorded_by_id": recorder.user_id,
                "received_at": now,
                "to_past_due_minor": allocation.to_past_due,
                "to_balance_minor": allocation.to_balance,
                "credit_minor": allocation.credit,
                "matched_event_id": reported.event_id if reported else None,
            }
        )
        result = AppliedPayment(
            payment.payment_ref,
            account.id,
            event_id,
            payment.amount_minor,
            payment.currency,
            allocation.to_past_due,
            allocation.to_balance,
            allocation.credit,
            closure.after.balance,
            matched_event_id=reported.event_id if reported else None,
            line=payment.line,
            account_ref=payment.account_ref,
        )
        account.money = closure.after
        if account.money.past_due == 0 and account.days_past_due > 0:
            # nothing due any more: the account is current (cured) from this payment on
            account.days_past_due = 0
            account.history = True
        if closure.status is not None and not AccountStatus(account.status).is_closed:
            old = account.status
            account.status = closure.status.value
            account.reason = closure.reason
            account.closed_now = True
            account.history = True
            result.closed_as = closure.status.value
            result.written_off = closure.written_off
            closed.append(account)
            moment = occurred_at + timedelta(microseconds=1)
            if closure.written_off:
                events.append(
                    _event_row(
                        new_id(),
                        EventType.WRITE_OFF,
                        account,
                        moment,
                        now,
                        recorder,
                        write_off_payload(
                            closure.written_off,
                            account.currency,
                            plan.plan_event_id if plan else None,
                            event_id,
                        ),
                        closure.written_off,
                    )
                )
            events.append(
                _event_row(
                    new_id(),
                    EventType.STATUS_CHANGE,
                    account,
                    moment + timedelta(microseconds=1),
                    now,
                    recorder,
                    status_change_payload(old, account.status, closure.reason, event_id),
                    None,
                )
            )
        applied.append(result)
    touched = [accounts[i] for i in dict.fromkeys(p.account_id for p in payments)]
    # versions now, right before the writes: the counter's lock is held for the writes only
    first = allocate(session, len(events) + len(touched))
    for offset, row in enumerate(events):
        row["server_version"] = first + offset
    version_of = {a.id: first + len(events) + i for i, a in enumerate(touched)}
    insert_rows(session, EventRow, events)
    insert_rows(session, PaymentRow, books)
    update_rows(
        session,
        AccountRow,
        [
            {
                "id": a.id,
                "balance_minor": a.money.balance,
                "past_due_minor": a.money.past_due,
                "credit_minor": a.money.credit,
                "status": a.status,
                "status_reason": a.reason,
                "days_past_due": a.days_past_due,
                "version": version_of[a.id],
            }
            for a in touched
        ],
    )
    _confirm_reported(session, matched, now)
    _close(session, closed, now)
    record_states(
        session,
        [
            {
                "id": a.id,
                "days_past_due": a.days_past_due,
                "balance_minor": a.money.balance,
                "status": a.status,
                "owner_id": a.owner_id,
                "team_id": a.team_id,
            }
            for a in touched
            if a.history
        ],
        as_of,
    )
    _decide_promises(session, touched, version_of, now, as_of, grace_days)
    return applied


def _event_row(  # noqa: PLR0917
    event_id: str,
    kind: EventType,
    account: _Account,
    occurred_at: datetime,
    now: datetime,
    recorder: Recorder,
    payload: dict[str, Any],
    amount_minor: int | None,
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": kind.value,
        "account_id": account.id,
        "customer_id": account.customer_id,
        "occurred_at": occurred_at,
        "received_at": now,
        "recorded_by": recorder.name,
        "recorded_by_id": recorder.user_id,
        "device_id": recorder.device_id,
        "payload": payload,
        "disposition": None,
        "amount_minor": amount_minor,
        "currency": account.currency if amount_minor is not None else None,
        "score": None,
        "clock_skew_s": None,
    }


def _confirm_reported(session: Session, matched: list[tuple[str, str]], now: datetime) -> None:
    """Mark the matched reports confirmed; a review item they had raised is settled too."""
    if not matched:
        return
    for reported, confirmed in matched:  # few: one per report an agent made
        session.execute(
            update(PaymentRow)
            .where(PaymentRow.event_id == reported)
            .values(status=PaymentStatus.CONFIRMED.value, matched_event_id=confirmed)
            .execution_options(synchronize_session=False)
        )
    reported_ids = [reported for reported, _ in matched]
    for chunk in chunks(session, reported_ids):
        session.execute(
            update(ReviewItem)
            .where(
                one_of(session, ReviewItem.event_id, chunk),
                ReviewItem.kind == UNMATCHED_REVIEW,
                ReviewItem.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now)
            .execution_options(synchronize_session=False)
        )


def _close(session: Session, closed: list[_Account], now: datetime) -> None:
    """Accounts a payment closed: their active plans are completed."""
    ids = [account.id for account in closed]
    for chunk in chunks(session, ids):
        session.execute(
            update(PlanRow)
            .where(one_of(session, PlanRow.account_id, chunk), PlanRow.status == "active")
            .values(status="completed", changed_at=now, reason="account closed by payment")
            .execution_options(synchronize_session=False)
        )


def _decide_promises(  # noqa: PLR0917
    session: Session,
    touched: list[_Account],
    version_of: dict[str, int],
    now: datetime,
    as_of: date,
    grace_days: int,
) -> None:
    """Promises of the touched accounts, decided on the money now booked (confirmed only).

    Promises still open on an account that closed are cancelled: there is nothing left to
    promise. Decisions reach devices with the account (its version is already new)."""
    ids = [a.id for a in touched]
    with_open: list[str] = []
    for chunk in chunks(session, ids):
        with_open.extend(
            session.scalars(
                select(PromiseRow.account_id)
                .where(
                    one_of(session, PromiseRow.account_id, chunk),
                    PromiseRow.status == PromiseStatus.OPEN.value,
                )
                .distinct()
            )
        )
    closed_now = {a.id for a in touched if a.closed_now}
    for account_id in sorted(with_open):
        row = session.get(AccountRow, account_id, populate_existing=True)
        assert row is not None
        evaluate_account_promises(
            session, row, now, grace_days, version=version_of[account_id], day=as_of
        )
        if account_id in closed_now:
            for promise in session.scalars(
                select(PromiseRow).where(
                    PromiseRow.account_id == account_id,
                    PromiseRow.status == PromiseStatus.OPEN.value,
                )
            ):
                promise.status = PromiseStatus.CANCELLED.value
                promise.decided_at = now
                promise.reason = f"account {row.status}"
    session.flush()
