"""The period a report is asked for (``from`` / ``to`` query days), checked once.

A period lies within the years a report can mean (``REPORT_WINDOW`` around the server's
today), starts no later than it ends and spans at most ``max_days``: days near year 1 or
9999 once overflowed the day arithmetic behind ``/team/kpis`` and answered 500 (issue 20).
"""

from __future__ import annotations

from datetime import date, timedelta

from workstation.contract.codec import Window
from workstation.server.errors import ApiError

REPORT_WINDOW = Window(past=3660, future=366)  # ten years of history, a year of schedules


def report_period(
    start: date | None,
    end: date | None,
    *,
    today: date,
    default_days: int,
    max_days: int = 400,
) -> tuple[date, date]:
    """``[start, end]`` with the defaults filled in (``end``: today; ``start``:
    ``default_days`` before ``end``), or a 422 saying what is wrong with it."""
    earliest = today - timedelta(days=REPORT_WINDOW.past)
    latest = today + timedelta(days=REPORT_WINDOW.future)
    for name, day in (("from", start), ("to", end)):
        if day is not None and not earliest <= day <= latest:
            raise ApiError(
                422,
                "invalid_request",
                f"'{name}' must lie between {earliest.isoformat()} and {latest.isoformat()}",
            )
    end = end or today
    start = start or end - timedelta(days=default_days)
    if start > end:
        raise ApiError(422, "invalid_request", "'from' must not be after 'to'")
    if (end - start).days > max_days:
        raise ApiError(422, "invalid_request", f"a period may span at most {max_days} days")
    return start, end
