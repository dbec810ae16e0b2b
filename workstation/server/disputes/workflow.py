"""The disputes workflow on the server (``workstation.workflows.disputes`` is its table).

- ``register``: a new dispute (a desk's ``dispute`` event, or a contact attempt whose outcome
  disputes the debt) gets its row; the account is already ``dispute`` (the effects table);
- ``take_step``: the lead sends the validation notice (US: the PDF with the itemisation, and
  the day collection may resume: the pack's ``resume_after`` from today), resumes (packs
  without a notice) or upholds (an amount off the balance, or the account closed);
- ``resume_due``: the daily run resumes every dispute whose wait is over by its day.

Every step is a ``dispute`` event naming the dispute, with the effects table applied to the
account (resumed or upheld: a ``dispute`` account is open again, or closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.compliance.packs import DisputeRules
from workstation.contract import effects
from workstation.documents.letters import LetterKind
from workstation.documents.validation_notice import ValidationNoticeDetails
from workstation.domain.enums import DisputeStatus, EventType, Role
from workstation.domain.money import Money, MoneyError
from workstation.server.deps import Principal, audit
from workstation.server.disputes.models import DisputeRow
from workstation.server.errors import ApiError, not_found
from workstation.server.lifecycle.changes import DayChanges, end_of
from workstation.server.lifecycle.confirmed import confirmed_payments
from workstation.server.lifecycle.letters import creditor
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.workflows import letters
from workstation.server.workflows.adjust import adjust
from workstation.server.workflows.events import SYSTEM, Author, Sink
from workstation.workflows import disputes as table
from workstation.workflows.deadlines import add_period, local_day, pack_for_jurisdiction
from workstation.workflows.disputes import Actor, DisputeStepError, State, Step


def rules_of(pack_id: str) -> DisputeRules:
    pack = pack_for_jurisdiction(pack_id) if pack_id else None
    return pack.disputes if pack is not None and pack.disputes else DisputeRules()


def register(
    session: Session, account: AccountRow, intake: EventRow, reason: str
) -> DisputeRow | None:
    if session.get(DisputeRow, intake.id) is not None:
        return None
    customer = session.get(CustomerRow, account.customer_id)
    assert customer is not None
    pack = pack_for_jurisdiction(customer.jurisdiction)
    row = DisputeRow(
        id=intake.id,
        account_id=account.id,
        customer_id=account.customer_id,
        team_id=account.team_id,
        status=State.PENDING_VALIDATION.value,
        reason=reason[:200] or "other",
        pack=pack.id if pack is not None else "",
        received_at=intake.occurred_at,
        received_on=local_day(intake.occurred_at, customer.timezone),
        currency=account.currency,
    )
    session.add(row)
    return row


def _write(
    session: Session, account: AccountRow, row: DisputeRow, step: Step, sink: Sink, **fields: Any
) -> EventRow:
    payload = {
        "reason": row.reason,
        "dispute_id": row.id,
        "status": row.status,
        "step": step.value,
        **{k: v for k, v in fields.items() if v is not None},
    }
    event = sink(session, account, EventType.DISPUTE, payload)
    change = effects(event, account, None)
    if change.status is not None:
        account.status = change.status.value
        sink.touch(session, account)
    return event


@dataclass(frozen=True, slots=True)
class StepResult:
    dispute: DisputeRow
    event: EventRow
    letter: EventRow | None


def visible(principal: Principal, row: DisputeRow, account: AccountRow) -> bool:
    if principal.role == Role.LEAD and principal.team_id == row.team_id:
        return True
    return principal.is_collector and account.owner_id == principal.user_id


def take_step(
    session: Session,
    principal: Principal,
    dispute_id: str,
    step: Step,
    *,
    note: str = "",
    adjustment: Decimal | None = None,
    close_account: bool = False,
    at: datetime,
) -> StepResult:
    row = session.get(DisputeRow, dispute_id, with_for_update=True)
    account = session.get(AccountRow, row.account_id, with_for_update=True) if row else None
    if row is None or account is None or not visible(principal, row, account):
        raise not_found("dispute")
    if principal.role != Role.LEAD or principal.team_id != row.team_id:
        raise ApiError(403, "forbidden", "only the team's lead takes a dispute's steps")
    try:
        transition = table.transition(
            table.state_of(row.status),
            step,
            Actor.TEAM_LEAD,
            rules_of(row.pack),
            note=note,
            adjustment=adjustment,
            close_account=close_account,
        )
    except DisputeStepError as exc:
        status = {"not_allowed": 403, "wrong_state": 409}.get(exc.code, 422)
        if status == 403:  # a refusal says no more than why
            raise ApiError(403, "forbidden", exc.text.en) from None
        raise ApiError(
            status, "invalid_step", exc.text.en, message_zh=exc.text.zh, field=exc.field
        ) from None
    customer = session.get(CustomerRow, row.customer_id)
    assert customer is not None
    today = local_day(at, customer.timezone)
    sink = Sink(Author(principal.username, principal.user_id, principal.device_id), at)
    row.status = transition.target.value
    letter: EventRow | None = None
    fields: dict[str, Any] = {"note": note.strip() or None}
    if step is Step.SEND_VALIDATION:
        pack = pack_for_jurisdiction(row.pack)
        rules = rules_of(row.pack)
        assert pack is not None
        row.validation_sent_on = today
        row.resume_on = (
            add_period(today, rules.resume_after, pack.calendar) if rules.resume_after else None
        )
        fields["resume_on"] = row.resume_on.isoformat() if row.resume_on else None
        letter = _notice(session, account, customer, row, today=today, sink=sink)
    elif step is Step.UPHOLD:
        amount = _amount(adjustment, row.currency)
        row.adjustment_minor = amount.minor if amount is not None else None
        row.closed_at = at
        fields.update(
            adjustment=amount.wire() if amount is not None else None,
            currency=row.currency if amount is not None else None,
            close_account=True if close_account else None,
        )
    else:
        row.closed_at = at
    event = _write(session, account, row, step, sink, **fields)
    if step is Step.UPHOLD and row.adjustment_minor and not close_account:
        adjust(
            session,
            account,
            row.adjustment_minor,
            reason="dispute_upheld",
            names={"dispute_id": row.id},
            sink=sink,
        )
    row.note = note.strip() or row.note
    audit(
        session,
        principal,
        f"dispute.{step.value}",
        "dispute",
        row.id,
        {"status": row.status, "resume_on": fields.get("resume_on")},
    )
    return StepResult(row, event, letter)


def _amount(value: Decimal | None, currency: str) -> Money | None:
    if value is None or value <= 0:
        return None
    try:
        return Money.of(value, currency)
    except MoneyError as exc:
        raise ApiError(422, "invalid_step", f"adjustment: {exc}", field="adjustment") from None


def _notice(
    session: Session,
    account: AccountRow,
    customer: CustomerRow,
    row: DisputeRow,
    *,
    today: date,
    sink: Sink,
) -> EventRow:
    """The validation notice: the itemisation from the placement day to today."""
    currency = account.currency
    itemized_on = account.placed_on or account.opened_on or row.received_on
    paid = sum(
        p.amount
        for p in confirmed_payments(session, [account.id]).get(account.id, [])
        if p.paid_on >= itemized_on
    )
    owed_then, owed_now = account.placed_minor, account.balance_minor
    charged = max(0, owed_now + paid - owed_then)  # interest posted since (the daily run's)
    credited = max(0, owed_then - paid - owed_now)  # write-offs and adjustments since
    details = ValidationNoticeDetails(
        itemization_date=itemized_on,
        owed_then=Money.from_minor(owed_then, currency),
        interest=Money.from_minor(charged, currency),
        fees=Money.zero(currency),
        payments=Money.from_minor(paid, currency),
        credits=Money.from_minor(credited, currency),
        owed_now=Money.from_minor(owed_now, currency),
        creditor=creditor().name,
        disputed_on=row.received_on,
        dispute_by=row.resume_on or today,
    )
    reference = f"VN-{today:%Y%m%d}-{row.id[-8:].upper()}"
    customer_domain = letters.customer_of_account(session, account)
    document = letters.render(
        LetterKind.VALIDATION_NOTICE,
        account,
        customer_domain,
        reference=reference,
        issued_on=today,
        details=details,
    )
    return letters.store(
        session,
        account,
        document,
        kind=LetterKind.VALIDATION_NOTICE,
        reference=reference,
        language=customer_domain.language.value,
        write=sink,
        names={"dispute_id": row.id},
    )


def resume_due(session: Session, changes: DayChanges) -> None:
    """The daily run: every dispute whose wait is over by ``changes.day`` resumes."""
    due = session.scalars(
        select(DisputeRow)
        .where(
            DisputeRow.status == DisputeStatus.VALIDATION_SENT.value,
            DisputeRow.resume_on <= changes.day,
        )
        .order_by(DisputeRow.resume_on, DisputeRow.id)
    )
    for row in due:
        account = session.get(AccountRow, row.account_id, with_for_update=True)
        if account is None:
            continue
        row.status = DisputeStatus.RESUMED.value
        row.closed_at = end_of(changes.day)
        sink = Sink(SYSTEM, end_of(changes.day), mode="day", changes=changes)
        _write(session, account, row, Step.RESUME, sink, note="the validation wait is over")
        changes.count("disputes_resumed")
