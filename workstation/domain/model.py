"""The collector's world as plain dataclasses: customers, accounts and append-only events.

Identifiers are client-generated UUIDv7 strings (time-ordered, so indexes stay compact and
records created offline never collide). Timestamps are aware UTC datetimes; each customer
carries an IANA timezone for local-time rules and display.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workstation.domain.enums import (
    AccountStatus,
    Bucket,
    Channel,
    CustomerFlag,
    Direction,
    EventType,
    Language,
    PhoneType,
    RiskTier,
    Segment,
)
from workstation.domain.money import Money


def new_id() -> str:
    """A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then randomness."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def utcnow() -> datetime:
    return datetime.now(UTC)


def wall_clock(now: datetime, timezone: str | None) -> datetime:
    """``now`` on the wall clock of the IANA ``timezone`` (the machine's zone when it is None
    or unknown)."""
    if timezone:
        try:
            return now.astimezone(ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.astimezone()


def mask_national_id(raw: str) -> str:
    """Keep only the last four characters visible: ``****************123X``."""
    raw = raw.strip()
    if len(raw) <= 4:
        return "*" * len(raw)
    return "*" * (len(raw) - 4) + raw[-4:]


@dataclass(slots=True)
class Phone:
    id: str
    number: str
    type: PhoneType = PhoneType.MOBILE
    consent: bool = True
    opted_out: bool = False
    last_verified: date | None = None
    invalid: bool = False  # wrong number or disconnected: not dialled until re-verified


@dataclass(slots=True)
class Email:
    id: str
    address: str
    consent: bool = True
    opted_out: bool = False
    last_verified: date | None = None


@dataclass(slots=True)
class Address:
    id: str
    line1: str
    city: str
    district: str = ""
    postcode: str = ""
    country: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(slots=True)
class ContactPerson:
    """Pre-agreed contact; may be reached only as the pack allows and is never told of the debt."""

    name: str
    phone: str
    relationship: str = ""


@dataclass(slots=True)
class Customer:
    id: str
    name: str
    timezone: str
    jurisdiction: str
    language: Language = Language.EN
    name_alt: str = ""  # the name in a second script, if known (e.g. pinyin or Hanzi)
    national_id_masked: str = ""
    phones: list[Phone] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    flags: frozenset[CustomerFlag] = frozenset()
    contact_person: ContactPerson | None = None
    monthly_income: Money | None = None
    monthly_expenses: Money | None = None
    version: int = 0

    def has(self, flag: CustomerFlag) -> bool:
        return flag in self.flags


@dataclass(slots=True)
class Account:
    id: str
    customer_id: str
    product: str
    currency: str
    principal: Money
    balance: Money
    past_due: Money
    days_past_due: int
    status: AccountStatus = AccountStatus.OPEN
    owner: str | None = None
    team: str | None = None
    risk_tier: RiskTier | None = None
    score: Decimal | None = None
    reason_codes: tuple[str, ...] = ()
    placed_amount: Money | None = None
    opened_on: date | None = None
    placed_on: date | None = None
    annual_rate: Decimal = Decimal(0)
    version: int = 0
    account_ref: str | None = None  # the bank's account number (placement files)
    # ability and willingness to pay (``workstation.segments``): basis points 0…10,000,
    # the 2×2 segment they put the account in, each score's top reason codes, and the
    # models' versions; server-computed, None until the account was first assessed
    ability: int | None = None
    willingness: int | None = None
    segment: Segment | None = None
    ability_reasons: tuple[str, ...] = ()
    willingness_reasons: tuple[str, ...] = ()
    segment_model: str | None = None
    # the running experiment that drew the account (``workstation.strategy``), its name and
    # the arm (champion / challenger); None when no experiment covers the account
    experiment_id: str | None = None
    experiment_name: str | None = None
    experiment_arm: str | None = None

    @property
    def bucket(self) -> Bucket:
        return Bucket.for_days(self.days_past_due)


@dataclass(slots=True)
class Event:
    """One append-only fact about an account.

    ``payload`` holds the type-specific fields in wire form (money as strings, dates ISO);
    the typed accessors below read it. A correction is a new ``void`` event that names the
    corrected event; nothing is edited in place.
    """

    id: str
    type: EventType
    account_id: str
    customer_id: str
    occurred_at: datetime
    recorded_by: str
    payload: dict[str, Any] = field(default_factory=dict)
    device_id: str | None = None
    server_version: int | None = None

    # typed views -------------------------------------------------------------------------
    @property
    def channel(self) -> Channel | None:
        value = self.payload.get("channel")
        return Channel(value) if value else None

    @property
    def disposition(self) -> str | None:
        value = self.payload.get("disposition")
        return str(value) if value else None

    @property
    def direction(self) -> Direction:
        return Direction(self.payload.get("direction", Direction.OUTBOUND.value))

    @property
    def address_used(self) -> str | None:
        value = self.payload.get("address_used")
        return str(value) if value else None

    def money(self, key: str = "amount") -> Money | None:
        amount = self.payload.get(key)
        currency = self.payload.get("currency")
        if amount is None or currency is None:
            return None
        return Money.of(str(amount), str(currency))

    def date_field(self, key: str) -> date | None:
        value = self.payload.get(key)
        return date.fromisoformat(str(value)) if value else None


def first_naming(events: Iterable[Event], kind: EventType) -> dict[str, Event]:
    """Each event id that an event of ``kind`` names (``target_event_id``: a void, a payment
    return) → the first such event."""
    out: dict[str, Event] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        target = str(event.payload.get("target_event_id") or "")
        if event.type == kind and target and target not in out:
            out[target] = event
    return out


def contact_attempt(
    *,
    account: Account,
    channel: Channel,
    disposition: str,
    recorded_by: str,
    occurred_at: datetime | None = None,
    address_used: str | None = None,
    direction: Direction = Direction.OUTBOUND,
    duration_s: int = 0,
    notes: str = "",
    override_reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Event:
    """Build a contact-attempt event; ``extra`` carries disposition-required fields."""
    payload: dict[str, Any] = {
        "channel": channel.value,
        "direction": direction.value,
        "disposition": disposition,
        "duration_s": duration_s,
        "notes": notes,
    }
    if address_used:
        payload["address_used"] = address_used
    if override_reason:
        payload["override_reason"] = override_reason
    if extra:
        payload.update(extra)
    return Event(
        id=new_id(),
        type=EventType.CONTACT_ATTEMPT,
        account_id=account.id,
        customer_id=account.customer_id,
        occurred_at=occurred_at or utcnow(),
        recorded_by=recorded_by,
        payload=payload,
    )
