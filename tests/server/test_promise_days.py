"""A promise's first counting day is the customer's, as a payment's day is (issue 14).

Payments carry the customer's local date (the portal's ``local_today``, a bank's value
date); a promise made just after midnight UTC by a customer still on the previous day
must count the money paid that same local afternoon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from workstation.domain.enums import PromiseStatus
from workstation.lifecycle.promises import Payment
from workstation.server.promises import decide


@dataclass
class _Promise:
    event_id: str
    account_id: str
    amount_minor: int
    made_at: datetime
    due_date: date
    timezone: str


MADE = datetime(2026, 12, 6, 1, 48, tzinfo=UTC)  # 13:48 on the 5th at UTC-12


def _promise(zone: str) -> _Promise:
    return _Promise("p", "a", 3000, MADE, date(2026, 12, 5), zone)


def test_the_same_local_day_payment_keeps_a_promise_made_after_utc_midnight() -> None:
    paid = [Payment(amount=3000, paid_on=date(2026, 12, 5))]
    promise = _promise("Etc/GMT+12")
    assert decide(promise, paid, date(2026, 12, 5), 3, promise.timezone) is PromiseStatus.KEPT


def test_in_utc_the_same_payment_predates_the_promise() -> None:
    paid = [Payment(amount=3000, paid_on=date(2026, 12, 5))]
    assert decide(_promise("UTC"), paid, date(2026, 12, 6), 3, "UTC") is None  # still open


def test_an_unknown_zone_is_read_as_utc() -> None:
    paid = [Payment(amount=3000, paid_on=date(2026, 12, 6))]
    assert decide(_promise("Mars/Olympus"), paid, date(2026, 12, 6), 3, "Mars/Olympus") is (
        PromiseStatus.KEPT
    )
