"""Time passing, as pure functions: aging, promise decisions, plan monitoring, holds that end."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.compliance.packs import load_packs
from workstation.domain.enums import AccountStatus, Bucket, CustomerFlag, PromiseStatus
from workstation.lifecycle.aging import age
from workstation.lifecycle.holds import durations, ended_holds, hold_ends_on, interest_frozen
from workstation.lifecycle.plans_monitor import (
    InstalmentStatus,
    PlanOutcome,
    ScheduledInstalment,
    ScheduleError,
    monitor,
    schedule_of,
)
from workstation.lifecycle.policy import (
    LifecyclePolicy,
    LifecyclePolicyError,
    load_lifecycle_policy,
)
from workstation.lifecycle.promises import Payment, deadline, decide_promise
from workstation.resources import resource_dir

D = date(2025, 3, 1)
STATUSES = st.sampled_from(list(AccountStatus))

# --- aging ------------------------------------------------------------------------------------


def test_an_overdue_account_ages_a_day_a_day_and_rolls_at_30() -> None:
    aged = age(29, 50_000, AccountStatus.OPEN, D, D + timedelta(days=1))
    assert aged.days_past_due == 30
    assert aged.bucket is Bucket.DPD_30_59
    assert aged.rolled_from is Bucket.DPD_1_29
    same = age(30, 50_000, AccountStatus.PLAN, D, D + timedelta(days=1))
    assert same.days_past_due == 31
    assert not same.rolled


def test_nothing_past_due_is_current_and_a_closed_account_keeps_its_figure() -> None:
    cured = age(75, 0, AccountStatus.OPEN, D, D + timedelta(days=1))
    assert (cured.days_past_due, cured.bucket, cured.rolled_from) == (
        0,
        Bucket.CURRENT,
        Bucket.DPD_60_89,
    )
    closed = age(75, 10_000, AccountStatus.PAID, D, D + timedelta(days=40))
    assert closed.days_past_due == 75
    assert not closed.rolled


def test_time_does_not_run_backwards() -> None:
    with pytest.raises(ValueError, match="back"):
        age(3, 1, AccountStatus.OPEN, D, D - timedelta(days=1))


@given(
    dpd=st.integers(0, 400),
    past_due=st.integers(0, 10**9),
    status=STATUSES,
    steps=st.lists(st.integers(0, 40), min_size=1, max_size=8),
)
def test_aging_day_by_day_equals_aging_at_once(
    dpd: int, past_due: int, status: AccountStatus, steps: list[int]
) -> None:
    """The catch-up's promise: running each missed day in order lands where one jump does,
    and the bucket always matches the days."""
    day, value = D, dpd
    for step in steps:
        aged = age(value, past_due, status, day, day + timedelta(days=step))
        assert aged.bucket is Bucket.for_days(aged.days_past_due)
        assert aged.rolled == (Bucket.for_days(value) != aged.bucket)
        day, value = day + timedelta(days=step), aged.days_past_due
    assert value == age(dpd, past_due, status, D, day).days_past_due


# --- promises ---------------------------------------------------------------------------------


def test_a_promise_is_kept_by_confirmed_money_before_it_falls_due() -> None:
    paid = [Payment(D + timedelta(days=2), 60_000), Payment(D + timedelta(days=4), 60_000)]
    decision = decide_promise(
        120_000, D, D + timedelta(days=10), paid, D + timedelta(days=4), grace_days=3
    )
    assert decision.status is PromiseStatus.KEPT
    assert decision.paid == 120_000


def test_partly_kept_broken_and_grace_days() -> None:
    due = D + timedelta(days=10)
    half = [Payment(due + timedelta(days=3), 50_000)]  # the last day of grace still counts
    assert decide_promise(100_000, D, due, half, due + timedelta(days=3), grace_days=3).status is (
        PromiseStatus.OPEN
    )
    assert decide_promise(100_000, D, due, half, due + timedelta(days=4), grace_days=3).status is (
        PromiseStatus.PARTLY_KEPT
    )
    late = [Payment(due + timedelta(days=4), 100_000)]  # after the grace: does not count
    assert decide_promise(100_000, D, due, late, due + timedelta(days=9), grace_days=3).status is (
        PromiseStatus.BROKEN
    )
    before = [Payment(D - timedelta(days=1), 100_000)]  # paid before the promise was made
    assert decide_promise(
        100_000, D, due, before, due + timedelta(days=9), grace_days=3
    ).status is (PromiseStatus.BROKEN)


def test_a_promise_due_at_the_end_of_the_calendar_never_falls_due() -> None:
    assert deadline(date.max, 3) == date.max
    assert decide_promise(1, D, date.max, [], D + timedelta(days=9000), grace_days=3).status is (
        PromiseStatus.OPEN
    )


@given(
    amount=st.integers(1, 10**7),
    pays=st.lists(st.tuples(st.integers(-5, 30), st.integers(1, 10**7)), max_size=6),
    offset=st.integers(0, 40),
    grace=st.integers(0, 7),
)
def test_a_decided_promise_stays_decided(
    amount: int, pays: list[tuple[int, int]], offset: int, grace: int
) -> None:
    """Deciding again on a later day never reopens or changes a decision (idempotent runs)."""
    due = D + timedelta(days=10)
    payments = [Payment(D + timedelta(days=d), a) for d, a in pays]
    first = decide_promise(amount, D, due, payments, D + timedelta(days=offset), grace_days=grace)
    later = decide_promise(
        amount, D, due, payments, D + timedelta(days=offset + 30), grace_days=grace
    )
    if first.status is not PromiseStatus.OPEN:
        assert later.status is first.status
    assert later.status is not PromiseStatus.OPEN  # 30 days on, every promise is decided


# --- plans ------------------------------------------------------------------------------------


def _plan(n: int = 4, amount: int = 30_000) -> tuple[ScheduledInstalment, ...]:
    return schedule_of(
        {"instalments": n, "instalment_amount": f"{amount / 100:.2f}", "first_due": "2025-01-31"},
        "CNY",
    )


def test_an_agreement_without_schedule_lines_is_monthly_from_first_due() -> None:
    lines = _plan()
    assert [line.due_on for line in lines] == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]
    assert {line.amount for line in lines} == {30_000}


def test_the_desks_schedule_lines_win_and_bad_ones_are_refused() -> None:
    payload = {
        "instalments": 2,
        "instalment_amount": "100.00",
        "first_due": "2025-01-01",
        "schedule": [
            {"n": 2, "due_on": "2025-02-01", "amount": "50.01"},
            {"n": 1, "due_on": "2025-01-01", "amount": "100.00"},
        ],
    }
    assert [(i.number, i.amount) for i in schedule_of(payload, "CNY")] == [(1, 10_000), (2, 5_001)]
    for bad in (
        {"schedule": [{"n": 1, "due_on": "someday", "amount": "1.00"}]},
        {"schedule": [{"n": 1, "due_on": "2025-01-01", "amount": "-1.00"}]},
        {"instalments": 0, "instalment_amount": "1.00", "first_due": "2025-01-01"},
        {"schedule": [{"n": 1, "due_on": "2025-01-01", "amount": "1.00"}] * 2},
    ):
        with pytest.raises(ScheduleError):
            schedule_of(bad, "CNY")


def test_a_late_instalment_caught_up_keeps_the_plan_intact() -> None:
    lines = _plan()
    paid = [
        Payment(date(2025, 1, 30), 30_000),  # 1: on time
        # 2 (due Feb 28): nothing until March
        Payment(date(2025, 3, 20), 60_000),  # catches 2 up, pays 3 early
    ]
    on_mar_10 = monitor(lines, paid, date(2025, 3, 10), grace_days=5, break_after_missed=2)
    assert [s.status for s in on_mar_10.instalments] == [
        InstalmentStatus.PAID,
        InstalmentStatus.MISSED,
        InstalmentStatus.PENDING,
        InstalmentStatus.PENDING,
    ]
    assert (on_mar_10.outcome, on_mar_10.missed) == (PlanOutcome.INTACT, 1)
    on_mar_20 = monitor(lines, paid, date(2025, 3, 20), grace_days=5, break_after_missed=2)
    assert on_mar_20.status_of(2) is InstalmentStatus.LATE
    assert on_mar_20.status_of(3) is InstalmentStatus.PAID
    assert (on_mar_20.outcome, on_mar_20.missed) == (PlanOutcome.INTACT, 0)
    done = monitor(
        lines,
        [*paid, Payment(date(2025, 4, 29), 30_000)],
        date(2025, 5, 1),
        grace_days=5,
        break_after_missed=2,
    )
    assert done.outcome is PlanOutcome.COMPLETED


def test_a_plan_breaks_after_the_policys_missed_instalments() -> None:
    lines = _plan()
    paid = [Payment(date(2025, 1, 30), 30_000)]
    assert monitor(lines, paid, date(2025, 3, 5), grace_days=5, break_after_missed=2).outcome is (
        PlanOutcome.INTACT
    )
    broken = monitor(lines, paid, date(2025, 4, 6), grace_days=5, break_after_missed=2)
    assert (broken.outcome, broken.missed) == (PlanOutcome.BROKEN, 2)
    # a money dated after the day is not known yet on that day
    future = [*paid, Payment(date(2025, 4, 7), 90_000)]
    assert monitor(lines, future, date(2025, 4, 6), grace_days=5, break_after_missed=2).outcome is (
        PlanOutcome.BROKEN
    )


@given(
    count=st.integers(1, 12),
    amount=st.integers(1, 10**6),
    pays=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 2 * 10**6)), max_size=10),
    day=st.integers(0, 450),
    grace=st.integers(0, 10),
)
def test_money_applied_to_instalments_is_never_more_than_paid_nor_due(
    count: int, amount: int, pays: list[tuple[int, int]], day: int, grace: int
) -> None:
    lines = schedule_of(
        {
            "instalments": count,
            "instalment_amount": f"{amount / 100:.2f}",
            "first_due": "2025-01-15",
        },
        "CNY",
    )
    payments = [Payment(date(2025, 1, 1) + timedelta(days=d), a) for d, a in pays]
    on = date(2025, 1, 1) + timedelta(days=day)
    state = monitor(lines, payments, on, grace_days=grace, break_after_missed=2)
    known = sum(p.amount for p in payments if p.paid_on <= on)
    applied = sum(s.paid for s in state.instalments)
    assert applied == min(known, sum(line.amount for line in lines))
    for s in state.instalments:
        assert 0 <= s.paid <= s.amount
        if s.status is InstalmentStatus.MISSED:
            assert on > s.due_on + timedelta(days=grace)
    # instalments are covered in order: no gap is left behind a later covered one
    covered = [s.paid == s.amount for s in state.instalments]
    assert covered == sorted(covered, reverse=True)
    assert state.missed == sum(s.status is InstalmentStatus.MISSED for s in state.instalments)


# --- holds and the policy --------------------------------------------------------------------


def test_hardship_ends_after_30_days_and_breathing_space_after_60() -> None:
    packs = load_packs(resource_dir("rules"))
    uk = durations(packs["uk-conc"])
    assert uk[CustomerFlag.BREATHING_SPACE] == 60
    assert uk[CustomerFlag.HARDSHIP] == 30
    flags = ["breathing_space", "hardship", "vulnerable"]
    started = {"breathing_space": D, "hardship": D, "vulnerable": D}
    assert ended_holds(flags, started, uk, D + timedelta(days=29)) == []
    over = ended_holds(flags, started, uk, D + timedelta(days=30))
    assert [(h.flag, h.ended_on) for h in over] == [(CustomerFlag.HARDSHIP, D + timedelta(days=30))]
    both = ended_holds(flags, started, uk, D + timedelta(days=60))
    assert {h.flag for h in both} == {CustomerFlag.HARDSHIP, CustomerFlag.BREATHING_SPACE}
    # vulnerable has no duration; a flag with no known start is left alone
    assert ended_holds(["hardship"], {}, uk, D + timedelta(days=999)) == []
    assert hold_ends_on(date.max, 30) == date.max


def test_holds_and_statuses_that_freeze_interest() -> None:
    policy = load_lifecycle_policy()
    assert interest_frozen(["breathing_space"], AccountStatus.OPEN, policy)
    assert interest_frozen([], AccountStatus.PLAN, policy)
    assert interest_frozen([], AccountStatus.PAID, policy)
    assert not interest_frozen(["vulnerable"], AccountStatus.OPEN, policy)


def test_the_shipped_policy_and_a_bad_one(tmp_path: Path) -> None:
    policy = load_lifecycle_policy()
    assert policy == LifecyclePolicy()  # the file says what the defaults say
    bad = tmp_path / "p.toml"
    bad.write_text("version = 1\n[plans]\ngrace_days = -1\nbreak_after_missed = 2\n")
    with pytest.raises(LifecyclePolicyError, match=r"plans\.grace_days"):
        load_lifecycle_policy(bad)
    bad.write_text('version = 1\n[interest]\nfrozen_by = ["sunshine"]\n')
    with pytest.raises(LifecyclePolicyError, match=r"interest\.frozen_by"):
        load_lifecycle_policy(bad)


# --- interest ---------------------------------------------------------------------------------


def test_a_months_interest_is_simple_and_rounded_half_up() -> None:
    from workstation.lifecycle.interest import monthly_interest, rate_fraction

    # 10,000.00 at 12 % a year for 31 days: 10000 * 0.12 * 31 / 365 = 101.9178… → 101.92
    assert monthly_interest(1_000_000, "12", 31) == 10_192
    assert monthly_interest(1_000_000, "0", 31) == 0
    assert monthly_interest(1_000_000, "12", 0) == 0
    assert rate_fraction("18.25") == (73, 4)
    assert rate_fraction("zero") is None


@given(
    balance=st.integers(1, 10**12),
    rate=st.decimals(min_value="0.01", max_value="99.99", places=2),
    days=st.integers(1, 31),
)
def test_interest_in_integers_is_decimal_interest_rounded_half_up(
    balance: int, rate: Decimal, days: int
) -> None:
    import math
    from fractions import Fraction

    from workstation.lifecycle.interest import monthly_interest

    exact = Fraction(balance) * Fraction(rate) / 100 * days / 365
    assert monthly_interest(balance, rate, days) == math.floor(exact + Fraction(1, 2))


def test_a_plans_states_are_a_table() -> None:
    from workstation.lifecycle.plan_states import (
        TRANSITIONS,
        PlanState,
        PlanTransitionError,
        transition,
    )

    assert transition("active", PlanState.BROKEN).account_becomes is AccountStatus.OPEN
    assert {target for (_source, target) in TRANSITIONS} == {
        PlanState.BROKEN,
        PlanState.COMPLETED,
        PlanState.CANCELLED,
    }
    for final in ("broken", "completed", "cancelled"):
        for target in PlanState:
            with pytest.raises(PlanTransitionError):
                transition(final, target)
    with pytest.raises(PlanTransitionError, match="unknown"):
        transition("paused", PlanState.ACTIVE)
    # every outcome the monitor can reach is a transition the table allows from active
    assert {PlanState(o.value) for o in PlanOutcome if o is not PlanOutcome.INTACT} <= {
        target for (_source, target) in TRANSITIONS
    }
