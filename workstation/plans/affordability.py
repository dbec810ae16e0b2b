"""Affordability (还款能力评估): the largest instalment a customer can sustain each month.

The rule: disposable income = monthly income − essential expenses (never below zero); the
sustainable instalment is a share of it, 50 % unless the caller sets another share. Half,
because the rest has to absorb irregular costs (repairs, school fees, medical bills) and any
other creditors; a plan that takes every spare yuan is the plan that breaks first. Teams with
their own standard pass ``share_percent``.

Weekly and fortnightly instalments are compared as a monthly burden: amount × periods a year
÷ 12 (52 weekly payments are 4.33 a month on average), rounded half-up like all money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from workstation.domain.money import Money
from workstation.plans import exact, validation
from workstation.plans.dates import Frequency

DEFAULT_SHARE_PERCENT = Decimal(50)


@dataclass(frozen=True, slots=True)
class Affordability:
    monthly_income: Money
    essential_expenses: Money
    share_percent: Decimal
    disposable: Money  # income − essentials, never below zero
    max_instalment: Money  # the largest sustainable monthly burden

    @property
    def currency(self) -> str:
        return self.monthly_income.currency

    def allows(self, monthly_burden: Money) -> bool:
        """Whether a monthly burden is within what the customer can sustain."""
        return monthly_burden <= self.max_instalment

    def to_dict(self) -> dict[str, Any]:
        return {
            "monthly_income": self.monthly_income.wire(),
            "essential_expenses": self.essential_expenses.wire(),
            "disposable": self.disposable.wire(),
            "share_percent": str(self.share_percent),
            "max_instalment": self.max_instalment.wire(),
        }


def assess_affordability(
    monthly_income: Money,
    essential_expenses: Money,
    *,
    share_percent: Decimal = DEFAULT_SHARE_PERCENT,
) -> Affordability:
    currency = monthly_income.currency
    validation.non_negative_amount(
        monthly_income, what="monthly income", what_zh="月收入", field="monthly_income"
    )
    expenses = {"what": "essential expenses", "what_zh": "必要支出", "field": "essential_expenses"}
    validation.same_currency(essential_expenses, currency, **expenses)
    validation.non_negative_amount(essential_expenses, **expenses)
    validation.percent(
        share_percent,
        what="share of disposable income",
        what_zh="可支配收入中用于还款的比例",
        field="share_percent",
        allow_zero=False,
        allow_hundred=True,
    )
    spare = monthly_income.amount - essential_expenses.amount
    disposable = Money(max(spare, Decimal(0)), currency)
    return Affordability(
        monthly_income=monthly_income,
        essential_expenses=essential_expenses,
        share_percent=share_percent,
        disposable=disposable,
        max_instalment=exact.money(exact.percent_of(disposable.minor, share_percent), currency),
    )


def monthly_burden(amount: Money, frequency: Frequency) -> Money:
    """An instalment expressed as an average monthly burden."""
    per_month = Fraction(amount.minor * frequency.periods_per_year, 12)
    return exact.money(exact.round_half_up(per_month), amount.currency)
