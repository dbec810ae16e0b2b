"""Input checks shared by the calculators: amounts, rates, counts and dates.

Each check raises ``PlanError`` with a sentence a collector can act on, in English and in
Chinese, and the name of the field at fault. Callers name the input in both languages
(``what`` / ``what_zh``, e.g. "principal" / "本金"). The calculators call these before
computing anything.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workstation.domain.money import Money
from workstation.plans.errors import MAX_AMOUNT, MAX_ANNUAL_RATE, MAX_INSTALMENTS, PlanError


def as_of(today: date | None) -> date:
    """The calculators' notion of today; tests and reproduced quotes pass it explicitly."""
    return date.today() if today is None else today


def positive_amount(value: Money, *, what: str, what_zh: str, field: str) -> None:
    if value.amount <= 0:
        raise PlanError(
            f"The {what} must be more than zero (got {value.format()}).",
            zh=f"{what_zh}必须大于零（输入为 {value.format()}）。",
            field=field,
        )
    too_large(value, what=what, what_zh=what_zh, field=field)


def non_negative_amount(value: Money, *, what: str, what_zh: str, field: str) -> None:
    if value.amount < 0:
        raise PlanError(
            f"The {what} cannot be negative (got {value.format()}).",
            zh=f"{what_zh}不能为负数（输入为 {value.format()}）。",
            field=field,
        )
    too_large(value, what=what, what_zh=what_zh, field=field)


def too_large(value: Money, *, what: str, what_zh: str, field: str) -> None:
    if value.amount > MAX_AMOUNT:
        limit = Money(MAX_AMOUNT, value.currency).format()
        raise PlanError(
            f"The {what} {value.format()} is larger than any plan supports ({limit}).",
            zh=f"{what_zh} {value.format()} 超出了还款计划支持的上限（{limit}）。",
            field=field,
        )


def same_currency(value: Money, currency: str, *, what: str, what_zh: str, field: str) -> None:
    if value.currency != currency:
        raise PlanError(
            f"The {what} is in {value.currency} but the plan is in {currency}.",
            zh=f"{what_zh}的币种是 {value.currency}，但还款计划的币种是 {currency}。",
            field=field,
        )


def annual_rate(
    value: Decimal,
    *,
    what: str = "annual interest rate",
    what_zh: str = "年利率",
    field: str,
) -> None:
    if not value.is_finite():
        raise PlanError(
            f"The {what} must be a number of percent (got {value}).",
            zh=f"{what_zh}必须是百分比数值（输入为{value}）。",
            field=field,
        )
    if value < 0:
        raise PlanError(
            f"The {what} cannot be negative (got {value} %).",
            zh=f"{what_zh}不能为负数（输入为{value}%）。",
            field=field,
        )
    if value >= MAX_ANNUAL_RATE:
        # ``what_zh`` already says "a year" (年利率, 年贴现率).
        raise PlanError(
            f"The {what} must be below {MAX_ANNUAL_RATE} % a year (got {value} %).",
            zh=f"{what_zh}必须低于{MAX_ANNUAL_RATE}%（输入为{value}%）。",
            field=field,
        )


def instalment_count(count: int, *, field: str = "count") -> None:
    if count < 1:
        raise PlanError(
            f"A plan needs at least one instalment (got {count}).",
            zh=f"还款计划至少需要一期（输入为{count}）。",
            field=field,
        )
    if count > MAX_INSTALMENTS:
        raise PlanError(
            f"A plan can have at most {MAX_INSTALMENTS} instalments (got {count}).",
            zh=f"还款计划最多只能分{MAX_INSTALMENTS}期（输入为{count}）。",
            field=field,
        )


def not_in_past(due: date, today: date, *, what: str, what_zh: str, field: str) -> None:
    if due < today:
        raise PlanError(
            f"The {what} {due.isoformat()} is in the past (today is {today.isoformat()}).",
            zh=f"{what_zh} {due.isoformat()} 已过（今天是 {today.isoformat()}）。",
            field=field,
        )


def percent(
    value: Decimal,
    *,
    what: str,
    what_zh: str,
    field: str,
    allow_zero: bool,
    allow_hundred: bool,
) -> None:
    """A share of something in percent, with or without its end points."""
    ok = (
        value.is_finite()
        and (value >= 0 if allow_zero else value > 0)
        and (value <= 100 if allow_hundred else value < 100)
    )
    if not ok:
        low, low_zh = ("at least 0", "不低于0%") if allow_zero else ("more than 0", "大于0%")
        high, high_zh = (
            ("at most 100", "不超过100%") if allow_hundred else ("below 100", "低于100%")
        )
        raise PlanError(
            f"The {what} must be {low} and {high} % (got {value}).",
            zh=f"{what_zh}必须{low_zh}且{high_zh}（输入为{value}）。",
            field=field,
        )
