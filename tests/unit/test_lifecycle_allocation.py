"""Allocation of confirmed payments and the closures they cause (money never created or lost)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.enums import AccountStatus
from workstation.lifecycle.allocation import (
    AccountMoney,
    AllocationError,
    Settlement,
    allocate,
    apply_payment,
    closure,
)
from workstation.lifecycle.matching import ReportedPayment, match_reported, review_due

MINOR = st.integers(min_value=0, max_value=10**15)


@st.composite
def accounts(draw: st.DrawFn) -> AccountMoney:
    balance = draw(MINOR)
    past_due = draw(st.integers(min_value=0, max_value=balance))
    credit = draw(st.integers(min_value=0, max_value=10**9))
    return AccountMoney(balance, past_due, credit)


@given(accounts(), st.integers(min_value=1, max_value=10**16))
def test_money_is_never_created_or_lost(account: AccountMoney, amount: int) -> None:
    allocation = allocate(account, amount)
    assert allocation.allocated + allocation.credit == amount
    assert allocation.to_past_due + allocation.to_balance + allocation.credit == allocation.paid
    assert account.balance == allocation.after.balance + allocation.allocated
    assert allocation.after.credit == account.credit + allocation.credit
    assert 0 <= allocation.after.past_due <= allocation.after.balance
    # past due is paid first: nothing goes to the rest while any is still due
    if allocation.to_balance:
        assert allocation.after.past_due == 0
    # credit only once the whole balance is paid
    if allocation.credit:
        assert allocation.after.balance == 0


@given(accounts(), st.integers(min_value=1, max_value=10**16), st.integers(1, 10**15))
def test_a_closure_accounts_for_every_minor_unit(
    account: AccountMoney, amount: int, agreed: int
) -> None:
    settlement = Settlement(agreed=agreed, paid_so_far=amount)
    allocation, closed = apply_payment(account, amount, settlement)
    after = allocation.after
    assert closed.written_off + closed.after.balance == after.balance
    assert closed.after.credit == after.credit
    if after.balance == 0:
        assert closed.status is AccountStatus.PAID
        assert closed.written_off == 0
    elif amount >= agreed:
        assert closed.status is AccountStatus.SETTLED
        assert closed.after.balance == 0
        assert closed.written_off == after.balance
    else:
        assert closed.status is None
        assert not closed.closes


def test_past_due_first_then_balance_then_credit() -> None:
    account = AccountMoney(balance=100_000, past_due=30_000)
    part = allocate(account, 20_000)
    assert (part.to_past_due, part.to_balance, part.credit) == (20_000, 0, 0)
    assert part.after == AccountMoney(80_000, 10_000)
    more = allocate(part.after, 50_000)
    assert (more.to_past_due, more.to_balance, more.credit) == (10_000, 40_000, 0)
    over = allocate(more.after, 45_000)
    assert (over.to_past_due, over.to_balance, over.credit) == (0, 30_000, 15_000)
    assert over.after == AccountMoney(0, 0, 15_000)
    assert closure(over.after).status is AccountStatus.PAID


def test_settlement_writes_off_the_rest_and_paid_in_full_wins() -> None:
    # 60 % settlement of 1,000.00: 600.00 paid in two parts
    account = AccountMoney(balance=100_000, past_due=100_000)
    first, still = apply_payment(account, 30_000, Settlement(60_000, 30_000))
    assert still.status is None
    assert still.reason == "balance outstanding"
    _, settled = apply_payment(first.after, 30_000, Settlement(60_000, 60_000))
    assert settled.status is AccountStatus.SETTLED
    assert settled.written_off == 40_000
    assert settled.after == AccountMoney(0, 0, 0)
    # the settlement was agreed but the customer paid everything: paid, nothing written off
    _, paid = apply_payment(AccountMoney(50_000, 0), 50_000, Settlement(30_000, 50_000))
    assert paid.status is AccountStatus.PAID
    assert paid.written_off == 0


@pytest.mark.parametrize(
    ("balance", "past_due", "credit"), [(-1, 0, 0), (10, -1, 0), (10, 0, -5), (10, 11, 0)]
)
def test_impossible_positions_are_refused(balance: int, past_due: int, credit: int) -> None:
    with pytest.raises(AllocationError):
        AccountMoney(balance, past_due, credit)


def test_stored_rows_are_clamped_not_refused() -> None:
    assert AccountMoney.of_row(100, 250, -3) == AccountMoney(100, 100, 0)
    assert AccountMoney.of_row(-5, 3) == AccountMoney(0, 0, 0)


@pytest.mark.parametrize("amount", [0, -100])
def test_a_payment_must_be_positive(amount: int) -> None:
    with pytest.raises(AllocationError):
        allocate(AccountMoney(100, 0), amount)


def test_settlement_terms_are_checked() -> None:
    with pytest.raises(AllocationError):
        Settlement(0, 0)
    with pytest.raises(AllocationError):
        Settlement(100, -1)
    assert Settlement(100, 100).reached
    assert not Settlement(100, 99).reached


# --- matching reported payments -------------------------------------------------------------

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)


def _reported(
    ident: str, amount: int, day: date, minutes: int = 0, currency: str = "CNY"
) -> ReportedPayment:
    return ReportedPayment(ident, amount, currency, day, T0 + timedelta(minutes=minutes))


def test_the_nearest_same_amount_report_is_confirmed() -> None:
    day = date(2027, 3, 10)
    candidates = [
        _reported("far", 50_000, day - timedelta(days=4)),
        _reported("near", 50_000, day + timedelta(days=1)),
        _reported("other-amount", 40_000, day),
        _reported("other-currency", 50_000, day, currency="USD"),
        _reported("outside", 50_000, day - timedelta(days=8)),
    ]
    found = match_reported(50_000, "CNY", day, candidates, window_days=7)
    assert found is not None
    assert found.event_id == "near"
    assert match_reported(50_000, "CNY", day + timedelta(days=20), candidates, 7) is None


def test_equal_distance_goes_to_the_earliest_report() -> None:
    day = date(2027, 3, 10)
    candidates = [_reported("later", 100, day, minutes=5), _reported("first", 100, day)]
    for order in (candidates, candidates[::-1]):
        found = match_reported(100, "CNY", day, order, 0)
        assert found is not None
        assert found.event_id == "first"


def test_matching_window_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        match_reported(100, "CNY", date(2027, 1, 1), [], -1)


def test_review_is_due_only_after_the_window() -> None:
    paid_on = date(2027, 3, 10)
    assert not review_due(paid_on, date(2027, 3, 17), 7)
    assert review_due(paid_on, date(2027, 3, 18), 7)
