"""Money is exact: Decimal amounts, integer minor units, half-up rounding, no floats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.domain.money import Money, MoneyError, parse_amount, round_money


def test_wire_form_has_exactly_the_currency_decimals() -> None:
    assert Money.of("1234.5", "CNY").wire() == "1234.50"
    assert Money.of("7", "JPY").wire() == "7"
    assert Money.of("0.1", "USD").minor == 10


def test_half_up_rounding_to_minor_unit() -> None:
    assert round_money(Decimal("2.345"), "GBP") == Decimal("2.35")
    assert round_money(Decimal("-2.345"), "GBP") == Decimal("-2.35")
    assert Money.of("10", "CNY").times(Decimal("0.3333")).wire() == "3.33"


def test_strict_parsing_refuses_more_decimals_than_the_currency_has() -> None:
    with pytest.raises(MoneyError, match="more decimals"):
        parse_amount("10.005", "CNY")
    assert parse_amount("10.005", "CNY", strict=False) == Decimal("10.01")


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_non_amounts_are_refused(bad: str) -> None:
    with pytest.raises(MoneyError):
        parse_amount(bad, "USD")


def test_floats_are_refused() -> None:
    with pytest.raises(MoneyError):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money.of("1", "USD").times(0.5)  # type: ignore[arg-type]


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(MoneyError, match="unsupported currency"):
        Money.of("1", "XXX")


def test_currencies_never_mix() -> None:
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") + Money.of("1", "GBP")
    with pytest.raises(TypeError):
        _ = Money.of("1", "USD") + 1  # type: ignore[operator]
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") < Money.of("1", "CNY")


def test_display_format_groups_and_signs() -> None:
    assert Money.of("1200", "CNY").format() == "¥1,200.00"
    assert Money.of("-5.5", "GBP").format() == "-£5.50"
    assert Money.of("1200", "USD").format(symbol=False) == "1,200.00"


def test_comparisons_and_predicates() -> None:
    a, b = Money.of("1", "USD"), Money.of("2", "USD")
    assert a < b
    assert a <= b
    assert b > a
    assert b >= a
    assert (a - a).is_zero()
    assert b.is_positive()
    assert (-a).amount == Decimal("-1.00")
    assert str(a) == "1.00 USD"
    assert Money.zero("GBP").wire() == "0.00"


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["CNY", "USD", "JPY"]))
def test_minor_units_roundtrip_exactly(minor: int, currency: str) -> None:
    money = Money.from_minor(minor, currency)
    assert money.minor == minor
    assert Money.of(money.wire(), currency) == money


@given(st.lists(st.integers(min_value=0, max_value=10**12), max_size=50))
def test_sums_are_exact(minors: list[int]) -> None:
    total = Money.zero("CNY")
    for minor in minors:
        total = total + Money.from_minor(minor, "CNY")
    assert total.minor == sum(minors)


def test_from_minor_is_exact_and_refuses_fractions() -> None:
    assert Money.from_minor(123456, "CNY") == Money.of("1234.56", "CNY")
    assert str(Money.from_minor(-5, "USD").amount) == "-0.05"
    with pytest.raises(MoneyError, match="whole number"):
        Money.from_minor(1.5, "USD")  # type: ignore[arg-type]
