"""Hold rules: what stops every contact on a channel until a date or until someone lifts it —
a closed or held account, a flag the pack holds (breathing space, hardship ...), an open
dispute on the account, an open complaint (scoped to an address or channel, or the pack's
complaint hold naming its reference and deadline).

Each check reads a ``history.Case`` and adds its blocks to ``case.blocks``; durations and
which flags, complaints and disputes hold come from the customer's rule pack only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from workstation.compliance import texts
from workstation.compliance.clock import Block
from workstation.compliance.decision import (
    ACCOUNT_CLOSED,
    ACCOUNT_ON_HOLD,
    CHANNEL_BLOCKED_BY_COMPLAINT,
)
from workstation.compliance.history import CLOSED_STATUSES, HELD_STATUSES, Case
from workstation.compliance.packs import Hold
from workstation.domain.enums import AccountStatus, ComplaintStatus, DisputeStatus
from workstation.domain.model import Event

_COMPLAINT_ENDED = frozenset(s.value for s in ComplaintStatus if not s.is_open)
_DISPUTE_ENDED = frozenset(s.value for s in DisputeStatus if not s.is_open)
_VALIDATION_SENT = DisputeStatus.VALIDATION_SENT.value


def may_hold(case: Case) -> bool:
    """Can any account, flag or dispute hold apply (else ``account_holds`` finds nothing)?"""
    return bool(
        (case.customer.flags and case.plan.flag_holds)
        or case.disputes
        or case.account.status in HELD_STATUSES
    )


def account_holds(case: Case) -> None:
    """The account's status, the customer's flags the pack holds, and open disputes."""
    plan, customer, account = case.plan, case.customer, case.account
    if account.status in CLOSED_STATUSES:
        case.blocks.append(
            case.reason(
                ACCOUNT_CLOSED,
                f"Account is {account.status.value} — no collection contact",
                "账户已结清或关闭 — 不得催收联系",
                None,
            )
        )
    elif account.status == AccountStatus.HOLD:
        case.blocks.append(
            case.reason(
                ACCOUNT_ON_HOLD,
                "Account is on hold (e.g. fraud or vulnerability review)",
                "账户处于暂停状态（如欺诈或弱势客户复核）",
                None,
            )
        )
    if customer.flags:
        for hold in plan.flag_holds:
            if hold.flag in customer.flags:
                clears = _hold_end(case, hold)
                if clears is None or clears > case.clock.at:
                    _hold(case, hold, clears)
    if plan.dispute_hold is not None and (case.disputes or account.status in HELD_STATUSES):
        _dispute_hold(case, plan.dispute_hold)


def complaint_holds(case: Case) -> frozenset[str]:
    """Block for open complaints; return the addresses (ids or numbers) they name."""
    blocked: set[str] = set()
    unscoped = False
    channel = case.plan.channel
    held: list[list[Event]] = []
    for thread in _open(case.complaints, "complaint_id", _COMPLAINT_ENDED):
        addresses = {
            str(e.payload["blocked_address"]) for e in thread if e.payload.get("blocked_address")
        }
        channels = {
            str(e.payload["blocked_channel"]) for e in thread if e.payload.get("blocked_channel")
        }
        blocked |= addresses
        if channel.value in channels:
            case.blocks.append(
                case.reason(
                    CHANNEL_BLOCKED_BY_COMPLAINT,
                    f"Open complaint about {texts.CHANNEL_EN[channel]}",
                    f"存在关于{texts.CHANNEL_ZH[channel]}的未结投诉",
                    None,
                )
            )
        if not (addresses or channels):
            unscoped = True
            held.append(thread)
    hold = case.plan.complaint_hold
    if unscoped and hold is not None:
        named = [_registered(thread) for thread in held]
        if all(name is None for name in named):
            _hold(case, hold, None)
        for name in named:
            if name is not None:
                case.blocks.append(_complaint_reason(case, hold, *name))
    return frozenset(blocked)


def _hold(case: Case, hold: Hold, clears: datetime | None) -> None:
    # the same hold ending at the same time reads the same for every account at once
    key = (case.plan.serial, hold.code, clears)
    block = case.clock.hold_block(key)
    if block is None:
        channel = case.plan.channel
        block = case.reason(
            hold.code,
            f"{hold.label_en}: {texts.CHANNEL_EN[channel]} on hold",
            f"{hold.label_zh}：暂停{texts.CHANNEL_ZH[channel]}",
            clears,
        )
        case.clock.keep_hold_block(key, block)
    case.blocks.append(block)


def _status(event: Event, default: str) -> str:
    return str(event.payload.get("status") or default)


def _open(events: list[Event], id_key: str, ended: frozenset[str]) -> list[list[Event]]:
    """Threads (an event and its follow-ups) whose latest status is not in ``ended``."""
    threads: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        threads.setdefault(str(event.payload.get(id_key) or event.id), []).append(event)
    return [t for t in threads.values() if _status(t[-1], "open") not in ended]


def _waiting(event: Event, resume_on: date | None) -> bool:
    """A dispute whose validation was sent, waiting for ``resume_on``."""
    return resume_on is not None and _status(event, "") == _VALIDATION_SENT


def _dispute_hold(case: Case, hold: Hold) -> None:
    """A pending dispute holds until lifted; once the validation is sent, until the
    wait is over (``resume_on``, the customer's local midnight)."""
    disputes = [e for e in case.disputes if e.account_id == case.account.id]
    threads = _open(disputes, "dispute_id", _DISPUTE_ENDED)
    if not threads and case.account.status != AccountStatus.DISPUTE:
        return
    clears: datetime | None = None
    resume = [t[-1].date_field("resume_on") for t in threads]
    waits = [day for day, t in zip(resume, threads, strict=True) if _waiting(t[-1], day)]
    if threads and len(waits) == len(threads):
        clears = max(case.clock.day_start(day) for day in waits if day is not None)
    if clears is not None and clears <= case.clock.at:
        return  # the wait is over: collection may resume (the daily run records it)
    if clears is None:
        _hold(case, hold, None)
        return
    day = case.clock.local_day(clears)
    channel = case.plan.channel
    case.blocks.append(
        case.reason(
            hold.code,
            f"{hold.label_en}: validation notice sent; "
            f"{texts.CHANNEL_EN[channel]} on hold until {day.isoformat()}",
            f"{hold.label_zh}：核实通知已发出，{day.isoformat()} 前暂停{texts.CHANNEL_ZH[channel]}",
            clears,
        )
    )


def _hold_end(case: Case, hold: Hold) -> datetime | None:
    """When a hold with a duration ends (None: no duration, or its start is not dated)."""
    if hold.duration_days is None:
        return None
    start: date | None = None
    latest: datetime | None = None
    for event in case.flag_changes:
        payload = event.payload
        if payload.get("flag") != hold.flag or payload.get("value", True) is False:
            continue
        if latest is None or event.occurred_at >= latest:
            latest = event.occurred_at
            start = event.date_field("since") or case.clock.local_day(event.occurred_at)
    if start is None:
        return None
    return case.clock.day_start(start + timedelta(days=hold.duration_days))


def _registered(thread: list[Event]) -> tuple[str, date | None] | None:
    """The reference and latest final deadline the backend gave a complaint, if any."""
    reference: str | None = None
    due: date | None = None
    for event in thread:
        reference = str(event.payload.get("reference") or "") or reference
        due = event.date_field("sla_due") or due
    return None if reference is None else (reference, due)


def _complaint_reason(case: Case, hold: Hold, reference: str, due: date | None) -> Block:
    """The complaint hold, naming which complaint holds it and until when."""
    channel = case.plan.channel
    by_en = f", final response due {due.isoformat()}" if due else ""
    by_zh = f"，{due.isoformat()} 前答复" if due else ""
    return case.reason(
        hold.code,
        f"{hold.label_en} {reference}{by_en}: {texts.CHANNEL_EN[channel]} on hold "
        "until it is resolved",
        f"{hold.label_zh}（{reference}{by_zh}）：暂停{texts.CHANNEL_ZH[channel]}，投诉办结后恢复",
        None,
    )
