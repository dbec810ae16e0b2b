"""Deadlines in the customer's calendar: a pack's periods (calendar or business days) from a
day of receipt, a complaint's deadlines and extensions, and how urgent a deadline is today.

Days are the customer's local days (the caller turns an instant into one with the customer's
zone). A period of N business days ends on the N-th business day after the start day (the
start day itself never counts: "by the end of the third business day after receipt"); N
calendar days end on ``start + N``. The pack's ``[calendar]`` says which weekdays are the
weekend and which days are holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.compliance.packs import (
    BusinessCalendar,
    ComplaintRules,
    Extension,
    Period,
    RulePack,
    load_packs,
)
from workstation.errors import WorkstationError
from workstation.resources import resource_dir
from workstation.text import Text

# a pack without a [complaints] table: 30 calendar days, no extension
DEFAULT_COMPLAINT_RULES = ComplaintRules(final=Period(30))
DUE_SOON_DAYS = 2  # "red when due within 2 days or overdue"


def local_day(moment: datetime, timezone: str) -> date:
    """The customer's day at ``moment`` (an unknown zone reads as UTC)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).date()


def is_business_day(day: date, calendar: BusinessCalendar) -> bool:
    return day.isoweekday() not in calendar.weekend and day not in calendar.holidays


def add_period(start: date, period: Period, calendar: BusinessCalendar) -> date:
    """The last day of ``period`` counted from ``start`` (exclusive)."""
    if period.count != "business":
        return start + timedelta(days=period.days)
    day, left = start, period.days
    while left:
        day += timedelta(days=1)
        if is_business_day(day, calendar):
            left -= 1
    return day


class DeadlineError(WorkstationError, ValueError):
    """A deadline that cannot be set (no extension left, an unusable calendar)."""

    summary = Text("This deadline cannot be set", "无法设定该期限")


def complaint_rules(pack: RulePack | None) -> ComplaintRules:
    return pack.complaints if pack is not None and pack.complaints else DEFAULT_COMPLAINT_RULES


@dataclass(frozen=True, slots=True)
class ComplaintDeadlines:
    """A complaint's deadlines from its day of receipt (``None``: the pack sets none)."""

    received_on: date
    acknowledge_by: date | None
    summary_by: date | None
    final_by: date


def complaint_deadlines(pack: RulePack | None, received_on: date) -> ComplaintDeadlines:
    rules = complaint_rules(pack)
    calendar = pack.calendar if pack is not None else BusinessCalendar()

    def by(period: Period | None) -> date | None:
        return None if period is None else add_period(received_on, period, calendar)

    return ComplaintDeadlines(
        received_on,
        by(rules.acknowledge),
        by(rules.summary),
        add_period(received_on, rules.final, calendar),
    )


def next_extension(pack: RulePack | None, used: int) -> Extension:
    """The extension a complaint that has had ``used`` extensions may take next."""
    rules = complaint_rules(pack)
    if not rules.extensions:
        raise DeadlineError(
            "this customer's rule pack allows no extension of a complaint's deadline",
            zh="该客户适用的规则包不允许延长投诉处理期限",
        )
    if used >= len(rules.extensions):
        raise DeadlineError(
            f"every extension the rule pack allows ({len(rules.extensions)}) has been used",
            zh=f"规则包允许的延期（{len(rules.extensions)} 次）已全部用完",
        )
    return rules.extensions[used]


def extended(due_on: date, extension: Extension) -> date:
    """The final deadline after ``extension`` (counted in calendar days from the old one)."""
    return due_on + timedelta(days=extension.days)


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"  # within DUE_SOON_DAYS
    ON_TIME = "on_time"


def urgency(due_on: date | None, today: date) -> Urgency:
    """How a deadline stands on ``today`` (the customer's local day)."""
    if due_on is None:
        return Urgency.ON_TIME
    if today > due_on:
        return Urgency.OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return Urgency.DUE_SOON
    return Urgency.ON_TIME


@cache
def _packs_by_key() -> dict[str, RulePack]:
    out: dict[str, RulePack] = {}
    for pack in load_packs(resource_dir("rules")).values():
        for key in (pack.id, *pack.jurisdictions):
            out[key.strip().casefold()] = pack
    return out


def pack_for_jurisdiction(jurisdiction: str) -> RulePack | None:
    """The shipped pack serving ``jurisdiction`` (a pack id or a listed code), if any."""
    return _packs_by_key().get(jurisdiction.strip().casefold())
