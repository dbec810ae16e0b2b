"""An adjustment a workflow decides: a complaint's redress, an upheld dispute's correction.

It reduces what the customer owes the way confirmed money would be allocated
(``lifecycle.allocation.allocate``: past due first, then the rest of the balance, anything
beyond the balance a credit kept for the customer) — but it is not money received, so it is
a ``write_off`` event (``reason`` complaint_redress / dispute_upheld, naming the complaint or
dispute, with the allocation), never a payment, and never counts as recovered. An
adjustment that clears the balance closes the account (a ``status_change`` event says why).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, EventType
from workstation.lifecycle.allocation import AccountMoney, allocate
from workstation.server.lifecycle.payments import status_change_payload, wire
from workstation.server.models import AccountRow, EventRow
from workstation.server.workflows.events import Sink


def adjust(
    session: Session,
    account: AccountRow,
    amount_minor: int,
    *,
    reason: str,
    names: dict[str, Any],
    sink: Sink,
) -> EventRow | None:
    """Take ``amount_minor`` off ``account`` (locked by the caller); its ``write_off`` event,
    or None for nothing to take."""
    if amount_minor <= 0:
        return None
    position = AccountMoney.of_row(
        account.balance_minor, account.past_due_minor, account.credit_minor or 0
    )
    split = allocate(position, amount_minor)
    currency = account.currency
    event = sink(
        session,
        account,
        EventType.WRITE_OFF,
        {
            "amount": wire(amount_minor, currency),
            "currency": currency,
            "reason": reason,
            "allocation": {
                "past_due": wire(split.to_past_due, currency),
                "balance": wire(split.to_balance, currency),
                "credit": wire(split.credit, currency),
            },
            **names,
        },
        amount_minor=amount_minor,
    )
    account.balance_minor = split.after.balance
    account.past_due_minor = split.after.past_due
    account.credit_minor = split.after.credit
    if split.after.balance == 0 and not AccountStatus(account.status).is_closed:
        before = account.status
        account.status = AccountStatus.CLOSED.value
        sink(
            session,
            account,
            EventType.STATUS_CHANGE,
            status_change_payload(before, account.status, f"{reason}: nothing is owed", event.id),
        )
    sink.touch(session, account)
    return event
