"""Translation between the server's JSON (DESIGN §5 wire shapes) and the local store.

Inbound: customer / account / event dictionaries → domain dataclasses. Any value the client
does not understand (an unknown enum, a malformed amount or instant) raises
``ProtocolError`` *before* anything is written, so a page is applied whole or not at all —
except an event of a *kind* this version does not know (``events_from_wire``): a newer
server's (a ``payment_return`` before this client knew it) is left out and counted, so a
laptop a version behind still syncs, and is told to update, rather than failing every pull.

Outbound: one outbox entry → the mutations the server's push endpoint takes. The store
queues a contact edit as one entry ``{"customer_id", "changes": {...}}``; the server takes
field-level patches per contact record (``kind`` customer/phone/email/address). One entry
may therefore become several mutations; their ids are derived deterministically from the
entry's ``mutation_id`` so a retry sends byte-identical requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from workstation.contract.codec import ContractError, decode, field_names
from workstation.contract.contacts import CONTACT_LISTS, CUSTOMER_FIELDS, PATCHABLE
from workstation.contract.mutations import EventCreate
from workstation.contract.records import AccountRecord, CustomerRecord
from workstation.domain.enums import (
    EventType,
    Language,
    PhoneType,
)
from workstation.domain.model import (
    Account,
    Address,
    ContactPerson,
    Customer,
    Email,
    Event,
    Phone,
)
from workstation.domain.money import Money
from workstation.store import OutboxEntry
from workstation.sync.errors import ProtocolError

# --- inbound -------------------------------------------------------------------------------


def _instant(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _money(amount: Any, currency: str) -> Money:
    return Money.of(str(amount if amount is not None else "0"), currency)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _amount(value: Decimal | None, currency: str) -> Money:
    return Money.of(value if value is not None else Decimal(0), currency)


def customer_from_wire(data: Mapping[str, Any]) -> Customer:
    """A customer as the contract's ``CustomerRecord`` has it, as a domain ``Customer``.

    Keys a newer server adds are passed over; a value that does not fit is a
    ``ProtocolError`` before anything is written."""
    try:
        record = decode(CustomerRecord, data, unknown="ignore")
        currency = record.income_currency
        person = record.contact_person
        return Customer(
            id=record.id,
            name=record.name,
            timezone=record.timezone,
            jurisdiction=record.jurisdiction,
            language=Language(record.language or "en"),
            name_alt=record.name_alt,
            national_id_masked=record.national_id_masked,
            phones=[
                Phone(
                    id=p.id,
                    number=p.number or "",
                    type=p.type or PhoneType.MOBILE,
                    consent=p.consent is not False,
                    opted_out=bool(p.opted_out),
                    last_verified=p.last_verified,
                    invalid=bool(p.invalid),
                )
                for p in record.phones
            ],
            emails=[
                Email(
                    id=e.id,
                    address=e.address or "",
                    consent=e.consent is not False,
                    opted_out=bool(e.opted_out),
                    last_verified=e.last_verified,
                )
                for e in record.emails
            ],
            addresses=[
                Address(
                    id=a.id,
                    line1=a.line1 or "",
                    city=a.city or "",
                    district=a.district or "",
                    postcode=a.postcode or "",
                    country=a.country or "",
                    latitude=a.latitude,
                    longitude=a.longitude,
                )
                for a in record.addresses
            ],
            flags=frozenset(record.flags),
            contact_person=None
            if person is None
            else ContactPerson(person.name, person.phone, person.relationship or ""),
            monthly_income=_amount(record.monthly_income, currency)
            if currency and record.monthly_income is not None
            else None,
            monthly_expenses=_amount(record.monthly_expenses, currency)
            if currency and record.monthly_expenses is not None
            else None,
            version=record.version,
        )
    except (ContractError, ValueError) as exc:
        raise ProtocolError(f"a customer from the server could not be read: {exc}") from exc


def account_from_wire(data: Mapping[str, Any]) -> Account:
    """An account as the contract's ``AccountRecord`` has it, as a domain ``Account``."""
    try:
        record = decode(AccountRecord, data, unknown="ignore")
        currency = record.currency
        return Account(
            id=record.id,
            customer_id=record.customer_id,
            product=record.product,
            currency=currency,
            principal=_amount(record.principal, currency),
            balance=_amount(record.balance, currency),
            past_due=_amount(record.past_due, currency),
            days_past_due=record.days_past_due,
            status=record.status,
            owner=record.owner,
            team=record.team_id,
            risk_tier=record.risk_tier,
            score=record.score,
            reason_codes=record.reason_codes,
            ability=record.ability,
            willingness=record.willingness,
            segment=record.segment,
            ability_reasons=record.ability_reasons,
            willingness_reasons=record.willingness_reasons,
            segment_model=record.segment_model,
            experiment_id=record.experiment_id,
            experiment_name=record.experiment,
            experiment_arm=record.arm,
            placed_amount=None
            if record.placed_amount is None
            else _amount(record.placed_amount, currency),
            opened_on=record.opened_on,
            placed_on=record.placed_on,
            annual_rate=record.annual_rate,
            version=record.version,
            account_ref=record.account_ref,
        )
    except (ContractError, ValueError) as exc:
        raise ProtocolError(f"an account from the server could not be read: {exc}") from exc


