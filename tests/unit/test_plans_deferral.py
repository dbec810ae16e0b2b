"""Deferrals: a pause of N periods with interest capitalised, waived or frozen, then the
plan re-amortised; what it costs the customer and what the lender gives up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_plans_schedule import (
    TODAY,
    any_terms,
    assert_schedule_invariants,
    oracle_rate,
    oracle_round,
    terms,
)
from workstation.plans import (
    DeferralMode,
    InstalmentTerms,
    PlanError,
    build_deferral,
    build_schedule,
    nth_due_date,
)


def test_capitalised_interest_compounds_during_the_pause() -> None:
    deferral = build_deferral(terms(count=6), 3, DeferralMode.CAPITALISED, today=TODAY)
    # 150.00 + 152.25 + 154.53: each period's interest joins the balance the next accrues on.
    assert deferral.accrued_interest.wire() == "456.78"
    assert deferral.capitalised_interest == deferral.accrued_interest
    assert deferral.waived_interest.is_zero()
    assert deferral.balance_after_deferral.wire() == "10456.78"
    assert deferral.resumes_on == date(2027, 4, 15)
    assert deferral.schedule.count == 6
    assert deferral.extra_cost.wire() == "481.06"
    assert_schedule_invariants(deferral.schedule)


def test_waived_interest_is_recorded_but_the_balance_does_not_grow() -> None:
    deferral = build_deferral(terms(), 2, DeferralMode.WAIVED, today=TODAY)
    assert deferral.accrued_interest.wire() == "300.00"
    assert deferral.waived_interest.wire() == "300.00"
    assert deferral.capitalised_interest.is_zero()
    assert deferral.balance_after_deferral.wire() == "10000.00"
    assert deferral.extra_cost.is_zero()


def test_frozen_pause_accrues_nothing_and_only_moves_the_dates() -> None:
    deferral = build_deferral(terms(), 3, DeferralMode.FROZEN, today=TODAY)
    assert deferral.accrued_interest.is_zero()
    assert deferral.waived_interest.is_zero()
    before = [row.payment for row in deferral.baseline.instalments]
    after = [row.payment for row in deferral.schedule.instalments]
    assert before == after
    assert deferral.extra_cost.is_zero()
    assert deferral.schedule.last_due == date(2028, 3, 15)


def test_an_extension_spreads_the_balance_over_more_instalments() -> None:
    deferral = build_deferral(terms(), 1, DeferralMode.FROZEN, count_after=24, today=TODAY)
    assert deferral.schedule.count == 24
    assert deferral.schedule.instalments[0].payment < deferral.baseline.instalments[0].payment
    assert deferral.extra_cost.is_positive()


def test_a_shorter_plan_after_the_pause_can_cost_less() -> None:
    deferral = build_deferral(terms(), 1, DeferralMode.FROZEN, count_after=6, today=TODAY)
    assert deferral.extra_cost.amount < 0


def test_month_end_day_survives_the_pause() -> None:
    deferral = build_deferral(
        terms(first_due=date(2027, 1, 31)), 1, DeferralMode.FROZEN, today=TODAY
    )
    assert [row.due_date for row in deferral.schedule.instalments[:3]] == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]


def test_json_shape() -> None:
    data = build_deferral(
        terms(down_payment="1000"), 2, DeferralMode.CAPITALISED, today=TODAY
    ).to_dict()
    assert list(data) == [
        "currency",
        "principal",
        "down_payment",
        "mode",
        "deferred_periods",
        "frequency",
        "resumes_on",
        "accrued_interest",
        "capitalised_interest",
        "waived_interest",
        "balance_after_deferral",
        "schedule",
        "total_paid",
        "total_interest",
        "baseline_total_paid",
        "extra_cost",
    ]
    assert data["principal"] == "9000.00"
    assert data["mode"] == "capitalised"
    assert data["resumes_on"] == "2027-03-15"
    no_down = build_deferral(terms(), 2, DeferralMode.FROZEN, today=TODAY).to_dict()
    assert "down_payment" not in no_down


@pytest.mark.parametrize(
    ("periods", "count_after", "field", "words"),
    [
        (0, None, "periods", "at least one period"),
        (-1, None, "periods", "at least one period"),
        (1, 0, "count_after", "at least one instalment"),
        (1, 601, "count_after", "at most 600"),
        (590, None, "periods", "together exceed 600"),
    ],
)
def test_bad_deferrals_are_refused(
    periods: int, count_after: int | None, field: str, words: str
) -> None:
    with pytest.raises(PlanError, match=words) as caught:
        build_deferral(terms(), periods, DeferralMode.FROZEN, count_after=count_after, today=TODAY)
    assert caught.value.field == field


def test_bad_terms_are_refused_before_the_pause_is_computed() -> None:
    with pytest.raises(PlanError, match="more than zero"):
        build_deferral(terms(principal="0"), 1, DeferralMode.FROZEN, today=TODAY)


def test_runaway_capitalisation_is_refused() -> None:
    with pytest.raises(PlanError, match="shorten the pause") as caught:
        build_deferral(
            terms(principal="1000000000", rate="999"), 100, DeferralMode.CAPITALISED, today=TODAY
        )
    assert caught.value.field == "periods"


@given(
    plan=any_terms(max_rate=Decimal(60), max_count=120),
    periods=st.integers(1, 24),
    mode=st.sampled_from(DeferralMode),
    count_after=st.one_of(st.none(), st.integers(1, 120)),
)
def test_deferral_invariants(
    plan: InstalmentTerms, periods: int, mode: DeferralMode, count_after: int | None
) -> None:
    try:
        deferral = build_deferral(plan, periods, mode, count_after=count_after, today=TODAY)
    except PlanError as exc:
        refusal: PlanError | None = exc
    else:
        refusal = None
    if refusal is not None:
        assert refusal.field == "count"  # rounding on extreme terms, as for plain schedules
        return
    baseline, schedule = deferral.baseline, deferral.schedule
    assert baseline == build_schedule(plan, today=TODAY)
    assert_schedule_invariants(schedule)
    assert schedule.count == (plan.count if count_after is None else count_after)
    assert schedule.first_due == nth_due_date(plan.first_due, plan.frequency, periods)
    assert schedule.first_due > plan.first_due
    assert schedule.principal == baseline.principal + deferral.capitalised_interest
    assert deferral.accrued_interest == deferral.capitalised_interest + deferral.waived_interest
    assert deferral.extra_cost == schedule.total_paid - baseline.total_paid
    if mode is DeferralMode.FROZEN:
        assert deferral.accrued_interest.is_zero()
    if mode is DeferralMode.WAIVED:
        # The balance does not grow, so every paused period accrues the same interest.
        per_period = oracle_round(baseline.principal.minor * oracle_rate(baseline))
        assert deferral.waived_interest.minor == per_period * periods
    if mode is not DeferralMode.CAPITALISED and count_after is None:
        # Same balance, rate and count: only the dates move.
        assert [r.payment for r in schedule.instalments] == [
            r.payment for r in baseline.instalments
        ]
        assert deferral.extra_cost.is_zero()
