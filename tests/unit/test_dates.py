"""Dates said to people read the same in compliance, queue, documents and messages."""

from __future__ import annotations

from datetime import date

import pytest

from workstation.domain.dates import day_text, long_date_en, long_date_zh

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 26), ("today", "今天")),
        (date(2026, 11, 27), ("tomorrow", "明天")),
        (date(2026, 11, 25), ("yesterday", "昨天")),
        (date(2026, 11, 30), ("Monday", "周一")),
        (date(2026, 12, 10), ("Thu 10 Dec", "12月10日（周四）")),
        (date(2027, 1, 4), ("Mon 4 Jan 2027", "2027年1月4日（周一）")),
    ],
)
def test_day_text_is_relative_and_bilingual(day: date, expected: tuple[str, str]) -> None:
    assert day_text(day, TODAY) == expected


def test_long_dates() -> None:
    assert long_date_en(date(2025, 3, 15)) == "15 March 2025"
    assert long_date_zh(date(2025, 3, 15)) == "2025年3月15日"
