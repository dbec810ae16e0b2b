"""The desk's seam to the compliance engine and the queue ranker.

Each function calls the core module when it is installed and otherwise a conservative
stand-in (marked ``provisional``) so the desk and its demo work while colleagues build the
real engines. The stand-ins never allow what a real pack would forbid on the common rules:
calling hours in the customer's local time, holds from customer flags and account status,
and channel opt-outs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workstation.desk.types import QueueCategory, Text, Verdict
from workstation.domain import (
    Account,
    AccountStatus,
    Channel,
    Customer,
    CustomerFlag,
    Event,
    Money,
)


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    func = getattr(mod, name, None)
    return func if callable(func) else None


# -- compliance -------------------------------------------------------------------------

_HOURS = {"CN": (time(8), time(22))}
_DEFAULT_HOURS = (time(8), time(21))
_HOLD_FLAGS = {
    CustomerFlag.CEASE_COMMUNICATION: Text(
        "Customer asked us to stop contact", "客户已提出停止联系请求"
    ),
    CustomerFlag.DECEASED: Text("Customer is deceased", "客户已身故"),
    CustomerFlag.BANKRUPT: Text("Bankruptcy — contact on hold", "破产——暂停联系"),
    CustomerFlag.BREATHING_SPACE: Text("Breathing space — contact paused", "喘息期——暂停催收"),
}


def _jurisdiction_key(jurisdiction: str) -> str:
    return jurisdiction.split("-", maxsplit=1)[0].upper()


def _local_hours(jurisdiction: str) -> tuple[time, time]:
    return _HOURS.get(_jurisdiction_key(jurisdiction), _DEFAULT_HOURS)


def _provisional_decide(  # noqa: PLR0917 - mirrors compliance.decide's signature
    customer: Customer,
    account: Account,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    address: str | None,
) -> Verdict:
    reasons: list[Text] = []
    codes: list[str] = []
    next_at: datetime | None = None
    for flag, text in _HOLD_FLAGS.items():
        if customer.has(flag):
            reasons.append(text)
            codes.append(f"hold.{flag.value}")
    if account.status in (AccountStatus.DISPUTE, AccountStatus.HOLD):
        reasons.append(Text("Account on hold (dispute or review)", "账户暂停催收（争议或复核中）"))
        codes.append(f"hold.{account.status.value}")
    if channel is Channel.PHONE:
        phones = [p for p in customer.phones if address in (None, "", p.number)]
        if phones and all(p.opted_out or not p.consent for p in phones):
            reasons.append(Text("Phone opted out", "电话已退订"))
            codes.append("opt_out.phone")
    if channel is Channel.EMAIL and customer.emails and all(e.opted_out for e in customer.emails):
        reasons.append(Text("E-mail opted out", "邮件已退订"))
        codes.append("opt_out.email")
    if channel in (Channel.PHONE, Channel.SMS, Channel.VISIT):
        zone = ZoneInfo(customer.timezone)
        local = at.astimezone(zone)
        start, end = _local_hours(customer.jurisdiction)
        if not start <= local.time() < end:
            opens = datetime.combine(local.date(), start, zone)
            if local.time() >= end:
                opens += timedelta(days=1)
            next_at = opens.astimezone(UTC)
            reasons.append(
                Text(
                    f"Outside calling hours {start:%H:%M}–{end:%H:%M} customer time "
                    f"(now {local:%H:%M})",
                    f"不在可联系时段 {start:%H:%M}–{end:%H:%M}（客户当地时间 {local:%H:%M}）",
                )
            )
            codes.append("hours")
    if channel is Channel.PHONE and _jurisdiction_key(customer.jurisdiction) == "US":
        week_ago = at - timedelta(days=7)
        calls = sorted(
            e.occurred_at
            for e in history
            if e.channel is Channel.PHONE
            and e.occurred_at >= week_ago
            and e.account_id == account.id
        )
        if len(calls) >= 7:
            reopen = calls[len(calls) - 7] + timedelta(days=7)
            next_at = max(next_at or reopen, reopen)
            reasons.append(
                Text(
                    f"{len(calls) + 1}th call in 7 days",
                    f"7天内第{len(calls) + 1}次致电",
                )
            )
            codes.append("frequency")
    allowed = not reasons
    if allowed:
        reasons.append(Text("May contact now", "现在可以联系"))
    hold = any(c.startswith(("hold.", "opt_out.")) for c in codes)
    return Verdict(
        channel=channel,
        allowed=allowed,
        reasons=tuple(reasons),
        next_allowed_at=None if allowed or hold else next_at,
        codes=tuple(codes),
        provisional=True,
    )


def decide(
    customer: Customer,
    account: Account,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    *,
    address: str | None = None,
) -> Verdict:
    """The verdict for one channel now, from the compliance engine when it is installed."""
    engine = _optional("workstation.compliance", "decide")
    if engine is None:
        return _provisional_decide(customer, account, channel, at, history, address)
    decision = engine(customer, account, channel, at, history, address=address)
    reasons = tuple(
        Text(str(getattr(r, "text_en", r)), str(getattr(r, "text_zh", "")))
        for r in getattr(decision, "reasons", ())
    )
    allowed = bool(decision.allowed)
    if allowed and not reasons:
        reasons = (Text("May contact now", "现在可以联系"),)
    return Verdict(
        channel=channel,
        allowed=allowed,
        reasons=reasons,
        next_allowed_at=getattr(decision, "next_allowed_at", None),
        codes=tuple(str(getattr(r, "code", "")) for r in getattr(decision, "reasons", ())),
    )


# -- queue ranking ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranking:
    priority: float
    rank: int
    tier: str
    treatment: Text
    reasons: tuple[Text, ...]
    contactable_now: bool
    next_contact_allowed_at: datetime | None
    category: str


_TREATMENT = {
    "A": Text("SMS reminder", "短信提醒"),
    "B": Text("Call", "电话催收"),
    "C": Text("Call — firm follow-up", "电话跟进"),
    "D": Text("Field visit / hardship review", "外访或经济困难评估"),
}


def _row(row: Any, name: str, default: Any = None) -> Any:
    return getattr(row, name, default)


def _provisional_rank(rows: Sequence[Any], now: datetime) -> dict[str, Ranking]:
    today = now.date()
    scored: list[tuple[float, Any, str, list[Text], bool, datetime | None]] = []
    for row in rows:
        reasons: list[Text] = []
        category = QueueCategory.DUE
        boost = 0.0
        cb = _row(row, "callback_due_at")
        promise_due = _row(row, "promise_due_on")
        if cb is not None and cb <= now + timedelta(hours=1):
            category, boost = QueueCategory.CALLBACK, 1e12
            reasons.append(Text(f"Callback due {cb:%H:%M} UTC", f"预约回访 {cb:%H:%M} UTC 到期"))
        elif promise_due is not None and promise_due <= today:
            category, boost = QueueCategory.PROMISE, 5e11
            amount = Money.from_minor(int(_row(row, "promise_amount_minor") or 0), row.currency)
            when_en = "today" if promise_due == today else promise_due.isoformat()
            when_zh = "今天" if promise_due == today else promise_due.isoformat()
            reasons.append(
                Text(
                    f"Promise of {amount.format()} due {when_en} — not yet paid",
                    f"承诺还款 {amount.format()} {when_zh}到期——尚未还款",
                )
            )
        score = float(_row(row, "score", None) or 0.3)
        dpd = int(row.days_past_due)
        past_due = int(row.past_due_minor)
        urgency = 1.0 + min(dpd, 180) / 90
        priority = past_due / 100 * score * urgency + boost
        reasons.append(
            Text(
                f"{dpd} days past due, score {score:.2f}",
                f"逾期{dpd}天，还款概率 {score:.2f}",
            )
        )
        flags = set(_row(row, "flags", ()) or ())
        held = bool(flags & {"cease_communication", "deceased", "bankrupt", "breathing_space"})
        held = held or str(_row(row, "status", "")) in ("dispute", "hold")
        next_at: datetime | None = None
        contactable = not held
        if not held:
            zone = ZoneInfo(row.timezone)
            local = now.astimezone(zone)
            start, end = _local_hours(str(_row(row, "jurisdiction", "")))
            if not start <= local.time() < end:
                contactable = False
                opens = datetime.combine(local.date(), start, zone)
                if local.time() >= end:
                    opens += timedelta(days=1)
                next_at = opens.astimezone(UTC)
        if not contactable:
            priority /= 1e13
            category = QueueCategory.LATER
            reasons.append(
                Text("On hold — do not contact", "暂停联系")
                if held
                else Text("Outside calling hours", "不在可联系时段")
            )
        scored.append((priority, row, category, reasons, contactable, next_at))
    scored.sort(key=lambda s: -s[0])
    result: dict[str, Ranking] = {}
    for rank, (priority, row, category, reasons, contactable, next_at) in enumerate(scored, 1):
        tier = str(_row(row, "risk_tier", None) or "C")
        result[row.account_id] = Ranking(
            priority=priority,
            rank=rank,
            tier=tier,
            treatment=_TREATMENT.get(tier, _TREATMENT["B"]),
            reasons=tuple(reasons),
            contactable_now=contactable,
            next_contact_allowed_at=next_at,
            category=category,
        )
    return result


def rank(rows: Sequence[Any], now: datetime) -> dict[str, Ranking]:
    """Rank the queue rows, from ``workstation.queue.rank`` when it is installed."""
    ranker = _optional("workstation.queue", "rank")
    if ranker is None:
        return _provisional_rank(rows, now)
    result: dict[str, Ranking] = {}
    for ranked in ranker(rows, now):
        reasons = tuple(
            Text(
                str(getattr(r, "en", getattr(r, "text_en", r))),
                str(getattr(r, "zh", getattr(r, "text_zh", ""))),
            )
            for r in ranked.reasons
        )
        treatment = ranked.treatment
        result[ranked.account_id] = Ranking(
            priority=float(ranked.priority),
            rank=int(ranked.rank),
            tier=str(ranked.tier),
            treatment=Text(
                str(getattr(treatment, "en", getattr(treatment, "label_en", treatment))),
                str(getattr(treatment, "zh", getattr(treatment, "label_zh", ""))),
            ),
            reasons=reasons,
            contactable_now=bool(ranked.contactable_now),
            next_contact_allowed_at=ranked.next_contact_allowed_at,
            category=str(ranked.category),
        )
    return result


# -- holds the rule pack places for special events -------------------------------------------

_HOLDS: dict[str, dict[str, tuple[str, ...]]] = {
    "complaint": {"UK": ("complaint",), "CN": ("complaint",), "US": ()},
    "dispute": {"US": ("dispute_pending_validation",), "CN": ("dispute",), "UK": ("dispute",)},
    "hardship": {"UK": ("vulnerability_review",), "CN": (), "US": ()},
}


def holds_for(kind: str, jurisdiction: str) -> tuple[str, ...]:
    """Which holds the customer's rule pack places when ``kind`` is recorded."""
    engine = _optional("workstation.compliance", "holds_for")
    if engine is not None:
        return tuple(engine(kind, jurisdiction))
    return _HOLDS.get(kind, {}).get(_jurisdiction_key(jurisdiction), ())
