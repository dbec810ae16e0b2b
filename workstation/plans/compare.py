"""Compare repayment options side by side: instalments vs deferral vs settlement.

Owns ``OptionSummary`` / ``Comparison`` (plain data the desk table and the agreement PDF
render) and the lender's present value. For each option:

- per-period burden: the regular payment (an instalment plan's first instalment; a
  settlement's largest part);
- monthly burden: the heaviest month the option puts on the customer. For instalment plans the
  largest instalment × periods a year ÷ 12: the last instalment absorbs all rounding and, on
  long plans at high rates, can be far above the regular one, so it is what is judged. For a
  settlement, the most it asks in any one calendar month (a lump sum counts whole);
- total paid by the customer, down payment included; number of payments and the last date;
- present value to the lender: every payment discounted to ``valuation_date`` at an annual
  effective rate, amount ÷ (1 + rate/100)^(days/365), summed exactly and rounded once; a
  down payment counts as paid on the valuation date;
- affordable: monthly burden ≤ the affordability limit (None when no assessment was given);
  a down payment is a one-off and is not judged against the monthly limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum
from typing import Any

from workstation.domain.money import Money
from workstation.plans import validation
from workstation.plans.affordability import Affordability, monthly_burden
from workstation.plans.deferral import Deferral
from workstation.plans.errors import PlanError
from workstation.plans.schedule import Schedule
from workstation.plans.settlement import Settlement

# Fractional powers cannot be exact; forty digits keep the discounting error far below the
# minor unit, and the sum is rounded once at the end.
_PV_CONTEXT = Context(prec=40, rounding=ROUND_HALF_UP)
# A lender's cost of funds plus a risk margin; callers with their own figure pass it.
DEFAULT_DISCOUNT_RATE = Decimal(10)
_DAYS_A_YEAR = Decimal(365)

PlanOption = Schedule | Deferral | Settlement


class OptionKind(StrEnum):
    INSTALMENTS = "instalments"
    DEFERRAL = "deferral"
    SETTLEMENT = "settlement"


@dataclass(frozen=True, slots=True)
class OptionSummary:
    kind: OptionKind
    label: str
    per_period_burden: Money
    monthly_burden: Money
    payments: int  # scheduled instalments or parts; a down payment is not counted
    first_due: date
    last_due: date
    duration_days: int  # from the valuation date to the last payment
    total_paid: Money
    present_value: Money
    affordable: bool | None  # None: no affordability assessment was given
    policy_acceptable: bool | None  # settlements only
    option: PlanOption  # the full calculation behind the row

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "label": self.label,
            "per_period_burden": self.per_period_burden.wire(),
            "monthly_burden": self.monthly_burden.wire(),
            "payments": self.payments,
            "first_due": self.first_due.isoformat(),
            "last_due": self.last_due.isoformat(),
            "duration_days": self.duration_days,
            "total_paid": self.total_paid.wire(),
            "present_value": self.present_value.wire(),
            "affordable": self.affordable,
            "policy_acceptable": self.policy_acceptable,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    currency: str
    valuation_date: date
    discount_rate: Decimal  # percent a year
    affordability: Affordability | None
    options: tuple[OptionSummary, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "valuation_date": self.valuation_date.isoformat(),
            "discount_rate": str(self.discount_rate),
            "affordability": None if self.affordability is None else self.affordability.to_dict(),
            "options": [option.to_dict() for option in self.options],
        }


def present_value(
    payments: Sequence[tuple[date, Money]], *, discount_rate: Decimal, valuation_date: date
) -> Money:
    """The payments' value on ``valuation_date`` at an annual effective ``discount_rate`` %."""
    currency = payments[0][1].currency
    with localcontext(_PV_CONTEXT):
        base = 1 + discount_rate / 100
        total = Decimal(0)
        for due, amount in payments:
            days = (due - valuation_date).days
            total += amount.amount / base ** (Decimal(days) / _DAYS_A_YEAR)
        return Money(total, currency)


def compare_options(
    options: Sequence[PlanOption],
    *,
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE,
    valuation_date: date | None = None,
    affordability: Affordability | None = None,
) -> Comparison:
    """Summarise each option in the order given; all must share one currency."""
    if not options:
        raise PlanError(
            "There is nothing to compare: give at least one option.",
            zh="没有可比较的方案：请至少提供一个方案。",
            field="options",
        )
    currency = options[0].currency
    for option in options:
        if option.currency != currency:
            raise PlanError(
                f"All options must be in one currency (found {currency} and {option.currency}).",
                zh=f"所有方案必须使用同一币种（发现 {currency} 和 {option.currency}）。",
                field="options",
            )
    if affordability is not None:
        validation.same_currency(
            affordability.monthly_income,
            currency,
            what="affordability",
            what_zh="还款能力评估",
            field="affordability",
        )
    validation.annual_rate(
        discount_rate, what="discount rate", what_zh="年贴现率", field="discount_rate"
    )
    as_of = validation.as_of(valuation_date)
    rows = tuple(_summarise(option, discount_rate, as_of, affordability) for option in options)
    return Comparison(currency, as_of, discount_rate, affordability, rows)


def _summarise(
    option: PlanOption,
    discount_rate: Decimal,
    valuation_date: date,
    affordability: Affordability | None,
) -> OptionSummary:
    policy_acceptable: bool | None = None
    if isinstance(option, Settlement):
        kind = OptionKind.SETTLEMENT
        shape = "a lump sum" if option.is_lump_sum else f"{len(option.parts)} parts"
        label = f"Settle for {option.percent_of_balance} % of the balance in {shape}"
        scheduled = [(part.due_date, part.amount) for part in option.parts]
        burden = option.largest_part
        monthly = _largest_calendar_month(scheduled)
        total = option.total
        cashflows = scheduled
        policy_acceptable = option.policy.acceptable
    else:
        if isinstance(option, Deferral):
            kind = OptionKind.DEFERRAL
            schedule = option.schedule
            label = (
                f"Pause {option.periods} {schedule.frequency.value} period(s), interest "
                f"{option.mode.value}, then {_plan_words(schedule)}"
            )
        else:
            kind = OptionKind.INSTALMENTS
            schedule = option
            label = _plan_words(schedule).capitalize()
        scheduled = [(row.due_date, row.payment) for row in schedule.instalments]
        burden = schedule.instalments[0].payment
        monthly = monthly_burden(schedule.largest_payment, schedule.frequency)
        total = schedule.customer_total
        cashflows = scheduled
        if schedule.down_payment.is_positive():
            cashflows = [(valuation_date, schedule.down_payment), *scheduled]
    last_due = scheduled[-1][0]
    return OptionSummary(
        kind=kind,
        label=label,
        per_period_burden=burden,
        monthly_burden=monthly,
        payments=len(scheduled),
        first_due=scheduled[0][0],
        last_due=last_due,
        duration_days=(last_due - valuation_date).days,
        total_paid=total,
        present_value=present_value(
            cashflows, discount_rate=discount_rate, valuation_date=valuation_date
        ),
        affordable=None if affordability is None else affordability.allows(monthly),
        policy_acceptable=policy_acceptable,
        option=option,
    )


def _plan_words(schedule: Schedule) -> str:
    return f"{schedule.count} {schedule.frequency.value} instalments ({schedule.method.value})"


def _largest_calendar_month(payments: Sequence[tuple[date, Money]]) -> Money:
    by_month: dict[tuple[int, int], Decimal] = {}
    for due, amount in payments:
        key = (due.year, due.month)
        by_month[key] = by_month.get(key, Decimal(0)) + amount.amount
    return Money(max(by_month.values()), payments[0][1].currency)
