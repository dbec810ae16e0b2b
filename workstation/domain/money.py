"""Money: an exact Decimal amount in one currency, stored as integer minor units.

No float ever touches money. Rounding is half-up to the currency's minor unit, which is what
customers see on a statement and what the calculators promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from workstation.errors import WorkstationError
from workstation.text import Text

MINOR_DIGITS: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "GBP": 2,
    "EUR": 2,
    "HKD": 2,
    "JPY": 0,
}

CURRENCY_SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "USD": "$",
    "GBP": "£",
    "EUR": "€",
    "HKD": "HK$",
    "JPY": "¥",
}


class MoneyError(WorkstationError, ValueError):
    """An amount or currency that money code cannot accept."""

    summary = Text("That amount is not valid", "金额无效")


def minor_digits(currency: str) -> int:
    try:
        return MINOR_DIGITS[currency]
    except KeyError:
        raise MoneyError(f"unsupported currency {currency!r}") from None


def quantum(currency: str) -> Decimal:
    found = _QUANTA.get(currency)
    if found is None:
        found = _QUANTA[currency] = Decimal(1).scaleb(-minor_digits(currency))
    return found


_QUANTA: dict[str, Decimal] = {}


def round_money(value: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return value.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def _refuse_float(value: object) -> None:
    """Typing already forbids floats; this guards callers that bypass it (JSON, tests)."""
    if isinstance(value, float):
        raise MoneyError("floats are not accepted for money")


def parse_amount(text: str | int | Decimal, currency: str, *, strict: bool = True) -> Decimal:
    """Parse a wire/user amount. With ``strict`` more decimals than the currency has is an error."""
    _refuse_float(text)
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise MoneyError(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise MoneyError(f"{text!r} is not an amount")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if strict and -exponent > minor_digits(currency):
        raise MoneyError(
            f"{text} has more decimals than {currency} allows ({minor_digits(currency)})"
        )
    return round_money(value, currency)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        _refuse_float(self.amount)
        object.__setattr__(self, "amount", round_money(Decimal(self.amount), self.currency))

    # construction -----------------------------------------------------------------------
    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(parse_amount(amount, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        # the store's hot path (five amounts an account): an integer scaled by the currency's
        # digits is already exact to the minor unit, so the rounding in __init__ is skipped
        if not isinstance(minor, int):
            raise MoneyError(f"minor units must be a whole number, got {minor!r}")
        money = object.__new__(cls)
        object.__setattr__(money, "amount", Decimal(minor).scaleb(-minor_digits(currency)))
        object.__setattr__(money, "currency", currency)
        return money

    # views ------------------------------------------------------------------------------
    @property
    def minor(self) -> int:
        """Integer minor units, what the database stores."""
        return int(self.amount.scaleb(minor_digits(self.currency)))

    def wire(self) -> str:
        """The amount as sent on the wire: a string with exactly the currency's decimals."""
        return f"{self.amount:.{minor_digits(self.currency)}f}"

    def format(self, *, symbol: bool = True) -> str:
        """Human display with grouping, e.g. ``¥1,200.00``."""
        digits = minor_digits(self.currency)
        sign = "-" if self.amount < 0 else ""
        body = f"{abs(self.amount):,.{digits}f}"
        prefix = CURRENCY_SYMBOLS.get(self.currency, self.currency + " ") if symbol else ""
        return f"{sign}{prefix}{body}"

    def __str__(self) -> str:
        return f"{self.wire()} {self.currency}"

    # arithmetic -------------------------------------------------------------------------
    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, factor: Decimal | int) -> Money:
        """Multiply and round half-up to the minor unit."""
        _refuse_float(factor)
        return Money(self.amount * Decimal(factor), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.amount >= other.amount

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_positive(self) -> bool:
        return self.amount > 0
