"""Instalment schedules: the issue's worked example, due dates, bad input, and the invariants
every schedule keeps (Hypothesis): principal parts sum exactly to what is financed, the
balance ends at zero, total paid = principal + interest, no empty instalment, dates rise."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import event, given, reject
from hypothesis import strategies as st

from workstation.domain.money import Money
from workstation.plans import (
    Frequency,
    InstalmentTerms,
    Method,
    PlanError,
    Schedule,
    build_schedule,
    due_dates,
    nth_due_date,
)
from workstation.plans.exact import round_half_up

TODAY = date(2026, 1, 1)


def terms(
    principal: str = "10000",
    rate: str = "18",
    count: int = 12,
    frequency: Frequency = Frequency.MONTHLY,
    first_due: date = date(2027, 1, 15),
    *,
    method: Method = Method.ANNUITY,
    down_payment: str | None = None,
    currency: str = "CNY",
) -> InstalmentTerms:
    return InstalmentTerms(
        principal=Money.of(principal, currency),
        annual_rate=Decimal(rate),
        count=count,
        frequency=frequency,
        first_due=first_due,
        method=method,
        down_payment=None if down_payment is None else Money.of(down_payment, currency),
    )


# oracle: the issue's rules written out independently, in exact fractions ---------------------


def oracle_round(value: Fraction) -> int:
    whole = value.numerator // value.denominator
    return whole + (1 if value - whole >= Fraction(1, 2) else 0)


def oracle_rate(schedule: Schedule) -> Fraction:
    return Fraction(schedule.annual_rate) / 100 / schedule.frequency.periods_per_year


def assert_schedule_invariants(schedule: Schedule) -> None:
    """What every schedule promises, checked against the issue's formulas."""
    rows = schedule.instalments
    currency = schedule.currency
    zero = Money.zero(currency)
    principal_parts = sum((row.principal for row in rows), zero)
    interests = sum((row.interest for row in rows), zero)
    payments = sum((row.payment for row in rows), zero)
    assert principal_parts == schedule.principal
    assert rows[-1].balance_after.is_zero()
    assert schedule.total_interest == interests
    assert schedule.total_paid == payments == schedule.principal + schedule.total_interest
    assert all(row.payment.is_positive() for row in rows)
    assert all(row.principal.amount >= 0 and row.interest.amount >= 0 for row in rows)
    assert all(a.due_date < b.due_date for a, b in pairwise(rows))
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))

    rate = oracle_rate(schedule)
    count = len(rows)
    owed = schedule.principal.minor
    if schedule.method is Method.EQUAL_PRINCIPAL or rate == 0:
        regular = oracle_round(Fraction(owed, count))
    else:
        regular = oracle_round(owed * rate / (1 - (1 + rate) ** -count))
    balance = owed
    for row in rows:
        assert row.interest.minor == oracle_round(balance * rate)
        assert row.payment == row.principal + row.interest
        if row.number < count:
            expected = regular if schedule.method is Method.EQUAL_PRINCIPAL or rate == 0 else None
            if expected is None:
                assert row.payment.minor == regular
            else:
                assert row.principal.minor == expected
        balance -= row.principal.minor
        assert row.balance_after.minor == balance


# the worked example and fixed cases --------------------------------------------------------


def test_the_issue_example_first_instalment() -> None:
    schedule = build_schedule(terms(), today=TODAY)
    first = schedule.instalments[0].to_dict()
    assert first == {
        "number": 1,
        "due_date": "2027-01-15",
        "payment": "916.80",
        "principal": "766.80",
        "interest": "150.00",
        "balance_after": "9233.20",
    }
    assert schedule.count == 12
    assert schedule.total_paid.wire() == "11001.61"
    assert schedule.total_interest.wire() == "1001.61"
    # The last instalment absorbs the rounding of the eleven before it.
    assert schedule.instalments[-1].payment.wire() == "916.81"
    assert schedule.largest_payment.wire() == "916.81"
    assert schedule.first_due == date(2027, 1, 15)
    assert schedule.last_due == date(2027, 12, 15)
    assert_schedule_invariants(schedule)


def test_json_shape_is_exactly_the_issues() -> None:
    data = build_schedule(terms(), today=TODAY).to_dict()
    assert list(data) == ["currency", "principal", "schedule", "total_paid", "total_interest"]
    assert data["currency"] == "CNY"
    assert data["principal"] == "10000.00"


def test_equal_principal_pays_the_same_principal_and_falling_interest() -> None:
    schedule = build_schedule(terms("12000", method=Method.EQUAL_PRINCIPAL), today=TODAY)
    assert {row.principal.wire() for row in schedule.instalments} == {"1000.00"}
    assert schedule.instalments[0].payment.wire() == "1180.00"
    assert schedule.instalments[-1].payment.wire() == "1015.00"
    assert schedule.total_interest.wire() == "1170.00"
    assert_schedule_invariants(schedule)


