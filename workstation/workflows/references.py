"""A complaint's human-readable reference: ``CP-2027-000123``, read to the customer and
printed on every letter. The number counts per year of receipt; the server hands them out
(``server.complaints.store.next_reference``) so they are unique across its processes."""

from __future__ import annotations

import re

PREFIX = "CP"
_PATTERN = re.compile(r"^CP-(\d{4})-(\d{6,})$")


def complaint_reference(year: int, number: int) -> str:
    if not (number >= 1 and 1000 <= year <= 9999):
        raise ValueError(f"no reference for year {year}, number {number}")
    return f"{PREFIX}-{year:04d}-{number:06d}"


def parse_reference(text: str) -> tuple[int, int] | None:
    """``(year, number)`` of a reference as typed (spaces and case forgiven), else None."""
    match = _PATTERN.match(text.strip().upper().replace(" ", ""))
    return (int(match[1]), int(match[2])) if match else None
