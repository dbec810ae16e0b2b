"""What one day of the daily run changed, and the versions that tell devices about it.

Every change the run makes is an event or a row whose version moves, so a device's next
``/sync/changes`` pull brings exactly the day's changes (never a re-snapshot). The versions
are taken at the very end of the day's transaction (``stamp``), not as each change is made:
taking a version locks the global counter until commit (``versioning``), and every device's
push waits behind that lock — it must not be held across the whole run.

Events are written with the placeholder version 0 and get their real one in ``stamp``;
accounts and customers are stamped by id (one UPDATE per row, in id order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType
from workstation.domain.model import new_id
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.versioning import allocate

SYSTEM = "daily-run"  # recorded_by of the run's events


def end_of(day: date) -> datetime:
    """The instant the run's decisions for ``day`` are dated: the end of that day, UTC."""
    return datetime.combine(day, time(23, 59, 59), UTC)


@dataclass
class DayChanges:
    day: date
    accounts: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    events: list[EventRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def event(
        self,
        session: Session,
        account: AccountRow,
        kind: EventType,
        payload: dict[str, Any],
        *,
        amount_minor: int | None = None,
    ) -> EventRow:
        row = EventRow(
            id=new_id(),
            type=kind.value,
            account_id=account.id,
            customer_id=account.customer_id,
            occurred_at=end_of(self.day),
            received_at=datetime.now(UTC),
            recorded_by=SYSTEM,
            recorded_by_id=None,
            device_id=None,
            payload=payload,
            amount_minor=amount_minor,
            currency=account.currency if amount_minor is not None else None,
            server_version=0,  # stamped at the end of the day (module docstring)
        )
        session.add(row)
        self.events.append(row)
        self.accounts.add(account.id)
        return row

    def merge(self, other: DayChanges) -> None:
        """Take over what a step that succeeded (its savepoint released) changed."""
        self.accounts |= other.accounts
        self.customers |= other.customers
        self.events.extend(other.events)
        for what, n in other.counts.items():
            self.count(what, n)

    def stamp(self, session: Session) -> int:
        """Give every changed row its version; return how many versions were taken."""
        session.flush()
        total = len(self.events) + len(self.accounts) + len(self.customers)
        if not total:
            return 0
        first = allocate(session, total)
        for offset, event in enumerate(self.events):
            event.server_version = first + offset
        nxt = first + len(self.events)
        for model, ids in ((AccountRow, self.accounts), (CustomerRow, self.customers)):
            if ids:
                table = model.__table__
                assert isinstance(table, Table)
                rows = [{"b_id": i, "b_version": nxt + k} for k, i in enumerate(sorted(ids))]
                session.connection().execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(version=bindparam("b_version")),
                    rows,
                )
                nxt += len(rows)
        session.flush()
        return total
