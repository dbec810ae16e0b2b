"""Due-date arithmetic for plans: payment frequencies and the n-th due date of a plan.

Weekly and fortnightly plans step by 7 and 14 days. Monthly plans keep the first due date's
day of the month, clamped to the month's end (Jan 31 → Feb 28/29 → Mar 31): the day is
always taken from the first due date, never from the previous (possibly clamped) one.
"""

from __future__ import annotations

import calendar
from datetime import MAXYEAR, date, timedelta
from enum import StrEnum

from workstation.plans.errors import PlanError


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"

    @property
    def periods_per_year(self) -> int:
        return _PERIODS_PER_YEAR[self]


_PERIODS_PER_YEAR = {Frequency.WEEKLY: 52, Frequency.FORTNIGHTLY: 26, Frequency.MONTHLY: 12}
_STEP_DAYS = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14}


def nth_due_date(first_due: date, frequency: Frequency, index: int) -> date:
    """Due date of period ``index`` (0 is ``first_due`` itself)."""
    if frequency is Frequency.MONTHLY:
        months = first_due.month - 1 + index
        year = first_due.year + months // 12
        if year > MAXYEAR:
            raise _past_the_calendar()
        month = months % 12 + 1
        day = min(first_due.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)
    try:
        return first_due + timedelta(days=_STEP_DAYS[frequency] * index)
    except OverflowError:
        raise _past_the_calendar() from None


def _past_the_calendar() -> PlanError:
    return PlanError(
        f"The plan would run past the year {MAXYEAR}; check the first due date.",
        zh=f"还款计划将延续到公元{MAXYEAR}年之后；请检查首期还款日。",
        field="first_due",
    )


def due_dates(first_due: date, frequency: Frequency, count: int, *, start: int = 0) -> list[date]:
    """Due dates of periods ``start`` … ``start + count - 1``, strictly increasing."""
    # The last date is computed first so an overflowing plan fails before any work is done.
    nth_due_date(first_due, frequency, start + count - 1)
    return [nth_due_date(first_due, frequency, start + i) for i in range(count)]
