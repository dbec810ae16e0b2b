"""Translation between the server's JSON (DESIGN §5 wire shapes) and the local store.

Inbound: customer / account / event dictionaries → domain dataclasses. Any value the client
does not understand (an unknown enum, a malformed amount or instant) raises
``ProtocolError`` *before* anything is written, so a page is applied whole or not at all.

Outbound: one outbox entry → the mutations the server's push endpoint takes. The store
queues a contact edit as one entry ``{"customer_id", "changes": {...}}``; the server takes
field-level patches per contact record (``kind`` customer/phone/email/address). One entry
may therefore become several mutations; their ids are derived deterministically from the
entry's ``mutation_id`` so a retry sends byte-identical requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workstation.domain.enums import (
    AccountStatus,
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
)
from workstation.domain.money import Money
from workstation.store import OutboxEntry
from workstation.sync.errors import ProtocolError

_CUSTOMER_FIELDS = ("name", "name_alt", "language", "timezone", "contact_person")
_LISTS = {"phones": "phone", "emails": "email", "addresses": "address"}
_NOT_FIELDS = frozenset({"id", "position", "version", "customer_id"})


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


def customer_from_wire(data: Mapping[str, Any]) -> Customer:
    try:
        currency = data.get("income_currency")
        person = data.get("contact_person")
        return Customer(
            id=str(data["id"]),
            name=str(data["name"]),
            timezone=str(data["timezone"]),
            jurisdiction=str(data["jurisdiction"]),
            language=Language(data.get("language") or "en"),
            name_alt=str(data.get("name_alt") or ""),
            national_id_masked=str(data.get("national_id_masked") or ""),
            phones=[
                Phone(
                    id=str(p["id"]),
                    number=str(p.get("number") or ""),
                    type=PhoneType(p.get("type") or "mobile"),
                    consent=bool(p.get("consent", True)),
                    opted_out=bool(p.get("opted_out", False)),
                    last_verified=_day(p.get("last_verified")),
                )
                for p in data.get("phones") or ()
            ],
            emails=[
                Email(
                    id=str(e["id"]),
                    address=str(e.get("address") or ""),
                    consent=bool(e.get("consent", True)),
                    opted_out=bool(e.get("opted_out", False)),
                    last_verified=_day(e.get("last_verified")),
                )
                for e in data.get("emails") or ()
            ],
            addresses=[
                Address(
                    id=str(a["id"]),
                    line1=str(a.get("line1") or ""),
                    city=str(a.get("city") or ""),
                    district=str(a.get("district") or ""),
                    postcode=str(a.get("postcode") or ""),
                    country=str(a.get("country") or ""),
                    latitude=_decimal(a.get("latitude")),
                    longitude=_decimal(a.get("longitude")),
                )
                for a in data.get("addresses") or ()
            ],
            flags=frozenset(CustomerFlag(f) for f in data.get("flags") or ()),
            contact_person=None
            if not person
            else ContactPerson(
                name=str(person.get("name", "")),
                phone=str(person.get("phone", "")),
                relationship=str(person.get("relationship", "")),
            ),
            monthly_income=_money(data["monthly_income"], currency)
            if currency and data.get("monthly_income") is not None
            else None,
            monthly_expenses=_money(data["monthly_expenses"], currency)
            if currency and data.get("monthly_expenses") is not None
            else None,
            version=int(data.get("version") or 0),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
        raise ProtocolError(f"a customer from the server could not be read: {exc!r}") from exc


def account_from_wire(data: Mapping[str, Any]) -> Account:
    try:
        currency = str(data["currency"])
        placed = data.get("placed_amount")
        return Account(
            id=str(data["id"]),
            customer_id=str(data["customer_id"]),
            product=str(data.get("product") or ""),
            currency=currency,
            principal=_money(data.get("principal"), currency),
            balance=_money(data.get("balance"), currency),
            past_due=_money(data.get("past_due"), currency),
            days_past_due=int(data.get("days_past_due") or 0),
            status=AccountStatus(data["status"]),
            owner=data.get("owner"),
            team=data.get("team_id"),
            risk_tier=RiskTier(data["risk_tier"]) if data.get("risk_tier") else None,
            score=_decimal(data.get("score")),
            reason_codes=tuple(str(c) for c in data.get("reason_codes") or ()),
            placed_amount=_money(placed, currency) if placed is not None else None,
            opened_on=_day(data.get("opened_on")),
            placed_on=_day(data.get("placed_on")),
            annual_rate=_decimal(data.get("annual_rate")) or Decimal(0),
            version=int(data.get("version") or 0),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ProtocolError(f"an account from the server could not be read: {exc!r}") from exc


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


@dataclass(frozen=True, slots=True)
class Page:
    """One pulled page, fully parsed (nothing applied yet)."""

    customers: list[Customer]
    accounts: list[Account]
    events: list[Event]
    removed_accounts: list[str]


def page_from_wire(data: Mapping[str, Any]) -> Page:
    try:
        removals = [
            str(r["id"])
            for r in data.get("removals") or ()
            if r.get("kind", "account") == "account"
        ]
        return Page(
            customers=[customer_from_wire(c) for c in data.get("customers") or ()],
            accounts=[account_from_wire(a) for a in data.get("accounts") or ()],
            events=[event_from_wire(e) for e in data.get("events") or ()],
            removed_accounts=removals,
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
    scalars = {k: changes[k] for k in _CUSTOMER_FIELDS if k in changes}
    if scalars:
        parts.append({"customer_id": customer_id, "kind": "customer", "fields": scalars})
    for key, kind in _LISTS.items():
        for item in changes.get(key) or ():
            fields = {k: v for k, v in item.items() if k not in _NOT_FIELDS}
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


def part_id(mutation_id: str, index: int, count: int) -> str:
    """The wire mutation id of part ``index`` of an outbox entry split into ``count`` parts."""
    return mutation_id if count == 1 else f"{mutation_id}.{index}"


def mutations_of(entry: OutboxEntry) -> list[dict[str, Any]]:
    """The push-endpoint mutations for one outbox entry (deterministic)."""
    common = {"client_seq": entry.client_seq, "device_time": _iso(entry.device_time)}
    if entry.type.startswith("event."):
        body = entry.payload
        wire = {
            "id": body["id"],
            "type": body.get("type", entry.type.removeprefix("event.")),
            "account_id": body["account_id"],
            "occurred_at": body["occurred_at"],
            "payload": body.get("payload") or {},
        }
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
