"""Confirmed money the bank took back: a bounced direct debit, a returned cheque, a card
charge-back. The payment was applied (``payments.apply_confirmed``); its return undoes what
it did, in the caller's transaction, so the books read as if the money had never come:

- **Money.** What went to the past-due amount is due again; what went to the balance is owed
  again; a credit the payment left is taken back (the part already used is owed again). A
  settlement's write-off the payment had reached is owed again as well: the agreed amount
  was not paid after all.
- **Days past due.** A payment that cured the account had set them to nought; they are put
  back from the account's bucket history (the last day it was late, counted on to today).
- **Status.** A ``paid`` or ``settled`` account opens again (``plan`` when a plan the payment
  had completed is active again, ``promise`` when a promise is open again, else ``open``),
  with a ``status_change`` event that names the return.
- **Plans.** A plan completed since the payment (by the closure, or by the daily run when
  its instalments were covered) is active again; the next daily run decides its instalments
  on the money that is left (``confirmed.accounts_with_new_money`` counts the return).
- **Promises.** A promise kept (or partly kept, or cancelled by the closure) since the
  payment is decided again on the money that is left: kept by other money, still open, or
  broken when its time has passed.
- **Counting.** The ``payments`` row becomes ``returned``: the KPIs count applied money only,
  and ``confirmed.confirmed_payments`` leaves out any payment a ``payment_return`` names.
- **People.** A ``payment_return`` event tells every device; the account's team lead gets a
  review item (the customer may need a call, and a paid-in-full letter already sent is
  wrong), and the account's owner sees the payment struck out in the timeline.

A return is booked once: the same return again is "already returned" and adds nothing.
Where returns come from: ``import returns`` (a bank's returns file, checked whole, one
transaction) and ``POST /api/v1/payments/{payment_ref}/return`` (a processor, live).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workstation.domain.enums import (
    AccountStatus,
    EventType,
    PaymentSource,
    PaymentStatus,
    PromiseStatus,
)
from workstation.domain.model import new_id, utcnow
from workstation.domain.returns import reason_words
from workstation.lifecycle.allocation import AccountMoney
from workstation.server.deps import audit
from workstation.server.lifecycle import csvfile
from workstation.server.lifecycle.bulk import chunks, file_transaction, one_of
from workstation.server.lifecycle.payments import Recorder, status_change_payload, wire
from workstation.server.models import (
    AccountRow,
    BucketHistory,
    EventRow,
    PaymentRow,
    PlanRow,
    PromiseRow,
)
from workstation.server.promises import evaluate_account_promises
from workstation.server.review import item as review_item
from workstation.server.settings import Settings
from workstation.server.versioning import allocate
from workstation.text import Text

REQUIRED = ("payment_ref", "returned_on", "reason")
OPTIONAL: tuple[str, ...] = ()
REVIEW_KIND = "payment_returned"
REASON = "payment_returned"  # the status_change's and the rows' reason
# how far back a return may lie (a charge-back can come months after the payment)
MAX_AGE_DAYS = 400
_CLOSED_BY_MONEY = (AccountStatus.PAID.value, AccountStatus.SETTLED.value)
_DECIDED_BY_MONEY = (PromiseStatus.KEPT.value, PromiseStatus.PARTLY_KEPT.value)


@dataclass(frozen=True, slots=True)
class PaymentReturn:
    """One return to book: the payment it takes back (already found on the books)."""

    payment_ref: str
    payment_event_id: str
    returned_on: date
    reason: str
    line: int | None = None


@dataclass(slots=True)
class ReturnedPayment:
    """What a return undid."""

    payment_ref: str
    account_id: str
    account_ref: str | None
    event_id: str  # the payment_return event
    payment_event_id: str
    amount_minor: int
    currency: str
    paid_on: date
    returned_on: date
    reason: str
    to_past_due: int
    to_balance: int
    credit_taken: int
    written_off: int
    balance_after: int
    from_status: str
    to_status: str
    line: int | None = None

    @property
    def reopened(self) -> bool:
        return self.from_status in _CLOSED_BY_MONEY and self.to_status not in _CLOSED_BY_MONEY

    def as_dict(self) -> dict[str, Any]:
        cur = self.currency
        out: dict[str, Any] = {
            "payment_ref": self.payment_ref,
            "account_ref": self.account_ref,
            "account_id": self.account_id,
            "event_id": self.event_id,
            "payment_event_id": self.payment_event_id,
            "amount": wire(self.amount_minor, cur),
            "currency": cur,
            "paid_on": self.paid_on.isoformat(),
            "returned_on": self.returned_on.isoformat(),
            "reason": self.reason,
            "restored": {
                "past_due": wire(self.to_past_due, cur),
                "balance": wire(self.to_balance, cur),
                "credit": wire(self.credit_taken, cur),
            },
            "written_off": wire(self.written_off, cur),
            "balance_after": wire(self.balance_after, cur),
            "from_status": self.from_status,
            "to_status": self.to_status,
            "reopened": self.reopened,
        }
        if self.line is not None:
            out["line"] = self.line
        return out


# --- checking ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Booked:
    event_id: str
    source: str
    status: str
    paid_on: date


def check(
    session: Session, data: csvfile.CsvFile, as_of: date
) -> tuple[list[PaymentReturn], list[tuple[int, str]]]:
    """The rules of one return, for each record of ``data`` (a file, or one API request):
    problems go to ``data.errors``; returns the new returns and the ones booked before."""
    earliest, latest = csvfile.window(as_of, MAX_AGE_DAYS)
    refs: dict[str, int] = {}
    parsed: list[tuple[csvfile.Record, str | None, date | None, str | None]] = []
    for record in data.records:
        payment_ref = data.ref(record, "payment_ref")
        unique = data.unique(refs, record, "payment_ref", payment_ref)
        returned_on = data.day(record, "returned_on", earliest=earliest, latest=latest)
        reason = data.token(record, "reason")
        if reason is None and not record.get("reason"):
            data.error(record.line, "reason is empty (the bank's code, such as insufficient_funds)")
        parsed.append((record, payment_ref if unique else None, returned_on, reason))
    booked = _booked(session, [ref for _, ref, _, _ in parsed if ref])
    returns: list[PaymentReturn] = []
    already: list[tuple[int, str]] = []
    for record, payment_ref, returned_on, reason in parsed:
        payment = booked.get(payment_ref) if payment_ref else None
        if payment_ref and payment is None:
            data.error(record.line, f"payment_ref {payment_ref} is not a payment on the books")
            continue
        if payment_ref is None or payment is None or returned_on is None:
            continue
        if payment.source != PaymentSource.CONFIRMED.value:
            data.error(
                record.line,
                f"payment_ref {payment_ref} is a payment an agent reported, not the bank's money",
            )
        elif payment.status == PaymentStatus.RETURNED.value:
            already.append((record.line, payment_ref))
        elif payment.status != PaymentStatus.APPLIED.value:
            data.error(record.line, f"payment_ref {payment_ref} is {payment.status}")
        elif returned_on < payment.paid_on:
            data.error(
                record.line,
                f"returned_on {returned_on.isoformat()} is before the payment's day "
                f"{payment.paid_on.isoformat()}",
            )
        elif reason is not None:  # (a missing reason is already named)
            returns.append(
                PaymentReturn(payment_ref, payment.event_id, returned_on, reason, record.line)
            )
    return returns, already


def _booked(session: Session, refs: list[str]) -> dict[str, _Booked]:
    found: dict[str, _Booked] = {}
    for chunk in chunks(session, list(dict.fromkeys(refs))):
        for ref, event_id, source, status, paid_on in session.execute(
            select(
                PaymentRow.payment_ref,
                PaymentRow.event_id,
                PaymentRow.source,
                PaymentRow.status,
                PaymentRow.paid_on,
            ).where(one_of(session, PaymentRow.payment_ref, chunk))
        ):
            if ref is not None:
                found[ref] = _Booked(event_id, source, status, paid_on)
    return found


# --- applying ------------------------------------------------------------------------------------


def apply_returns(
    session: Session,
    returns: list[PaymentReturn],
    *,
    now: datetime,
    as_of: date,
    recorder: Recorder,
    grace_days: int,
) -> list[ReturnedPayment]:
    """Undo each returned payment (see the module docstring); accounts are locked in one
    order (by id), as every writer of accounts does. A payment found returned once its
    account is locked (another request or node returned it meanwhile) is left out of the
    answer: the caller reports it as returned before."""
    payments = {
        row.event_id: row
        for chunk in chunks(session, [r.payment_event_id for r in returns])
        for row in session.scalars(
            select(PaymentRow).where(one_of(session, PaymentRow.event_id, chunk))
        )
    }
    order = sorted(returns, key=lambda r: (payments[r.payment_event_id].account_id, r.line or 0))
    done: list[ReturnedPayment] = []
    for one in order:
        payment = payments[one.payment_event_id]
        account = session.get(AccountRow, payment.account_id, with_for_update=True)
        assert account is not None
        session.refresh(payment)  # read again under the account's lock: still applied?
        if payment.status != PaymentStatus.APPLIED.value:
            continue
        done.append(_undo(session, one, payment, account, now, as_of, recorder, grace_days))
    done.sort(key=lambda r: r.line or 0)
    return done


def _undo(  # noqa: PLR0917
    session: Session,
    one: PaymentReturn,
    payment: PaymentRow,
    account: AccountRow,
    now: datetime,
    as_of: date,
    recorder: Recorder,
    grace_days: int,
) -> ReturnedPayment:
    old_status = account.status
    money = AccountMoney.of_row(account.balance_minor, account.past_due_minor, account.credit_minor)
    credit_taken = min(payment.credit_minor, money.credit)
    spent_credit = payment.credit_minor - credit_taken  # used since: owed again
    written_off = _settlement_written_off(session, account, payment)
    account.balance_minor = (
        money.balance
        + payment.to_past_due_minor
        + payment.to_balance_minor
        + spent_credit
        + written_off
    )
    account.past_due_minor = money.past_due + payment.to_past_due_minor
    account.credit_minor = money.credit - credit_taken
    if account.past_due_minor > 0 and account.days_past_due <= 0:
        account.days_past_due = _days_late(session, account.id, payment.paid_on, as_of)
    payment.status = PaymentStatus.RETURNED.value
    payment_event = session.get(EventRow, payment.event_id)
    assert payment_event is not None
    back = _event(
        session,
        account,
        EventType.PAYMENT_RETURN,
        max(
            datetime.combine(one.returned_on, time(0), UTC),
            payment_event.occurred_at.astimezone(UTC) + timedelta(microseconds=1),
        ),
        now,
        recorder,
        {
            "target_event_id": payment.event_id,
            "payment_ref": one.payment_ref,
            "amount": wire(payment.amount_minor, payment.currency),
            "currency": payment.currency,
            "paid_on": payment.paid_on.isoformat(),
            "returned_on": one.returned_on.isoformat(),
            "reason": one.reason,
            "restored": {
                "past_due": wire(payment.to_past_due_minor, payment.currency),
                "balance": wire(payment.to_balance_minor + spent_credit, payment.currency),
                "credit": wire(credit_taken, payment.currency),
            },
            **({"written_off": wire(written_off, payment.currency)} if written_off else {}),
        },
        payment.amount_minor,
    )
    plans = _reactivate_plans(session, account.id, payment.received_at, now)
    session.flush()  # the return and the reopened rows, before the promises are decided again
    _reopen_promises(
        session, account, since=payment.received_at, now=now, as_of=as_of, grace_days=grace_days
    )
    new_status = _status_after(session, account, old_status, plans)
    if new_status != old_status:
        account.status = new_status
        account.status_reason = REASON
        back.payload = {**back.payload, "to_status": new_status}
        _event(
            session,
            account,
            EventType.STATUS_CHANGE,
            back.occurred_at + timedelta(microseconds=1),
            now,
            recorder,
            status_change_payload(old_status, new_status, REASON, back.id),
            None,
        )
    account.version = allocate(session, 1)
    account_ref = account.account_ref
    result = ReturnedPayment(
        one.payment_ref,
        account.id,
        account_ref,
        back.id,
        payment.event_id,
        payment.amount_minor,
        payment.currency,
        payment.paid_on,
        one.returned_on,
        one.reason,
        payment.to_past_due_minor,
        payment.to_balance_minor + spent_credit,
        credit_taken,
        written_off,
        account.balance_minor,
        old_status,
        account.status,
        one.line,
    )
    session.add(_review(result, account, now))
    return result


def _event(  # noqa: PLR0917
    session: Session,
    account: AccountRow,
    kind: EventType,
    occurred_at: datetime,
    now: datetime,
    recorder: Recorder,
    payload: dict[str, Any],
    amount_minor: int | None,
) -> EventRow:
    row = EventRow(
        id=new_id(),
        type=kind.value,
        account_id=account.id,
        customer_id=account.customer_id,
        occurred_at=occurred_at,
        received_at=now,
        recorded_by=recorder.name,
        recorded_by_id=recorder.user_id,
        device_id=recorder.device_id,
        payload=payload,
        amount_minor=amount_minor,
        currency=account.currency if amount_minor is not None else None,
        server_version=allocate(session, 1),
    )
    session.add(row)
    return row


def _settlement_written_off(session: Session, account: AccountRow, payment: PaymentRow) -> int:
    """A settlement's write-off this payment counted towards (the account is ``settled``):
    the agreed amount was not reached after all, so the rest is owed again."""
    if account.status != AccountStatus.SETTLED.value:
        return 0
    start = datetime.combine(payment.paid_on, time(0), UTC)
    write_off = session.scalars(
        select(EventRow)
        .where(
            EventRow.account_id == account.id,
            EventRow.type == EventType.WRITE_OFF.value,
            EventRow.payload["reason"].as_string() == "settlement",
            EventRow.occurred_at >= start,
        )
        .order_by(EventRow.occurred_at.desc())
        .limit(1)
    ).first()
    return int(write_off.amount_minor or 0) if write_off is not None else 0


def _days_late(session: Session, account_id: str, paid_on: date, as_of: date) -> int:
    """Days past due as if the payment had never come: the last day the account was late
    (its bucket history), counted on to ``as_of``; else from the payment's day."""
    last = session.execute(
        select(BucketHistory.day, BucketHistory.days_past_due)
        .where(
            BucketHistory.account_id == account_id,
            BucketHistory.days_past_due > 0,
            BucketHistory.day <= as_of,
        )
        .order_by(BucketHistory.day.desc())
        .limit(1)
    ).first()
    if last is not None:
        day: date = last.day
        return max(1, int(last.days_past_due) + (as_of - day).days)
    return max(1, (as_of - paid_on).days)


