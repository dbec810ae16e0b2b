"""Test helpers for the daily run: the bank's money arriving, and a plan agreed at a desk."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from workstation.domain.model import new_id
from workstation.domain.money import Money
from workstation.lifecycle.policy import load_lifecycle_policy
from workstation.server.lifecycle.payments import ConfirmedPayment, Recorder, apply_confirmed
from workstation.server.models import AccountRow
from workstation.server.settings import Settings


def bank_pays(session: Session, account_id: str, minor: int, paid_on: date) -> str:
    """A confirmed payment as the bank feed books it, through the money room's one path
    (``payments.apply_confirmed``: allocation, settlement closure, promises decided)."""
    account = session.get(AccountRow, account_id)
    assert account is not None
    (applied,) = apply_confirmed(
        session,
        [ConfirmedPayment(new_id(), account_id, minor, account.currency, paid_on)],
        now=datetime.combine(paid_on, time(12), UTC),
        as_of=paid_on,
        recorder=Recorder("bank-feed"),
        grace_days=load_lifecycle_policy().promise_grace_days,
        match_days=Settings().payment_match_days,
    )
    return applied.event_id


def plan_payload(currency: str, lines: list[tuple[date, int]]) -> dict[str, Any]:
    """A ``plan_agreement`` payload the way the desk sends it (``DeskService.agree_plan``)."""
    total = sum(minor for _, minor in lines)
    return {
        "instalments": len(lines),
        "instalment_amount": Money.from_minor(lines[0][1], currency).wire(),
        "first_due": lines[0][0].isoformat(),
        "method": "equal_principal",
        "kind": "instalments",
        "terms": {},
        "currency": currency,
        "total": Money.from_minor(total, currency).wire(),
        "schedule": [
            {"n": n, "due_on": due.isoformat(), "amount": Money.from_minor(minor, currency).wire()}
            for n, (due, minor) in enumerate(lines, start=1)
        ],
        "affordable": True,
        "note": "",
    }
