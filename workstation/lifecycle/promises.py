"""Promise decisions: kept, partly kept or broken, from confirmed money only.

A promise (amount, due date, made on a day) is **kept** as soon as the confirmed payments on
its account dated from the day it was made up to its due date plus the grace days add up to
its amount — that can be before it falls due. Once that deadline has passed without it, it
is **partly kept** when some of that money came, **broken** when none did. Reported payments
(an agent heard of them) never decide a promise: only the bank's money counts (DESIGN §10).

Dates at the end of the calendar (a promise "due 9999-12-31") must not crash the decision
for everyone (issue 20): ``deadline`` saturates at ``date.max`` — such a promise simply never
falls due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from workstation.domain.enums import PromiseStatus


@dataclass(frozen=True, slots=True)
class Payment:
    """A confirmed payment, as the lifecycle sees it: the day the money arrived and how much
    (minor units of the account's currency)."""

    paid_on: date
    amount: int


@dataclass(frozen=True, slots=True)
class PromiseDecision:
    status: PromiseStatus  # OPEN while undecided
    paid: int  # confirmed money counted towards it


def deadline(due_on: date, grace_days: int) -> date:
    """The last day money still counts for a promise due ``due_on`` (saturates at date.max)."""
    try:
        return due_on + timedelta(days=max(grace_days, 0))
    except OverflowError:
        return date.max


def decide_promise(
    amount: int,
    made_on: date,
    due_on: date,
    payments: Iterable[Payment],
    day: date,
    *,
    grace_days: int,
) -> PromiseDecision:
    """The promise's state at the end of ``day``."""
    last = deadline(due_on, grace_days)
    counted = sum(p.amount for p in payments if made_on <= p.paid_on <= min(last, day))
    if counted >= amount:
        return PromiseDecision(PromiseStatus.KEPT, counted)
    if day > last:
        status = PromiseStatus.PARTLY_KEPT if counted > 0 else PromiseStatus.BROKEN
        return PromiseDecision(status, counted)
    return PromiseDecision(PromiseStatus.OPEN, counted)
