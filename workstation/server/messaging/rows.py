"""Load what the messaging worker needs to ask the compliance engine again before sending:
the account, its customer with phones and e-mails, and the customer's events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.domain.model import Account, Customer, Event
from workstation.server.domain_rows import KNOWN_EVENT_TYPES, account_of, customer_of, event_of
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow


def load_for_decision(
    session: Session, account_id: str
) -> tuple[Customer, Account, list[Event]] | None:
    """The account, its customer (with phones and e-mails) and the customer's events."""
    account = session.get(AccountRow, account_id)
    if account is None:
        return None
    customer = session.get(CustomerRow, account.customer_id)
    if customer is None:
        return None
    contacts = list(
        session.scalars(select(ContactRow).where(ContactRow.customer_id == customer.id))
    )
    events = [
        event_of(row)
        for row in session.scalars(select(EventRow).where(EventRow.customer_id == customer.id))
        if row.type in KNOWN_EVENT_TYPES
    ]
    return customer_of(customer, contacts), account_of(account), events
