"""Holds that end, and holds that freeze interest.

A flag hold with a duration in the customer's rule pack (hardship 30 days, UK breathing
space 60 days: ``compliance.packs``, ``[[hold]] duration_days``) lasts from the day it was
set (the ``flag_change`` event's ``since``, else its day) until ``since + duration_days``:
on that day it is over — the same boundary the contact engine uses (local midnight) — and
the daily run clears the flag with an event saying why. A flag without a duration lasts
until someone lifts it.

While a hold listed in the lifecycle policy (``interest.frozen_by``) is on, or the account
is in a status the policy freezes (an agreed plan fixes what is owed), nothing accrues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from workstation.compliance.packs import RulePack
from workstation.domain.enums import AccountStatus, CustomerFlag
from workstation.lifecycle.policy import LifecyclePolicy


@dataclass(frozen=True, slots=True)
class EndedHold:
    flag: CustomerFlag
    since: date
    ended_on: date  # the first day no longer under it
    duration_days: int


def durations(pack: RulePack) -> dict[CustomerFlag, int]:
    """The flags whose hold has a duration in ``pack``, with that duration in days."""
    return {
        hold.flag: hold.duration_days
        for hold in pack.holds
        if hold.flag is not None and hold.duration_days is not None
    }


def hold_ends_on(since: date, duration_days: int) -> date:
    """The first day a hold set on ``since`` no longer applies (saturates at date.max)."""
    try:
        return since + timedelta(days=duration_days)
    except OverflowError:
        return date.max


def ended_holds(
    flags: Iterable[str],
    started: Mapping[str, date],
    limits: Mapping[CustomerFlag, int],
    day: date,
) -> list[EndedHold]:
    """The holds among the customer's ``flags`` that are over on ``day``.

    ``started`` gives the day each flag was last set; a flag with no known start is left
    alone (nobody can say when its time is up).
    """
    out: list[EndedHold] = []
    for name in sorted(set(flags)):
        try:
            flag = CustomerFlag(name)
        except ValueError:
            continue
        limit = limits.get(flag)
        since = started.get(name)
        if limit is None or since is None:
            continue
        ends = hold_ends_on(since, limit)
        if ends <= day:
            out.append(EndedHold(flag, since, ends, limit))
    return out


def interest_frozen(flags: Iterable[str], status: AccountStatus, policy: LifecyclePolicy) -> bool:
    """True when nothing may accrue on the account today."""
    if status.is_closed or status in policy.interest_frozen_statuses:
        return True
    frozen = {flag.value for flag in policy.interest_frozen_by}
    return any(flag in frozen for flag in flags)
