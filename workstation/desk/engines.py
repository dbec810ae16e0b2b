"""The desk's seam to the compliance engine and the queue ranker.

``decide`` asks ``workstation.compliance`` for the authoritative verdict of one channel (the
account view and every save). ``rank`` ranks the whole queue with ``workstation.queue``;
for 100,000 rows it cannot run the full engine per row, so it passes a cheap pre-check
built from the same rule packs (calling hours in the customer's local time and the holds
that customer flags trigger) — the engine is asked again, authoritatively, before the agent
dials, as ``queue.rank`` documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from workstation import compliance, queue
from workstation.desk.types import Text, Verdict
from workstation.domain import Account, Channel, Customer, Event

_MAY_CONTACT = Text("May contact now", "现在可以联系")


def _verdict(decision: compliance.Decision, channel: Channel) -> Verdict:
    blocking = [r for r in decision.reasons if r.blocking]
    shown = blocking or list(decision.reasons)
    reasons = tuple(Text(r.text_en, r.text_zh) for r in shown)
    if decision.allowed and not reasons:
        reasons = (_MAY_CONTACT,)
    return Verdict(
        channel=channel,
        allowed=decision.allowed,
        reasons=reasons,
        next_allowed_at=None if decision.allowed else decision.next_allowed_at,
        codes=tuple(r.code for r in blocking),
    )


def decision(
    customer: Customer,
    account: Account,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    *,
    address: str | None = None,
) -> compliance.Decision:
    return compliance.decide(customer, account, channel, at, history, address=address)


def decide(
    customer: Customer,
    account: Account,
    channel: Channel,
    at: datetime,
    history: Sequence[Event],
    *,
    address: str | None = None,
) -> Verdict:
    """The verdict for one channel now (every reason, and when it becomes allowed)."""
    return _verdict(decision(customer, account, channel, at, history, address=address), channel)


def override_payload(verdict_decision: compliance.Decision, reason: str) -> dict[str, Any]:
    """The audited override payload; raises ``OverrideRequiredError`` on a blank reason."""
    return compliance.require_override(verdict_decision, reason)


# -- queue ranking ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PackRules:
    hours: tuple[int, int] | None  # minutes after local midnight, [start, end)
    hold_flags: frozenset[str]


@cache
def _packs() -> dict[str, _PackRules]:
    policy = compliance.default_policy()
    rules: dict[str, _PackRules] = {}
    for pack in policy.packs.values():
        entry = _PackRules(
            hours=pack.hours.get(Channel.PHONE),
            hold_flags=frozenset(
                h.flag.value
                for h in pack.holds
                if h.flag is not None and Channel.PHONE in h.channels
            ),
        )
        for key in (pack.id, *pack.jurisdictions):
            rules[key.casefold()] = entry
    return rules


_CLOSED_HOLD = Text("On hold — do not contact", "暂停联系")


def quick_contactability(
    jurisdiction_of: dict[str, str], now: datetime
) -> Callable[[queue.QueueInput], queue.Contact]:
    """A per-row pre-check from the packs: local calling hours and flag holds (phone)."""
    packs = _packs()
    local_cache: dict[tuple[str, str], queue.Contact] = {}

    def check(item: queue.QueueInput) -> queue.Contact:
        rules = packs.get(jurisdiction_of.get(item.account_id, "").casefold())
        if rules is None:
            return queue.Contact(False, None, "Unknown jurisdiction", "未知司法辖区")
        if item.flags & rules.hold_flags:
            return queue.Contact(False, None, _CLOSED_HOLD.en, _CLOSED_HOLD.zh)
        if rules.hours is None:
            return queue.ALLOWED
        key = (item.timezone, jurisdiction_of.get(item.account_id, ""))
        cached = local_cache.get(key)
        if cached is None:
            zone = ZoneInfo(item.timezone)
            local = now.astimezone(zone)
            minutes = local.hour * 60 + local.minute
            start, end = rules.hours
            if start <= minutes < end:
                cached = queue.ALLOWED
            else:
                opens = local.replace(hour=start // 60, minute=start % 60, second=0, microsecond=0)
                if minutes >= end:
                    opens += timedelta(days=1)
                cached = queue.Contact(
                    False,
                    opens.astimezone(UTC),
                    f"Outside calling hours ({start // 60:02d}:{start % 60:02d}–"
                    f"{end // 60:02d}:{end % 60:02d} customer time)",
                    f"不在可联系时段（客户当地时间 {start // 60:02d}:{start % 60:02d}–"
                    f"{end // 60:02d}:{end % 60:02d}）",
                )
            local_cache[key] = cached
        return cached

    return check


def _queue_input(row: Any) -> queue.QueueInput:
    """The store's ``QueueRow`` as ranking input, field by field (``queue.from_row`` accepts
    any spelling and is several times slower; at 100,000 rows that is seconds)."""
    if not hasattr(row, "callback_due_at"):
        return queue.from_row(row)
    return queue.QueueInput(
        account_id=row.account_id,
        currency=row.currency,
        balance_minor=row.balance_minor,
        past_due_minor=row.past_due_minor,
        days_past_due=row.days_past_due,
        status=row.status,
        timezone=row.timezone,
        language=row.language,
        flags=row.flags,
        customer_name=row.customer_name,
        score=row.score,
        promise_due_on=row.promise_due_on,
        promise_amount_minor=row.promise_amount_minor,
        callback_at=row.callback_due_at,
    )


def rank(rows: Sequence[Any], now: datetime) -> Sequence[queue.RankedRow]:
    """Rank store rows with ``workstation.queue`` (the pre-check above as contactability)."""
    inputs = [_queue_input(row) for row in rows]
    jurisdiction_of = {row.account_id: str(getattr(row, "jurisdiction", "")) for row in rows}
    return queue.rank(inputs, now, quick_contactability(jurisdiction_of, now))
