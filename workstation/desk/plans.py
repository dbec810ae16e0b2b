"""Plan comparison for the desk: instalments, deferral and settlement side by side.

The calculators belong to ``workstation.plans``; this module shapes their results into the
rows the plan dialog shows and judges affordability. Until the calculators land the desk
computes simple exact schedules itself (``_provisional_*``), Decimal to the minor unit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from workstation.desk.types import Text, ValidationError
from workstation.domain import Money


@dataclass(frozen=True, slots=True)
class PlanRequest:
    balance: Money
    start: date
    instalments: int = 12
    deferral_months: int = 3
    deferral_instalments: int = 12
    settlement_percent: Decimal = Decimal(60)
    monthly_income: Money | None = None
    monthly_expenses: Money | None = None


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    number: int
    due: date
    amount: Money


@dataclass(frozen=True, slots=True)
class PlanOption:
    kind: str  # instalments | deferral | settlement
    title: Text
    summary: Text
    schedule: tuple[ScheduleLine, ...]
    total: Money
    largest_payment: Money
    affordable: bool | None  # None: affordability unknown (no income entered)
    terms: dict[str, str]


@dataclass(frozen=True, slots=True)
class PlanComparison:
    options: tuple[PlanOption, ...]
    disposable: Money | None  # income minus essential spending, per month


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _split(total: Money, count: int, first_due: date) -> tuple[ScheduleLine, ...]:
    quantum = Decimal(1).scaleb(-2 if total.currency != "JPY" else 0)
    part = (total.amount / count).quantize(quantum, rounding=ROUND_DOWN)
    lines = []
    for n in range(1, count + 1):
        amount = part if n < count else total.amount - part * (count - 1)
        lines.append(ScheduleLine(n, add_months(first_due, n - 1), Money(amount, total.currency)))
    return tuple(lines)


def _affordable(largest: Money, disposable: Money | None) -> bool | None:
    if disposable is None:
        return None
    return largest <= disposable


def compare(request: PlanRequest) -> PlanComparison:
    """Three options for one balance, each with its schedule and affordability verdict."""
    errors: dict[str, Text] = {}
    if not request.balance.is_positive():
        errors["balance"] = Text("Nothing is owed on this account.", "该账户没有欠款。")
    if not 1 <= request.instalments <= 120:
        errors["instalments"] = Text("Instalments must be 1–120.", "分期期数必须在1到120之间。")
    if not 1 <= request.deferral_months <= 24:
        errors["deferral_months"] = Text(
            "Deferral must be 1–24 months.", "延期月数必须在1到24之间。"
        )
    if not 1 <= request.deferral_instalments <= 120:
        errors["deferral_instalments"] = Text(
            "Instalments after deferral must be 1–120.", "延期后分期期数必须在1到120之间。"
        )
    if not Decimal(1) <= request.settlement_percent <= Decimal(100):
        errors["settlement_percent"] = Text(
            "Settlement must be 1–100 % of the balance.", "和解比例必须在1%到100%之间。"
        )
    if errors:
        raise ValidationError(errors)
    disposable: Money | None = None
    if request.monthly_income is not None:
        expenses = request.monthly_expenses or Money.zero(request.monthly_income.currency)
        disposable = request.monthly_income - expenses

    balance = request.balance
    options: list[PlanOption] = []

    schedule = _split(balance, request.instalments, add_months(request.start, 1))
    largest = max((line.amount for line in schedule), key=lambda m: m.amount)
    options.append(
        PlanOption(
            kind="instalments",
            title=Text("Instalments", "分期还款"),
            summary=Text(
                f"{request.instalments} × {schedule[0].amount.format()} a month",
                f"{request.instalments}期，每月 {schedule[0].amount.format()}",
            ),
            schedule=schedule,
            total=balance,
            largest_payment=largest,
            affordable=_affordable(largest, disposable),
            terms={"instalments": str(request.instalments)},
        )
    )

    first_due = add_months(request.start, request.deferral_months + 1)
    schedule = _split(balance, request.deferral_instalments, first_due)
    largest = max((line.amount for line in schedule), key=lambda m: m.amount)
    options.append(
        PlanOption(
            kind="deferral",
            title=Text("Deferral", "延期还款"),
            summary=Text(
                f"Nothing for {request.deferral_months} months (interest frozen), then "
                f"{request.deferral_instalments} × {schedule[0].amount.format()}",
                f"暂停{request.deferral_months}个月（停止计息），之后"
                f"{request.deferral_instalments}期，每期 {schedule[0].amount.format()}",
            ),
            schedule=schedule,
            total=balance,
            largest_payment=largest,
            affordable=_affordable(largest, disposable),
            terms={
                "deferral_months": str(request.deferral_months),
                "instalments": str(request.deferral_instalments),
            },
        )
    )

    settle = balance.times(request.settlement_percent / 100)
    line = ScheduleLine(1, add_months(request.start, 1), settle)
    options.append(
        PlanOption(
            kind="settlement",
            title=Text("Settlement", "协商结清"),
            summary=Text(
                f"{request.settlement_percent}% paid once: {settle.format()}, "
                f"{(balance - settle).format()} waived",
                f"一次性支付{request.settlement_percent}%：{settle.format()}，"
                f"减免 {(balance - settle).format()}",
            ),
            schedule=(line,),
            total=settle,
            largest_payment=settle,
            affordable=_affordable(settle, disposable),
            terms={"settlement_percent": str(request.settlement_percent)},
        )
    )
    return PlanComparison(tuple(options), disposable)
