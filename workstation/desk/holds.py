"""Every hold on an account in one place, for the desk's hold panel: what holds contact,
who placed it and since when, until when, and what lifts it (``workflows.holds``).

Read from what the device holds (the customer's flags, the account's status, the
complaint, dispute and flag events of the customer's history) and the customer's rule pack:
a flag is a hold only where the pack holds it; a complaint only where the pack has the
complaint hold (an unscoped, open one); a dispute while it is open on this account. Lifting
and placing go through the desk service as ordinary events (the server checks the role).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from workstation.compliance.packs import RulePack
from workstation.desk.types import AccountView, Changes, DeskError, ValidationError
from workstation.domain.dispositions import Disposition
from workstation.domain.enums import (
    AccountStatus,
    ComplaintStatus,
    CustomerFlag,
    DisputeStatus,
    EventType,
    Role,
)
from workstation.domain.model import Account, Customer, Event
from workstation.text import Text, same
from workstation.workflows.deadlines import local_day
from workstation.workflows.holds import (
    BY_FLAG,
    BY_KIND,
    HoldKind,
    lasting,
    lift_refusal,
    place_refusal,
)

if TYPE_CHECKING:
    from workstation.desk.service import DeskService

_UNTIL_LIFTED = Text("until lifted", "直至解除")


@dataclass(frozen=True, slots=True)
class HoldLine:
    kind: HoldKind
    reason: Text  # what holds contact ("Breathing space", "Open complaint CP-2027-000123")
    placed_by: str  # who recorded it ("" where the device does not know)
    since: date | None
    until: Text  # a day, or a condition ("until resolved, response due 2027-03-16")
    until_on: date | None  # the day, where there is one
    lifted_by: Text  # what lifts it
    flag: CustomerFlag | None  # a flag hold: lifted by a flag_change
    may_lift: bool  # the desk's user may lift it here


def _latest(events: list[Event]) -> Event | None:
    return max(events, key=lambda e: e.occurred_at) if events else None


def _threads(events: list[Event], id_key: str) -> dict[str, list[Event]]:
    threads: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        threads.setdefault(str(event.payload.get(id_key) or event.id), []).append(event)
    return threads


def _status(event: Event, enum: type[ComplaintStatus] | type[DisputeStatus]) -> bool:
    """Is the thread whose latest event this is still open?"""
    raw = str(event.payload.get("status") or "")
    if not raw:
        return True
    try:
        return bool(enum(raw).is_open)
    except ValueError:
        return True  # an unknown state holds rather than lifts


def holds_of(
    customer: Customer,
    account: Account,
    history: tuple[Event, ...] | list[Event],
    pack: RulePack | None,
    *,
    role: Role,
    now: datetime,
) -> list[HoldLine]:
    """The holds on ``account`` now, in the order the panel shows them."""
    voided = {
        str(e.payload.get("target_event_id"))
        for e in history
        if e.type == EventType.VOID and e.payload.get("target_event_id")
    }
    events = [e for e in history if e.id not in voided and e.occurred_at <= now]
    zone = customer.timezone
    today = local_day(now, zone)
    lines: list[HoldLine] = []
    held_flags = {h.flag: h for h in (pack.holds if pack else ()) if h.flag is not None}
    for flag in sorted(customer.flags, key=str):
        try:
            known = CustomerFlag(flag)
        except ValueError:
            continue
        hold, rule = held_flags.get(known), BY_FLAG.get(known)
        if hold is None or rule is None:
            continue
        started = _latest(
            [
                e
                for e in events
                if e.type == EventType.FLAG_CHANGE
                and e.payload.get("flag") == flag
                and e.payload.get("value", True) is not False
            ]
        )
        since = None
        if started is not None:
            since = started.date_field("since") or local_day(started.occurred_at, zone)
        until_on = (
            since + timedelta(days=hold.duration_days)
            if since is not None and hold.duration_days
            else None
        )
        lines.append(
            HoldLine(
                kind=rule.kind,
                reason=Text(hold.label_en, hold.label_zh),
                placed_by=started.recorded_by if started is not None else "",
                since=since,
                until=same(until_on.isoformat()) if until_on else _UNTIL_LIFTED,
                until_on=until_on,
                lifted_by=rule.lifted_by,
                flag=rule.flag,
                may_lift=role in rule.lift_roles,
            )
        )
    complaint_hold = next((h for h in (pack.holds if pack else ()) if h.event == "complaint"), None)
    complaints = [e for e in events if e.type == EventType.COMPLAINT]
    for thread in _threads(complaints, "complaint_id").values():
        scoped = any(
            e.payload.get("blocked_address") or e.payload.get("blocked_channel") for e in thread
        )
        if complaint_hold is None or scoped or not _status(thread[-1], ComplaintStatus):
            continue
        reference = next(
            (str(e.payload["reference"]) for e in reversed(thread) if e.payload.get("reference")),
            "",
        )
        due = next(
            (e.date_field("sla_due") for e in reversed(thread) if e.payload.get("sla_due")), None
        )
        rule = BY_KIND[HoldKind.COMPLAINT]
        name = f" {reference}" if reference else ""
        lines.append(
            HoldLine(
                kind=HoldKind.COMPLAINT,
                reason=Text(f"{complaint_hold.label_en}{name}", f"{complaint_hold.label_zh}{name}"),
                placed_by=thread[0].recorded_by,
                since=local_day(thread[0].occurred_at, zone),
                until=Text(
                    "until resolved" + (f" (response due {due.isoformat()})" if due else ""),
                    "直至办结" + (f"（{due.isoformat()} 前答复）" if due else ""),
                ),
                until_on=due,
                lifted_by=rule.lifted_by,
                flag=None,
                may_lift=False,
            )
        )
    dispute_hold = next((h for h in (pack.holds if pack else ()) if h.event == "dispute"), None)
    disputes = [e for e in events if e.type == EventType.DISPUTE and e.account_id == account.id]
    open_disputes = [
        t for t in _threads(disputes, "dispute_id").values() if _status(t[-1], DisputeStatus)
    ]
    if dispute_hold is not None and (open_disputes or account.status is AccountStatus.DISPUTE):
        thread = open_disputes[-1] if open_disputes else []
        resume = thread[-1].date_field("resume_on") if thread else None
        rule = BY_KIND[HoldKind.DISPUTE]
        if resume is None or resume > today:
            lines.append(
                HoldLine(
                    kind=HoldKind.DISPUTE,
                    reason=Text(dispute_hold.label_en, dispute_hold.label_zh),
                    placed_by=thread[0].recorded_by if thread else "",
                    since=local_day(thread[0].occurred_at, zone) if thread else None,
                    until=same(resume.isoformat())
                    if resume
                    else Text(
                        "until the validation is sent and its wait passes",
                        "直至发出核实通知且等待期届满",
                    ),
                    until_on=resume,
                    lifted_by=rule.lifted_by,
                    flag=None,
                    may_lift=False,
                )
            )
    if account.status is AccountStatus.HOLD:
        rule = BY_KIND[HoldKind.ACCOUNT]
        lines.append(
            HoldLine(
                kind=HoldKind.ACCOUNT,
                reason=rule.label,
                placed_by="",
                since=None,
                until=_UNTIL_LIFTED,
                until_on=None,
                lifted_by=rule.lifted_by,
                flag=None,
                may_lift=False,
            )
        )
    return lines


class HoldRefused(DeskError):
    """The desk will not lift or place this hold (the server would refuse it too)."""


def lift(
    desk: DeskService,
    view: AccountView,
    flag: CustomerFlag,
    *,
    details: str,
    role: Role,
    now: datetime | None = None,
) -> Changes:
    """Record the lifting event of the hold of ``flag`` (a ``flag_change`` clearing it,
    ``reason`` = the lifting event, ``details`` = why); refused here as on the server."""
    rule = BY_FLAG.get(flag)
    why = (
        Text(f"{flag.value} is not a hold", f"{flag.value} 不是暂停")
        if rule is None
        else lift_refusal(flag, role, rule.lifting_event, details)
    )
    if why is not None or rule is None:
        raise HoldRefused(why or Text("Not a hold", "不是暂停"))
    payload = {
        "flag": flag.value,
        "value": False,
        "reason": rule.lifting_event,
        "details": details.strip(),
    }
    return desk.record_fact(view, EventType.FLAG_CHANGE, payload, now)


def place_breathing_space(
    desk: DeskService,
    view: AccountView,
    *,
    details: str,
    role: Role,
    pack: RulePack | None,
    now: datetime | None = None,
) -> Changes:
    """Place the UK breathing-space hold (60 days from today, in the customer's calendar)."""
    now = now or desk.clock()
    if pack is None or not any(h.flag is CustomerFlag.BREATHING_SPACE for h in pack.holds):
        raise HoldRefused(
            Text(
                "Breathing space is a UK scheme: this customer's rule pack has none",
                "喘息期为英国制度：该客户适用的规则包中没有此项",
            )
        )
    why = place_refusal(CustomerFlag.BREATHING_SPACE, role)
    if why is not None:
        raise HoldRefused(why)
    if not details.strip():
        raise ValidationError(
            {
                "details": Text(
                    "Say who notified it (the debt adviser)", "请填写通知来源（债务顾问）"
                )
            }
        )
    payload = {
        "flag": CustomerFlag.BREATHING_SPACE.value,
        "value": True,
        "since": local_day(now, view.customer.timezone).isoformat(),
        "details": details.strip(),
    }
    return desk.record_fact(view, EventType.FLAG_CHANGE, payload, now)


def breathing_space_placeable(customer: Customer, pack: RulePack | None) -> bool:
    """The pack has breathing space (UK) and the customer is not in one already."""
    return (
        pack is not None
        and any(h.flag is CustomerFlag.BREATHING_SPACE for h in pack.holds)
        and CustomerFlag.BREATHING_SPACE.value not in customer.flags
    )


def lasting_hold_warning(disposition: Disposition, role: Role) -> Text | None:
    """What to ask before recording ``disposition`` when it places a hold ``role`` may not
    lift again (``workflows.holds.lasting``: the table says who lifts what); None when it
    places none. A slip of the keyboard must not silently stop contact with a customer."""
    rules = lasting(disposition.sets, role)
    if not rules:
        return None
    en = "\n".join(f"• {rule.label.en} — lifted by: {rule.lifted_by.en}" for rule in rules)
    zh = "\n".join(f"• {rule.label.zh} — 解除条件：{rule.lifted_by.zh}" for rule in rules)
    return Text(
        f"“{disposition.label_en}” places a hold you cannot lift yourself:\n{en}\n\n"
        "Record this outcome?",
        f"“{disposition.label_zh}”会设置您无法自行解除的暂停：\n{zh}\n\n确定记录此结果吗？",
    )