def event_from_wire(data: Mapping[str, Any]) -> Event:
    try:
        payload = data.get("payload") or {}
        if not isinstance(payload, dict):
            raise TypeError("payload is not an object")
        version = data.get("server_version")
        return Event(
            id=str(data["id"]),
            type=EventType(data["type"]),
            account_id=str(data["account_id"]),
            customer_id=str(data["customer_id"]),
            occurred_at=_instant(data["occurred_at"]),
            recorded_by=str(data.get("recorded_by") or ""),
            payload=dict(payload),
            device_id=data.get("device_id"),
            server_version=int(version) if version is not None else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"an event from the server could not be read: {exc!r}") from exc


_KNOWN_EVENTS = frozenset(kind.value for kind in EventType)


def events_from_wire(items: Any) -> tuple[list[Event], int]:
    """The events of ``items`` this version knows, and how many it left out: those whose
    ``type`` is a kind it does not know (a newer server's). A malformed event still raises
    ``ProtocolError``."""
    known: list[Event] = []
    newer = 0
    for item in items or ():
        kind = item.get("type") if isinstance(item, Mapping) else None
        if isinstance(kind, str) and kind and kind not in _KNOWN_EVENTS:
            newer += 1
            continue
        known.append(event_from_wire(item))
    return known, newer


def newer_events_warning(count: int) -> str:
    """What the sync report says when a newer server's events were left out."""
    return (
        f"{count} record(s) of a kind this version of the workstation does not know were "
        "left out: update the workstation to see them"
    )


@dataclass(frozen=True, slots=True)
class Page:
    """One pulled page, fully parsed (nothing applied yet)."""

    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]
    removed_accounts: list[str]
    erased_accounts: list[str] = field(default_factory=list)  # removed for retention
    newer_events: int = 0  # events of kinds this version does not know, left out


def page_from_wire(data: Mapping[str, Any]) -> Page:
    try:
        removals = [
            str(r["id"])
            for r in data.get("removals") or ()
            if r.get("kind", "account") == "account"
        ]
        erased = [
            str(r["id"])
            for r in data.get("removals") or ()
            if r.get("kind", "account") == "account" and r.get("reason") == "retention"
        ]
        events, newer = events_from_wire(data.get("events"))
        return Page(
            erased_accounts=erased,
            customers=[customer_from_wire(c) for c in data.get("customers") or ()],
            accounts=[account_from_wire(a) for a in data.get("accounts") or ()],
            events=events,
            removed_accounts=removals,
            newer_events=newer,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"a page from the server could not be read: {exc!r}") from exc


# --- outbound ------------------------------------------------------------------------------


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _contact_parts(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    customer_id = str(payload["customer_id"])
    changes: Mapping[str, Any] = payload.get("changes") or {}
    parts: list[dict[str, Any]] = []
    scalars = {k: changes[k] for k in CUSTOMER_FIELDS if k in changes}
    if scalars:
        parts.append({"customer_id": customer_id, "kind": "customer", "fields": scalars})
    for key, kind in CONTACT_LISTS.items():
        for item in changes.get(key) or ():
            # what the store keeps beside the fields (ids, list position) is not patched
            fields = {k: v for k, v in item.items() if k in PATCHABLE[kind]}
            if fields:
                parts.append(
                    {
                        "customer_id": customer_id,
                        "kind": kind,
                        "id": str(item["id"]),
                        "fields": fields,
                    }
                )
    return parts


_EVENT_CREATE = field_names(EventCreate)


def part_id(mutation_id: str, index: int, count: int) -> str:
    """The wire mutation id of part ``index`` of an outbox entry split into ``count`` parts."""
    return mutation_id if count == 1 else f"{mutation_id}.{index}"


def mutations_of(entry: OutboxEntry) -> list[dict[str, Any]]:
    """The push-endpoint mutations for one outbox entry (deterministic)."""
    common = {"client_seq": entry.client_seq, "device_time": _iso(entry.device_time)}
    if entry.type.startswith("event."):
        body = {
            "type": entry.type.removeprefix("event."),
            "payload": {},
            **{k: v for k, v in entry.payload.items() if v is not None},
        }
        # the outbox keeps more (customer, recorder, device): the server takes the contract's
        wire = {name: body[name] for name in _EVENT_CREATE}
        return [
            {
                "mutation_id": entry.mutation_id,
                "type": "event.create",
                "payload": wire,
                "base_version": None,
                **common,
            }
        ]
    if entry.type == "contact.patch":
        parts = _contact_parts(entry.payload)
        if not parts:
            parts = [
                {"customer_id": entry.payload.get("customer_id"), "kind": "customer", "fields": {}}
            ]
        return [
            {
                "mutation_id": part_id(entry.mutation_id, i, len(parts)),
                "type": "contact.patch",
                "payload": part,
                "base_version": entry.base_version or 0,
                **common,
            }
            for i, part in enumerate(parts)
        ]
    return [
        {
            "mutation_id": entry.mutation_id,
            "type": entry.type,
            "payload": entry.payload,
            "base_version": entry.base_version,
            **common,
        }
    ]