def _reactivate_plans(session: Session, account_id: str, since: datetime, now: datetime) -> bool:
    """Plans completed since the payment came are active again (the daily run decides their
    instalments anew); True when one was."""
    plans = list(
        session.scalars(
            select(PlanRow).where(
                PlanRow.account_id == account_id,
                PlanRow.status == "completed",
                PlanRow.changed_at >= since,
            )
        )
    )
    for plan in plans:
        plan.status = "active"
        plan.changed_at = now
        plan.reason = REASON
    return bool(plans)


def _reopen_promises(
    session: Session,
    account: AccountRow,
    *,
    since: datetime,
    now: datetime,
    as_of: date,
    grace_days: int,
) -> None:
    """Promises decided on money since the payment came — kept, partly kept, or cancelled by
    the account's closure — decided again without it."""
    for promise in session.scalars(
        select(PromiseRow).where(
            PromiseRow.account_id == account.id,
            PromiseRow.decided_at >= since,
            PromiseRow.status.in_([*_DECIDED_BY_MONEY, PromiseStatus.CANCELLED.value]),
        )
    ):
        cancelled = promise.status == PromiseStatus.CANCELLED.value
        if cancelled and not str(promise.reason or "").startswith("account "):
            continue  # cancelled by a person or a void: not the money's doing
        promise.status = PromiseStatus.OPEN.value
        promise.decided_at = None
        promise.reason = None
    session.flush()
    evaluate_account_promises(session, account, now, grace_days, day=as_of)


