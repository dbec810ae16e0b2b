"""The customer's history as a full decision reads it (``Case``: the contacts that can
count, the complaints, disputes and flag changes that can hold, what a void removed, and the
blocks found so far), and the event types and account statuses the engine tells apart.

The history is read in one pass, in ``lane.decide_in_lane``; ``Case`` sorts what it found.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from workstation.compliance.clock import Block, Clock
from workstation.compliance.decision import AccountFacts
from workstation.compliance.plan import Plan
from workstation.compliance.verdict import blocking_reason
from workstation.domain.enums import AccountStatus, EventType
from workstation.domain.model import Customer, Event

CONTACT = EventType.CONTACT_ATTEMPT
VOID = EventType.VOID
COMPLAINT = EventType.COMPLAINT
DISPUTE = EventType.DISPUTE
FLAG_CHANGE = EventType.FLAG_CHANGE
SPECIAL = frozenset({VOID, COMPLAINT, DISPUTE, FLAG_CHANGE})
CLOSED_STATUSES = frozenset(status for status in AccountStatus if status.is_closed)
HELD_STATUSES = frozenset(
    {
        AccountStatus.DISPUTE,
        AccountStatus.HOLD,
        *(status for status in AccountStatus if status.is_closed),
    }
)
NOTHING: frozenset[str] = frozenset()
#: event types ``decide`` reads at any age (contact attempts count only inside the windows,
#: see ``ContactPolicy.horizon_days``): what a caller must pass in ``history``
LASTING_EVENT_TYPES: frozenset[EventType] = SPECIAL

NO_EVENTS: list[Event] = []  # shared and never appended to


class Case:
    """One full decision's state: the history sorted by what it can do, and the blocks found.

    The rule checks (``holds``, ``targets``, ``limits``) read it and add to ``blocks``;
    ``evaluation.evaluate`` runs them in order and composes the verdict.
    """

    __slots__ = (
        "account",
        "blocks",
        "clock",
        "complaints",
        "contacts",
        "customer",
        "disputes",
        "events",
        "flag_changes",
        "plan",
        "voided",
    )

    def __init__(
        self,
        plan: Plan,
        clock: Clock,
        customer: Customer,
        account: AccountFacts,
        events: Sequence[Event],
        *,
        contacts: list[Event],
        special: list[Event],
    ) -> None:
        self.plan = plan
        self.clock = clock
        self.customer = customer
        self.account = account
        self.events = events
        self.blocks: list[Block] = []
        self.contacts = contacts
        # filled only when the history holds such events (rare; see _sort)
        self.voided: set[str] | frozenset[str] = NOTHING
        self.complaints: list[Event] = NO_EVENTS
        self.disputes: list[Event] = NO_EVENTS
        self.flag_changes: list[Event] = NO_EVENTS
        if special:
            self._sort(special)

    def _sort(self, special: list[Event]) -> None:
        at = self.clock.at
        voided: set[str] = set()
        self.complaints, self.disputes, self.flag_changes = [], [], []
        for event in special:
            if event.type == VOID:
                target = event.payload.get("target_event_id")
                if target:
                    voided.add(str(target))
            elif event.occurred_at > at:
                continue
            elif event.type == COMPLAINT:
                self.complaints.append(event)
            elif event.type == DISPUTE:
                self.disputes.append(event)
            else:
                self.flag_changes.append(event)
        if voided:
            self.voided = voided
            self.contacts = [e for e in self.contacts if e.id not in voided]
            # a voided complaint or dispute takes its workflow's steps with it
            self.complaints = [
                e
                for e in self.complaints
                if e.id not in voided and e.payload.get("complaint_id") not in voided
            ]
            self.disputes = [
                e
                for e in self.disputes
                if e.id not in voided and e.payload.get("dispute_id") not in voided
            ]
            self.flag_changes = [e for e in self.flag_changes if e.id not in voided]

    def reason(self, code: str, en: str, zh: str, clears: datetime | None) -> Block:
        """A blocking reason whose text says until when (moved into calling hours)."""
        return blocking_reason(self.plan, self.clock, code, (en, zh), clears)