@pytest.mark.parametrize("method", list(Method))
def test_zero_rate_splits_evenly_and_the_last_absorbs_the_remainder(method: Method) -> None:
    schedule = build_schedule(terms("100", "0", 3, method=method), today=TODAY)
    assert [row.payment.wire() for row in schedule.instalments] == ["33.33", "33.33", "33.34"]
    assert schedule.total_interest.is_zero()


def test_one_instalment_is_principal_plus_one_period_of_interest() -> None:
    schedule = build_schedule(terms("1000", "12", 1), today=TODAY)
    assert schedule.instalments[0].payment.wire() == "1010.00"


def test_rounding_is_exact_on_a_half() -> None:
    # 26.00 × 1 % ÷ 52 is exactly 0.005: half-up makes it 0.01 (finite-precision
    # division would make it 0.00499… and round it away).
    schedule = build_schedule(
        terms("26", "1", 2, Frequency.WEEKLY, method=Method.EQUAL_PRINCIPAL), today=TODAY
    )
    assert schedule.instalments[0].interest.wire() == "0.01"


def test_zero_decimal_currency() -> None:
    schedule = build_schedule(terms("100000", "6", 12, currency="JPY"), today=TODAY)
    assert schedule.to_dict()["schedule"][0]["payment"] == "8607"
    assert_schedule_invariants(schedule)


def test_down_payment_is_taken_before_amortising() -> None:
    schedule = build_schedule(terms(down_payment="2000"), today=TODAY)
    assert schedule.principal.wire() == "8000.00"
    assert schedule.down_payment.wire() == "2000.00"
    assert schedule.customer_total == schedule.total_paid + schedule.down_payment
    data = schedule.to_dict()
    assert list(data) == [
        "currency",
        "principal",
        "down_payment",
        "schedule",
        "total_paid",
        "total_interest",
    ]
    assert_schedule_invariants(schedule)


def test_a_zero_down_payment_is_no_down_payment() -> None:
    schedule = build_schedule(terms(down_payment="0"), today=TODAY)
    assert schedule.principal.wire() == "10000.00"
    assert "down_payment" not in schedule.to_dict()


def test_first_due_today_is_allowed_and_today_defaults_to_the_real_date() -> None:
    schedule = build_schedule(terms(first_due=date.today()))
    assert schedule.first_due == date.today()
    with pytest.raises(PlanError, match="in the past"):
        build_schedule(terms(first_due=date.today() - timedelta(days=1)))


# due dates -----------------------------------------------------------------------------


def test_monthly_dates_keep_the_day_clamped_to_month_end() -> None:
    dates = due_dates(date(2027, 1, 31), Frequency.MONTHLY, 4)
    assert dates == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    assert nth_due_date(date(2027, 12, 31), Frequency.MONTHLY, 2) == date(2028, 2, 29)
    assert nth_due_date(date(2027, 11, 15), Frequency.MONTHLY, 14) == date(2029, 1, 15)


def test_weekly_and_fortnightly_step_by_days() -> None:
    assert due_dates(date(2027, 1, 1), Frequency.WEEKLY, 3) == [
        date(2027, 1, 1),
        date(2027, 1, 8),
        date(2027, 1, 15),
    ]
    assert due_dates(date(2027, 1, 1), Frequency.FORTNIGHTLY, 2, start=1) == [
        date(2027, 1, 15),
        date(2027, 1, 29),
    ]
    assert [f.periods_per_year for f in Frequency] == [52, 26, 12]


@pytest.mark.parametrize("frequency", list(Frequency))
def test_a_plan_past_the_calendar_is_refused(frequency: Frequency) -> None:
    with pytest.raises(PlanError, match="past the year 9999") as caught:
        build_schedule(terms(count=600, frequency=frequency, first_due=date(9999, 1, 1)))
    assert caught.value.field == "first_due"


@given(
    first_due=st.dates(date(2026, 1, 1), date(2100, 12, 31)),
    count=st.integers(1, 60),
)
def test_monthly_dates_property(first_due: date, count: int) -> None:
    dates = due_dates(first_due, Frequency.MONTHLY, count)
    assert all(a < b for a, b in pairwise(dates))
    for index, due in enumerate(dates):
        months = first_due.year * 12 + first_due.month - 1 + index
        year, month_index = divmod(months, 12)
        assert (due.year, due.month) == (year, month_index + 1)
        assert due.day == first_due.day or (due + timedelta(days=1)).day == 1


# bad input -----------------------------------------------------------------------------

