"""The value types the payloads are made of, with their wire limits, defined once.

The date windows bound every business date to what the business can mean by it (issue 20:
a promise due 9999-12-31 once stopped promise evaluation for everyone). They are checked
against the server's clock when a device pushes; data already stored is never re-judged.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from workstation.contract.codec import (
    ID_LENGTH,
    Amount,
    Chars,
    Check,
    Items,
    Range,
    Window,
)
from workstation.domain.money import MINOR_DIGITS

# --- windows (days before / after the server's today) -----------------------------------------

# when a fact happened: a field laptop may come back after weeks offline; a device clock a
# day or two fast is only warned about (DESIGN §5), further ahead is a wrong clock
OCCURRED_AT = Window(past=400, future=2)
# a promise is a short commitment: the desk allows 90 days ahead, the server the policy's year
PROMISE_HORIZON_DAYS = 366
PROMISE_DUE = Window(past=PROMISE_HORIZON_DAYS, future=PROMISE_HORIZON_DAYS)
CALLBACK_AT = Window(past=366, future=366)
PLAN_START = Window(past=366, future=366)
PLAN_LINE = Window(past=366, future=366 * 51)  # 600 monthly instalments at the most
SLA_DUE = Window(past=366, future=366)
FLAG_SINCE = Window(past=3660, future=2)
VERIFIED_ON = Window(past=36600, future=2)


def _currency(code: str) -> str | None:
    return None if code in MINOR_DIGITS else f"is not a supported currency ({code!r})"


Id = Annotated[str, Chars(ID_LENGTH, min_length=1)]
# an id of the customer's phone / e-mail / address record, or the number itself
ContactRef = Annotated[str, Chars(100)]
Code = Annotated[str, Chars(100)]
Label = Annotated[str, Chars(300)]
Note = Annotated[str, Chars()]
Reason = Annotated[str, Chars(200)]
CurrencyCode = Annotated[str, Chars(3, min_length=3), Check(_currency, "ISO 4217 code")]
Sha256 = Annotated[str, Chars(64, pattern="[0-9a-f]{64}")]
Instant = datetime
MoneyAmount = Annotated[Decimal, Amount()]
PositiveAmount = Annotated[Decimal, Amount(sign="positive")]
NonNegativeAmount = Annotated[Decimal, Amount(sign="non_negative")]
Codes = Annotated[tuple[Code, ...], Items(50)]
Day = date

__all__ = [
    "CALLBACK_AT",
    "FLAG_SINCE",
    "OCCURRED_AT",
    "PLAN_LINE",
    "PLAN_START",
    "PROMISE_DUE",
    "PROMISE_HORIZON_DAYS",
    "SLA_DUE",
    "VERIFIED_ON",
    "Code",
    "Codes",
    "ContactRef",
    "CurrencyCode",
    "Day",
    "Id",
    "Instant",
    "Label",
    "MoneyAmount",
    "NonNegativeAmount",
    "Note",
    "PositiveAmount",
    "Range",
    "Reason",
    "Sha256",
]
