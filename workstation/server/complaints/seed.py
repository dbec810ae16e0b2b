"""The demo's complaints through the workflow: every complaint the generator wrote is
registered (reference, owner, deadlines), and those it wrote as already resolved get their
outcome and root cause (picked by a hash of the complaint's id, so a seed is repeatable), so
the lead's Complaints tab and its KPIs open on a realistic book."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.enums import ComplaintOutcome, EventType
from workstation.server.complaints.models import ComplaintRow
from workstation.server.complaints.workflow import register, team_leads, write_step
from workstation.server.models import AccountRow, CustomerRow, EventRow, User
from workstation.server.versioning import allocate
from workstation.server.workflows.events import SYSTEM, Sink
from workstation.workflows.complaints import State, Step
from workstation.workflows.deadlines import local_day
from workstation.workflows.root_causes import root_causes

_CHUNK = 500
_OUTCOMES = (ComplaintOutcome.NOT_UPHELD, ComplaintOutcome.PARTLY_UPHELD, ComplaintOutcome.UPHELD)


@dataclass
class _Versions:
    """Versions reserved a block at a time: one bump of the counter per ``_CHUNK`` events,
    not one per event (a block's unused end is a gap, as a rolled-back writer's is)."""

    next: int = 0
    end: int = 0

    def take(self, session: Session) -> int:
        if self.next >= self.end:
            self.next = allocate(session, _CHUNK)
            self.end = self.next + _CHUNK
        self.next += 1
        return self.next - 1


@dataclass
class _SeedSink(Sink):
    """The workflow's sink (``now`` mode) with versions from the seed's blocks."""

    block: _Versions | None = None

    def stamp(self, session: Session, row: Any, attribute: str) -> None:
        assert self.block is not None
        setattr(row, attribute, self.block.take(session))


def _pick(complaint_id: str, salt: str, n: int) -> int:
    return hashlib.sha256(f"{salt}:{complaint_id}".encode()).digest()[0] % n


def _preload(session: Session, event_ids: Sequence[str]) -> tuple[set[str], list[object]]:
    """Read the intakes, their accounts and customers in a few statements (the ``get`` calls
    of the workflow then find them in the session, not one round trip each: a million-
    account seed registers ~23,000 complaints): the ids already registered, and the rows
    read, which the caller holds on to (the session keeps its rows only weakly)."""
    intakes = list(session.scalars(select(EventRow).where(EventRow.id.in_(event_ids))))
    accounts = list(
        session.scalars(
            select(AccountRow).where(AccountRow.id.in_({i.account_id for i in intakes}))
        )
    )
    customers = session.scalars(
        select(CustomerRow).where(CustomerRow.id.in_({a.customer_id for a in accounts}))
    ).all()
    registered = set(session.scalars(select(ComplaintRow.id).where(ComplaintRow.id.in_(event_ids))))
    return registered, [*intakes, *accounts, *customers]


def seed_complaints(session: Session, event_ids: Sequence[str]) -> int:
    """Register the seeded complaint intakes ``event_ids``; how many were registered."""
    # one transaction registering thousands: the rows are flushed a chunk at a time (not
    # before every statement the workflow runs), the versions come in blocks and each
    # team's leads are read once
    with session.no_autoflush:
        return _register_all(session, event_ids)


def _register_all(session: Session, event_ids: Sequence[str]) -> int:
    count = 0
    causes = [c.code for c in root_causes()]
    registered: set[str] = set()
    _held: list[object] = []  # keeps the preloaded rows alive for the session
    block = _Versions()
    leads: dict[str | None, list[User]] = {}
    for index, event_id in enumerate(event_ids):
        if index % _CHUNK == 0:
            session.flush()
            registered, _held = _preload(session, event_ids[index : index + _CHUNK])
        intake = session.get(EventRow, event_id)
        if intake is None or intake.type != EventType.COMPLAINT.value:
            continue
        if intake.payload.get("complaint_id") or intake.id in registered:
            continue
        account = session.get(AccountRow, intake.account_id)
        customer = session.get(CustomerRow, intake.customer_id)
        assert account is not None
        assert customer is not None
        sink = _SeedSink(SYSTEM, intake.occurred_at + timedelta(seconds=1), block=block)
        if account.team_id not in leads:
            leads[account.team_id] = team_leads(session, account.team_id)
        row = register(session, account, intake, sink, leads=leads[account.team_id])
        count += 1
        if row.status != State.RESOLVED.value:
            continue
        resolved_at = intake.occurred_at + timedelta(days=3 + _pick(row.id, "days", 12))
        row.outcome = _OUTCOMES[_pick(row.id, "outcome", len(_OUTCOMES))].value
        row.root_cause = causes[_pick(row.id, "cause", len(causes))]
        row.resolved_at = resolved_at
        row.resolved_on = local_day(resolved_at, customer.timezone)
        write_step(
            session,
            account,
            row,
            Step.RESOLVE,
            sink=_SeedSink(SYSTEM, resolved_at, block=block),
            fields={
                "outcome": row.outcome,
                "root_cause": row.root_cause,
                "resolution": "Resolved before the complaints workflow (demo history).",
            },
        )
    session.flush()
    return count
