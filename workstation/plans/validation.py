"""Input checks shared by the calculators: amounts, rates, counts and dates.

Each check raises ``PlanError`` with a sentence a collector can act on and the name of the
field at fault. The calculators call these before computing anything.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workstation.domain.money import Money
from workstation.plans.errors import MAX_AMOUNT, MAX_ANNUAL_RATE, MAX_INSTALMENTS, PlanError


def as_of(today: date | None) -> date:
    """The calculators' notion of today; tests and reproduced quotes pass it explicitly."""
    return date.today() if today is None else today


def positive_amount(value: Money, *, what: str, field: str) -> None:
    if value.amount <= 0:
        raise PlanError(f"The {what} must be more than zero (got {value.format()}).", field=field)
    too_large(value, what=what, field=field)


def non_negative_amount(value: Money, *, what: str, field: str) -> None:
    if value.amount < 0:
        raise PlanError(f"The {what} cannot be negative (got {value.format()}).", field=field)
    too_large(value, what=what, field=field)


def too_large(value: Money, *, what: str, field: str) -> None:
    if value.amount > MAX_AMOUNT:
        raise PlanError(
            f"The {what} {value.format()} is larger than any plan supports "
            f"({Money(MAX_AMOUNT, value.currency).format()}).",
            field=field,
        )


def same_currency(value: Money, currency: str, *, what: str, field: str) -> None:
    if value.currency != currency:
        raise PlanError(
            f"The {what} is in {value.currency} but the plan is in {currency}.", field=field
        )


def annual_rate(value: Decimal, *, what: str = "annual interest rate", field: str) -> None:
    if not value.is_finite():
        raise PlanError(f"The {what} must be a number of percent (got {value}).", field=field)
    if value < 0:
        raise PlanError(f"The {what} cannot be negative (got {value} %).", field=field)
    if value >= MAX_ANNUAL_RATE:
        raise PlanError(
            f"The {what} must be below {MAX_ANNUAL_RATE} % a year (got {value} %).", field=field
        )


def instalment_count(count: int, *, field: str = "count") -> None:
    if count < 1:
        raise PlanError(f"A plan needs at least one instalment (got {count}).", field=field)
    if count > MAX_INSTALMENTS:
        raise PlanError(
            f"A plan can have at most {MAX_INSTALMENTS} instalments (got {count}).", field=field
        )


def not_in_past(due: date, today: date, *, what: str, field: str) -> None:
    if due < today:
        raise PlanError(
            f"The {what} {due.isoformat()} is in the past (today is {today.isoformat()}).",
            field=field,
        )


def percent(
    value: Decimal, *, what: str, field: str, allow_zero: bool, allow_hundred: bool
) -> None:
    """A share of something in percent, with or without its end points."""
    ok = (
        value.is_finite()
        and (value >= 0 if allow_zero else value > 0)
        and (value <= 100 if allow_hundred else value < 100)
    )
    if not ok:
        low = "at least 0" if allow_zero else "more than 0"
        high = "at most 100" if allow_hundred else "below 100"
        raise PlanError(f"The {what} must be {low} and {high} % (got {value}).", field=field)