def _status_after(session: Session, account: AccountRow, old: str, plan_active: bool) -> str:
    """The account's status once the money is gone (see the module docstring)."""
    closed = old in _CLOSED_BY_MONEY
    if closed and account.balance_minor <= 0:
        return old  # paid off by other money as well: still paid
    if not closed and old != AccountStatus.OPEN.value:
        return old  # a dispute, a hold, a plan or a promise: theirs to say
    if plan_active:
        return AccountStatus.PLAN.value
    promised = session.scalar(
        select(PromiseRow.event_id)
        .where(PromiseRow.account_id == account.id, PromiseRow.status == PromiseStatus.OPEN.value)
        .limit(1)
    )
    if promised is not None:
        return AccountStatus.PROMISE.value
    return AccountStatus.OPEN.value if closed else old


def _review(result: ReturnedPayment, account: AccountRow, now: datetime) -> Any:
    """The team lead's item: someone should call, and a paid-in-full letter may be wrong."""
    amount = f"{wire(result.amount_minor, result.currency)} {result.currency}"
    why = reason_words(result.reason)
    paid_on = result.paid_on.isoformat()
    text = Text(
        f"The bank returned a payment of {amount} (paid {paid_on}): {why.en}",
        f"银行退回了{amount}的还款（{paid_on}入账）：{why.zh}",
    )
    if result.reopened:
        text = Text(
            text.en + f"; the account is {result.to_status} again and owes "
            f"{wire(result.balance_after, result.currency)}",
            text.zh + f"；账户已重新打开，欠款{wire(result.balance_after, result.currency)}",
        )
    return review_item(
        REVIEW_KIND,
        text,
        now,
        account_id=account.id,
        customer_id=account.customer_id,
        event_id=result.event_id,
        team_id=account.team_id,
        assignee_id=None,
        detail={
            "payment_ref": result.payment_ref,
            "return_reason": result.reason,  # the bank's code (the desk has words for it)
            "amount": wire(result.amount_minor, result.currency),
            "currency": result.currency,
            "reopened": result.reopened,
        },
    )


