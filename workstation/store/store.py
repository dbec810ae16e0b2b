"""The local store's API: what the desk, the sync engine and tests call.

``Store`` owns the replica on a collector's laptop: opening (migrations, optional SQLCipher
key), the single writer, and the repositories — queue rows, one account with history,
recording events and contact patches together with their outbox rows, applying pulled
changes, the outbox itself, needs-attention, conflicts, sync state, blobs and the scorecard.
Everything returned is plain data (domain dataclasses or the records in
``workstation.store.records``); nothing bound to a database session ever leaves this module.

Local effects of ``record_event`` (kept deliberately small; the server is authoritative and
its next pull overwrites these once the outbox is acknowledged):

* ``promise`` with status ``open`` → account status ``promise`` (from ``open``);
* ``plan_agreement`` → status ``plan``; ``dispute`` (pending) → status ``dispute``;
* ``contact_attempt`` whose disposition ``sets`` ``dispute`` → ``dispute``, ``hold`` →
  ``hold``; ``hardship``/``vulnerable``/``bankrupt``/``deceased``/``cease_communication``
  → that customer flag;
* ``flag_change`` → sets or clears the customer flag;
* every event refreshes the account's derived columns (last attempt, open promise,
  callback due, counts) from the event log. Balances never change locally.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workstation import paths
from workstation.domain.bulk import gc_paused
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.enums import (
    AccountStatus,
    Bucket,
    CustomerFlag,
    EventType,
    Language,
    PhoneType,
    RiskTier,
)
from workstation.domain.model import (
    Account,
    Address,
    ContactPerson,
    Customer,
    Email,
    Event,
    Phone,
    new_id,
    utcnow,
)
from workstation.domain.money import Money, minor_digits
from workstation.store import bulk, migrate
from workstation.store.engine import WRITE_OPTION, StoreError, make_engine
from workstation.store.models import (
    AccountRow,
    AddressRow,
    BlobRow,
    ConflictRow,
    CustomerRow,
    EmailRow,
    EventRow,
    NeedsAttentionRow,
    OutboxRow,
    PhoneRow,
    ScorecardRow,
    SyncStateRow,
)
from workstation.store.records import (
    AccountDetail,
    AccountRef,
    ApplyResult,
    AttentionItem,
    BlobInfo,
    Conflict,
    OutboxEntry,
    OutboxResult,
    OutboxState,
    QueueRow,
    Tombstone,
)
from workstation.store.types import from_storage, to_storage

# Well-known sync_state keys (values are JSON).
CURSOR = "cursor"
SNAPSHOT_TOKEN = "snapshot_token"
SNAPSHOT_VERSION = "snapshot_version"
DEVICE_ID = "device_id"
SERVER_URL = "server_url"
USER = "user"
LAST_SYNC_AT = "last_sync_at"
# days of change history the server keeps (GET /sync/info): written by the sync engine,
# read by the field banner
CHANGE_RETENTION_DAYS = "server.change_retention_days"
SCHEMA_EPOCH = "schema_epoch"

_UNACKED = (OutboxState.PENDING.value, OutboxState.SENT.value)
_CLOSED = tuple(s.value for s in AccountStatus if s.is_closed)
_FLAG_EFFECTS = {
    "hardship": CustomerFlag.HARDSHIP,
    "vulnerable": CustomerFlag.VULNERABLE,
    "bankrupt": CustomerFlag.BANKRUPT,
    "deceased": CustomerFlag.DECEASED,
    "cease_communication": CustomerFlag.CEASE_COMMUNICATION,
}
_CONTACT_FIELDS = frozenset({"name", "name_alt", "timezone", "language", "contact_person"})
_ContactModel = type[PhoneRow] | type[EmailRow] | type[AddressRow]
_CONTACT_LISTS: dict[str, _ContactModel] = {
    "phones": PhoneRow,
    "emails": EmailRow,
    "addresses": AddressRow,
}
_WIRE_2DP = re.compile(r"-?\d+\.\d\d")


class HasPortfolio(Protocol):
    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]


class UnknownRecordError(StoreError, KeyError):
    """The record a write refers to is not on this device."""


# --- domain <-> row -------------------------------------------------------------------------


def _people(customers: Iterable[Any], one: Callable[[Any, Any], Any]) -> dict[str, tuple[Any, ...]]:
    """Queue customers by id: (id, name, name_alt, timezone, jurisdiction, language, flags)."""
    return {
        row[0]: (row[0], row[1], row[2], one(row[3], row[3]), one(row[4], row[4]),
                 one(row[5], row[5]), row[6])
        for row in customers
    }  # fmt: skip


def _flags_text(flags: Iterable[str]) -> str:
    return ",".join(sorted(str(f) for f in flags))


def _minor_of(amount: Any, currency: Any) -> int | None:
    """Minor units of a wire amount (None when the payload carries no money)."""
    if amount is None or currency is None:
        return None
    text = str(amount)
    if _WIRE_2DP.fullmatch(text) and minor_digits(str(currency)) == 2:
        return int(text.replace(".", ""))
    return Money.of(text, str(currency)).minor


def _customer_values(customer: Customer) -> dict[str, Any]:
    income, expenses = customer.monthly_income, customer.monthly_expenses
    person = customer.contact_person
    return {
        "id": customer.id,
        "name": customer.name,
        "name_alt": customer.name_alt,
        "national_id_masked": customer.national_id_masked,
        "timezone": customer.timezone,
        "jurisdiction": customer.jurisdiction,
        "language": str(customer.language),
        "flags": _flags_text(customer.flags),
        "contact_person": None
        if person is None
        else {"name": person.name, "phone": person.phone, "relationship": person.relationship},
        "income_currency": income.currency if income else expenses.currency if expenses else None,
        "monthly_income_minor": income.minor if income else None,
        "monthly_expenses_minor": expenses.minor if expenses else None,
        "version": customer.version,
        "deleted": False,
    }


def _children_values(
    customer: Customer,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    phones = [
        {
            "id": p.id,
            "customer_id": customer.id,
            "position": i,
            "number": p.number,
            "type": str(p.type),
            "consent": p.consent,
            "opted_out": p.opted_out,
            "last_verified": p.last_verified,
        }
        for i, p in enumerate(customer.phones)
    ]
    emails = [
        {
            "id": e.id,
            "customer_id": customer.id,
            "position": i,
            "address": e.address,
            "consent": e.consent,
            "opted_out": e.opted_out,
            "last_verified": e.last_verified,
        }
        for i, e in enumerate(customer.emails)
    ]
    addresses = [
        {
            "id": a.id,
            "customer_id": customer.id,
            "position": i,
            "line1": a.line1,
            "city": a.city,
            "district": a.district,
            "postcode": a.postcode,
            "country": a.country,
            "latitude": a.latitude,
            "longitude": a.longitude,
        }
        for i, a in enumerate(customer.addresses)
    ]
    return phones, emails, addresses


def _account_values(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "customer_id": account.customer_id,
        "product": account.product,
        "currency": account.currency,
        "principal_minor": account.principal.minor,
        "balance_minor": account.balance.minor,
        "past_due_minor": account.past_due.minor,
        "placed_minor": account.placed_amount.minor if account.placed_amount else None,
        "days_past_due": account.days_past_due,
        "status": str(account.status),
        "owner": account.owner,
        "team": account.team,
        "risk_tier": str(account.risk_tier) if account.risk_tier else None,
        "score": account.score,
        "reason_codes": list(account.reason_codes),
        "opened_on": account.opened_on,
        "placed_on": account.placed_on,
        "annual_rate": account.annual_rate,
        "version": account.version,
        "deleted": False,
    }


def _event_values(event: Event) -> dict[str, Any]:
    payload = event.payload
    currency = payload.get("currency")
    return {
        "id": event.id,
        "account_id": event.account_id,
        "customer_id": event.customer_id,
        "type": str(event.type),
        "occurred_at": event.occurred_at,
        "recorded_by": event.recorded_by,
        "device_id": event.device_id,
        "server_version": event.server_version,
        "payload": payload,
        "amount_minor": _minor_of(payload.get("amount"), currency),
        "currency": currency,
        "deleted": False,
    }


def event_wire(event: Event) -> dict[str, Any]:
    """An event as the outbox (and the wire) carries it."""
    return {
        "id": event.id,
        "type": str(event.type),
        "account_id": event.account_id,
        "customer_id": event.customer_id,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "recorded_by": event.recorded_by,
        "device_id": event.device_id,
        "payload": event.payload,
    }


def _account_from(row: Any) -> Account:  # an AccountRow or a Core row of accounts
    currency = row.currency
    return Account(
        id=row.id,
        customer_id=row.customer_id,
        product=row.product,
        currency=currency,
        principal=Money.from_minor(row.principal_minor, currency),
        balance=Money.from_minor(row.balance_minor, currency),
        past_due=Money.from_minor(row.past_due_minor, currency),
        days_past_due=row.days_past_due,
        status=AccountStatus(row.status),
        owner=row.owner,
        team=row.team,
        risk_tier=RiskTier(row.risk_tier) if row.risk_tier else None,
        score=row.score,
        reason_codes=tuple(row.reason_codes or ()),
        placed_amount=None
        if row.placed_minor is None
        else Money.from_minor(row.placed_minor, currency),
        opened_on=row.opened_on,
        placed_on=row.placed_on,
        annual_rate=row.annual_rate if row.annual_rate is not None else Decimal(0),
        version=row.version,
    )


def _event_from(row: Any) -> Event:  # an EventRow or a Core row of events
    return Event(
        id=row.id,
        type=EventType(row.type),
        account_id=row.account_id,
        customer_id=row.customer_id,
        occurred_at=row.occurred_at,
        recorded_by=row.recorded_by,
        payload=dict(row.payload),
        device_id=row.device_id,
        server_version=row.server_version,
    )


_BOOK_CHUNK = 500  # customers per batched read

# Batched reads on the driver connection: Core rows with type decorators cost ~10 µs a row,
# and a queue refresh reads a few hundred thousand; the conversions below are the ones
# the column types do (dates and instants from text, JSON, Decimal text, 0/1 booleans).
_IDS = "(SELECT value FROM json_each(?))"
_CUSTOMERS_SQL = f"""
SELECT id, name, name_alt, national_id_masked, timezone, jurisdiction, language, flags,
       contact_person, income_currency, monthly_income_minor, monthly_expenses_minor, version
