"""Bulk loading a whole portfolio (a seed or a first-sync snapshot) into the local store.

This module owns the hot path of ``Store.bulk_load``: domain objects become plain tuples
in one pass each (no per-row dicts, no SQLAlchemy parameter processing) and go to the
driver's ``executemany``. The derived account columns (last attempt, open promise, …) are
computed in the same pass over the events that serialises them, with the same rules as the
SQL refresh every later write uses (``derived.DerivedColumns``; a test compares the two).

Into an empty store (the first load) the secondary indexes of the loaded tables are
dropped inside the loading transaction and created again before it commits: building an
index from sorted data is several times cheaper than inserting 600,000 events into three
randomly ordered B-trees. DDL is transactional in SQLite, so an interrupted first load
rolls back to the empty store *with* its indexes; nothing half-done is ever visible.
Durability settings are not touched: the one commit is as safe as any other write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from workstation.domain.enums import EventType
from workstation.domain.model import Account, Customer, Event
from workstation.domain.money import MINOR_DIGITS, Money, minor_digits
from workstation.store.engine import bulk_cache
from workstation.store.types import from_storage, to_storage

# The tables a bulk load fills, in foreign-key order.
LOADED_TABLES = ("customers", "phones", "emails", "addresses", "accounts", "events")
_WIRE_2DP = re.compile(r"-?[0-9]+\.[0-9][0-9]")


def _raise_unserialisable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_encoder() -> Callable[[Any], str]:
    """Compact, non-ASCII-escaping JSON text, as ``JSONEncoder.encode`` would write it.

    ``JSONEncoder.encode`` builds a new C encoder (and a circular-reference dict) on every
    call, which is most of the cost for a small payload; this builds it once. Payloads are
    trees decoded from JSON or built by code, so the circular check is not needed.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always ships the C accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    encode = make(
        None,  # no circular-reference check
        _raise_unserialisable,
        json.encoder.encode_basestring,
        None,
        ":",
        ",",
        False,
        False,
        True,
    )
    join = "".join

    def dumps(value: Any) -> str:
        if isinstance(value, str):
            return json.encoder.encode_basestring(value)
        return join(encode(value, 0))

    return dumps


json_text = _json_encoder()


def stamp(moment: datetime) -> str:
    """``to_storage`` with a fast path for instants already in UTC (all of a snapshot's)."""
    if moment.tzinfo is UTC:
        return moment.isoformat(" ", "microseconds")[:26]
    return to_storage(moment)


def minor_of(amount: Any, currency: Any) -> int | None:
    """Minor units of a wire amount (None when the payload carries no money)."""
    if amount is None or currency is None:
        return None
    text = str(amount)
    # "1234.50" in a two-decimal currency: the common case, without Decimal
    if _WIRE_2DP.fullmatch(text) and MINOR_DIGITS.get(str(currency)) == 2:
        return int(text.replace(".", ""))
    return Money.of(text, str(currency)).minor


def _minor(money: Money) -> int:
    return int(money.amount.scaleb(minor_digits(money.currency)))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


# --- rows -----------------------------------------------------------------------------------