# --- a bank's returns file -----------------------------------------------------------------------


@dataclass
class ReturnsImportReport:
    file: str
    sha256: str
    dry_run: bool
    as_of: date
    lines: int = 0
    returned: list[ReturnedPayment] = field(default_factory=list)
    already: list[tuple[int, str]] = field(default_factory=list)  # (line, payment_ref)

    def as_dict(self) -> dict[str, Any]:
        totals: Counter[str] = Counter()
        for one in self.returned:
            totals[one.currency] += one.amount_minor
        return {
            "kind": "returns",
            "file": self.file,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "as_of": self.as_of.isoformat(),
            "lines": self.lines,
            "returned": len(self.returned),
            "already_returned": len(self.already),
            "reopened": sum(1 for r in self.returned if r.reopened),
            "totals": {c: wire(v, c) for c, v in sorted(totals.items())},
            "returns": [r.as_dict() for r in self.returned],
            "already_returned_lines": [{"line": n, "payment_ref": ref} for n, ref in self.already],
        }

    def summary(self) -> list[str]:
        head = "dry run, nothing written: " if self.dry_run else ""
        lines = [
            f"{head}{self.file}: {self.lines} return line(s), {len(self.returned)} "
            f"{'would be ' if self.dry_run else ''}returned, {len(self.already)} already "
            "returned (nothing added for them)"
        ]
        for one in self.returned:
            what = (
                f"account {one.account_ref} {one.from_status} → {one.to_status}, owes "
                f"{wire(one.balance_after, one.currency)}"
                if one.reopened
                else f"account {one.account_ref} owes {wire(one.balance_after, one.currency)}"
            )
            lines.append(
                f"  line {one.line}: {one.payment_ref} {wire(one.amount_minor, one.currency)} "
                f"{one.currency} back ({one.reason}); {what}"
            )
        return lines


