"""From blocks to a verdict: a blocking reason worded with when it clears
(``blocking_reason``), and the ``Decision`` composed from the blocks found (``compose``),
calling hours added."""

from __future__ import annotations

from datetime import datetime

from workstation.compliance.clock import Block, Clock
from workstation.compliance.decision import THIRD_PARTY_INFO, Decision, Reason, new_decision
from workstation.compliance.plan import Plan


def blocking_reason(
    plan: Plan, clock: Clock, code: str, words: tuple[str, str], clears: datetime | None
) -> Block:
    """A blocking reason whose text (``words``: English, Chinese) says until when."""
    en, zh = words
    if clears is None:
        reason = Reason(code, f"{en} — blocked until lifted", f"{zh} — 解除前不可联系")
    else:
        until = clock.next_open(plan.hours, clears)
        when_en, when_zh = clock.moment(until)
        reason = Reason(
            code,
            f"{en} — blocked until {when_en} local time",
            f"{zh} — 当地时间{when_zh}前不可联系",
            until=until,
        )
    return reason, clears


def compose(
    plan: Plan, clock: Clock, blocks: list[Block], chosen: str | None, third_party: bool
) -> Decision:
    """The decision from the blocks found (calling hours added here)."""
    at = clock.at
    hours = clock.verdict(plan)
    if hours.blocked is not None:
        blocks.insert(0, (hours.blocked, at))
    if not blocks:
        return new_decision(
            Decision,
            allowed=True,
            reasons=(*hours.info, THIRD_PARTY_INFO) if third_party else hours.info,
            next_allowed_at=at,
            channel=plan.channel,
            decided_at=at,
            address=chosen,
            pack_id=plan.id,
            allowed_until=hours.open_until,
        )
    latest = at
    next_allowed: datetime | None = None  # while a hold lasts until someone lifts it
    for _, clears in blocks:
        if clears is None:
            break
        latest = max(latest, clears)
    else:
        next_allowed = clock.next_open(plan.hours, latest)
    return new_decision(
        Decision,
        allowed=False,
        reasons=tuple([reason for reason, _ in blocks]),
        next_allowed_at=next_allowed,
        channel=plan.channel,
        decided_at=at,
        address=chosen,
        pack_id=plan.id,
        allowed_until=None,
    )
