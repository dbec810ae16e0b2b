"""Deferrals and extensions (延期还款 / 展期): pause a plan for N periods, then re-amortise.

Owns the three ways interest behaves during the pause and what the pause costs:

- ``capitalised``: interest accrues each paused period on the growing balance (round(balance
  × r), compounding per period) and is added to the principal that is re-amortised;
- ``waived``: interest accrues on the unchanged balance and is recorded, then written off, so
  the lender bears it (``waived_interest``) and the customer's balance does not grow;
- ``frozen``: nothing accrues at all (a hardship or breathing-space pause).

The re-amortised schedule keeps the original method, rate and frequency and starts at the
original plan's period N (monthly plans keep the original day of the month). The cost of the
deferral is shown both ways: ``extra_cost`` (what the customer pays beyond the plan without a
pause) and ``waived_interest`` (what the lender gives up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from workstation.domain.money import Money
from workstation.plans import exact, validation
from workstation.plans.dates import due_dates
from workstation.plans.errors import MAX_AMOUNT, MAX_INSTALMENTS, PlanError
from workstation.plans.schedule import InstalmentTerms, Schedule, amortise, build_schedule


class DeferralMode(StrEnum):
    CAPITALISED = "capitalised"
    WAIVED = "waived"
    FROZEN = "frozen"


@dataclass(frozen=True, slots=True)
class Deferral:
    """A paused plan: the plan without the pause (``baseline``) and the re-amortised one."""

    mode: DeferralMode
    periods: int
    baseline: Schedule
    schedule: Schedule
    accrued_interest: Money  # interest that accrued during the pause (zero when frozen)
    capitalised_interest: Money  # the part of it added to the balance
    waived_interest: Money  # the part of it the lender writes off

    @property
    def currency(self) -> str:
        return self.schedule.currency

    @property
    def resumes_on(self) -> date:
        return self.schedule.first_due

    @property
    def balance_after_deferral(self) -> Money:
        return self.schedule.principal

    @property
    def extra_cost(self) -> Money:
        """What the customer pays beyond the plan without a pause (negative if it is shorter)."""
        return self.schedule.total_paid - self.baseline.total_paid

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "currency": self.currency,
            "principal": self.baseline.principal.wire(),
        }
        if self.baseline.down_payment.is_positive():
            result["down_payment"] = self.baseline.down_payment.wire()
        result.update(
            {
                "mode": self.mode.value,
                "deferred_periods": self.periods,
                "frequency": self.schedule.frequency.value,
                "resumes_on": self.resumes_on.isoformat(),
                "accrued_interest": self.accrued_interest.wire(),
                "capitalised_interest": self.capitalised_interest.wire(),
                "waived_interest": self.waived_interest.wire(),
                "balance_after_deferral": self.balance_after_deferral.wire(),
                "schedule": [row.to_dict() for row in self.schedule.instalments],
                "total_paid": self.schedule.total_paid.wire(),
                "total_interest": self.schedule.total_interest.wire(),
                "baseline_total_paid": self.baseline.total_paid.wire(),
                "extra_cost": self.extra_cost.wire(),
            }
        )
        return result


def build_deferral(
    terms: InstalmentTerms,
    periods: int,
    mode: DeferralMode,
    *,
    count_after: int | None = None,
    today: date | None = None,
) -> Deferral:
    """Pause ``terms`` for ``periods`` periods, then re-amortise over ``count_after``
    instalments (default: the original count, i.e. the plan is extended by the pause)."""
    baseline = build_schedule(terms, today=today)
    instalments_after = terms.count if count_after is None else count_after
    if periods < 1:
        raise PlanError(
            f"A deferral pauses at least one period (got {periods}).",
            zh=f"延期还款至少要暂停一期（输入为{periods}）。",
            field="periods",
        )
    validation.instalment_count(instalments_after, field="count_after")
    if periods + instalments_after > MAX_INSTALMENTS:
        raise PlanError(
            f"The pause ({periods}) and the instalments after it ({instalments_after}) "
            f"together exceed {MAX_INSTALMENTS} periods.",
            zh=f"暂停期数（{periods}）与之后的分期期数（{instalments_after}）"
            f"合计超过{MAX_INSTALMENTS}期。",
            field="periods",
        )

    currency = terms.currency
    rate = exact.periodic_rate(terms.annual_rate, terms.frequency.periods_per_year)
    balance = baseline.principal.minor
    ceiling = Money(MAX_AMOUNT, currency).minor
    accrued = 0
    if mode is not DeferralMode.FROZEN:
        for _ in range(periods):
            interest = exact.interest(balance, rate)
            accrued += interest
            if mode is DeferralMode.CAPITALISED:
                balance += interest
                if balance > ceiling:
                    # Runaway compounding (a huge rate over a long pause) is a data slip.
                    limit = Money(MAX_AMOUNT, currency).format()
                    raise PlanError(
                        "Capitalising the interest over this pause would grow the balance "
                        f"beyond {limit}; shorten the pause.",
                        zh=f"延期期间的利息计入本金后，余额将超过 {limit}；请缩短延期。",
                        field="periods",
                    )

    dates = due_dates(terms.first_due, terms.frequency, instalments_after, start=periods)
    schedule = amortise(
        exact.money(balance, currency),
        terms.annual_rate,
        terms.frequency,
        terms.method,
        dates,
        down_payment=baseline.down_payment,
    )
    zero = Money.zero(currency)
    accrued_money = exact.money(accrued, currency)
    return Deferral(
        mode=mode,
        periods=periods,
        baseline=baseline,
        schedule=schedule,
        accrued_interest=accrued_money,
        capitalised_interest=accrued_money if mode is DeferralMode.CAPITALISED else zero,
        waived_interest=accrued_money if mode is DeferralMode.WAIVED else zero,
    )
