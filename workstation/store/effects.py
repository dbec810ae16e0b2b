"""Local effects of a recorded event: the contract's effects table, applied on this device.

``workstation.contract.effects`` says what an event changes (flags, the account's status,
opted-out and invalid phones and e-mails); the server applies the same table when it
accepts the event, so an offline laptop enforces at once what every other device will hear
of on its next pull. Until the event's outbox entry is acknowledged, a pull does not
overwrite this customer or account (``pulls``), so the local effect is never lost.

Every event also refreshes the account's derived columns (``derived``); balances never
change locally.
"""

from __future__ import annotations

from sqlalchemy import Connection, update

from workstation.contract import effects, touches_customer
from workstation.contract.effects import AccountLike
from workstation.domain.dispositions import DispositionCatalogue
from workstation.domain.model import Event
from workstation.store.accounts import load_customers
from workstation.store.models import AccountRow, CustomerRow, EmailRow, PhoneRow
from workstation.store.rows import flags_text


def apply_effects(
    connection: Connection,
    event: Event,
    account: AccountLike,
    catalogue: DispositionCatalogue,
) -> None:
    """Apply ``event``'s effects inside the caller's write transaction (``account``: its
    row as the transaction read it, with the status)."""
    customer = None
    if touches_customer(event, catalogue):
        customer = load_customers(connection, [event.customer_id]).get(event.customer_id)
        if customer is None:  # the account's customer is always on the device
            return
    fx = effects(event, account, customer, catalogue=catalogue)
    if fx.status is not None:
        connection.execute(
            update(AccountRow)
            .where(AccountRow.id == event.account_id)
            .values(status=fx.status.value)
        )
    if customer is None or not fx.customer:
        return
    if fx.set_flags or fx.clear_flags:
        connection.execute(
            update(CustomerRow)
            .where(CustomerRow.id == event.customer_id)
            .values(flags=flags_text(fx.flags(customer.flags)))
        )
    for model in (PhoneRow, EmailRow):
        if fx.opt_out:
            connection.execute(update(model).where(model.id.in_(fx.opt_out)).values(opted_out=True))
    if fx.invalid:
        connection.execute(update(PhoneRow).where(PhoneRow.id.in_(fx.invalid)).values(invalid=True))
