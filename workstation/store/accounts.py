"""Accounts and customers as whole domain objects: one account with its history, a
customer with their contacts, and which accounts and events are on this device.

Customers are read in batches on the driver connection (``load_customers``), which the
contact books (``books``) share.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from workstation.domain.enums import CustomerFlag, Language, PhoneType
from workstation.domain.model import Address, ContactPerson, Customer, Email, Phone
from workstation.domain.money import Money
from workstation.store import bulk
from workstation.store.engine import Database
from workstation.store.models import AccountRow, EventRow
from workstation.store.records import AccountDetail
from workstation.store.rows import account_from, event_from, orm

# Batched reads on the driver connection: Core rows with type decorators cost ~10 µs a row,
# and a queue refresh reads a few hundred thousand; the conversions below are the ones
# the column types do (dates and instants from text, JSON, Decimal text, 0/1 booleans).
IDS = "(SELECT value FROM json_each(?))"
_CUSTOMERS_SQL = f"""
SELECT id, name, name_alt, national_id_masked, timezone, jurisdiction, language, flags,
       contact_person, income_currency, monthly_income_minor, monthly_expenses_minor, version
FROM customers WHERE id IN {IDS}"""
_PHONES_SQL = f"""
SELECT customer_id, id, number, type, consent, opted_out, last_verified, invalid
FROM phones WHERE customer_id IN {IDS} ORDER BY customer_id, position"""
_EMAILS_SQL = f"""
SELECT customer_id, id, address, consent, opted_out, last_verified
FROM emails WHERE customer_id IN {IDS} ORDER BY customer_id, position"""
_ADDRESSES_SQL = f"""
SELECT customer_id, id, line1, city, district, postcode, country, latitude, longitude
FROM addresses WHERE customer_id IN {IDS} ORDER BY customer_id, position"""

_PHONE_TYPES = {member.value: member for member in PhoneType}
_LANGUAGES = {member.value: member for member in Language}
_FLAGS = {member.value: member for member in CustomerFlag}


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def load_customers(connection: Connection, customer_ids: Sequence[str]) -> dict[str, Customer]:
    """Customers with their phones, e-mails and addresses, by id, in four reads."""
    raw = connection.connection.driver_connection
    assert raw is not None
    ids = bulk.json_text(list(customer_ids))
    rows = raw.execute(_CUSTOMERS_SQL, (ids,)).fetchall()
    if not rows:
        return {}
    phones: dict[str, list[Phone]] = {row[0]: [] for row in rows}
    emails: dict[str, list[Email]] = {row[0]: [] for row in rows}
    addresses: dict[str, list[Address]] = {row[0]: [] for row in rows}
    phone_type = _PHONE_TYPES
    for owner, pid, number, kind, consent, opted_out, verified, invalid in raw.execute(
        _PHONES_SQL, (ids,)
    ):
        phones[owner].append(
            Phone(
                pid,
                number,
                phone_type[kind],
                bool(consent),
                bool(opted_out),
                _day(verified),
                bool(invalid),
            )
        )
    for owner, eid, address, consent, opted_out, verified in raw.execute(_EMAILS_SQL, (ids,)):
        emails[owner].append(Email(eid, address, bool(consent), bool(opted_out), _day(verified)))
    for owner, aid, line1, city, district, postcode, country, lat, lon in raw.execute(
        _ADDRESSES_SQL, (ids,)
    ):
        addresses[owner].append(
            Address(
                aid,
                line1,
                city,
                district,
                postcode,
                country,
                None if lat is None else Decimal(str(lat)),
                None if lon is None else Decimal(str(lon)),
            )
        )
    language, flag_of = _LANGUAGES, _FLAGS
    found: dict[str, Customer] = {}
    for (cid, name, name_alt, masked, timezone, jurisdiction, lang, flags, person, currency,
         income, expenses, version) in rows:  # fmt: skip
        contact = json.loads(person) if person else None
        found[cid] = Customer(
            id=cid,
            name=name,
            timezone=timezone,
            jurisdiction=jurisdiction,
            language=language[lang],
            name_alt=name_alt,
            national_id_masked=masked,
            phones=phones[cid],
            emails=emails[cid],
            addresses=addresses[cid],
            flags=frozenset(flag_of[f] for f in flags.split(",") if f),
            contact_person=ContactPerson(**contact) if contact else None,
            monthly_income=Money.from_minor(income, currency)
            if currency and income is not None
            else None,
            monthly_expenses=Money.from_minor(expenses, currency)
            if currency and expenses is not None
            else None,
            version=version,
        )
    return found


_LIVE_EVENTS_SQL = """
SELECT e.id FROM events AS e JOIN accounts AS a ON a.id = e.account_id
WHERE e.deleted = 0 AND a.deleted = 0"""


class AccountRepository:
    """One account or customer at a time, and the ids of what is on the device."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def is_empty(self) -> bool:
        with self._db.read() as connection:
            return connection.execute(select(AccountRow.id).limit(1)).first() is None

    def load_account(self, account_id: str) -> AccountDetail | None:
        """The account, its customer (with contacts), events newest first, other accounts."""
        with self._db.read() as connection:
            account_row = (
                orm(connection)
                .execute(select(AccountRow).where(AccountRow.id == account_id))
                .first()
            )
            if account_row is None:
                return None
            account = account_from(account_row[0])
            customer = load_customers(connection, [account.customer_id]).get(account.customer_id)
            if customer is None:  # pragma: no cover - foreign key guarantees it
                return None
            events = [
                event_from(r[0])
                for r in orm(connection).execute(
                    select(EventRow)
                    .where(EventRow.account_id == account_id, EventRow.deleted.is_(False))
                    .order_by(EventRow.occurred_at.desc(), EventRow.id.desc())
                )
            ]
            others = [
                account_from(r[0])
                for r in orm(connection).execute(
                    select(AccountRow)
                    .where(
                        AccountRow.customer_id == account.customer_id,
                        AccountRow.id != account_id,
                        AccountRow.deleted.is_(False),
                    )
                    .order_by(AccountRow.id)
                )
            ]
        return AccountDetail(customer, account, events, others)

    def load_customer(self, customer_id: str) -> Customer | None:
        with self._db.read() as connection:
            return load_customers(connection, [customer_id]).get(customer_id)

    def live_account_ids(self) -> set[str]:
        """Every account on the device that is not tombstoned."""
        with self._db.read() as connection:
            return {
                str(row[0])
                for row in connection.exec_driver_sql("SELECT id FROM accounts WHERE deleted = 0")
            }

    def live_event_ids(self) -> set[str]:
        """Every event on the device whose account is on it too (neither tombstoned)."""
        with self._db.read() as connection:
            return {str(row[0]) for row in connection.exec_driver_sql(_LIVE_EVENTS_SQL)}