def import_returns(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    settings: Settings,
    dry_run: bool = False,
    as_of: date | None = None,
    now: datetime | None = None,
) -> ReturnsImportReport:
    """Validate and apply a returns file in ONE transaction (rolled back for ``dry_run``).

    Format (CSV, UTF-8, header row): ``payment_ref,returned_on,reason``. Raises
    ``csvfile.FileRejected`` (nothing written) when any line is bad."""
    data = path.read_bytes()
    now = now or utcnow()
    as_of = as_of or now.date()
    report = ReturnsImportReport(
        file=path.name, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run, as_of=as_of
    )
    with file_transaction(sessions, dry_run=dry_run) as session:
        parsed = csvfile.read(data, REQUIRED, OPTIONAL)
        returns, report.already = check(session, parsed, as_of)
        parsed.check()
        report.lines = len(parsed.records)
        report.returned = apply_returns(
            session,
            returns,
            now=now,
            as_of=as_of,
            recorder=Recorder(name=f"bank file {path.name}"[:100]),
            grace_days=settings.promise_grace_days,
        )
        done = {r.payment_event_id for r in report.returned}
        report.already += [
            (r.line or 0, r.payment_ref) for r in returns if r.payment_event_id not in done
        ]
        audit(
            session,
            None,
            "import.returns",
            "file",
            report.sha256[:64],
            {
                "file": path.name,
                "lines": report.lines,
                "returned": len(report.returned),
                "already_returned": len(report.already),
                "as_of": as_of.isoformat(),
            },
        )
    return report
