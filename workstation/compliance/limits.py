"""Frequency rules: the pack's caps and quiet periods over the contacts inside their windows
(per customer, per debt, per number), and the block a reached one puts on the contact,
worded with the count and the day it clears."""

from __future__ import annotations

from datetime import datetime, timedelta

from workstation.compliance import texts
from workstation.compliance.clock import Block, Clock
from workstation.compliance.plan import LimitPlan, Plan
from workstation.compliance.records import Target
from workstation.compliance.verdict import blocking_reason
from workstation.domain.dates import day_text
from workstation.domain.model import Event


def hits_of(
    plan: LimitPlan,
    contacts: list[Event],
    clock: Clock,
    account_id: str,
    keys: frozenset[str] | None = None,
) -> list[datetime]:
    """When the counted contacts of ``plan`` inside its window happened."""
    limit = plan.limit
    start = clock.window_start(limit.window_days)
    debt = limit.scope == "debt"
    counted, unknown = plan.counted, plan.unknown_counts
    channels, directions = plan.channels, plan.directions
    hits: list[datetime] = []
    for event in contacts:
        occurred = event.occurred_at
        if occurred < start or (debt and event.account_id != account_id):
            continue
        field = event.payload.get
        if (
            field("channel") in channels
            and field("direction", "outbound") in directions
            and counted.get(field("disposition"), unknown)
            and (keys is None or field("address_used") in keys)
        ):
            hits.append(occurred)
    return hits


def limit_block(
    plan: Plan,
    limit_plan: LimitPlan,
    clock: Clock,
    contacts: list[Event],
    account_id: str,
    *,
    target: Target | None = None,
) -> Block | None:
    """The block a limit puts on the contact, or None while it is not reached."""
    limit = limit_plan.limit
    if len(contacts) < limit.max:
        return None  # cannot reach the cap: nothing to count
    hits = hits_of(limit_plan, contacts, clock, account_id, None if target is None else target.keys)
    if len(hits) < limit.max:
        return None
    hits.sort()
    # the window holds fewer than `max` once the (count - max + 1)-th oldest has left it
    leaving = clock.local_day(hits[len(hits) - limit.max])
    last = clock.local_day(hits[-1]) if limit.kind == "quiet" else leaving
    key = (id(limit_plan), len(hits), leaving, last)
    if target is None:
        cached = clock.limit_reason(key)
        if cached is not None:
            return cached
    clears = clock.day_start(leaving + timedelta(days=limit.window_days))
    count, days, channel = len(hits), limit.window_days, plan.channel
    noun_en, noun_zh = limit_plan.noun_en, limit_plan.noun_zh
    if limit.kind == "quiet":
        day_en, day_zh = day_text(last, clock.today)
        en = (
            f"Last {noun_en} with the customer {day_en} — "
            f"no {texts.CHANNEL_EN[channel]} within {days} days of it"
        )
        zh = f"{day_zh}已与客户{noun_zh} — {days}天内不得再次{texts.VERB_ZH[channel]}"
    else:
        period_en = "today" if days == 1 else f"in {days} days"
        period_zh = "今日" if days == 1 else f"{days}天内"
        per_en, per_zh = (" a day", "每日") if days == 1 else ("", "")
        if limit.counts == "attempt":
            en = f"{texts.ordinal_en(count + 1)} {noun_en} {period_en}"
            zh = f"{period_zh}第{count + 1}次{noun_zh}"
        else:
            en = f"{count} {noun_en}s {period_en}"
            zh = f"{period_zh}{noun_zh}已达{count}次"
        en = f"{en} (limit {limit.max}{per_en})"
        zh = f"{zh}（{per_zh}上限{limit.max}次）"
    if target is not None:
        label_en, label_zh = target.labels()
        en, zh = f"{label_en}: {en}", f"{label_zh}：{zh}"
        return blocking_reason(plan, clock, limit.code, (en, zh), clears)
    block = blocking_reason(plan, clock, limit.code, (en, zh), clears)
    clock.keep_limit_reason(key, block)
    return block
