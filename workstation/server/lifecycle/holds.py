"""The daily run's hold step: holds whose time is up end, with an event saying so.

A flag hold with a duration in the customer's rule pack (hardship 30 days, UK breathing
space 60 days) started on the day its latest ``flag_change`` set it (``since``, else the
event's day). On the day ``since + duration`` the run clears the flag on the customer (a
new customer version, so every device hears of it) and records a ``flag_change`` event
(``value: false``, ``reason: hold_ended``) on the account the hold was set on — the same
event type an agent's lifting of the flag is, so the desk's timeline, the contact engine and
the local store already understand it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from workstation.compliance.packs import RulePack, load_packs
from workstation.domain.enums import CustomerFlag, EventType
from workstation.lifecycle.holds import EndedHold, durations, ended_holds
from workstation.resources import resource_dir
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.lifecycle.isolation import survive
from workstation.server.models import AccountRow, CustomerRow, EventRow


@cache
def _limits_by_jurisdiction() -> dict[str, dict[CustomerFlag, int]]:
    packs: dict[str, RulePack] = load_packs(resource_dir("rules"))
    out: dict[str, dict[CustomerFlag, int]] = {}
    for pack in packs.values():
        for key in (pack.id, *pack.jurisdictions):
            out[key.strip().casefold()] = durations(pack)
    return out


def limits_for(jurisdiction: str) -> Mapping[CustomerFlag, int]:
    return _limits_by_jurisdiction().get(jurisdiction.strip().casefold(), {})


def end_holds(session: Session, changes: DayChanges) -> None:
    """End every flag hold whose duration is over by ``changes.day``.

    One read of the flagged customers and one of the flag-setting events decide, in Python,
    which customers have a hold to end; only those are written (one savepoint each).
    """
    timed = {flag.value for limits in _limits_by_jurisdiction().values() for flag in limits}
    flagged = {
        customer_id: (jurisdiction, timezone, list(flags or ()))
        for customer_id, jurisdiction, timezone, flags in session.execute(
            select(
                CustomerRow.id, CustomerRow.jurisdiction, CustomerRow.timezone, CustomerRow.flags
            ).where(cast(CustomerRow.flags, String) != "[]")
        )
        if any(flag in timed for flag in flags or ())
    }
    if not flagged:
        return
    started: dict[str, dict[str, tuple[date, str, str]]] = {}  # customer → flag → start
    for customer_id, event_id, account_id, occurred_at, payload in session.execute(
        select(
            EventRow.customer_id,
            EventRow.id,
            EventRow.account_id,
            EventRow.occurred_at,
            EventRow.payload,
        )
        .where(EventRow.type == EventType.FLAG_CHANGE.value)
        .order_by(EventRow.occurred_at, EventRow.server_version)
    ):
        if customer_id not in flagged:
            continue
        flag = payload.get("flag")
        if not isinstance(flag, str) or flag not in timed or payload.get("value", True) is False:
            continue
        since = _since(payload.get("since"), occurred_at, flagged[customer_id][1])
        started.setdefault(customer_id, {})[flag] = (since, event_id, account_id)
    for customer_id, flags_started in sorted(started.items()):
        jurisdiction, _zone, flags = flagged[customer_id]
        limits = limits_for(jurisdiction)
        days = {flag: start for flag, (start, _e, _a) in flags_started.items()}
        over = ended_holds(flags, days, limits, changes.day)
        if not over:
            continue
        step = DayChanges(changes.day)

        def work(
            customer_id: str = customer_id,
            step: DayChanges = step,
            over: list[EndedHold] = over,
            origins: dict[str, tuple[date, str, str]] = flags_started,
        ) -> None:
            _end(session, customer_id, over, origins, step)

        anchor = next(iter(flags_started.values()))[2]
        ok, _ = survive(session, "end a hold", anchor, changes.day, work)
        if ok:
            changes.merge(step)


def _since(value: object, occurred_at: datetime, timezone: str) -> date:
    """A hold's first day: the event's ``since``, else its day in the customer's zone."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return occurred_at.astimezone(zone).date()


def _end(
    session: Session,
    customer_id: str,
    over: list[EndedHold],
    origins: Mapping[str, tuple[date, str, str]],
    changes: DayChanges,
) -> None:
    customer = session.get(CustomerRow, customer_id, with_for_update=True)
    if customer is None:
        return
    ending = {h.flag.value for h in over} & set(customer.flags)
    if not ending:
        return
    customer.flags = sorted(f for f in customer.flags if f not in ending)
    changes.customers.add(customer.id)
    for hold in over:
        if hold.flag.value not in ending:
            continue
        _start, origin_id, account_id = origins[hold.flag.value]
        account = session.get(AccountRow, account_id)
        if account is None:
            continue
        changes.event(
            session,
            account,
            EventType.FLAG_CHANGE,
            {
                "flag": hold.flag.value,
                "value": False,
                "since": hold.ended_on.isoformat(),
                "reason": "hold_ended",
                "started_on": hold.since.isoformat(),
                "duration_days": hold.duration_days,
                "ended_by_event_id": origin_id,
            },
        )
        changes.count(f"holds_ended_{hold.flag.value}")
