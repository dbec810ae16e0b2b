"""Which reported payment a confirmed one confirms, and when an unmatched report needs a person.

An agent records what the customer *says* was paid (a reported payment: amount, date,
method); the bank's money arrives later as a confirmed payment. A confirmed payment confirms
the reported payment on the same account with the same amount whose date is within
``window_days`` of the confirmed one's date; among several, the nearest date wins, then the
earliest reported. A reported payment still unmatched ``window_days`` after its date goes to
the lead's review list. Pure functions: the server picks the candidates (same account, still
unconfirmed) and applies the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class ReportedPayment:
    event_id: str
    amount: int  # minor units
    currency: str
    paid_on: date
    recorded_at: datetime


def match_reported(
    amount: int,
    currency: str,
    paid_on: date,
    candidates: Iterable[ReportedPayment],
    window_days: int,
) -> ReportedPayment | None:
    """The reported payment a confirmed payment of ``amount`` on ``paid_on`` confirms, if any."""
    if window_days < 0:
        raise ValueError("the matching window cannot be negative")
    best: tuple[int, datetime, str] | None = None
    found: ReportedPayment | None = None
    for candidate in candidates:
        if candidate.amount != amount or candidate.currency != currency:
            continue
        distance = abs((candidate.paid_on - paid_on).days)
        if distance > window_days:
            continue
        key = (distance, candidate.recorded_at, candidate.event_id)
        if best is None or key < best:
            best, found = key, candidate
    return found


def review_due(paid_on: date, as_of: date, window_days: int) -> bool:
    """An unmatched reported payment goes to review once its window has fully passed."""
    return as_of > paid_on + timedelta(days=window_days)