FROM customers WHERE id IN {_IDS}"""
_PHONES_SQL = f"""
SELECT customer_id, id, number, type, consent, opted_out, last_verified
FROM phones WHERE customer_id IN {_IDS} ORDER BY customer_id, position"""
_EMAILS_SQL = f"""
SELECT customer_id, id, address, consent, opted_out, last_verified
FROM emails WHERE customer_id IN {_IDS} ORDER BY customer_id, position"""
_ADDRESSES_SQL = f"""
SELECT customer_id, id, line1, city, district, postcode, country, latitude, longitude
FROM addresses WHERE customer_id IN {_IDS} ORDER BY customer_id, position"""
_HISTORY_SQL = f"""
SELECT id, type, account_id, customer_id, occurred_at, recorded_by, payload, device_id,
       server_version
FROM events
WHERE customer_id IN {_IDS} AND deleted = 0
  AND (type IN (SELECT value FROM json_each(?))
       OR (type = 'contact_attempt' AND occurred_at >= ?))"""
_BOOK_ACCOUNTS_SQL = f"""
SELECT id, customer_id, status FROM accounts
WHERE customer_id IN {_IDS} AND deleted = 0
  AND status NOT IN (SELECT value FROM json_each(?))
ORDER BY id"""


_PHONE_TYPES = {member.value: member for member in PhoneType}
_LANGUAGES = {member.value: member for member in Language}
_FLAGS = {member.value: member for member in CustomerFlag}
_EVENT_TYPES = {member.value: member for member in EventType}
_STATUSES = {member.value: member for member in AccountStatus}


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _load_customers(connection: Connection, customer_ids: Sequence[str]) -> dict[str, Customer]:
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
    for owner, pid, number, kind, consent, opted_out, verified in raw.execute(_PHONES_SQL, (ids,)):
        phones[owner].append(
            Phone(pid, number, phone_type[kind], bool(consent), bool(opted_out), _day(verified))
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


def _outbox_from(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        client_seq=row.client_seq,
        mutation_id=row.mutation_id,
        type=row.type,
        payload=dict(row.payload),
        base_version=row.base_version,
        device_time=row.device_time,
        device_id=row.device_id,
        state=OutboxState(row.state),
        result=row.result,
        account_id=row.account_id,
        customer_id=row.customer_id,
    )


# --- queue rows: narrow statements, tuples straight from the driver ---------------------------

_QUEUE_OPEN_ONLY = "AND status NOT IN ('paid', 'settled', 'closed')"
_QUEUE_ACCOUNTS_SQL = """
SELECT id, customer_id, product, balance_minor, past_due_minor, currency, days_past_due,
       status, risk_tier, score, owner, team, promise_due_on, promise_amount_minor,
       callback_due_at, last_attempt_at, last_payment_at, attempts_total, rpc_total,
       promises_broken, open_complaints
