"""Plan monitoring, instalment by instalment: paid, late, missed; intact, broken, completed.

The schedule is the plan agreement's (``schedule_of``: the ``schedule`` lines the desk and
the field laptop send — number, due date, amount — or, for an older agreement without
them, ``instalments`` equal amounts a month apart from ``first_due``). Confirmed payments
made since the agreement are applied to the instalments in order (oldest first), so an
overpayment runs ahead into the next instalment and a catch-up payment covers the oldest
gap first. On the evening of ``day`` each instalment is:

- ``pending``: its due date (plus the grace days) has not passed and it is not yet covered;
- ``paid``: covered by money dated on or before its due date plus the grace days;
- ``missed``: its due date plus the grace days has passed and it is not covered;
- ``late``: it was missed, then covered (caught up) — it no longer counts as missed.

The plan is **broken** once ``break_after_missed`` instalments are missed at the same time
(the server returns the account to ``open`` with an event saying why), **completed** when
every instalment is covered, **intact** otherwise. A missed instalment that is caught up
before the limit is reached keeps the plan intact.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workstation.domain.enums import InstalmentStatus, PlanOutcome  # the wire's vocabulary
from workstation.domain.money import MoneyError, minor_digits, parse_amount
from workstation.errors import WorkstationError
from workstation.lifecycle.promises import Payment, deadline
from workstation.text import Text


class ScheduleError(WorkstationError, ValueError):
    """A plan agreement whose schedule cannot be read (the server flags it for review)."""

    summary = Text("The plan's schedule cannot be read", "无法读取还款计划的期次")


@dataclass(frozen=True, slots=True)
class ScheduledInstalment:
    number: int
    due_on: date
    amount: int  # minor units


@dataclass(frozen=True, slots=True)
class InstalmentState:
    number: int
    due_on: date
    amount: int
    paid: int  # of this instalment's amount, covered so far
    status: InstalmentStatus
    covered_on: date | None  # the day the money completing it arrived


@dataclass(frozen=True, slots=True)
class PlanState:
    instalments: tuple[InstalmentState, ...]
    outcome: PlanOutcome
    missed: int  # instalments missed now (not caught up)

    def status_of(self, number: int) -> InstalmentStatus:
        return next(i.status for i in self.instalments if i.number == number)


def _minor(value: Any, currency: str, what: str) -> int:
    try:
        amount = parse_amount(str(value), currency, strict=True)
    except MoneyError as exc:
        raise ScheduleError(f"{what}: {exc}") from None
    minor = int(amount.scaleb(minor_digits(currency)))
    if minor <= 0:
        raise ScheduleError(f"{what} must be positive")
    return minor


def _day(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleError(f"{what} is not a date: {value!r}") from None


def _months_after(first: date, months: int) -> date:
    index = first.month - 1 + months
    year, month = first.year + index // 12, index % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def schedule_of(payload: Mapping[str, Any], currency: str) -> tuple[ScheduledInstalment, ...]:
    """The instalments a ``plan_agreement`` payload agreed, in due-date order."""
    lines = payload.get("schedule")
    out: list[ScheduledInstalment] = []
    if isinstance(lines, list) and lines:
        for index, line in enumerate(lines, start=1):
            if not isinstance(line, Mapping):
                raise ScheduleError(f"schedule line {index} is not an object")
            number = line.get("n", index)
            if isinstance(number, bool) or not isinstance(number, int):
                raise ScheduleError(f"schedule line {index}: 'n' must be a whole number")
            out.append(
                ScheduledInstalment(
                    number,
                    _day(line.get("due_on"), f"schedule line {index} due_on"),
                    _minor(line.get("amount"), currency, f"schedule line {index} amount"),
                )
            )
    else:
        count = payload.get("instalments")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 600:
            raise ScheduleError("'instalments' must be a whole number from 1 to 600")
        amount = _minor(payload.get("instalment_amount"), currency, "instalment_amount")
        first = _day(payload.get("first_due"), "first_due")
        try:
            out = [
                ScheduledInstalment(n + 1, _months_after(first, n), amount) for n in range(count)
            ]
        except ValueError:
            raise ScheduleError("the schedule runs past the end of the calendar") from None
    out.sort(key=lambda line: (line.due_on, line.number))
    if len({line.number for line in out}) != len(out):
        raise ScheduleError("two schedule lines have the same number")
    return tuple(out)


def monitor(
    schedule: Sequence[ScheduledInstalment],
    payments: Iterable[Payment],
    day: date,
    *,
    grace_days: int,
    break_after_missed: int,
) -> PlanState:
    """Every instalment's state at the end of ``day`` and what it means for the plan.

    ``payments`` are the confirmed payments since the agreement; those dated after ``day``
    are not known yet on ``day`` and are left out.
    """
    money = sorted((p for p in payments if p.paid_on <= day), key=lambda p: p.paid_on)
    pool = iter(money)
    current: Payment | None = None
    left = 0  # of ``current``, not yet applied
    states: list[InstalmentState] = []
    for line in schedule:
        paid, covered_on = 0, None
        while paid < line.amount:
            if left == 0:
                current = next(pool, None)
                if current is None:
                    break
                left = current.amount
            take = min(left, line.amount - paid)
            paid, left = paid + take, left - take
            assert current is not None
            covered_on = current.paid_on
        last = deadline(line.due_on, grace_days)
        if paid >= line.amount:
            status = InstalmentStatus.PAID
            if covered_on is not None and covered_on > last:
                status = InstalmentStatus.LATE
        else:
            covered_on = None
            status = InstalmentStatus.MISSED if day > last else InstalmentStatus.PENDING
        states.append(
            InstalmentState(line.number, line.due_on, line.amount, paid, status, covered_on)
        )
    missed = sum(s.status is InstalmentStatus.MISSED for s in states)
    if states and all(s.status in (InstalmentStatus.PAID, InstalmentStatus.LATE) for s in states):
        outcome = PlanOutcome.COMPLETED
    elif missed >= break_after_missed:
        outcome = PlanOutcome.BROKEN
    else:
        outcome = PlanOutcome.INTACT
    return PlanState(tuple(states), outcome, missed)


__all__ = [
    "InstalmentState",
    "InstalmentStatus",
    "PlanOutcome",
    "PlanState",
    "ScheduleError",
    "ScheduledInstalment",
    "monitor",
    "schedule_of",
]
