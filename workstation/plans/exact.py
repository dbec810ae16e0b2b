"""Exact rounding for the calculators: amounts as integer minor units, ratios as fractions.

Why not plain Decimal arithmetic: a Decimal context has finite precision, so a product that
is exactly on a half (26.00 × 1 % ÷ 52 weeks is exactly 0.005) can come out as 0.00499…9 and
round the wrong way. Here every rounded amount is an exact fraction of minor units rounded
half-up once (the same rule as ``round_money``), then handed back as a ``Money`` (Decimal).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from workstation.domain.money import Money


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (ROUND_HALF_UP)."""
    numerator, denominator = value.numerator, value.denominator  # denominator > 0
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((-2 * numerator + denominator) // (2 * denominator))


def money(minor: int, currency: str) -> Money:
    return Money.from_minor(minor, currency)


def percent_of(amount_minor: int, percent: Decimal | Fraction) -> int:
    """round(amount × percent / 100), in minor units."""
    return round_half_up(amount_minor * Fraction(percent) / 100)


def periodic_rate(annual_rate: Decimal, periods_per_year: int) -> Fraction:
    """r = annual rate / 100 / periods a year, exactly."""
    return Fraction(annual_rate) / (100 * periods_per_year)


def interest(balance_minor: int, rate: Fraction) -> int:
    """round(balance × r) in minor units; the hot loop, so plain integers."""
    numerator, denominator = rate.numerator, rate.denominator
    return (2 * balance_minor * numerator + denominator) // (2 * denominator)
