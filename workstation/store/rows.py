"""Domain objects <-> rows of the local store: the values written, the objects read back.

Whole-row writes (a pulled customer, account or event, a recorded event) go through the
``*_values`` dictionaries; ORM rows and Core rows come back as domain objects through
``account_from`` / ``event_from`` / ``outbox_from``. The hot bulk paths (first load, queue
rows, contact books) do not come here: they build tuples themselves (``bulk``, ``queue``,
``accounts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from workstation.domain.enums import AccountStatus, EventType, RiskTier, Segment
from workstation.domain.model import Account, Customer, Event
from workstation.domain.money import Money
from workstation.store.bulk import minor_of
from workstation.store.models import OutboxRow
from workstation.store.records import OutboxEntry, OutboxState


def orm(connection: Connection) -> Session:
    """An ORM session riding on ``connection``'s transaction, for loading whole rows."""
    return Session(bind=connection, autoflush=False, expire_on_commit=False)


def flags_text(flags: Iterable[str]) -> str:
    return ",".join(sorted(str(f) for f in flags))


def customer_values(customer: Customer) -> dict[str, Any]:
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
        "flags": flags_text(customer.flags),
        "contact_person": None
        if person is None
        else {"name": person.name, "phone": person.phone, "relationship": person.relationship},
        "income_currency": income.currency if income else expenses.currency if expenses else None,
        "monthly_income_minor": income.minor if income else None,
        "monthly_expenses_minor": expenses.minor if expenses else None,
        "version": customer.version,
        "deleted": False,
    }


def children_values(
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
            "invalid": p.invalid,
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


def account_values(account: Account) -> dict[str, Any]:
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
        "account_ref": account.account_ref,
        "ability": account.ability,
        "willingness": account.willingness,
        "segment": str(account.segment) if account.segment else None,
        "ability_reasons": list(account.ability_reasons),
        "willingness_reasons": list(account.willingness_reasons),
        "segment_model": account.segment_model,
        "experiment_id": account.experiment_id,
        "experiment_name": account.experiment_name,
        "experiment_arm": account.experiment_arm,
    }


def event_values(event: Event) -> dict[str, Any]:
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
        "amount_minor": minor_of(payload.get("amount"), currency),
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


def account_from(row: Any) -> Account:  # an AccountRow or a Core row of accounts
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
        account_ref=row.account_ref,
        ability=row.ability,
        willingness=row.willingness,
        segment=Segment(row.segment) if row.segment else None,
        ability_reasons=tuple(row.ability_reasons or ()),
        willingness_reasons=tuple(row.willingness_reasons or ()),
        segment_model=row.segment_model,
        experiment_id=row.experiment_id,
        experiment_name=row.experiment_name,
        experiment_arm=row.experiment_arm,
    )


def event_from(row: Any) -> Event:  # an EventRow or a Core row of events
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


def outbox_from(row: OutboxRow) -> OutboxEntry:
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
