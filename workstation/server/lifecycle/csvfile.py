"""Reading a bank's CSV file whole, with every problem named by the file's own line number.

The import commands (payments, placements, recall) share this: the file is decoded as UTF-8
(a byte-order mark is allowed), the header row is line 1 and must hold every required
column (and nothing unknown, so a misspelt optional column is caught rather than silently
ignored), each later record keeps the line it *starts* on (a quoted field may span lines),
blank lines are skipped. Field parsers append to one error list instead of raising, so a
single pass reports every bad line (the habit of ``pandera`` / ``frictionless``); the import
writes nothing unless that list is empty.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from workstation.domain.money import MoneyError, minor_digits, parse_amount
from workstation.errors import WorkstationError
from workstation.text import Text

# a bank reference: printable, no spaces at the ends, no control characters
_REF = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
_AMOUNT = re.compile(r"^\d{1,15}(\.\d{1,6})?$")
# the largest single amount a line may carry (in major units): far above any real payment or
# balance, far below what would let a few thousand lines overflow a 64-bit sum of minor units
MAX_AMOUNT = Decimal(1_000_000_000)


@dataclass(frozen=True, slots=True, order=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class FileRejected(WorkstationError, ValueError):
    """The file was not imported; ``errors`` lists every bad line (sorted by line)."""

    summary = Text("The file was refused; nothing was imported", "文件被拒绝，未导入任何内容")

    def __init__(self, errors: Sequence[LineError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(slots=True)
class Record:
    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


@dataclass
class CsvFile:
    """The records of one file and the problems found so far (``errors``)."""

    columns: list[str]
    records: list[Record]
    errors: list[LineError] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append(LineError(line, message))

    def check(self) -> None:
        if self.errors:
            raise FileRejected(self.errors)

    # -- field parsers: each returns None (and notes the error) when the value is bad --

    def ref(self, record: Record, name: str, *, required: bool = True) -> str | None:
        value = record.get(name)
        if not value:
            if required:
                self.error(record.line, f"{name} is empty")
            return None
        if not _REF.match(value):
            self.error(record.line, f"{name} {value[:70]!r} is not a reference (1-64 characters)")
            return None
        return value

    def text(self, record: Record, name: str, limit: int, *, required: bool = False) -> str | None:
        value = record.get(name)
        if not value:
            if required:
                self.error(record.line, f"{name} is empty")
            return None
        if len(value) > limit or any(ord(ch) < 32 for ch in value):
            self.error(record.line, f"{name} must be at most {limit} printable characters")
            return None
        return value

    def token(self, record: Record, name: str) -> str | None:
        """An optional code such as a payment method (letters, digits, ``_.-``)."""
        value = record.get(name)
        if not value:
            return None
        if not _TOKEN.match(value):
            self.error(record.line, f"{name} {value[:40]!r} must be a code such as bank_transfer")
            return None
        return value.lower()

    def currency(self, record: Record, name: str = "currency") -> str | None:
        value = record.get(name).upper()
        try:
            minor_digits(value)
        except MoneyError:
            self.error(record.line, f"{name} {record.get(name)[:10]!r} is not a supported currency")
            return None
        return value

    def money(
        self, record: Record, name: str, currency: str, *, positive: bool = False
    ) -> int | None:
        """An amount in ``currency`` as integer minor units (at most the currency's decimals)."""
        raw = record.get(name).replace(",", "")
        if not raw:
            self.error(record.line, f"{name} is empty")
            return None
        if not _AMOUNT.match(raw):
            self.error(record.line, f"{name} {raw[:30]!r} is not an amount such as 1200.50")
            return None
        try:
            amount = parse_amount(raw, currency, strict=True)
        except MoneyError:
            digits = minor_digits(currency)
            self.error(record.line, f"{name} {raw} has more than {digits} decimals for {currency}")
            return None
        if positive and amount <= 0:
            self.error(record.line, f"{name} must be more than zero")
            return None
        if amount > MAX_AMOUNT:
            self.error(record.line, f"{name} {raw} is more than {MAX_AMOUNT:,} {currency}")
            return None
        return int(amount.scaleb(minor_digits(currency)))

    def day(
        self,
        record: Record,
        name: str,
        *,
        earliest: date | None = None,
        latest: date | None = None,
        required: bool = True,
    ) -> date | None:
        raw = record.get(name)
        if not raw:
            if required:
                self.error(record.line, f"{name} is empty")
            return None
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            self.error(record.line, f"{name} {raw[:20]!r} is not a date YYYY-MM-DD")
            return None
        if len(raw) != 10:
            self.error(record.line, f"{name} {raw!r} is not a date YYYY-MM-DD")
            return None
        if earliest is not None and value < earliest:
            self.error(record.line, f"{name} {raw} is before {earliest.isoformat()}")
            return None
        if latest is not None and value > latest:
            self.error(record.line, f"{name} {raw} is after {latest.isoformat()}")
            return None
        return value

    def whole(self, record: Record, name: str, low: int, high: int) -> int | None:
        raw = record.get(name)
        if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
            self.error(record.line, f"{name} {raw[:20]!r} must be a whole number {low}-{high}")
            return None
        return int(raw)

    def decimal(self, record: Record, name: str, high: Decimal) -> Decimal | None:
        """An optional non-negative decimal such as an annual rate (percent)."""
        raw = record.get(name)
        if not raw:
            return None
        if not _AMOUNT.match(raw) or Decimal(raw) > high:
            self.error(record.line, f"{name} {raw[:20]!r} must be a number from 0 to {high}")
            return None
        return Decimal(raw)

    def unique(self, seen: dict[str, int], record: Record, name: str, value: str | None) -> bool:
        """False (and an error) when ``value`` already appeared in the file."""
        if value is None:
            return False
        first = seen.setdefault(value, record.line)
        if first != record.line:
            self.error(record.line, f"{name} {value} appears twice (first on line {first})")
            return False
        return True


def read(
    source: Path | str | bytes, required: Sequence[str], optional: Sequence[str] = ()
) -> CsvFile:
    """Decode and split the whole file; header problems raise ``FileRejected`` at once
    (nothing else can be read without the columns)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRejected([LineError(line, "not UTF-8 text (save the file as UTF-8)")]) from None
    rows = _records(text)
    header = next(rows, None)
    if header is None:
        raise FileRejected([LineError(1, "the file is empty; expected a header row")])
    _, names = header
    columns = [name.strip().lower() for name in names]
    problems: list[LineError] = []
    missing = [name for name in required if name not in columns]
    if missing:
        problems.append(LineError(1, f"missing column(s): {', '.join(missing)}"))
    known = set(required) | set(optional)
    unknown = [name for name in columns if name not in known]
    if unknown:
        problems.append(
            LineError(
                1,
                f"unknown column(s): {', '.join(repr(n) for n in unknown)}; "
                f"expected {', '.join(required)} and optionally {', '.join(optional) or 'nothing'}",
            )
        )
    doubled = sorted({name for name in columns if columns.count(name) > 1})
    if doubled:
        problems.append(LineError(1, f"column(s) named twice: {', '.join(doubled)}"))
    if problems:
        raise FileRejected(problems)
    result = CsvFile(columns, [])
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            result.error(line, f"{len(values)} fields, the header has {len(columns)}")
            continue
        result.records.append(Record(line, dict(zip(columns, values, strict=True))))
    return result


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, fields) for each CSV record, blank lines included."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for values in reader:
            yield start, values
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected([LineError(start, f"not valid CSV: {exc}")]) from None


def window(as_of: date, days_back: int, days_ahead: int = 1) -> tuple[date, date]:
    """The dates a business date in a file may take, around the day the import runs as."""
    return as_of - timedelta(days=days_back), as_of + timedelta(days=days_ahead)
