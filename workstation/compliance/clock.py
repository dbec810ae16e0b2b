"""The customer's local calendar around one instant (``Clock``), and calling hours.

One clock serves every decision for (timezone, instant): a queue refresh decides 100,000
accounts at one "now", so day boundaries, calling-hour verdicts and most reason texts are
computed once and memoised here (each cache bounded by ``CACHE_LIMIT``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.compliance import texts
from workstation.compliance.decision import (
    NO_TIME_LIMIT,
    OUTSIDE_CALLING_HOURS,
    WITHIN_CALLING_HOURS,
    Reason,
)
from workstation.compliance.packs import RulePackError, clock_text
from workstation.compliance.plan import Plan

CACHE_LIMIT = 512  # entries per memo before it starts again (read at each miss: tests lower it)
FOREVER = datetime.max.replace(tzinfo=UTC)

Block = tuple[Reason, datetime | None]  # a blocking reason and when it clears (None: never)


@cache
def zone_of(key: str) -> tzinfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise RulePackError(f"unknown IANA timezone {key!r}") from None


def wall_to_utc(zone: tzinfo, day: date, minutes: int) -> datetime:
    """A local wall-clock time as a UTC instant (a time skipped by DST maps to the jump)."""
    wall = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return wall.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class HoursVerdict:
    """Calling hours for one plan at one instant, with its reasons already worded."""

    open_until: datetime | None  # end of the open window; None when closed now
    next_open: datetime
    blocked: Reason | None
    info: tuple[Reason, ...]


class Clock:
    """The customer's local calendar around one instant, with memoised boundaries and words.

    One clock serves every decision for (timezone, instant): a queue refresh decides
    100,000 accounts at one "now", so day boundaries, hour verdicts and most reason texts
    are computed once.
    """

    __slots__ = (
        "_day_starts",
        "_hold_blocks",
        "_limit_reasons",
        "_midnights",
        "_moments",
        "_next_opens",
        "at",
        "minute",
        "today",
        "verdicts",
        "zone",
    )

    def __init__(self, zone: tzinfo, at: datetime) -> None:
        local = at.astimezone(zone)
        self.zone = zone
        self.at = at
        self.today = local.date()
        self.minute = local.hour * 60 + local.minute
        self._day_starts: dict[int, datetime] = {}
        self.verdicts: dict[int, HoursVerdict] = {}  # by plan serial
        self._moments: dict[datetime, tuple[str, str]] = {}
        self._next_opens: dict[tuple[tuple[int, int], datetime], datetime] = {}
        self._limit_reasons: dict[tuple[int, int, date, date], Block] = {}
        self._midnights: dict[date, datetime] = {}
        self._hold_blocks: dict[tuple[int, str, datetime | None], Block] = {}

    def window_start(self, days: int) -> datetime:
        """UTC start of the window of ``days`` local days ending today (today is day one)."""
        start = self._day_starts.get(days)
        if start is None:
            start = wall_to_utc(self.zone, self.today - timedelta(days=days - 1), 0)
            self._day_starts[days] = start
        return start

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def day_start(self, day: date) -> datetime:
        start = self._midnights.get(day)
        if start is None:
            if len(self._midnights) >= CACHE_LIMIT:
                self._midnights.clear()
            start = self._midnights[day] = wall_to_utc(self.zone, day, 0)
        return start

    def next_open(self, window: tuple[int, int] | None, instant: datetime) -> datetime:
        """The earliest instant ≥ ``instant`` (and not before now) inside ``window``."""
        if window is None:
            return instant
        key = (window, instant)
        found = self._next_opens.get(key)
        if found is None:
            if len(self._next_opens) >= CACHE_LIMIT:
                self._next_opens.clear()
            found = self._next_open(window, instant)
            self._next_opens[key] = found
        return found

    def _next_open(self, window: tuple[int, int], instant: datetime) -> datetime:
        local = max(instant, self.at).astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        start, end = window
        if start <= minute < end:
            return max(instant, self.at)
        day = local.date() if minute < start else local.date() + timedelta(days=1)
        return wall_to_utc(self.zone, day, start)

    def moment(self, instant: datetime) -> tuple[str, str]:
        text = self._moments.get(instant)
        if text is None:
            text = texts.moment_text(instant, self.zone, self.today)
            self._moments[instant] = text
        return text

    def verdict(self, plan: Plan) -> HoursVerdict:
        verdict = self.verdicts.get(plan.serial)
        if verdict is None:
            verdict = self.verdicts[plan.serial] = self._hours_verdict(plan)
        return verdict

    def _hours_verdict(self, plan: Plan) -> HoursVerdict:
        channel = plan.channel
        verb_en, verb_zh = texts.VERB_EN[channel], texts.VERB_ZH[channel]
        if plan.hours is None:
            info = Reason(
                NO_TIME_LIMIT,
                f"May {verb_en} now (no time-of-day limit)",
                f"现在可以{verb_zh}（无时段限制）",
                blocking=False,
            )
            return HoursVerdict(None, self.at, None, (info, *plan.info))
        start, end = plan.hours
        start_text, end_text = clock_text(start), clock_text(end)
        if start <= self.minute < end:
            info = Reason(
                WITHIN_CALLING_HOURS,
                f"May {verb_en} now until {end_text} local time",
                f"现在可以{verb_zh}，当地时间{end_text}前",
                blocking=False,
            )
            open_until = wall_to_utc(self.zone, self.today, end)
            return HoursVerdict(open_until, self.at, None, (info, *plan.info))
        next_open = self.next_open(plan.hours, self.at)
        when_en, when_zh = self.moment(next_open)
        now = clock_text(self.minute)
        blocked = Reason(
            OUTSIDE_CALLING_HOURS,
            f"Outside contact hours for {texts.CHANNEL_EN[channel]} ({start_text}–{end_text} "
            f"customer's local time; now {now} there) — blocked until {when_en} local time",
            f"{texts.CHANNEL_ZH[channel]}不在可联系时段（客户当地时间{start_text}–{end_text}，"
            f"当地现在{now}）— 当地时间{when_zh}前不可联系",
            until=next_open,
        )
        return HoursVerdict(None, next_open, blocked, ())

    def limit_reason(self, key: tuple[int, int, date, date]) -> Block | None:
        return self._limit_reasons.get(key)

    def keep_limit_reason(self, key: tuple[int, int, date, date], block: Block) -> None:
        if len(self._limit_reasons) >= CACHE_LIMIT:
            self._limit_reasons.clear()
        self._limit_reasons[key] = block

    def hold_block(self, key: tuple[int, str, datetime | None]) -> Block | None:
        return self._hold_blocks.get(key)

    def keep_hold_block(self, key: tuple[int, str, datetime | None], block: Block) -> None:
        if len(self._hold_blocks) >= CACHE_LIMIT:
            self._hold_blocks.clear()
        self._hold_blocks[key] = block
