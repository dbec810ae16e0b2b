"""How the workflows write their events: with the author, the instant and a version.

Three situations, one interface (``Sink``): inside a device's push the versions come from
the push's own plan (``versioning.versions``: taken at commit on PostgreSQL); inside the
daily run from the day's ``DayChanges`` (stamped at the end of the day); anywhere else (the
lead's console, a webhook) they are allocated at once (``versioning.allocate``: a rare
writer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workstation.domain.enums import EventType
from workstation.domain.model import new_id
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow, EventRow
from workstation.server.versioning import allocate, versions


@dataclass(frozen=True, slots=True)
class Author:
    name: str  # ``recorded_by``: a username, or the system's name for its own steps
    user_id: str | None = None
    device_id: str | None = None


SYSTEM = Author("workflows")


@dataclass
class Sink:
    """Writes events (and marks accounts changed) the way the surrounding transaction takes
    versions: ``mode`` ``push`` (the push's plan), ``day`` (``changes``) or ``now``."""

    author: Author
    at: datetime
    mode: str = "now"
    changes: DayChanges | None = None
    written: list[EventRow] = field(default_factory=list)

    def __call__(
        self,
        session: Session,
        account: AccountRow,
        kind: EventType,
        payload: dict[str, Any],
        *,
        amount_minor: int | None = None,
    ) -> EventRow:
        if self.mode == "day":
            assert self.changes is not None
            row = self.changes.event(session, account, kind, payload, amount_minor=amount_minor)
            row.recorded_by = self.author.name
            row.recorded_by_id = self.author.user_id
            self.written.append(row)
            return row
        row = EventRow(
            id=new_id(),
            type=kind.value,
            account_id=account.id,
            customer_id=account.customer_id,
            occurred_at=self.at,
            received_at=self.at,
            recorded_by=self.author.name,
            recorded_by_id=self.author.user_id,
            device_id=self.author.device_id,
            payload=payload,
            amount_minor=amount_minor,
            currency=account.currency if amount_minor is not None else None,
        )
        self.stamp(session, row, "server_version")
        session.add(row)
        self.written.append(row)
        return row

    def touch(self, session: Session, account: AccountRow) -> None:
        """The account changed (its status or balance): a new version, so devices hear."""
        if self.mode == "day":
            assert self.changes is not None
            self.changes.accounts.add(account.id)
            return
        self.stamp(session, account, "version")

    def stamp(self, session: Session, row: Any, attribute: str) -> None:
        """``row.attribute`` gets a new version, the way this transaction takes them."""
        if self.mode == "push":
            plan = versions(session)
            plan.assign(row, attribute, plan.reserve(session, 1))
        else:
            setattr(row, attribute, allocate(session, 1))
