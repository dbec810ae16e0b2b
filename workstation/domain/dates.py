"""Calendar words in English and Simplified Chinese, written without locale or ``strftime``.

Compliance reasons, queue reasons, documents and messages all say dates to people; they share
these so "Thursday" and "周四" read the same everywhere, and so rendering 100,000 queue
reasons stays cheap (no locale machinery).
"""

from __future__ import annotations

from datetime import date

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date_en(day: date) -> str:
    """``15 March 2025``."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def long_date_zh(day: date) -> str:
    """``2025年3月15日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_text(day: date, today: date) -> tuple[str, str]:
    """A local date relative to ``today``: 'today', 'tomorrow', 'Thursday', 'Thu 12 Mar'."""
    delta = (day - today).days
    if delta == 0:
        return "today", "今天"
    if delta == 1:
        return "tomorrow", "明天"
    if delta == -1:
        return "yesterday", "昨天"
    weekday = day.weekday()
    if 2 <= delta <= 6:
        return WEEKDAYS_EN[weekday], WEEKDAYS_ZH[weekday]
    year_en = f" {day.year}" if day.year != today.year else ""
    year_zh = f"{day.year}年" if day.year != today.year else ""
    return (
        f"{WEEKDAYS_EN[weekday][:3]} {day.day} {MONTHS_EN[day.month - 1][:3]}{year_en}",
        f"{year_zh}{day.month}月{day.day}日（{WEEKDAYS_ZH[weekday]}）",
    )