FROM accounts WHERE deleted = 0 {closed}
"""
_QUEUE_CUSTOMERS_SQL = """
SELECT id, name, name_alt, timezone, jurisdiction, language, flags
FROM customers WHERE deleted = 0
"""
_QUEUE_RECENT_ATTEMPTS_SQL = """
SELECT account_id FROM events INDEXED BY ix_events_occurred
WHERE occurred_at >= ? AND type = 'contact_attempt' AND deleted = 0
"""
_QUEUE_OUTBOX_SQL = """
SELECT account_id FROM outbox
WHERE state IN ('pending', 'sent') AND account_id IS NOT NULL
"""
# the same, for a JSON list of account ids (the first page, or the rows a write touched)
_QUEUE_ONLY = " AND id IN (SELECT value FROM json_each(?))"
_QUEUE_ONLY_CUSTOMERS = (
    " AND id IN (SELECT customer_id FROM accounts WHERE id IN (SELECT value FROM json_each(?)))"
)
_QUEUE_ATTEMPTS_OF_SQL = """
SELECT account_id FROM events
WHERE occurred_at >= ? AND type = 'contact_attempt' AND deleted = 0
      AND account_id IN (SELECT value FROM json_each(?))
"""
_BUCKET_SPAN = 400
_BUCKET_TEXT = tuple(Bucket.for_days(days).value for days in range(_BUCKET_SPAN))

# Bare columns next to max() come from the row holding the maximum (documented SQLite
# behaviour), which gives "the latest attempt's callback" and "the latest open promise"
# in one pass each. Derived instants carry an explicit "+00:00": ``fromisoformat`` then
# returns an aware UTC datetime itself, and ``replace(tzinfo=…)`` (over a microsecond a
# call) is saved 100,000 times per queue read. Rows written before that are still read.
_DERIVED_SQL = """
CREATE TEMP TABLE _derived AS
SELECT a.id AS id,
       att.last_at || '+00:00' AS last_attempt_at, coalesce(att.n, 0) AS attempts_total,
       coalesce(att.rpc, 0) AS rpc_total,
       CASE WHEN att.cb IS NULL THEN NULL
            ELSE strftime('%Y-%m-%d %H:%M:%f', att.cb) || '+00:00' END AS callback_due_at,
       pro.due AS promise_due_on, pro.amount AS promise_amount_minor,
       coalesce(brk.n, 0) AS promises_broken, pay.last_at || '+00:00' AS last_payment_at,
       coalesce(cmp.n, 0) AS open_complaints
FROM accounts AS a
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at, count(*) AS n,
                  sum(json_extract(payload, '$.disposition') IN ({rpc})) AS rpc,
                  json_extract(payload, '$.callback_at') AS cb
           FROM events WHERE type = 'contact_attempt' AND deleted = 0 {events_filter}
           GROUP BY account_id) AS att ON att.account_id = a.id
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at,
                  json_extract(payload, '$.due_date') AS due, amount_minor AS amount
           FROM events WHERE type = 'promise' AND deleted = 0
                AND json_extract(payload, '$.status') = 'open' {events_filter}
           GROUP BY account_id) AS pro ON pro.account_id = a.id
LEFT JOIN (SELECT account_id, count(*) AS n
           FROM events WHERE type = 'promise' AND deleted = 0
                AND json_extract(payload, '$.status') = 'broken' {events_filter}
           GROUP BY account_id) AS brk ON brk.account_id = a.id
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at
           FROM events WHERE type = 'payment' AND deleted = 0 {events_filter}
           GROUP BY account_id) AS pay ON pay.account_id = a.id
