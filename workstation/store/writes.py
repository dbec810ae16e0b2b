"""Local writes: a recorded event or a contact patch, each with its outbox row, in ONE
transaction — the change is visible locally at once and queued for the server together,
or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, update

from workstation.contract.contacts import CUSTOMER_FIELDS
from workstation.domain.dispositions import DispositionCatalogue
from workstation.domain.model import Event, new_id
from workstation.store.derived import DerivedColumns
from workstation.store.effects import apply_effects
from workstation.store.engine import Database, UnknownRecordError
from workstation.store.models import (
    AccountRow,
    AddressRow,
    CustomerRow,
    EmailRow,
    EventRow,
    PhoneRow,
)
from workstation.store.outbox import OutboxRepository
from workstation.store.records import OutboxEntry
from workstation.store.rows import event_values, event_wire

_CONTACT_FIELDS = frozenset(CUSTOMER_FIELDS)  # the contract's table: not the legal name
_ContactModel = type[PhoneRow] | type[EmailRow] | type[AddressRow]
_CONTACT_LISTS: dict[str, _ContactModel] = {
    "phones": PhoneRow,
    "emails": EmailRow,
    "addresses": AddressRow,
}


class WriteRepository:
    """Recording events and patching contacts, each queued in the outbox."""

    def __init__(
        self,
        db: Database,
        catalogue: DispositionCatalogue,
        outbox: OutboxRepository,
        derived: DerivedColumns,
    ) -> None:
        self._db = db
        self._catalogue = catalogue
        self._outbox = outbox
        self._derived = derived

    def record_event(self, event: Event, *, device_id: str) -> OutboxEntry:
        """Insert ``event`` and its outbox row atomically and apply the local effects."""
        if event.device_id is None:
            event.device_id = device_id
        with self._db.write() as connection:
            account = connection.execute(
                select(AccountRow.version, AccountRow.status, AccountRow.customer_id).where(
                    AccountRow.id == event.account_id
                )
            ).first()
            if account is None:
                raise UnknownRecordError(f"account {event.account_id} is not on this device")
            connection.execute(insert(EventRow), [event_values(event)])
            apply_effects(connection, event, account, self._catalogue)
            self._derived.refresh(connection, [event.account_id])
            return self._outbox.insert(
                connection,
                type=f"event.{event.type}",
                payload=event_wire(event),
                base_version=account.version,
                device_id=device_id,
                account_id=event.account_id,
                customer_id=event.customer_id,
            )

    def patch_contact(
        self,
        customer_id: str,
        changes: Mapping[str, Any],
        base_version: int,
        device_id: str,
    ) -> OutboxEntry:
        """Apply a field-level contact patch locally and queue it, in one transaction.

        ``changes`` may hold the contract's customer fields (``name_alt``, ``timezone``,
        ``language``, ``contact_person``; never the legal name) and lists
        ``phones``/``emails``/``addresses`` of dicts; list items are upserted by ``id`` (an
        item without one gets a new id, written back into the queued payload) and items not
        mentioned are kept — nothing is deleted.
        ``base_version`` is the customer version the edit was made on; the local version is
        left alone (the server assigns versions). Outbox payload:
        ``{"customer_id": …, "changes": {…}}``.
        """
        unknown = set(changes) - _CONTACT_FIELDS - set(_CONTACT_LISTS)
        if unknown:
            raise ValueError(f"cannot patch customer field(s) {sorted(unknown)}")
        changes = {key: value for key, value in changes.items()}
        with self._db.write() as connection:
            exists = connection.execute(
                select(CustomerRow.id).where(CustomerRow.id == customer_id)
            ).first()
            if exists is None:
                raise UnknownRecordError(f"customer {customer_id} is not on this device")
            scalars = {k: v for k, v in changes.items() if k in _CONTACT_FIELDS}
            if scalars:
                connection.execute(
                    update(CustomerRow).where(CustomerRow.id == customer_id).values(**scalars)
                )
            for key, model in _CONTACT_LISTS.items():
                if key not in changes:
                    continue
                items = [dict(item) for item in changes[key]]
                for item in items:
                    item.setdefault("id", new_id())
                    self._upsert_contact(connection, model, customer_id, item)
                changes[key] = items
            return self._outbox.insert(
                connection,
                type="contact.patch",
                payload={"customer_id": customer_id, "changes": changes},
                base_version=base_version,
                device_id=device_id,
                account_id=None,
                customer_id=customer_id,
            )

    @staticmethod
    def _upsert_contact(
        connection: Connection,
        model: _ContactModel,
        customer_id: str,
        item: dict[str, Any],
    ) -> None:
        columns = {c.key for c in model.__table__.columns} - {"customer_id"}
        values = {k: v for k, v in item.items() if k in columns}
        for key in ("last_verified",):
            if isinstance(values.get(key), str):
                values[key] = date.fromisoformat(values[key])
        for key in ("latitude", "longitude"):
            if values.get(key) is not None:
                values[key] = Decimal(str(values[key]))
        owner = connection.execute(
            select(model.customer_id).where(model.id == values["id"])
        ).scalar_one_or_none()
        if owner is None:
            position = connection.execute(
                select(model.position)
                .where(model.customer_id == customer_id)
                .order_by(model.position.desc())
                .limit(1)
            ).scalar_one_or_none()
            values.setdefault("position", 0 if position is None else position + 1)
            connection.execute(insert(model).values(customer_id=customer_id, **values))
        elif owner != customer_id:
            raise ValueError(f"{values['id']} belongs to another customer")
        else:
            changed = {k: v for k, v in values.items() if k != "id"}
            if changed:
                connection.execute(update(model).where(model.id == values["id"]).values(**changed))
