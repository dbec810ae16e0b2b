"""What the backend sends: a customer, an account and an event as every sync page, snapshot
and record read carries them (``workstation.server.serialize`` writes them, the desk's
``sync/wire.py`` reads them, ``/openapi.json`` describes them from these classes).

Fields without a default are always present (``T | None``: present, possibly null);
a contact record carries its patchable fields (``contacts``) beside its id and version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from workstation.contract.codec import Chars, Items, Range, Tagged
from workstation.contract.contacts import (
    AddressFields,
    ContactPersonValue,
    EmailFields,
    PhoneFields,
)
from workstation.contract.events import PAYLOADS
from workstation.contract.values import Code, CurrencyCode, Id, Label, MoneyAmount
from workstation.domain.enums import (
    AccountStatus,
    Bucket,
    CustomerFlag,
    EventType,
    PromiseStatus,
    RiskTier,
    Segment,
)

Version = Annotated[int, Range(0, 2**62)]
Name = Annotated[str, Chars(200)]
BasisPoints = Annotated[int, Range(0, 10_000)]  # a probability in 1/10,000ths


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneRecord(PhoneFields):
    id: Id
    version: Version
    anonymised: bool | None = None  # retention emptied it (record_retention_years)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailRecord(EmailFields):
    id: Id
    version: Version
    anonymised: bool | None = None  # retention emptied it (record_retention_years)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressRecord(AddressFields):
    id: Id
    version: Version
    anonymised: bool | None = None  # retention emptied it (record_retention_years)


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerRecord:
    """A customer with their contact records (money of income and spending in one currency)."""

    id: Id
    name: Label
    name_alt: Label
    timezone: Annotated[str, Chars(64)]
    jurisdiction: Code
    language: Code
    national_id_masked: Code
    flags: Annotated[tuple[CustomerFlag, ...], Items(20)]
    contact_person: ContactPersonValue | None
    income_currency: CurrencyCode | None
    monthly_income: MoneyAmount | None
    monthly_expenses: MoneyAmount | None
    phones: Annotated[tuple[PhoneRecord, ...], Items(100)]
    emails: Annotated[tuple[EmailRecord, ...], Items(100)]
    addresses: Annotated[tuple[AddressRecord, ...], Items(100)]
    version: Version


@dataclass(frozen=True, slots=True, kw_only=True)
class PromiseState:
    """A promise's fate, decided by the server."""

    event_id: Id
    amount: MoneyAmount | None
    currency: CurrencyCode
    due_date: date | None
    status: PromiseStatus
    decided_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanState:
    event_id: Id
    status: Code  # active, broken, completed, cancelled (lifecycle.plan_states)
    changed_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountRecord:
    """An account: money as decimal strings in the account's currency."""

    id: Id
    account_ref: Id | None  # the bank's account number
    customer_id: Id
    product: Code
    currency: CurrencyCode
    principal: MoneyAmount | None
    balance: MoneyAmount | None
    past_due: MoneyAmount | None
    placed_amount: MoneyAmount | None
    credit: MoneyAmount | None  # overpayments kept for the customer
    status_reason: Label | None
    days_past_due: Annotated[int, Range(-36600, 36600)]
    bucket: Bucket
    status: AccountStatus
    owner_id: Id | None
    owner: Name | None
    team_id: Id | None
    risk_tier: RiskTier | None
    score: Annotated[Decimal, Range(Decimal(0), Decimal(1))] | None
    reason_codes: Annotated[tuple[Code, ...], Items(50)]
    opened_on: date | None
    placed_on: date | None
    annual_rate: Decimal
    promises: Annotated[tuple[PromiseState, ...], Items(10_000)]
    plans: Annotated[tuple[PlanState, ...], Items(10_000)]
    version: Version
    # ability and willingness to pay (workstation.segments): basis points, the segment,
    # each score's top reason codes and the models' versions; absent until assessed
    ability: BasisPoints | None = None
    willingness: BasisPoints | None = None
    segment: Segment | None = None
    ability_reasons: Annotated[tuple[Code, ...], Items(10)] = ()
    willingness_reasons: Annotated[tuple[Code, ...], Items(10)] = ()
    segment_model: Code | None = None
    # the running experiment that drew the account (its id and name) and the arm it was
    # drawn into; absent when no running experiment covers the account
    experiment_id: Id | None = None
    experiment: Label | None = None
    arm: Literal["champion", "challenger"] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecord:
    """An event as stored: the device's fact or the server's own (daily run, bank, messages)."""

    id: Id
    type: EventType
    account_id: Id
    customer_id: Id
    occurred_at: datetime
    received_at: datetime | None
    recorded_by: Name
    device_id: Id | None
    payload: Annotated[Any, Tagged("type", PAYLOADS)]
    clock_skew_s: int | None
    server_version: Version