LEFT JOIN (SELECT account_id, count(*) AS n
           FROM events WHERE type = 'complaint' AND deleted = 0
                AND json_extract(payload, '$.status') = 'open' {events_filter}
           GROUP BY account_id) AS cmp ON cmp.account_id = a.id
{accounts_filter}
"""

_DERIVED_UPDATE = """
UPDATE accounts SET
    last_attempt_at = d.last_attempt_at, attempts_total = d.attempts_total,
    rpc_total = d.rpc_total, callback_due_at = d.callback_due_at,
    promise_due_on = d.promise_due_on, promise_amount_minor = d.promise_amount_minor,
    promises_broken = d.promises_broken, last_payment_at = d.last_payment_at,
    open_complaints = d.open_complaints
FROM _derived AS d WHERE d.id = accounts.id
"""


def _orm(connection: Connection) -> Session:
    """An ORM session riding on ``connection``'s transaction, for loading whole rows."""
    return Session(bind=connection, autoflush=False, expire_on_commit=False)


@dataclass
class _FlagsCache:
    values: dict[str, frozenset[str]]

    def get(self, text: str) -> frozenset[str]:
        cached = self.values.get(text)
        if cached is None:
            cached = frozenset(text.split(",")) if text else frozenset()
            self.values[text] = cached
        return cached


