"""Server state arriving on the device: a whole portfolio (``bulk_load``), one pulled page
of changes (``apply_changes``), and the clean-ups a full resync makes (orphan customers,
events the server does not hold).

Every apply is ONE write transaction with its cursor. A record with unacknowledged outbox
entries is "busy" (``outbox.busy_records``): it is never overwritten nor tombstoned here,
only reported as deferred, so a local edit is not lost before the server has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, delete, insert, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workstation.domain.bulk import gc_paused
from workstation.domain.model import Account, Customer, Event
from workstation.store import bulk
from workstation.store.derived import DerivedColumns
from workstation.store.engine import Database
from workstation.store.models import (
    AccountRow,
    AddressRow,
    CustomerRow,
    EmailRow,
    EventRow,
    PhoneRow,
)
from workstation.store.outbox import busy_records, sending_event_ids
from workstation.store.records import ApplyResult, Tombstone
from workstation.store.rows import account_values, children_values, customer_values, event_values
from workstation.store.state import CURSOR, StateRepository

_ORPHAN_CUSTOMERS_SQL = """
SELECT c.id FROM customers AS c WHERE c.deleted = 0 AND NOT EXISTS
    (SELECT 1 FROM accounts AS a WHERE a.customer_id = c.id AND a.deleted = 0)"""


class HasPortfolio(Protocol):
    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]


class PullRepository:
    """Writes of server state (no outbox rows: this is what the server already holds)."""

    def __init__(
        self,
        db: Database,
        rpc_codes: Sequence[str],
        derived: DerivedColumns,
    ) -> None:
        self._db = db
        self._rpc_codes = frozenset(rpc_codes)
        self._derived = derived

    def bulk_load(self, portfolio: HasPortfolio) -> None:
        """Insert a whole portfolio (no outbox rows: this is server state), one transaction.

        Rows go to the driver's ``executemany`` as plain tuples, serialised here once:
        SQLAlchemy's per-row parameter processing would triple the time for 100,000
        accounts and their history. The derived account columns are computed in the same
        pass over the events (``bulk.event_rows``; the SQL refresh gives the same values
        and is what every later write uses). Into an empty store the secondary indexes are
        rebuilt after the insert, inside the same transaction (see ``workstation.store.bulk``).
        """
        with gc_paused():
            self._bulk_load(portfolio)

    def _bulk_load(self, portfolio: HasPortfolio) -> None:
        rows = bulk.prepare(
            portfolio.customers, portfolio.accounts, portfolio.events, self._rpc_codes
        )
        with self._db.write() as connection:
            bulk.write(connection, rows)

    def apply_changes(
        self,
        customers: Sequence[Customer] = (),
        accounts: Sequence[Account] = (),
        events: Sequence[Event] = (),
        tombstones: Iterable[Tombstone | tuple[str, str]] = (),
        cursor: Any = None,
    ) -> ApplyResult:
        """Apply one pulled page and its cursor in ONE transaction.

        A customer or account that still has unacknowledged outbox entries is not
        overwritten (nor tombstoned): it is reported in ``deferred_*`` and the sync engine
        pulls it again after its push is acknowledged. Events are facts: always upserted by
        id (an echo of our own event just gains its ``server_version``). ``cursor`` (any
        JSON value) is stored under ``sync_state["cursor"]`` when not None.
        """
        with self._db.write() as connection:
            return self._apply(
                connection,
                customers=customers,
                accounts=accounts,
                events=events,
                tombstones=tombstones,
                cursor=cursor,
            )

    def _apply(
        self,
        connection: Connection,
        *,
        customers: Sequence[Customer] = (),
        accounts: Sequence[Account] = (),
        events: Sequence[Event] = (),
        tombstones: Iterable[Tombstone | tuple[str, str]] = (),
        cursor: Any = None,
    ) -> ApplyResult:
        busy_accounts, busy_customers = busy_records(connection)
        deferred_customers: list[str] = []
        deferred_accounts: list[str] = []
        touched: set[str] = set()

        applied_customers = 0
        for customer in customers:
            if customer.id in busy_customers:
                deferred_customers.append(customer.id)
                continue
            self._replace_customer(connection, customer)
            applied_customers += 1

        upserts = []
        for account in accounts:
            if account.id in busy_accounts:
                deferred_accounts.append(account.id)
                continue
            upserts.append(account_values(account))
            touched.add(account.id)
        applied_accounts = len(upserts)
        if upserts:
            statement = sqlite_insert(AccountRow)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[AccountRow.id],
                    set_={k: statement.excluded[k] for k in upserts[0] if k != "id"},
                ),
                upserts,
            )
        facts = [event_values(event) for event in events]
        touched.update(event.account_id for event in events)
        if facts:
            statement = sqlite_insert(EventRow)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[EventRow.id],
                    set_={k: statement.excluded[k] for k in facts[0] if k != "id"},
                ),
                facts,
            )

        applied_tombstones = 0
        for entity, record_id in tombstones:
            if entity == "account":
                if record_id in busy_accounts:
                    deferred_accounts.append(record_id)
                    continue
                model: Any = AccountRow
                touched.add(record_id)
            elif entity == "customer":
                if record_id in busy_customers:
                    deferred_customers.append(record_id)
                    continue
                model = CustomerRow
            elif entity == "event":
                model = EventRow
            else:
                raise ValueError(f"unknown tombstone entity {entity!r}")
            connection.execute(update(model).where(model.id == record_id).values(deleted=True))
            applied_tombstones += 1

        self._derived.refresh(connection, sorted(touched))
        if cursor is not None:
            StateRepository.put(connection, CURSOR, cursor)
        return ApplyResult(
            customers=applied_customers,
            accounts=applied_accounts,
            events=len(events),
            tombstones=applied_tombstones,
            deferred_customers=tuple(deferred_customers),
            deferred_accounts=tuple(deferred_accounts),
        )

    def _replace_customer(self, connection: Connection, customer: Customer) -> None:
        values = customer_values(customer)
        statement = sqlite_insert(CustomerRow).values(values)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[CustomerRow.id],
                set_={k: statement.excluded[k] for k in values if k != "id"},
            )
        )
        phones, emails, addresses = children_values(customer)
        for model, rows in ((PhoneRow, phones), (EmailRow, emails), (AddressRow, addresses)):
            connection.execute(delete(model).where(model.customer_id == customer.id))
            if rows:
                connection.execute(insert(model), rows)

    def drop_orphan_customers(self) -> int:
        """Tombstone customers none of whose accounts is still on this device."""
        with self._db.write() as connection:
            orphans = [str(row[0]) for row in connection.exec_driver_sql(_ORPHAN_CUSTOMERS_SQL)]
            if not orphans:
                return 0
            tombstones = [Tombstone("customer", c) for c in orphans]
            return self._apply(connection, tombstones=tombstones).tombstones

    def drop_unknown_events(self, account_id: str, server_ids: set[str]) -> int:
        """Tombstone the account's local events the server does not hold and nobody is
        sending (they are in no unacknowledged outbox entry)."""
        with self._db.write() as connection:
            local = {
                str(row[0])
                for row in connection.exec_driver_sql(
                    "SELECT id FROM events WHERE account_id = ? AND deleted = 0", (account_id,)
                )
            }
            extra = local - server_ids - sending_event_ids(connection, account_id)
            if not extra:
                return 0
            tombstones = [Tombstone("event", e) for e in extra]
            return self._apply(connection, tombstones=tombstones).tombstones
