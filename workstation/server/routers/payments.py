"""``POST /api/v1/payments``: a payment processor posts confirmed payments live; and
``POST /api/v1/payments/{payment_ref}/return``: the bank took one back (``lifecycle.returns``).

For the ``integration`` role (a processor's or bank feed's user) and ``admin``. The same rules
as a line of a bank payment file (``lifecycle.payment_import.check``) and the same effects
(``lifecycle.payments.apply_confirmed``). Idempotent by ``payment_ref``: the same payment
again answers 200 with what was booked the first time (``duplicate: true``); the same
``payment_ref`` for a different payment is refused (409).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType, Role
from workstation.errors import WorkstationError
from workstation.server.deps import PrincipalDep, StateDep, audit, require, utcnow
from workstation.server.errors import ERROR_RESPONSES, ApiError
from workstation.server.lifecycle import csvfile, returns
from workstation.server.lifecycle.payment_import import OPTIONAL, REQUIRED, check
from workstation.server.lifecycle.payments import Recorder, apply_confirmed, wire
from workstation.server.models import AccountRow, EventRow, PaymentRow
from workstation.text import Text

router = APIRouter(prefix="/api/v1", tags=["payments"], responses=ERROR_RESPONSES)


class PaymentIn(BaseModel):
    payment_ref: Annotated[str, Field(min_length=1, max_length=64)]
    account_ref: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Annotated[str, Field(min_length=1, max_length=30, examples=["1200.50"])]
    currency: Annotated[str, Field(min_length=3, max_length=3, examples=["CNY"])]
    paid_on: date
    method: Annotated[str, Field(max_length=32)] | None = None


class PaymentOut(BaseModel):
    payment_ref: str
    account_ref: str | None
    event_id: str
    amount: str
    currency: str
    paid_on: str
    duplicate: bool
    to_past_due: str
    to_balance: str
    credit: str
    balance_after: str | None
    closed_as: str | None
    written_off: str
    matched_event_id: str | None


@router.post(
    "/payments",
    response_model=PaymentOut,
    status_code=201,
    responses={200: {"model": PaymentOut, "description": "Already booked (same payment)"}},
)
def post_payment(body: PaymentIn, principal: PrincipalDep, state: StateDep) -> Any:
    """Book one confirmed payment; 201 when new, 200 when this payment was booked before."""
    require(principal, Role.INTEGRATION, Role.ADMIN)
    now = utcnow()
    record = csvfile.Record(
        0,
        {
            "payment_ref": body.payment_ref,
            "account_ref": body.account_ref,
            "amount": body.amount,
            "currency": body.currency,
            "paid_on": body.paid_on.isoformat(),
            "method": body.method or "",
        },
    )
    data = csvfile.CsvFile([*REQUIRED, *OPTIONAL], [record])
    applied = None
    try:
        with state.sessions.begin() as session:
            payments, already = check(session, data, now.date())
            if data.errors:
                messages = "; ".join(e.message for e in data.errors)
                status = 409 if "imported before" in messages else 422
                raise ApiError(status, "invalid_payment", messages)
            if already:
                raise _Booked
            applied = apply_confirmed(
                session,
                payments,
                now=now,
                as_of=now.date(),
                recorder=Recorder(principal.username, principal.user_id, principal.device_id),
                grace_days=state.settings.promise_grace_days,
                match_days=state.settings.payment_match_days,
            )[0]
            audit(
                session,
                principal,
                "payments.post",
                "payment",
                body.payment_ref,
                {"event_id": applied.event_id, "account_id": applied.account_id},
            )
    except (_Booked, IntegrityError):  # booked before, or raced in from another request
        # read after the transaction ended: on SQLite it holds the one write lock
        return JSONResponse(_booked(state, body.payment_ref), status_code=200)
    out = applied.as_dict()
    return {**out, "paid_on": body.paid_on.isoformat(), "duplicate": False}


class ReturnIn(BaseModel):
    returned_on: date
    reason: Annotated[
        str,
        Field(
            min_length=1,
            max_length=64,
            pattern=r"^[A-Za-z0-9_.-]+$",
            examples=["insufficient_funds"],
        ),
    ]


class Restored(BaseModel):
    past_due: str
    balance: str
    credit: str


class ReturnOut(BaseModel):
    payment_ref: str
    account_ref: str | None
    account_id: str
    event_id: str
    payment_event_id: str
    amount: str
    currency: str
    paid_on: str
    returned_on: str
    reason: str
    restored: Restored | None
    written_off: str | None
    balance_after: str | None
    from_status: str | None
    to_status: str | None
    reopened: bool | None
    duplicate: bool


@router.post(
    "/payments/{payment_ref}/return",
    response_model=ReturnOut,
    status_code=201,
    responses={200: {"model": ReturnOut, "description": "Already returned (nothing added)"}},
)
def post_return(
    payment_ref: Annotated[str, Path(min_length=1, max_length=64)],
    body: ReturnIn,
    principal: PrincipalDep,
    state: StateDep,
) -> Any:
    """The bank took a confirmed payment back: undo what it did; 201 when new, 200 when this
    payment was returned before (what was booked then), 404 for a payment not on the books."""
    require(principal, Role.INTEGRATION, Role.ADMIN)
    now = utcnow()
    record = csvfile.Record(
        0,
        {
            "payment_ref": payment_ref,
            "returned_on": body.returned_on.isoformat(),
            "reason": body.reason,
        },
    )
    data = csvfile.CsvFile([*returns.REQUIRED, *returns.OPTIONAL], [record])
    with state.sessions.begin() as session:
        found, already = returns.check(session, data, now.date())
        if data.errors:
            messages = "; ".join(e.message for e in data.errors)
            status = 404 if "not a payment on the books" in messages else 422
            raise ApiError(status, "invalid_return", messages)
        done_now = (
            returns.apply_returns(
                session,
                found,
                now=now,
                as_of=now.date(),
                recorder=Recorder(principal.username, principal.user_id, principal.device_id),
                grace_days=state.settings.promise_grace_days,
            )
            if not already
            else []
        )
        if done_now:  # empty: returned before (or by another request while this one waited)
            done = done_now[0]
            audit(
                session,
                principal,
                "payments.return",
                "payment",
                payment_ref,
                {"event_id": done.event_id, "account_id": done.account_id},
            )
            return {**done.as_dict(), "duplicate": False}
    return JSONResponse(_returned(state, payment_ref), status_code=200)


def _returned(state: Any, payment_ref: str) -> dict[str, Any]:
    """What was booked when ``payment_ref`` was returned (the answer to a repeated request)."""
    with state.sessions() as session:
        payment, account_ref = _on_the_books(session, payment_ref)
        back = session.scalars(
            select(EventRow).where(
                EventRow.account_id == payment.account_id,
                EventRow.type == EventType.PAYMENT_RETURN.value,
                EventRow.payload["target_event_id"].as_string() == payment.event_id,
            )
        ).first()
        payload = dict(back.payload) if back is not None else {}
        return {
            "payment_ref": payment_ref,
            "account_ref": account_ref,
            "account_id": payment.account_id,
            "event_id": back.id if back is not None else "",
            "payment_event_id": payment.event_id,
            "amount": wire(payment.amount_minor, payment.currency),
            "currency": payment.currency,
            "paid_on": payment.paid_on.isoformat(),
            "returned_on": str(payload.get("returned_on") or ""),
            "reason": str(payload.get("reason") or ""),
            "restored": payload.get("restored"),
            "written_off": payload.get("written_off"),
            "balance_after": None,
            "from_status": None,
            "to_status": payload.get("to_status"),
            "reopened": None,
            "duplicate": True,
        }


class _Booked(WorkstationError):
    """This payment_ref is already on the books with the same payment (not a failure: the
    request's answer is what was booked then)."""

    summary = Text("This payment was booked before", "该笔还款此前已入账")


def _booked(state: Any, payment_ref: str) -> dict[str, Any]:
    """What was booked for ``payment_ref`` (the answer to a repeated request)."""
    with state.sessions() as session:
        payment, account_ref = _on_the_books(session, payment_ref)
        cur = payment.currency
        return {
            "payment_ref": payment_ref,
            "account_ref": account_ref,
            "event_id": payment.event_id,
            "amount": wire(payment.amount_minor, cur),
            "currency": cur,
            "paid_on": payment.paid_on.isoformat(),
            "duplicate": True,
            "to_past_due": wire(payment.to_past_due_minor, cur),
            "to_balance": wire(payment.to_balance_minor, cur),
            "credit": wire(payment.credit_minor, cur),
            "balance_after": None,
            "closed_as": None,
            "written_off": wire(0, cur),
            "matched_event_id": payment.matched_event_id,
        }


def _on_the_books(session: Session, payment_ref: str) -> tuple[PaymentRow, str | None]:
    """The payment booked as ``payment_ref`` and its account's reference."""
    row = session.execute(
        select(PaymentRow, AccountRow.account_ref)
        .join(AccountRow, AccountRow.id == PaymentRow.account_id)
        .where(PaymentRow.payment_ref == payment_ref)
    ).one_or_none()
    if row is None:  # pragma: no cover - only after a race that then rolled back
        raise ApiError(409, "write_conflict", "the payment collided; retry")
    return row[0], row[1]
