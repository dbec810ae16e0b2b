"""Affordability and the side-by-side comparison: what a customer can sustain each month,
and for each option the burden, total paid, duration, the lender's present value, and
whether it is affordable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_plans_schedule import TODAY, any_terms, terms
from workstation.domain.enums import Bucket
from workstation.domain.money import Money
from workstation.plans import (
    DEFAULT_SHARE_PERCENT,
    DeferralMode,
    Frequency,
    InstalmentTerms,
    OptionKind,
    PlanError,
    assess_affordability,
    build_deferral,
    build_schedule,
    build_settlement,
    compare_options,
    due_dates,
    monthly_burden,
    present_value,
)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


# affordability ---------------------------------------------------------------------------


def test_half_of_disposable_income_by_default() -> None:
    limit = assess_affordability(cny("8000"), cny("6000"))
    assert limit.disposable.wire() == "2000.00"
    assert limit.share_percent == DEFAULT_SHARE_PERCENT == Decimal(50)
    assert limit.max_instalment.wire() == "1000.00"
    assert limit.allows(cny("1000"))
    assert not limit.allows(cny("1000.01"))
    assert limit.currency == "CNY"
    assert limit.to_dict() == {
        "monthly_income": "8000.00",
        "essential_expenses": "6000.00",
        "disposable": "2000.00",
        "share_percent": "50",
        "max_instalment": "1000.00",
    }


def test_a_team_can_set_its_own_share() -> None:
    limit = assess_affordability(cny("5000"), cny("2000"), share_percent=Decimal("33.3"))
    assert limit.max_instalment.wire() == "999.00"


def test_spending_above_income_leaves_nothing_affordable() -> None:
    limit = assess_affordability(cny("3000"), cny("3500"))
    assert limit.disposable.is_zero()
    assert limit.max_instalment.is_zero()
    assert not limit.allows(cny("0.01"))


@pytest.mark.parametrize(
    ("income", "expenses", "share", "field"),
    [
        (cny("-1"), cny("0"), Decimal(50), "monthly_income"),
        (cny("1"), cny("-1"), Decimal(50), "essential_expenses"),
        (cny("1"), Money.of("1", "USD"), Decimal(50), "essential_expenses"),
        (cny("1"), cny("0"), Decimal(0), "share_percent"),
        (cny("1"), cny("0"), Decimal("100.01"), "share_percent"),
    ],
)
def test_bad_affordability_input_is_refused(
    income: Money, expenses: Money, share: Decimal, field: str
) -> None:
    with pytest.raises(PlanError) as caught:
        assess_affordability(income, expenses, share_percent=share)
    assert caught.value.field == field


def test_weekly_and_fortnightly_instalments_become_a_monthly_burden() -> None:
    assert monthly_burden(cny("100"), Frequency.WEEKLY).wire() == "433.33"
    assert monthly_burden(cny("100"), Frequency.FORTNIGHTLY).wire() == "216.67"
    assert monthly_burden(cny("100"), Frequency.MONTHLY).wire() == "100.00"


@given(
    income=st.integers(0, 10**9),
    expenses=st.integers(0, 10**9),
    share=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
)
def test_the_limit_never_exceeds_what_is_spare(income: int, expenses: int, share: Decimal) -> None:
    limit = assess_affordability(
        Money.from_minor(income, "CNY"), Money.from_minor(expenses, "CNY"), share_percent=share
    )
    assert Money.zero("CNY") <= limit.max_instalment <= limit.disposable
    assert limit.disposable.minor == max(income - expenses, 0)


# present value ---------------------------------------------------------------------------


def test_present_value_discounts_by_days_at_an_annual_effective_rate() -> None:
    one_year = [(date(2027, 1, 1), cny("1100"))]
    assert present_value(one_year, discount_rate=Decimal(10), valuation_date=TODAY).wire() == (
        "1000.00"
    )
    today = [(TODAY, cny("1100"))]
    assert present_value(today, discount_rate=Decimal(10), valuation_date=TODAY).wire() == (
        "1100.00"
    )


# compare ---------------------------------------------------------------------------------


def three_options() -> list[object]:
    plan = terms(first_due=date(2026, 2, 1))
    return [
        build_schedule(plan, today=TODAY),
        build_deferral(plan, 3, DeferralMode.FROZEN, today=TODAY),
        build_settlement(
            plan.principal,
            due_dates(date(2026, 2, 1), Frequency.MONTHLY, 3),
            bucket=Bucket.DPD_90_179,
            discount_percent=Decimal(30),
            today=TODAY,
        ),
    ]


def test_instalments_deferral_and_settlement_side_by_side() -> None:
    limit = assess_affordability(cny("8000"), cny("6000"))
    comparison = compare_options(
        three_options(),  # type: ignore[arg-type]
        discount_rate=Decimal(10),
        valuation_date=TODAY,
        affordability=limit,
    )
    plan, pause, settle = comparison.options
    assert [o.kind for o in comparison.options] == list(OptionKind)
    assert plan.per_period_burden.wire() == "916.80"
    # The last instalment (916.81) is the heaviest month, and that is what is judged.
    assert plan.monthly_burden.wire() == "916.81"
    assert plan.payments == 12
    assert plan.total_paid.wire() == "11001.61"
    assert plan.affordable is True
    assert plan.policy_acceptable is None
    assert plan.label == "12 monthly instalments (annuity)"
    assert pause.first_due == date(2026, 5, 1)
    assert pause.total_paid == plan.total_paid
    assert pause.present_value < plan.present_value  # same money, later
    assert "interest frozen" in pause.label
    assert settle.total_paid.wire() == "7000.00"
    assert settle.per_period_burden.wire() == "2333.34"
    assert settle.affordable is False
    assert settle.policy_acceptable is True
    assert settle.label == "Settle for 70.00 % of the balance in 3 parts"
    assert settle.duration_days == (date(2026, 4, 1) - TODAY).days
    for option in comparison.options:
        assert option.present_value < option.total_paid


def test_comparison_json_shape() -> None:
    comparison = compare_options(three_options(), valuation_date=TODAY)  # type: ignore[arg-type]
    data = comparison.to_dict()
    assert list(data) == ["currency", "valuation_date", "discount_rate", "affordability", "options"]
    assert data["affordability"] is None
    assert data["discount_rate"] == "10"
    assert list(data["options"][0]) == [
        "kind",
        "label",
        "per_period_burden",
        "monthly_burden",
        "payments",
        "first_due",
        "last_due",
        "duration_days",
        "total_paid",
        "present_value",
        "affordable",
        "policy_acceptable",
    ]
    assert data["options"][0]["affordable"] is None


def test_a_lump_sum_counts_whole_in_its_month_and_weekly_parts_add_up() -> None:
    balance = cny("1000")
    lump = build_settlement(
        balance, [date(2026, 2, 1)], bucket=Bucket.DPD_180_PLUS, amount=cny("600"), today=TODAY
    )
    weekly = build_settlement(
        balance,
        due_dates(date(2026, 2, 1), Frequency.WEEKLY, 6),
        bucket=Bucket.DPD_180_PLUS,
        amount=cny("600"),
        today=TODAY,
    )
    lump_row, weekly_row = compare_options([lump, weekly], valuation_date=TODAY).options
    assert lump_row.label == "Settle for 60.00 % of the balance in a lump sum"
    assert lump_row.monthly_burden.wire() == "600.00"
    assert weekly_row.per_period_burden.wire() == "100.00"
    assert weekly_row.monthly_burden.wire() == "400.00"  # four parts fall in February


def test_a_weekly_plan_is_judged_per_month_and_a_down_payment_counts_now() -> None:
    plan = build_schedule(
        terms("5200", "0", 52, Frequency.WEEKLY, first_due=date(2026, 1, 5), down_payment="200"),
        today=TODAY,
    )
    (row,) = compare_options(
        [plan],
        discount_rate=Decimal(0),
        valuation_date=TODAY,
        affordability=assess_affordability(cny("2000"), cny("1000")),
    ).options
    assert row.per_period_burden.wire() == "96.15"
    assert row.monthly_burden.wire() == "417.52"  # the last, 96.35, × 52 ÷ 12
    assert row.affordable is True
    assert row.payments == 52
    assert row.total_paid.wire() == "5200.00"
    assert row.present_value == row.total_paid  # no discounting at 0 %


def test_valuation_date_defaults_to_today() -> None:
    plan = build_schedule(terms(first_due=date.today()))
    comparison = compare_options([plan])
    assert comparison.valuation_date == date.today()


def test_bad_comparisons_are_refused() -> None:
    with pytest.raises(PlanError, match="nothing to compare"):
        compare_options([])
    cny_plan = build_schedule(terms(), today=TODAY)
    usd_plan = build_schedule(terms(currency="USD"), today=TODAY)
    with pytest.raises(PlanError, match="one currency"):
        compare_options([cny_plan, usd_plan])
    usd_limit = assess_affordability(Money.of("10", "USD"), Money.of("1", "USD"))
    with pytest.raises(PlanError, match="affordability is in USD"):
        compare_options([cny_plan], affordability=usd_limit)
    with pytest.raises(PlanError, match="discount rate cannot be negative"):
        compare_options([cny_plan], discount_rate=Decimal(-1))


@given(
    plan=any_terms(max_rate=Decimal(36), max_count=120),
    rate=st.decimals(min_value=0, max_value=50, places=1),
)
def test_present_value_never_exceeds_what_is_paid(plan: InstalmentTerms, rate: Decimal) -> None:
    try:
        schedule = build_schedule(plan, today=TODAY)
    except PlanError:
        return
    (row,) = compare_options([schedule], discount_rate=rate, valuation_date=TODAY).options
    assert row.total_paid == schedule.customer_total
    assert row.present_value <= row.total_paid
    if rate == 0:
        assert row.present_value == row.total_paid
    assert row.duration_days == (schedule.last_due - TODAY).days
