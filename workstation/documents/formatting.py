"""How figures are written on documents: money, dates, rates, percentages.

Money is always ``Money.format()`` (the calculator's exact amount, grouped, with the
currency's symbol) and due dates always ISO 8601 (``2025-03-15``), so what the customer reads
is character for character what the calculator produced and the tests can find it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workstation.documents.canonical import decimal_text
from workstation.domain.money import Money


def money(amount: Money) -> str:
    return amount.format()


def day(value: date) -> str:
    return value.isoformat()


def percent(value: Decimal) -> str:
    return f"{decimal_text(value)} %"
