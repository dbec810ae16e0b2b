"""Column types the local store needs that SQLite lacks: aware UTC instants, exact decimals.

SQLite has no time zone and no decimal type. ``UTCDateTime`` refuses naive datetimes on the
way in and stores fixed-width UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``), which sorts
correctly, is understood by SQLite's date functions, and comes back as an aware UTC
``datetime``. ``DecimalText`` keeps a ``Decimal`` exact as its string form (scores, rates,
coordinates — never money, which is integer minor units).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

STORAGE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # what to_storage writes


def to_storage(value: datetime) -> str:
    """The stored text of an aware instant (raises on a naive one)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the store only accepts aware UTC instants")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def from_storage(value: str) -> datetime:
    """An aware UTC datetime from stored text (also accepts ISO text with an offset)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    impl = String(26)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else to_storage(value)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        return None if value is None else from_storage(str(value))


class DecimalText(TypeDecorator[Decimal]):
    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        raw: object = value
        if isinstance(raw, float):
            raise TypeError("floats are not stored as decimals; pass a Decimal")
        return str(Decimal(value))

    def process_result_value(self, value: Any | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))
