"""Contact books: what the contact-rule engine reads, per customer, in batches.

A book entry is (customer with contacts, open account as ``AccountRef``, the customer's
history the rules can look at). Histories are read on the driver connection, like the
customers (``accounts.load_customers``), and shared by the customer's accounts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import Connection, select

from workstation.domain.enums import AccountStatus, EventType
from workstation.domain.model import Customer, Event
from workstation.store import bulk
from workstation.store.accounts import IDS, load_customers
from workstation.store.engine import Database
from workstation.store.models import AccountRow, CustomerRow, EventRow
from workstation.store.records import AccountRef
from workstation.store.types import from_storage, to_storage

_CLOSED = tuple(s.value for s in AccountStatus if s.is_closed)
_BOOK_CHUNK = 500  # customers per batched read
_HISTORY_SQL = f"""
SELECT id, type, account_id, customer_id, occurred_at, recorded_by, payload, device_id,
       server_version
FROM events
WHERE customer_id IN {IDS} AND deleted = 0
  AND (type IN (SELECT value FROM json_each(?))
       OR (type = 'contact_attempt' AND occurred_at >= ?))"""
_BOOK_ACCOUNTS_SQL = f"""
SELECT id, customer_id, status FROM accounts
WHERE customer_id IN {IDS} AND deleted = 0
  AND status NOT IN (SELECT value FROM json_each(?))
ORDER BY id"""


_EVENT_TYPES = {member.value: member for member in EventType}
_STATUSES = {member.value: member for member in AccountStatus}


def _histories(
    connection: Connection, customer_ids: list[str], since: datetime, kinds: list[str]
) -> dict[str, list[Event]]:
    """Per customer: contact attempts since ``since`` and every event of the ``kinds``."""
    raw = connection.connection.driver_connection
    assert raw is not None
    histories: dict[str, list[Event]] = {customer_id: [] for customer_id in customer_ids}
    event_type = _EVENT_TYPES
    loads = json.loads
    for (eid, kind, account_id, customer_id, occurred, recorded_by, payload, device,
         version) in raw.execute(
        _HISTORY_SQL, (bulk.json_text(customer_ids), bulk.json_text(kinds), to_storage(since))
    ):  # fmt: skip
        history = histories.get(customer_id)
        if history is not None:
            history.append(
                Event(
                    eid,
                    event_type[kind],
                    account_id,
                    customer_id,
                    from_storage(occurred),
                    recorded_by,
                    loads(payload) if payload else {},
                    device,
                    version,
                )
            )
    return histories


def _book_accounts(connection: Connection, customer_ids: list[str]) -> list[AccountRef]:
    """The customers' open accounts as the contact rules see them, by id."""
    raw = connection.connection.driver_connection
    assert raw is not None
    status_of = _STATUSES
    return [
        AccountRef(account_id, customer_id, status_of[status])
        for account_id, customer_id, status in raw.execute(
            _BOOK_ACCOUNTS_SQL, (bulk.json_text(customer_ids), bulk.json_text(list(_CLOSED)))
        )
    ]


class ContactBookRepository:
    """Contact books and one customer's contact history (``Store.contact_books``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def contact_books(
        self,
        *,
        since: datetime,
        lasting: Iterable[str],
        flagged: bool = True,
        customer_ids: Iterable[str] | None = None,
    ) -> Iterator[list[tuple[Customer, AccountRef, list[Event]]]]:
        """What the contact-rule engine reads, for the open accounts whose history can matter,
        in chunks of a few hundred customers (a caller decides a chunk and lets it go, so
        100,000 accounts never sit in memory as domain objects at once; the chunks come from
        one read snapshot).

        An account is in the book when its customer has a contact attempt since ``since``,
        an event of a ``lasting`` type (complaints, disputes, flag changes, voids — read at
        any age), any flag (``flagged``), or an account on hold or in dispute. Each history
        holds those events for ALL the customer's accounts (customer-wide caps count them)
        and is shared by the customer's accounts. Every other account has no history the
        engine would read: its verdict is the pack's calling hours alone. ``customer_ids``
        limits the book to those customers (a first page).
        """
        kinds = sorted({str(kind) for kind in lasting})
        recent = select(EventRow.customer_id).where(
            EventRow.deleted.is_(False),
            EventRow.type.in_(kinds)
            | (
                (EventRow.type == EventType.CONTACT_ATTEMPT.value) & (EventRow.occurred_at >= since)
            ),
        )
        held = select(AccountRow.customer_id).where(
            AccountRow.deleted.is_(False),
            AccountRow.status.in_([AccountStatus.HOLD.value, AccountStatus.DISPUTE.value]),
        )
        marked = select(CustomerRow.id).where(
            CustomerRow.deleted.is_(False), CustomerRow.flags != ""
        )
        if customer_ids is not None:  # a first page: look at those customers only
            only = sorted(set(customer_ids))
            recent = recent.where(EventRow.customer_id.in_(only))
            held = held.where(AccountRow.customer_id.in_(only))
            marked = marked.where(CustomerRow.id.in_(only))
        with self._db.read() as connection:
            wanted: set[str] = {row[0] for row in connection.execute(recent.distinct())}
            wanted.update(row[0] for row in connection.execute(held))
            if flagged:
                wanted.update(row[0] for row in connection.execute(marked))
            ids = sorted(wanted)
            for start in range(0, len(ids), _BOOK_CHUNK):
                yield self._books(connection, ids[start : start + _BOOK_CHUNK], since, kinds)

    def contact_history(
        self, customer_id: str, *, since: datetime, lasting: Iterable[str]
    ) -> list[Event]:
        """The customer's events (all their accounts) the contact-rule engine reads: contact
        attempts since ``since`` and every event of a ``lasting`` type."""
        kinds = sorted({str(kind) for kind in lasting})
        with self._db.read() as connection:
            return _histories(connection, [customer_id], since, kinds)[customer_id]

    def _books(
        self, connection: Connection, customer_ids: list[str], since: datetime, kinds: list[str]
    ) -> list[tuple[Customer, AccountRef, list[Event]]]:
        customers = load_customers(connection, customer_ids)
        histories = _histories(connection, list(customers), since, kinds)
        return [
            (customers[account.customer_id], account, histories[account.customer_id])
            for account in _book_accounts(connection, list(customers))
        ]
