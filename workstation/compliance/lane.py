"""Compliance's one common path, shared by ``ContactPolicy.decide`` and ``decide_many``.

A ``Lane`` is what every customer of one (pack, channel, timezone) shares at one instant:
the compiled plan, the clock, the oldest contact that can still count, and the verdict of a
customer whom nothing but calling hours blocks. ``decide_in_lane`` reads the history once
and settles the queue's common case there — no hold can apply, no complaint, dispute, void or
flag event, no address asked for and nothing that tells one phone from another: calling hours
and the customer- and debt-wide limits, on the first phone — and hands every other case, with
what it read, to ``evaluation.evaluate``. (``test_the_quick_path_agrees_with_the_full_evaluation``
checks the two give the same decision.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workstation.compliance.clock import FOREVER, Block, Clock
from workstation.compliance.decision import AccountFacts, Decision, Reason, new_decision
from workstation.compliance.evaluation import evaluate
from workstation.compliance.history import CONTACT, HELD_STATUSES, NO_EVENTS, SPECIAL, Case
from workstation.compliance.limits import limit_block
from workstation.compliance.plan import Plan
from workstation.compliance.verdict import compose
from workstation.domain.model import Address, Customer, Email, Event, Phone


class Lane:
    """One (plan, clock): what the decisions of its customers share, worked out once."""

    __slots__ = (
        "allowed",
        "allowed_until",
        "at",
        "channel",
        "clock",
        "flag_holds",
        "horizon",
        "next_allowed_at",
        "open",
        "pack_id",
        "phones",
        "plan",
        "reasons",
        "records",
    )

    def __init__(self, plan: Plan, clock: Clock) -> None:
        self.plan = plan
        self.clock = clock
        self.at = clock.at
        # contacts before this cannot count (no window: none can)
        self.horizon = clock.window_start(plan.horizon_days) if plan.horizon_days else FOREVER
        self.records = plan.records  # the Customer attribute listing the channel's records
        self.phones = plan.records == "phones"  # a phone can be a wrong number
        self.flag_holds = bool(plan.flag_holds)
        # the common case is possible at all: no opt-out or consent tells the records apart
        self.open = not plan.target_checks_always
        # the verdict when nothing but calling hours can block (only the address differs)
        base = compose(plan, clock, [], None, False)
        self.allowed: bool = base.allowed
        self.reasons: tuple[Reason, ...] = base.reasons
        self.next_allowed_at: datetime | None = base.next_allowed_at
        self.allowed_until: datetime | None = base.allowed_until
        self.channel = plan.channel
        self.pack_id = plan.id


def decide_in_lane(
    lane: Lane,
    customer: Customer,
    account: AccountFacts,
    history: Sequence[Event],
    address: str | None = None,
    *,
    full: bool = False,
) -> Decision:
    """The verdict for one account of ``lane``'s customers (``address``: see ``decide``;
    ``full``: never settle the common case here, which a test compares with settling it)."""
    at = lane.at
    # the history's one pass (inline: the queue comes through here 100,000 times a refresh):
    # the contacts that can still count, and every void, complaint, dispute and flag change
    contacts: list[Event] = []
    special = NO_EVENTS
    horizon, contact, unusual = lane.horizon, CONTACT, SPECIAL
    for event in history:
        kind = event.type
        if kind == contact:
            if horizon <= event.occurred_at <= at:
                contacts.append(event)
        elif kind in unusual:
            if special is NO_EVENTS:
                special = [event]
            else:
                special.append(event)
    plan = lane.plan
    records: Sequence[Phone | Email | Address] = getattr(customer, lane.records)
    if (
        special
        or address is not None
        or full
        or not lane.open
        or not records
        or (customer.flags and lane.flag_holds)
        or account.status in HELD_STATUSES
        or len(contacts) >= plan.number_limit_floor  # a per-number cap could tell phones apart
        or (lane.phones and records[0].invalid)  # type: ignore[union-attr]  # (phones)
    ):
        # the full path, with what was read (a wrong first number: it tries the others)
        case = Case(
            plan, lane.clock, customer, account, history, contacts=contacts, special=special
        )
        return evaluate(case, address)
    if len(contacts) >= plan.limit_floor:
        blocks: list[Block] = []
        for limit_plan in plan.limits:
            block = limit_block(plan, limit_plan, lane.clock, contacts, account.id)
            if block is not None:
                blocks.append(block)
        if blocks:
            return compose(plan, lane.clock, blocks, records[0].id, False)
    return new_decision(
        Decision,
        allowed=lane.allowed,
        reasons=lane.reasons,
        next_allowed_at=lane.next_allowed_at,
        channel=lane.channel,
        decided_at=at,
        address=records[0].id,
        pack_id=lane.pack_id,
        allowed_until=lane.allowed_until,
    )
