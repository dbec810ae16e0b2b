"""Instalment schedules: the annuity (等额本息) and equal-principal (等额本金) calculators.

Owns ``InstalmentTerms`` (what was agreed), ``Schedule`` / ``Instalment`` (what is owed when)
and the amortisation rule the deferral calculator reuses. Every amount is a ``Money`` rounded
half-up to the currency's minor unit (computed exactly, see ``exact``); the last instalment
absorbs all rounding, so the principal parts always add up exactly to the amount financed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from workstation.domain.money import Money
from workstation.plans import exact, validation
from workstation.plans.dates import Frequency, due_dates
from workstation.plans.errors import PlanError


class Method(StrEnum):
    ANNUITY = "annuity"
    EQUAL_PRINCIPAL = "equal-principal"


@dataclass(frozen=True, slots=True)
class InstalmentTerms:
    """What the collector and the customer agree: the inputs of a schedule."""

    principal: Money
    annual_rate: Decimal  # nominal, percent a year
    count: int
    frequency: Frequency
    first_due: date
    method: Method = Method.ANNUITY
    down_payment: Money | None = None

    @property
    def currency(self) -> str:
        return self.principal.currency

    @property
    def financed(self) -> Money:
        """The principal the schedule amortises: what remains after the down payment."""
        if self.down_payment is None:
            return self.principal
        return self.principal - self.down_payment


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due_date: date
    payment: Money
    principal: Money
    interest: Money
    balance_after: Money

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "due_date": self.due_date.isoformat(),
            "payment": self.payment.wire(),
            "principal": self.principal.wire(),
            "interest": self.interest.wire(),
            "balance_after": self.balance_after.wire(),
        }


@dataclass(frozen=True, slots=True)
class Schedule:
    """A complete instalment schedule. ``principal`` is the amount financed (after any down
    payment); ``total_paid`` is the sum of the instalments, i.e. principal + total interest."""

    principal: Money
    down_payment: Money
    annual_rate: Decimal
    frequency: Frequency
    method: Method
    instalments: tuple[Instalment, ...]
    total_paid: Money
    total_interest: Money

    @property
    def currency(self) -> str:
        return self.principal.currency

    @property
    def count(self) -> int:
        return len(self.instalments)

    @property
    def first_due(self) -> date:
        return self.instalments[0].due_date

    @property
    def last_due(self) -> date:
        return self.instalments[-1].due_date

    @property
    def largest_payment(self) -> Money:
        """The heaviest single instalment the customer faces (what affordability is judged on)."""
        return max((row.payment for row in self.instalments), key=lambda money: money.amount)

    @property
    def customer_total(self) -> Money:
        """Everything the customer pays under this plan, down payment included."""
        return self.total_paid + self.down_payment

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape; money as strings with exactly the currency's decimals."""
        result: dict[str, Any] = {"currency": self.currency, "principal": self.principal.wire()}
        if self.down_payment.is_positive():
            result["down_payment"] = self.down_payment.wire()
        result["schedule"] = [row.to_dict() for row in self.instalments]
        result["total_paid"] = self.total_paid.wire()
        result["total_interest"] = self.total_interest.wire()
        return result


def validate_terms(terms: InstalmentTerms, today: date) -> None:
    """Reject terms no schedule can be built from; shared with the deferral calculator."""
    validation.positive_amount(terms.principal, what="principal", what_zh="本金", field="principal")
    validation.annual_rate(terms.annual_rate, field="annual_rate")
    validation.instalment_count(terms.count)
    validation.not_in_past(
        terms.first_due, today, what="first due date", what_zh="首期还款日", field="first_due"
    )
    if terms.down_payment is not None:
        down = {"what": "down payment", "what_zh": "首付", "field": "down_payment"}
        validation.same_currency(terms.down_payment, terms.currency, **down)
        validation.non_negative_amount(terms.down_payment, **down)
        if terms.down_payment >= terms.principal:
            payment, principal = terms.down_payment.format(), terms.principal.format()
            raise PlanError(
                f"The down payment {payment} must be less than the principal {principal}; "
                "a payment in full needs no plan.",
                zh=f"首付 {payment} 必须少于本金 {principal}；一次性全额还款无需还款计划。",
                field="down_payment",
            )


def build_schedule(terms: InstalmentTerms, *, today: date | None = None) -> Schedule:
    """The instalment schedule for ``terms``; raises ``PlanError`` for input it cannot accept."""
    validate_terms(terms, validation.as_of(today))
    dates = due_dates(terms.first_due, terms.frequency, terms.count)
    return amortise(
        terms.financed,
        terms.annual_rate,
        terms.frequency,
        terms.method,
        dates,
        down_payment=terms.principal - terms.financed,
    )


def amortise(
    principal: Money,
    annual_rate: Decimal,
    frequency: Frequency,
    method: Method,
    dates: list[date],
    *,
    down_payment: Money,
) -> Schedule:
    """Amortise ``principal`` over one instalment per date (inputs already validated)."""
    currency = principal.currency
    count = len(dates)
    rate = exact.periodic_rate(annual_rate, frequency.periods_per_year)
    owed = principal.minor
    if method is Method.EQUAL_PRINCIPAL or rate == 0:
        # r = 0 makes the annuity formula 0/0; both then split the principal evenly.
        regular = exact.round_half_up(Fraction(owed, count))
    else:
        # P·r / (1 − (1 + r)^−n), written as P·r·g / (g − 1) with g = (1 + r)^n, exactly.
        growth = (1 + rate) ** count
        regular = exact.round_half_up(owed * rate * growth / (growth - 1))
    if regular <= 0:
        raise _too_small(
            principal,
            count,
            "each instalment would round to nothing",
            "每期金额都会变为零",
        )

    rows: list[Instalment] = []
    balance = owed
    total_interest = 0
    for number, due in enumerate(dates, start=1):
        interest = exact.interest(balance, rate)
        if number == count:
            principal_part = balance
        elif method is Method.ANNUITY:
            # regular >= round(P·r) >= this interest, so the part is never negative.
            principal_part = regular - interest
        else:
            principal_part = regular
        if number < count and principal_part >= balance:
            # Rounding the regular amount up, period after period, would pay the debt off
            # early and leave the last instalments empty or negative.
            raise _too_small(
                principal,
                count,
                "rounding would pay it off before the last instalment",
                "欠款会在最后一期之前就被还清",
            )
        balance -= principal_part
        total_interest += interest
        rows.append(
            Instalment(
                number=number,
                due_date=due,
                payment=exact.money(principal_part + interest, currency),
                principal=exact.money(principal_part, currency),
                interest=exact.money(interest, currency),
                balance_after=exact.money(balance, currency),
            )
        )
    return Schedule(
        principal=principal,
        down_payment=down_payment,
        annual_rate=annual_rate,
        frequency=frequency,
        method=method,
        instalments=tuple(rows),
        total_paid=exact.money(owed + total_interest, currency),
        total_interest=exact.money(total_interest, currency),
    )


def _too_small(principal: Money, count: int, reason: str, reason_zh: str) -> PlanError:
    return PlanError(
        f"{principal.format()} cannot be spread over {count} instalments: {reason} once "
        "amounts are rounded to the currency's smallest unit. Choose fewer instalments.",
        zh=f"{principal.format()} 无法分成{count}期：按币种最小单位取整后，{reason_zh}。"
        "请减少期数。",
        field="count",
    )
