"""Aging: how many days past due an account is on a given day, and when its bucket rolls.

An account ages one day per calendar day while money is past due on it and it is still
being collected; it is current (0 days) as soon as nothing is past due; a closed account
(paid, settled, closed) keeps the figure it closed with. The bucket follows from the days
(``Bucket.for_days``: current, 1–29, 30–59, 60–89, 90–179, 180+). A *roll* is a change of
bucket: the fact cure and roll rates are made of (``bucket_history``).

The server ages its whole portfolio in set-based SQL (``server.lifecycle.aging``) with the
same rules; the tests hold the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workstation.domain.enums import AccountStatus, Bucket

# the first day of each bucket after "current": an account crossing one of these rolls
BUCKET_STARTS: tuple[int, ...] = (1, 30, 60, 90, 180)


@dataclass(frozen=True, slots=True)
class Aged:
    days_past_due: int
    bucket: Bucket
    rolled_from: Bucket | None  # the bucket it left, when it rolled

    @property
    def rolled(self) -> bool:
        return self.rolled_from is not None


def ages(status: AccountStatus, past_due_minor: int) -> bool:
    """Whether an account in this state ages at all (past due money, still collected)."""
    return past_due_minor > 0 and not status.is_closed


def age(
    days_past_due: int,
    past_due_minor: int,
    status: AccountStatus,
    last_day: date,
    day: date,
) -> Aged:
    """The account's days past due on ``day``, knowing it had ``days_past_due`` on ``last_day``.

    ``day`` before ``last_day`` is a caller's mistake (time does not run backwards here).
    """
    if day < last_day:
        raise ValueError(f"cannot age from {last_day} back to {day}")
    before = Bucket.for_days(days_past_due)
    if status.is_closed:
        after_days = days_past_due
    elif past_due_minor <= 0:
        after_days = 0
    else:
        after_days = max(days_past_due, 0) + (day - last_day).days
    bucket = Bucket.for_days(after_days)
    return Aged(after_days, bucket, before if bucket != before else None)
