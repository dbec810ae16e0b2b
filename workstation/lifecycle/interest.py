"""Interest on an account: what a month adds, and in what form SQL can add it exactly.

Simple interest at the account's nominal annual rate (percent a year, ``Account.annual_rate``)
on its balance, for the days of a month on which it accrued: ``balance × rate/100 × days /
365``, rounded half up to the minor unit. Days on which a hold froze the interest (hardship,
breathing space) or the account's status did (an agreed plan fixes what is owed) do not
count (``holds.interest_frozen``). The server posts a month's interest on the first day of the
next, set-based: ``rate_fraction`` turns the rate into the integers its UPDATE uses, and
``monthly_interest`` is the same arithmetic in Python (the tests hold them to each other).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

DAYS_A_YEAR = 365


def rate_fraction(annual_rate: str | Decimal) -> tuple[int, int] | None:
    """``(numerator, denominator)`` of the rate in percent a year; ``None`` for no interest
    (zero, negative or unreadable)."""
    try:
        rate = Fraction(Decimal(str(annual_rate)))
    except (InvalidOperation, ValueError):
        return None
    if rate <= 0:
        return None
    return rate.numerator, rate.denominator


def monthly_interest(balance_minor: int, annual_rate: str | Decimal, days: int) -> int:
    """Interest in minor units on ``balance_minor`` for ``days`` days (half up)."""
    fraction = rate_fraction(annual_rate)
    if fraction is None or days <= 0 or balance_minor <= 0:
        return 0
    num, den = fraction
    scale = den * 100 * DAYS_A_YEAR
    return (2 * balance_minor * num * days + scale) // (2 * scale)