BAD_TERMS = [
    (terms(principal="-100"), "principal", "more than zero"),
    (terms(principal="0"), "principal", "more than zero"),
    (terms(principal="1000000000000.01"), "principal", "larger than any plan"),
    (terms(count=0), "count", "at least one instalment"),
    (terms(count=601), "count", "at most 600"),
    (terms(rate="1000"), "annual_rate", "below 1000"),
    (terms(rate="-1"), "annual_rate", "cannot be negative"),
    (terms(rate="NaN"), "annual_rate", "number of percent"),
    (terms(first_due=date(2025, 12, 31)), "first_due", "in the past"),
    (terms(down_payment="10000"), "down_payment", "less than the principal"),
    (terms(down_payment="-1"), "down_payment", "cannot be negative"),
]


@pytest.mark.parametrize(("bad", "field", "words"), BAD_TERMS)
def test_bad_terms_are_refused_with_a_readable_message(
    bad: InstalmentTerms, field: str, words: str
) -> None:
    with pytest.raises(PlanError, match=words) as caught:
        build_schedule(bad, today=TODAY)
    assert caught.value.field == field
    assert caught.value.message == str(caught.value)


def test_down_payment_in_another_currency_is_refused() -> None:
    bad = InstalmentTerms(
        Money.of("100", "CNY"),
        Decimal(5),
        3,
        Frequency.MONTHLY,
        date(2027, 1, 1),
        down_payment=Money.of("10", "USD"),
    )
    with pytest.raises(PlanError, match="in USD but the plan is in CNY"):
        build_schedule(bad, today=TODAY)


def test_amount_too_small_for_the_count_is_refused() -> None:
    with pytest.raises(PlanError, match="round to nothing") as caught:
        build_schedule(terms("1", "0", 600), today=TODAY)
    assert caught.value.field == "count"
    # 3.00 / 200 = 0.015 rounds up to 0.02; 199 of those already exceed 3.00.
    with pytest.raises(PlanError, match="pay it off before the last"):
        build_schedule(terms("3", "0", 200), today=TODAY)


# properties ----------------------------------------------------------------------------

currencies = st.sampled_from(["CNY", "USD", "JPY"])


def rates(max_rate: Decimal) -> st.SearchStrategy[Decimal]:
    # Zero is its own formula (an even split), so it is drawn on purpose, not by luck.
    return st.one_of(st.just(Decimal(0)), st.decimals(min_value=0, max_value=max_rate, places=2))


@st.composite
def any_terms(
    draw: st.DrawFn, max_rate: Decimal = Decimal("999.99"), max_count: int = 600
) -> InstalmentTerms:
    currency = draw(currencies)
    principal = Money.from_minor(draw(st.integers(100_000, 10**11)), currency)
    down = draw(st.one_of(st.none(), st.integers(0, principal.minor - 1)))
    return InstalmentTerms(
        principal=principal,
        annual_rate=draw(rates(max_rate)),
        count=draw(st.integers(1, max_count)),
        frequency=draw(st.sampled_from(Frequency)),
        first_due=draw(st.dates(TODAY, date(2060, 12, 31))),
        method=draw(st.sampled_from(Method)),
        down_payment=None if down is None else Money.from_minor(down, currency),
    )


def build_or_refusal(plan: InstalmentTerms) -> tuple[Schedule | None, PlanError | None]:
    try:
        return build_schedule(plan, today=TODAY), None
    except PlanError as exc:
        return None, exc


@given(any_terms())
def test_every_schedule_keeps_its_invariants(plan: InstalmentTerms) -> None:
    schedule, refusal = build_or_refusal(plan)
    if refusal is not None:
        # Only rounding on extreme terms (a tiny financed amount, a high rate over hundreds
        # of periods) may refuse; the refusal names the count as the thing to change.
        assert refusal.field == "count"
        event("refused: too small for the count")
        reject()
    assert schedule is not None
    assert schedule.count == plan.count
    assert schedule.first_due == plan.first_due
    assert schedule.principal + schedule.down_payment == plan.principal
    assert_schedule_invariants(schedule)


@given(
    st.builds(
        InstalmentTerms,
        principal=st.integers(100_000, 10**9).map(lambda minor: Money.from_minor(minor, "CNY")),
        annual_rate=st.decimals(min_value=0, max_value=36, places=2),
        count=st.integers(1, 120),
        frequency=st.sampled_from(Frequency),
        first_due=st.dates(TODAY, date(2040, 12, 31)),
        method=st.sampled_from(Method),
    )
)
def test_ordinary_terms_are_never_refused(plan: InstalmentTerms) -> None:
    assert_schedule_invariants(build_schedule(plan, today=TODAY))


@given(st.fractions(), st.integers(-(10**6), 10**6))
def test_round_half_up_matches_the_decimal_rule(value: Fraction, scale: int) -> None:
    value = value * scale
    sign = -1 if value < 0 else 1
    assert round_half_up(value) == sign * oracle_round(abs(value))