class Store:
    """The local replica. Open with ``Store.open()``; use as a context manager or ``close()``."""

    def __init__(
        self, engine: Engine, path: Path, *, catalogue: DispositionCatalogue | None = None
    ) -> None:
        self._engine = engine
        self.path = path
        self.encrypted = False
        self.backup_path: Path | None = None  # the copy taken before this open's upgrade
        self._write_lock = threading.RLock()
        self._catalogue = catalogue or default_catalogue()
        self._rpc_codes = tuple(d.code for d in self._catalogue if d.is_right_party)
        self._flags = _FlagsCache({})

    # --- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, key: str | None = None) -> Store:
        """Open (creating or upgrading as needed) the store at ``path`` (default: the profile's).

        Raises ``StoreLockedError`` (wrong/missing key), ``StoreTooNewError`` (written by a
        newer version) or ``MigrationError`` (upgrade failed; the file was restored).
        """
        path = Path(path) if path is not None else paths.store_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(path, key=key)
        try:
            backup = migrate.upgrade(engine, path)
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, path)
        store.encrypted = key is not None
        store.backup_path = path.with_name(backup) if backup else None
        return store

    @staticmethod
    def delete_files(path: Path | None = None) -> None:
        """Remove a (closed) store file and its WAL/SHM companions — device wipe."""
        path = Path(path) if path is not None else paths.store_path()
        for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            candidate.unlink(missing_ok=True)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._engine

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self._engine)

    # --- transactions ----------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """The one writer: ``BEGIN IMMEDIATE`` … commit (rollback on any exception)."""
        with (
            self._write_lock,
            self._engine.connect().execution_options(**{WRITE_OPTION: True}) as connection,
            connection.begin(),
        ):
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent read snapshot (deferred ``BEGIN``)."""
        with self._engine.connect() as connection, connection.begin():
            yield connection

    # --- queue -----------------------------------------------------------------------------

    def queue_rows(
        self,
        *,
        now: datetime | None = None,
        include_closed: bool = False,
        account_ids: Iterable[str] | None = None,
    ) -> list[QueueRow]:
        """Every account on the device (or only ``account_ids``), flat, without ORM objects.

        ``account_ids`` reads just those rows (say, the first page of the queue in its last
        known order, or the accounts a write touched) in milliseconds; unknown ids are
        skipped and rows come in storage order, not in the order asked.
        """
        now = now or utcnow()
        since = to_storage(now - timedelta(days=7))
        wanted = None if account_ids is None else bulk.json_text(list(account_ids))
        with gc_paused():
            return self._queue_rows(since, include_closed, wanted)

    def _queue_rows(self, since: str, include_closed: bool, wanted: str | None) -> list[QueueRow]:
        closed = "" if include_closed else _QUEUE_OPEN_ONLY
        # SQLite hands back a new str per row and column; the low-cardinality columns
        # (currencies, statuses, zones, owners) share one object per value instead of
        # keeping 900,000 copies for 100,000 accounts (tens of MB of RSS)
        one: Callable[[Any, Any], Any] = {}.setdefault
        with self._engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            # Four narrow reads in one snapshot beat one statement with two joins and two
            # grouped subqueries by half: SQLite's per-row join and transient indexes cost
            # more than building three small dicts here.
            raw.execute("BEGIN")
            try:
                if wanted is None:
                    customers = raw.execute(_QUEUE_CUSTOMERS_SQL)
                    people = _people(customers, one)
                    recent = raw.execute(_QUEUE_RECENT_ATTEMPTS_SQL, (since,)).fetchall()
                    unacked = raw.execute(_QUEUE_OUTBOX_SQL).fetchall()
                    accounts = raw.execute(_QUEUE_ACCOUNTS_SQL.format(closed=closed))
                else:
                    customers = raw.execute(_QUEUE_CUSTOMERS_SQL + _QUEUE_ONLY_CUSTOMERS, (wanted,))
                    people = _people(customers, one)
                    recent = raw.execute(_QUEUE_ATTEMPTS_OF_SQL, (since, wanted)).fetchall()
                    unacked = raw.execute(_QUEUE_OUTBOX_SQL).fetchall()
                    accounts = raw.execute(
                        _QUEUE_ACCOUNTS_SQL.format(closed=closed) + _QUEUE_ONLY, (wanted,)
                    )
                # the accounts are read as they are turned into rows, never all at once
                return self._build_queue_rows(accounts, people, recent, unacked, one)
            finally:
                raw.execute("COMMIT")
                connection.rollback()

    def _build_queue_rows(
        self,
        accounts: Iterable[Any],
        people: dict[str, tuple[Any, ...]],
        recent: list[Any],
        unacked: list[Any],
        one: Callable[[Any, Any], Any],
    ) -> list[QueueRow]:
        attempts_7d = Counter(account_id for (account_id,) in recent)
        outbox = Counter(account_id for (account_id,) in unacked)
        flags = self._flags.get
        parse = datetime.fromisoformat
        day = date.fromisoformat
        buckets = _BUCKET_TEXT
        new = tuple.__new__
        result: list[QueueRow] = []
        append = result.append
        for (account_id, customer_id, product, balance, past_due, currency, dpd, status, tier,
             score, owner, team, promise_due, promise_amount, callback, last_attempt,
             last_payment, attempts, rpc, broken, complaints) in accounts:  # fmt: skip
            person = people.get(customer_id)
            if person is None:  # the customer is tombstoned
                continue
            append(
                new(
                    QueueRow,
                    (
                        account_id,
                        customer_id,
                        person[1],
                        person[2],
                        one(product, product),
                        balance,
                        past_due,
                        one(currency, currency),
                        dpd,
                        buckets[dpd] if 0 <= dpd < _BUCKET_SPAN else Bucket.for_days(dpd).value,
                        one(status, status),
                        one(tier, tier),
                        None if score is None else float(score),
                        person[3],
                        person[4],
                        person[5],
                        flags(person[6]),
                        one(owner, owner),
                        one(team, team),
                        None if promise_due is None else day(promise_due),
                        promise_amount,
                        None
                        if callback is None
                        else moment
                        if (moment := parse(callback)).tzinfo is not None
                        else moment.replace(tzinfo=UTC),
                        None
                        if last_attempt is None
                        else moment
                        if (moment := parse(last_attempt)).tzinfo is not None
                        else moment.replace(tzinfo=UTC),
                        None
                        if last_payment is None
                        else moment
                        if (moment := parse(last_payment)).tzinfo is not None
                        else moment.replace(tzinfo=UTC),
                        attempts,
                        attempts_7d.get(account_id, 0),
                        rpc,
                        broken,
                        complaints,
                        outbox.get(account_id, 0),
                    ),
                )
            )
        return result

    def is_empty(self) -> bool:
        with self.read() as connection:
            return connection.execute(select(AccountRow.id).limit(1)).first() is None

    # --- one account -----------------------------------------------------------------------

    def load_account(self, account_id: str) -> AccountDetail | None:
        """The account, its customer (with contacts), events newest first, other accounts."""
        with self.read() as connection:
            account_row = (
                _orm(connection)
                .execute(select(AccountRow).where(AccountRow.id == account_id))
                .first()
            )
            if account_row is None:
                return None
            account = _account_from(account_row[0])
            customer = self._load_customer(connection, account.customer_id)
            if customer is None:  # pragma: no cover - foreign key guarantees it
                return None
            events = [
                _event_from(r[0])
                for r in _orm(connection).execute(
                    select(EventRow)
                    .where(EventRow.account_id == account_id, EventRow.deleted.is_(False))
                    .order_by(EventRow.occurred_at.desc(), EventRow.id.desc())
                )
            ]
            others = [
                _account_from(r[0])
                for r in _orm(connection).execute(
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
        with self.read() as connection:
            return self._load_customer(connection, customer_id)

    def _load_customer(self, connection: Connection, customer_id: str) -> Customer | None:
        return _load_customers(connection, [customer_id]).get(customer_id)

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
        with self.read() as connection:
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
        with self.read() as connection:
            return _histories(connection, [customer_id], since, kinds)[customer_id]

    def _books(
        self, connection: Connection, customer_ids: list[str], since: datetime, kinds: list[str]
    ) -> list[tuple[Customer, AccountRef, list[Event]]]:
        customers = _load_customers(connection, customer_ids)
        histories = _histories(connection, list(customers), since, kinds)
        return [
            (customers[account.customer_id], account, histories[account.customer_id])
            for account in _book_accounts(connection, list(customers))
        ]

    # --- local writes (each with its outbox row, in one transaction) -----------------------

    def record_event(self, event: Event, *, device_id: str) -> OutboxEntry:
        """Insert ``event`` and its outbox row atomically and apply the local effects."""
        if event.device_id is None:
            event.device_id = device_id
        with self.write() as connection:
            account = connection.execute(
                select(AccountRow.version, AccountRow.status, AccountRow.customer_id).where(
                    AccountRow.id == event.account_id
                )
            ).first()
            if account is None:
                raise UnknownRecordError(f"account {event.account_id} is not on this device")
            connection.execute(insert(EventRow), [_event_values(event)])
            self._apply_effects(connection, event, AccountStatus(account.status))
            self._refresh_derived(connection, [event.account_id])
            return self._insert_outbox(
                connection,
                type=f"event.{event.type}",
                payload=event_wire(event),
                base_version=account.version,
                device_id=device_id,
                account_id=event.account_id,
                customer_id=event.customer_id,
            )

    def _apply_effects(self, connection: Connection, event: Event, status: AccountStatus) -> None:
        new_status: AccountStatus | None = None
        flag_changes: dict[CustomerFlag, bool] = {}
        kind = event.type
        payload = event.payload
        if kind is EventType.PROMISE and payload.get("status", "open") == "open":
            if status is AccountStatus.OPEN:
                new_status = AccountStatus.PROMISE
        elif kind is EventType.PLAN_AGREEMENT:
            new_status = AccountStatus.PLAN
        elif kind is EventType.DISPUTE and payload.get("status") != "resolved":
            new_status = AccountStatus.DISPUTE
        elif kind is EventType.FLAG_CHANGE:
            flag_changes[CustomerFlag(payload["flag"])] = bool(payload.get("value", True))
        elif kind is EventType.CONTACT_ATTEMPT and event.disposition:
            disposition = self._catalogue.get(event.disposition)
            if disposition is not None:
                if "dispute" in disposition.sets:
                    new_status = AccountStatus.DISPUTE
                elif "hold" in disposition.sets:
                    new_status = AccountStatus.HOLD
                for effect, flag in _FLAG_EFFECTS.items():
                    if effect in disposition.sets:
                        flag_changes[flag] = True
        if new_status is not None and not status.is_closed and new_status is not status:
            connection.execute(
                update(AccountRow)
                .where(AccountRow.id == event.account_id)
                .values(status=new_status.value)
            )
        if flag_changes:
            current = connection.execute(
                select(CustomerRow.flags).where(CustomerRow.id == event.customer_id)
            ).scalar_one()
            flags = {f for f in current.split(",") if f}
            for flag, value in flag_changes.items():
                (flags.add if value else flags.discard)(flag.value)
            connection.execute(
                update(CustomerRow)
                .where(CustomerRow.id == event.customer_id)
                .values(flags=_flags_text(flags))
            )

    def patch_contact(
        self,
        customer_id: str,
        changes: Mapping[str, Any],
        base_version: int,
        device_id: str,
    ) -> OutboxEntry:
        """Apply a field-level contact patch locally and queue it, in one transaction.

        ``changes`` may hold ``name``, ``name_alt``, ``timezone``, ``language``,
        ``contact_person`` and lists ``phones``/``emails``/``addresses`` of dicts; list
        items are upserted by ``id`` (an item without one gets a new id, written back into
        the queued payload) and items not mentioned are kept — nothing is deleted.
        ``base_version`` is the customer version the edit was made on; the local version is
        left alone (the server assigns versions). Outbox payload:
        ``{"customer_id": …, "changes": {…}}``.
        """
        unknown = set(changes) - _CONTACT_FIELDS - set(_CONTACT_LISTS)
        if unknown:
            raise ValueError(f"cannot patch customer field(s) {sorted(unknown)}")
        changes = {key: value for key, value in changes.items()}
        with self.write() as connection:
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
            return self._insert_outbox(
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

    def _insert_outbox(
        self,
        connection: Connection,
        *,
        type: str,
        payload: dict[str, Any],
        base_version: int | None,
        device_id: str,
        account_id: str | None,
        customer_id: str | None,
    ) -> OutboxEntry:
        now = utcnow()
        mutation_id = new_id()
        seq = connection.execute(
            insert(OutboxRow)
            .values(
                mutation_id=mutation_id,
                type=type,
                payload=payload,
                base_version=base_version,
                device_time=now,
                device_id=device_id,
                state=OutboxState.PENDING.value,
                account_id=account_id,
                customer_id=customer_id,
                updated_at=now,
            )
            .returning(OutboxRow.client_seq)
        ).scalar_one()
        return OutboxEntry(
            client_seq=seq,
            mutation_id=mutation_id,
            type=type,
            payload=payload,
            base_version=base_version,
            device_time=now,
            device_id=device_id,
            state=OutboxState.PENDING,
            account_id=account_id,
            customer_id=customer_id,
        )

    # --- derived columns ---------------------------------------------------------------------

    def _refresh_derived(self, connection: Connection, account_ids: Sequence[str] | None) -> None:
        """Recompute the accounts' derived columns from their events (all when None)."""
        raw_params: list[Any] = list(self._rpc_codes)
        placeholders = ", ".join("?" for _ in self._rpc_codes) or "NULL"
        if account_ids is None:
            events_filter = accounts_filter = ""
        else:
            if not account_ids:
                return
            connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS _touched (id TEXT)")
            connection.exec_driver_sql("DELETE FROM _touched")
            connection.exec_driver_sql(
                "INSERT INTO _touched (id) VALUES (?)", [(i,) for i in set(account_ids)]
            )
            events_filter = "AND account_id IN (SELECT id FROM _touched)"
            accounts_filter = "WHERE a.id IN (SELECT id FROM _touched)"
        sql = _DERIVED_SQL.format(
            rpc=placeholders, events_filter=events_filter, accounts_filter=accounts_filter
        )
        connection.exec_driver_sql("DROP TABLE IF EXISTS temp._derived")
        connection.exec_driver_sql(sql, tuple(raw_params))
        connection.exec_driver_sql(_DERIVED_UPDATE)
        connection.exec_driver_sql("DROP TABLE temp._derived")

    # --- seeding and sync apply --------------------------------------------------------------

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
            portfolio.customers, portfolio.accounts, portfolio.events, frozenset(self._rpc_codes)
        )
        with self.write() as connection:
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
        with self.write() as connection:
            busy_accounts = set(
                connection.execute(
                    select(OutboxRow.account_id).where(
                        OutboxRow.state.in_(_UNACKED), OutboxRow.account_id.is_not(None)
                    )
                ).scalars()
            )
            busy_customers = set(
                connection.execute(
                    select(OutboxRow.customer_id).where(
                        OutboxRow.state.in_(_UNACKED), OutboxRow.customer_id.is_not(None)
                    )
                ).scalars()
            )
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

            account_values = []
            for account in accounts:
                if account.id in busy_accounts:
                    deferred_accounts.append(account.id)
                    continue
                account_values.append(_account_values(account))
                touched.add(account.id)
            applied_accounts = len(account_values)
            if account_values:
                statement = sqlite_insert(AccountRow)
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[AccountRow.id],
                        set_={k: statement.excluded[k] for k in account_values[0] if k != "id"},
                    ),
                    account_values,
                )
            event_values = [_event_values(event) for event in events]
            touched.update(event.account_id for event in events)
            if event_values:
                statement = sqlite_insert(EventRow)
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[EventRow.id],
                        set_={k: statement.excluded[k] for k in event_values[0] if k != "id"},
                    ),
                    event_values,
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

            self._refresh_derived(connection, sorted(touched))
            if cursor is not None:
                self._set_state(connection, CURSOR, cursor)
        return ApplyResult(
            customers=applied_customers,
            accounts=applied_accounts,
            events=len(events),
            tombstones=applied_tombstones,
            deferred_customers=tuple(deferred_customers),
            deferred_accounts=tuple(deferred_accounts),
        )

    def _replace_customer(self, connection: Connection, customer: Customer) -> None:
        values = _customer_values(customer)
        statement = sqlite_insert(CustomerRow).values(values)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[CustomerRow.id],
                set_={k: statement.excluded[k] for k in values if k != "id"},
            )
        )
        phones, emails, addresses = _children_values(customer)
        for model, rows in ((PhoneRow, phones), (EmailRow, emails), (AddressRow, addresses)):
            connection.execute(delete(model).where(model.customer_id == customer.id))
            if rows:
                connection.execute(insert(model), rows)

    # --- outbox ----------------------------------------------------------------------------

    def pending_outbox(self, limit: int = 100) -> list[OutboxEntry]:
        """Unacknowledged mutations (pending or sent) in ``client_seq`` order."""
        with self.read() as connection:
            return [
                _outbox_from(r[0])
                for r in _orm(connection).execute(
                    select(OutboxRow)
                    .where(OutboxRow.state.in_(_UNACKED))
                    .order_by(OutboxRow.client_seq)
                    .limit(limit)
                )
            ]

    def outbox_entry(self, mutation_id: str) -> OutboxEntry | None:
        with self.read() as connection:
            row = (
                _orm(connection)
                .execute(select(OutboxRow).where(OutboxRow.mutation_id == mutation_id))
                .first()
            )
            return None if row is None else _outbox_from(row[0])

    def pending_outbox_count(self) -> int:
        """Mutations not yet acknowledged (pending or sent)."""
        counts = self.outbox_counts()
        return counts.get(OutboxState.PENDING.value, 0) + counts.get(OutboxState.SENT.value, 0)

    def outbox_counts(self) -> dict[str, int]:
        with self.read() as connection:
            return {
                state: count
                for state, count in connection.exec_driver_sql(
                    "SELECT state, count(*) FROM outbox GROUP BY state"
                )
            }

    def mark_outbox(self, results: Iterable[OutboxResult]) -> None:
        """Record the server's answers; a rejection also lands in needs-attention."""
        with self.write() as connection:
            now = utcnow()
            for outcome in results:
                row = (
                    _orm(connection)
                    .execute(select(OutboxRow).where(OutboxRow.mutation_id == outcome.mutation_id))
                    .first()
                )
                if row is None:
                    raise UnknownRecordError(f"no outbox entry {outcome.mutation_id}")
                entry: OutboxRow = row[0]
                state = OutboxState(outcome.state)
                if state is OutboxState.PENDING:
                    raise ValueError("an outbox entry cannot be marked pending again")
                connection.execute(
                    update(OutboxRow)
                    .where(OutboxRow.client_seq == entry.client_seq)
                    .values(
                        state=state.value,
                        result=outcome.result if outcome.result is not None else entry.result,
                        updated_at=now,
                    )
                )
                if state is OutboxState.REJECTED and entry.state != OutboxState.REJECTED.value:
                    self._add_attention(
                        connection,
                        kind="rejected",
                        reason=outcome.reason or "rejected by the server",
                        payload={
                            "type": entry.type,
                            "payload": entry.payload,
                            "result": outcome.result,
                        },
                        mutation_id=entry.mutation_id,
                        account_id=entry.account_id,
                    )

    # --- needs attention and conflicts ------------------------------------------------------

    def add_attention(
        self,
        kind: str,
        reason: str,
        payload: Mapping[str, Any] | None = None,
        *,
        mutation_id: str | None = None,
        account_id: str | None = None,
    ) -> str:
        with self.write() as connection:
            return self._add_attention(
                connection,
                kind=kind,
                reason=reason,
                payload=dict(payload or {}),
                mutation_id=mutation_id,
                account_id=account_id,
            )

    @staticmethod
    def _add_attention(
        connection: Connection,
        *,
        kind: str,
        reason: str,
        payload: dict[str, Any],
        mutation_id: str | None,
        account_id: str | None,
    ) -> str:
        item_id = new_id()
        connection.execute(
            insert(NeedsAttentionRow).values(
                id=item_id,
                mutation_id=mutation_id,
                kind=kind,
                reason=reason,
                payload=payload,
                account_id=account_id,
                created_at=utcnow(),
                resolved=False,
            )
        )
        return item_id

    def needs_attention(self, *, include_resolved: bool = False) -> list[AttentionItem]:
        query = select(NeedsAttentionRow).order_by(NeedsAttentionRow.created_at)
        if not include_resolved:
            query = query.where(NeedsAttentionRow.resolved.is_(False))
        with self.read() as connection:
            return [
                AttentionItem(
                    id=r.id,
                    kind=r.kind,
                    reason=r.reason,
                    payload=dict(r.payload),
                    created_at=r.created_at,
                    mutation_id=r.mutation_id,
                    account_id=r.account_id,
                    resolved=r.resolved,
                    resolved_at=r.resolved_at,
                )
                for (r,) in _orm(connection).execute(query)
            ]

    def resolve_attention(self, item_id: str) -> None:
        with self.write() as connection:
            connection.execute(
                update(NeedsAttentionRow)
                .where(NeedsAttentionRow.id == item_id)
                .values(resolved=True, resolved_at=utcnow())
            )

    def add_conflict(
        self,
        entity: str,
        entity_id: str,
        field: str,
        local_value: Any,
        server_value: Any,
        *,
        base_version: int | None,
        mutation_id: str | None = None,
    ) -> str:
        conflict_id = new_id()
        with self.write() as connection:
            connection.execute(
                insert(ConflictRow).values(
                    id=conflict_id,
                    entity=entity,
                    entity_id=entity_id,
                    field=field,
                    local_value=local_value,
                    server_value=server_value,
                    base_version=base_version,
                    mutation_id=mutation_id,
                    created_at=utcnow(),
                    resolved=False,
                )
            )
        return conflict_id

    def conflicts(self, *, include_resolved: bool = False) -> list[Conflict]:
        query = select(ConflictRow).order_by(ConflictRow.created_at)
        if not include_resolved:
            query = query.where(ConflictRow.resolved.is_(False))
        with self.read() as connection:
            return [
                Conflict(
                    id=r.id,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    field=r.field,
                    local_value=r.local_value,
                    server_value=r.server_value,
                    base_version=r.base_version,
                    created_at=r.created_at,
                    mutation_id=r.mutation_id,
                    resolved=r.resolved,
                )
                for (r,) in _orm(connection).execute(query)
            ]

    def resolve_conflict(self, conflict_id: str) -> None:
        with self.write() as connection:
            connection.execute(
                update(ConflictRow).where(ConflictRow.id == conflict_id).values(resolved=True)
            )

    # --- sync state --------------------------------------------------------------------------

    def get_state(self, key: str, default: Any = None) -> Any:
        with self.read() as connection:
            row = connection.execute(
                select(SyncStateRow.value).where(SyncStateRow.key == key)
            ).first()
            return default if row is None else row[0]

    def set_state(self, key: str, value: Any) -> None:
        with self.write() as connection:
            self._set_state(connection, key, value)

    def set_states(self, values: Mapping[str, Any]) -> None:
        with self.write() as connection:
            for key, value in values.items():
                self._set_state(connection, key, value)

    def all_state(self) -> dict[str, Any]:
        with self.read() as connection:
            return {
                key: value
                for key, value in connection.execute(select(SyncStateRow.key, SyncStateRow.value))
            }

    @staticmethod
    def _set_state(connection: Connection, key: str, value: Any) -> None:
        statement = sqlite_insert(SyncStateRow).values(key=key, value=value)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[SyncStateRow.key], set_={"value": statement.excluded.value}
            )
        )

    # --- blobs -------------------------------------------------------------------------------

    def put_blob(self, data: bytes, *, media_type: str = "application/octet-stream") -> str:
        """Store ``data`` under its SHA-256 in ``paths.blob_dir()``; returns the digest."""
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{digest}"
        target = paths.blob_dir() / relative
        if not target.exists() or target.stat().st_size != len(data):
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".part")
            temporary.write_bytes(data)
            temporary.replace(target)
        with self.write() as connection:
            statement = sqlite_insert(BlobRow).values(
                sha256=digest,
                path=relative,
                size=len(data),
                media_type=media_type,
                uploaded=False,
                created_at=utcnow(),
            )
            connection.execute(statement.on_conflict_do_nothing(index_elements=[BlobRow.sha256]))
        return digest

    def get_blob(self, sha256: str) -> bytes | None:
        info = self.blob_info(sha256)
        if info is None:
            return None
        target = paths.blob_dir() / info.path
        if not target.exists():
            return None
        data = target.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"blob {sha256} is damaged on disk ({target})")
        return data

    def blob_info(self, sha256: str) -> BlobInfo | None:
        with self.read() as connection:
            row = _orm(connection).execute(select(BlobRow).where(BlobRow.sha256 == sha256)).first()
            if row is None:
                return None
            b: BlobRow = row[0]
            return BlobInfo(b.sha256, b.path, b.size, b.media_type, b.uploaded, b.created_at)

    def blobs_to_upload(self) -> list[BlobInfo]:
        with self.read() as connection:
            return [
                BlobInfo(b.sha256, b.path, b.size, b.media_type, b.uploaded, b.created_at)
                for (b,) in _orm(connection).execute(
                    select(BlobRow).where(BlobRow.uploaded.is_(False)).order_by(BlobRow.created_at)
                )
            ]

    def mark_blob_uploaded(self, sha256: str) -> None:
        with self.write() as connection:
            connection.execute(
                update(BlobRow).where(BlobRow.sha256 == sha256).values(uploaded=True)
            )

    # --- scorecard ---------------------------------------------------------------------------

    def save_scorecard(self, version: int, body: Mapping[str, Any]) -> None:
        with self.write() as connection:
            statement = sqlite_insert(ScorecardRow).values(
                version=version, body=dict(body), installed_at=utcnow()
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[ScorecardRow.version],
                    set_={"body": statement.excluded.body, "installed_at": utcnow()},
                )
            )

    def scorecard(self) -> tuple[int, dict[str, Any]] | None:
        """The newest installed scorecard (version, body), if any."""
        with self.read() as connection:
            row = connection.execute(
                select(ScorecardRow.version, ScorecardRow.body)
                .order_by(ScorecardRow.version.desc())
                .limit(1)
            ).first()
            return None if row is None else (row[0], dict(row[1]))

    # --- maintenance -------------------------------------------------------------------------

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the database (checkpoint, then file copy under the writer)."""
        with self._write_lock, self._engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.commit()
            shutil.copy2(self.path, target)
