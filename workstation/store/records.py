"""Plain values the store hands out: never ORM objects, never anything bound to a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from workstation.domain.enums import AccountStatus
from workstation.domain.model import Account, Customer, Event


class AccountRef(NamedTuple):
    """An account as the contact rules see it (``Store.contact_books``): no money, no dates."""

    id: str
    customer_id: str
    status: AccountStatus


class QueueRow(NamedTuple):
    """One account as the work queue needs it: flat, immutable, cheap.

    A ``NamedTuple`` rather than a frozen dataclass on purpose: 100,000 of them are built
    per queue load, and a frozen dataclass's ``__init__`` costs about four times as much.
    Fields are read by name exactly like a dataclass's. Money is integer minor units of
    ``currency``; instants are aware UTC; ``bucket``/``status`` are the enum values
    (``Bucket``/``AccountStatus`` are ``StrEnum`` so they compare equal).
    """

    account_id: str
    customer_id: str
    customer_name: str
    name_alt: str
    product: str
    balance_minor: int
    past_due_minor: int
    currency: str
    days_past_due: int
    bucket: str
    status: str
    risk_tier: str | None
    score: float | None
    timezone: str
    jurisdiction: str
    language: str
    flags: frozenset[str]
    owner: str | None
    team: str | None
    promise_due_on: date | None  # the latest open promise
    promise_amount_minor: int | None
    callback_due_at: datetime | None  # asked for in the latest attempt, not yet superseded
    last_attempt_at: datetime | None
    last_payment_at: datetime | None
    attempts_total: int
    attempts_7d: int  # contact attempts in the 7 days before ``now``
    rpc_total: int  # right-party contacts (disposition catalogue's is_right_party)
    promises_broken: int
    open_complaints: int
    pending_outbox: int  # local changes for this account not yet acknowledged
    strategy_task: str | None = None  # a raised strategy task still standing (JSON text)


@dataclass(frozen=True, slots=True)
class AccountDetail:
    customer: Customer
    account: Account
    events: list[Event]  # newest first
    other_accounts: list[Account]  # the customer's other accounts on this device


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ACKED = "acked"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    client_seq: int
    mutation_id: str
    type: str  # "event.<event type>" or "contact.patch"
    payload: dict[str, Any]
    base_version: int | None
    device_time: datetime
    device_id: str
    state: OutboxState
    result: dict[str, Any] | None = None
    account_id: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxResult:
    """What the server said about one mutation (input of ``Store.mark_outbox``)."""

    mutation_id: str
    state: OutboxState  # SENT, ACKED or REJECTED
    result: dict[str, Any] | None = None
    reason: str = ""  # for a rejection: shown in needs-attention


class Tombstone(NamedTuple):
    entity: str  # "customer", "account" or "event"
    id: str


@dataclass(frozen=True, slots=True)
class ApplyResult:
    customers: int = 0
    accounts: int = 0
    events: int = 0
    tombstones: int = 0
    deferred_customers: tuple[str, ...] = ()  # skipped: local changes still pending
    deferred_accounts: tuple[str, ...] = ()

    @property
    def deferred(self) -> bool:
        return bool(self.deferred_customers or self.deferred_accounts)


@dataclass(frozen=True, slots=True)
class AttentionItem:
    id: str
    kind: str  # "rejected", "conflict", "reassigned", …
    reason: str
    payload: dict[str, Any]
    created_at: datetime
    mutation_id: str | None = None
    account_id: str | None = None
    resolved: bool = False
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    entity: str
    entity_id: str
    field: str
    local_value: Any
    server_value: Any
    base_version: int | None
    created_at: datetime
    mutation_id: str | None = None
    resolved: bool = False


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str
    path: str
    size: int
    media_type: str
    uploaded: bool
    created_at: datetime = field(compare=False)