CUSTOMER_SQL = (
    "INSERT INTO customers (id, name, name_alt, national_id_masked, timezone, jurisdiction, "
    "language, flags, contact_person, income_currency, monthly_income_minor, "
    "monthly_expenses_minor, version, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)
PHONE_SQL = (
    "INSERT INTO phones (id, customer_id, position, number, type, consent, opted_out, "
    "last_verified, invalid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
EMAIL_SQL = (
    "INSERT INTO emails (id, customer_id, position, address, consent, opted_out, "
    "last_verified) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
ADDRESS_SQL = (
    "INSERT INTO addresses (id, customer_id, position, line1, city, district, postcode, "
    "country, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
ACCOUNT_SQL = (
    "INSERT INTO accounts (id, customer_id, product, currency, principal_minor, balance_minor, "
    "past_due_minor, placed_minor, days_past_due, status, owner, team, risk_tier, score, "
    "reason_codes, opened_on, placed_on, annual_rate, version, deleted, "
    "last_attempt_at, attempts_total, rpc_total, callback_due_at, promise_due_on, "
    "promise_amount_minor, promises_broken, last_payment_at, open_complaints, strategy_task, "
    "account_ref, ability, willingness, segment, ability_reasons, willingness_reasons, "
    "segment_model, experiment_id, experiment_name, experiment_arm) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
EVENT_SQL = (
    "INSERT INTO events (id, account_id, customer_id, type, occurred_at, recorded_by, "
    "device_id, server_version, payload, amount_minor, currency, deleted) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)


Rows = list[tuple[Any, ...]]


def customer_rows(customers: Iterable[Customer]) -> tuple[Rows, Rows, Rows, Rows]:
    """Rows for customers, phones, e-mails and addresses (columns as in the SQL above)."""
    rows: list[tuple[Any, ...]] = []
    phones: list[tuple[Any, ...]] = []
    emails: list[tuple[Any, ...]] = []
    addresses: list[tuple[Any, ...]] = []
    flag_texts: dict[frozenset[Any], str] = {}
    for c in customers:
        income, expenses = c.monthly_income, c.monthly_expenses
        person = c.contact_person
        flags = flag_texts.get(c.flags)
        if flags is None:
            flags = flag_texts[c.flags] = ",".join(sorted(str(f) for f in c.flags))
        rows.append(
            (
                c.id,
                c.name,
                c.name_alt,
                c.national_id_masked,
                c.timezone,
                c.jurisdiction,
                str(c.language),
                flags,
                None
                if person is None
                else json_text(
                    {
                        "name": person.name,
                        "phone": person.phone,
                        "relationship": person.relationship,
                    }
                ),
                income.currency if income else expenses.currency if expenses else None,
                _minor(income) if income else None,
                _minor(expenses) if expenses else None,
                c.version,
            )
        )
        cid = c.id
        for i, p in enumerate(c.phones):
            phones.append(
                (
                    p.id,
                    cid,
                    i,
                    p.number,
                    str(p.type),
                    int(p.consent),
                    int(p.opted_out),
                    _iso(p.last_verified),
                    int(p.invalid),
                )
            )
        for i, e in enumerate(c.emails):
            emails.append(
                (e.id, cid, i, e.address, int(e.consent), int(e.opted_out), _iso(e.last_verified))
            )
        for i, a in enumerate(c.addresses):
            addresses.append(
                (
                    a.id,
                    cid,
                    i,
                    a.line1,
                    a.city,
                    a.district,
                    a.postcode,
                    a.country,
                    None if a.latitude is None else str(a.latitude),
                    None if a.longitude is None else str(a.longitude),
                )
            )
    return rows, phones, emails, addresses


# Derived state per account while scanning events (indexes into a small list):
_LAST_ATTEMPT, _ATTEMPTS, _RPC, _CALLBACK = 0, 1, 2, 3
_PROMISE_AT, _PROMISE_DUE, _PROMISE_AMOUNT, _BROKEN = 4, 5, 6, 7
_LAST_PAYMENT, _COMPLAINTS = 8, 9
_TASK_AT, _TASK, _LAST_VISIT = 10, 11, 12
_NO_HISTORY = (None, 0, 0, None, None, None, None, 0, None, 0, None, None, None)


def _callback_text(value: Any) -> str | None:
    """A payload ``callback_at`` as SQLite's ``strftime('%Y-%m-%d %H:%M:%f')`` writes it."""
    if not value:
        return None
    moment = from_storage(str(value))
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def event_rows(
    events: Iterable[Event], rpc_codes: frozenset[str]
) -> tuple[list[tuple[Any, ...]], dict[str, list[Any]]]:
    """The events as rows, and each account's derived state (see ``derived_values``).

    Same rules as the SQL refresh (``derived.DerivedColumns``): the latest attempt's
    ``callback_at``, the latest open promise, counts of attempts, right-party contacts,
    broken promises and open complaints, the last payment. Ties on ``occurred_at`` go to the
    later event in input order. Instants are compared as their fixed-width storage text
    (same order).
    """
    attempt, promise, payment, complaint, note, visit = (
        EventType.CONTACT_ATTEMPT,
        EventType.PROMISE,
        EventType.PAYMENT,
        EventType.COMPLAINT,
        EventType.NOTE,
        EventType.VISIT,
    )
    encode = json_text
    to_text = to_storage
    utc = UTC
    minor = minor_of
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    state: dict[str, list[Any]] = {}
    for e in events:
        when = e.occurred_at
        at = when.isoformat(" ", "microseconds")[:26] if when.tzinfo is utc else to_text(when)
        payload = e.payload
        currency = payload.get("currency")
        amount = payload.get("amount")
        kind = e.type
        account_id = e.account_id
        append(
            (
                e.id,
                account_id,
                e.customer_id,
                kind._value_,
                at,
                e.recorded_by,
                e.device_id,
                e.server_version,
                encode(payload),
                None if amount is None else minor(amount, currency),
                currency,
            )
        )
        if kind is attempt:
            values = state.get(account_id)
            if values is None:
                values = state[account_id] = list(_NO_HISTORY)
            values[_ATTEMPTS] += 1
            if payload.get("disposition") in rpc_codes:
                values[_RPC] += 1
            latest = values[_LAST_ATTEMPT]
            if latest is None or at >= latest:
                values[_LAST_ATTEMPT] = at
                values[_CALLBACK] = payload.get("callback_at")
        elif kind is promise:
            status = payload.get("status")
            if status == "broken":
                values = state.get(account_id)
                if values is None:
                    values = state[account_id] = list(_NO_HISTORY)
                values[_BROKEN] += 1
            elif status == "open":
                values = state.get(account_id)
                if values is None:
                    values = state[account_id] = list(_NO_HISTORY)
                latest = values[_PROMISE_AT]
                if latest is None or at >= latest:
                    values[_PROMISE_AT] = at
                    values[_PROMISE_DUE] = payload.get("due_date")
                    values[_PROMISE_AMOUNT] = None if amount is None else minor(amount, currency)
        elif kind is payment:
            values = state.get(account_id)
            if values is None:
                values = state[account_id] = list(_NO_HISTORY)
            latest = values[_LAST_PAYMENT]
            if latest is None or at >= latest:
                values[_LAST_PAYMENT] = at
        elif kind is complaint and payload.get("status") == "open":
            values = state.get(account_id)
            if values is None:
                values = state[account_id] = list(_NO_HISTORY)
            values[_COMPLAINTS] += 1
        elif kind is note and payload.get("strategy_task") is not None:
            values = state.get(account_id)
            if values is None:
                values = state[account_id] = list(_NO_HISTORY)
            latest = values[_TASK_AT]
            if latest is None or at >= latest:
                values[_TASK_AT] = at
                values[_TASK] = payload["strategy_task"]
        elif kind is visit:
            values = state.get(account_id)
            if values is None:
                values = state[account_id] = list(_NO_HISTORY)
            latest = values[_LAST_VISIT]
            if latest is None or at >= latest:
                values[_LAST_VISIT] = at
    return rows, state


def derived_values(values: Sequence[Any] | None) -> tuple[Any, ...]:
    """The derived columns, in ``ACCOUNT_SQL``'s order, from an account's scanned state.

    Instants are storage text plus ``+00:00``, exactly as ``derived.DerivedColumns`` writes.
    """
    if values is None:
        return (None, 0, 0, None, None, None, 0, None, 0, None)
    last_attempt, last_payment = values[_LAST_ATTEMPT], values[_LAST_PAYMENT]
    return (
        None if last_attempt is None else last_attempt + "+00:00",
        values[_ATTEMPTS],
        values[_RPC],
        _callback_text(values[_CALLBACK]),
        values[_PROMISE_DUE],
        values[_PROMISE_AMOUNT],
        values[_BROKEN],
        None if last_payment is None else last_payment + "+00:00",
        values[_COMPLAINTS],
        _standing_task(values),
    )


def _standing_task(values: Sequence[Any]) -> str | None:
    """The latest strategy task as JSON text, unless an outcome was logged on or after its
    day (``derived``'s rule: storage text compares with the ISO day as it sorts)."""
    task = values[_TASK]
    if not isinstance(task, dict):
        return None
    answered = max(values[_LAST_ATTEMPT] or "", values[_LAST_VISIT] or "")
    if answered >= str(task.get("day")):
        return None
    return json_text(task)


def account_rows(
    accounts: Iterable[Account], derived: dict[str, list[Any]]
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for a in accounts:
        currency = a.currency
        digits = minor_digits(currency)
        placed = a.placed_amount
        rows.append(
            (
                a.id,
                a.customer_id,
                a.product,
                currency,
                int(a.principal.amount.scaleb(digits)),
                int(a.balance.amount.scaleb(digits)),
                int(a.past_due.amount.scaleb(digits)),
                None if placed is None else _minor(placed),
                a.days_past_due,
                str(a.status),
                a.owner,
                a.team,
                str(a.risk_tier) if a.risk_tier else None,
                None if a.score is None else str(a.score),
                json_text(list(a.reason_codes)),
                _iso(a.opened_on),
                _iso(a.placed_on),
                None if a.annual_rate is None else str(a.annual_rate),
                a.version,
                *derived_values(derived.get(a.id)),
                a.account_ref,
                a.ability,
                a.willingness,
                str(a.segment) if a.segment else None,
                json_text(list(a.ability_reasons)),
                json_text(list(a.willingness_reasons)),
                a.segment_model,
                a.experiment_id,
                a.experiment_name,
                a.experiment_arm,
            )
        )
    return rows


# --- the fresh-load index dance ---------------------------------------------------------------


def is_empty(connection: Connection) -> bool:
    """No row in any table a bulk load fills."""
    probe = " UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {t} LIMIT 1)" for t in LOADED_TABLES)
    return connection.exec_driver_sql(probe).first() is None


def drop_secondary_indexes(connection: Connection) -> list[str]:
    """Drop the loaded tables' explicit indexes; returns the statements that recreate them.

    Primary keys and UNIQUE constraints (SQLite's automatic indexes, ``sql IS NULL``) stay:
    they are what catches a duplicate id during the load.
    """
    names = ", ".join(f"'{t}'" for t in LOADED_TABLES)
    found = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) ORDER BY name"
    ).all()
    for name, _ in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [str(sql) for _, sql in found]


def insert(connection: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:  # SQLAlchemy reads an empty parameter list as "no parameters"
        connection.exec_driver_sql(sql, rows)


@dataclass
class Prepared:
    """A portfolio as rows, ready for ``write`` (built outside the write transaction)."""

    customers: list[tuple[Any, ...]]
    phones: list[tuple[Any, ...]]
    emails: list[tuple[Any, ...]]
    addresses: list[tuple[Any, ...]]
    accounts: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


def prepare(
    customers: Iterable[Customer],
    accounts: Iterable[Account],
    events: Iterable[Event],
    rpc_codes: frozenset[str],
) -> Prepared:
    customer_table, phones, emails, addresses = customer_rows(customers)
    event_table, derived = event_rows(events, rpc_codes)
    return Prepared(
        customer_table, phones, emails, addresses, account_rows(accounts, derived), event_table
    )


def write(connection: Connection, rows: Prepared) -> None:
    """Insert prepared rows on ``connection``, inside the caller's write transaction."""
    with bulk_cache(connection):
        recreate = drop_secondary_indexes(connection) if is_empty(connection) else []
        insert(connection, CUSTOMER_SQL, rows.customers)
        insert(connection, PHONE_SQL, rows.phones)
        insert(connection, EMAIL_SQL, rows.emails)
        insert(connection, ADDRESS_SQL, rows.addresses)
        insert(connection, ACCOUNT_SQL, rows.accounts)
        insert(connection, EVENT_SQL, rows.events)
        for statement in recreate:
            connection.exec_driver_sql(statement)
