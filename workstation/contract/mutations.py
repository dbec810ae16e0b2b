"""What a device pushes: the batch, each mutation's envelope, and one payload per mutation type.

``event.create`` carries a fact (its payload typed by ``events.PAYLOADS``); ``contact.patch``
some fields of one contact record (``contacts.PATCHES``); ``promise.cancel`` and
``plan.cancel`` are commands the server validates. A mutation of any other type passes the
envelope and is answered ``rejected`` (assignment, say, is the server's alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Protocol

from workstation.contract.codec import Chars, ContractError, Items, Partial, Range, Tagged
from workstation.contract.contacts import PATCHES, ContactKind
from workstation.contract.events import PAYLOADS
from workstation.contract.values import OCCURRED_AT, Id, Reason
from workstation.domain.enums import EventType

Version = Annotated[int, Range(0, 2**62)]


class MutationType(StrEnum):
    EVENT_CREATE = "event.create"
    CONTACT_PATCH = "contact.patch"
    PROMISE_CANCEL = "promise.cancel"
    PLAN_CANCEL = "plan.cancel"


@dataclass(frozen=True, slots=True, kw_only=True)
class EventCreate:
    """A new fact about an account, recorded on a device at ``occurred_at``."""

    id: Id
    type: EventType
    account_id: Id
    occurred_at: Annotated[datetime, OCCURRED_AT]
    payload: Annotated[Any, Tagged("type", PAYLOADS)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactPatch:
    """Some fields of the customer (``kind`` customer) or of one of their phones, e-mails or
    addresses (``id``; a new id creates the record), edited on top of ``base_version``."""

    customer_id: Id
    kind: ContactKind
    fields: Annotated[Mapping[str, Any], Partial("kind", PATCHES)]
    id: Id | None = None

    def __post_init__(self) -> None:
        if self.kind != "customer" and self.id is None:
            raise ContractError(f"is required for a {self.kind}", "id")


@dataclass(frozen=True, slots=True, kw_only=True)
class PromiseCancel:
    promise_event_id: Id
    reason: Reason | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCancel:
    plan_event_id: Id
    reason: Reason | None = None


MUTATIONS: Mapping[str, type[Any]] = {
    MutationType.EVENT_CREATE.value: EventCreate,
    MutationType.CONTACT_PATCH.value: ContactPatch,
    MutationType.PROMISE_CANCEL.value: PromiseCancel,
    MutationType.PLAN_CANCEL.value: PlanCancel,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Mutation:
    """One outbox entry on the wire; ``client_seq`` orders a device's mutations."""

    mutation_id: Id
    client_seq: Version
    type: Annotated[str, Chars(64, min_length=1)]
    # a known type's payload is typed; another type's passes as an object (answered rejected)
    payload: Annotated[Any, Tagged("type", MUTATIONS)]
    base_version: Version | None = None
    device_time: datetime | None = None  # the device's clock when it sent (skew is warned)


@dataclass(frozen=True, slots=True, kw_only=True)
class Push:
    """``POST /api/v1/sync/push``: a device's mutations in ``client_seq`` order."""

    client_id: Id
    mutations: Annotated[tuple[Mutation, ...], Items(500, min_items=1)]


class RecordedEvent(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def account_id(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def payload(self) -> Mapping[str, Any]: ...


def event_create(event: RecordedEvent) -> dict[str, Any]:
    """A recorded event as the payload of its ``event.create`` (no check: the server's)."""
    return {
        "id": event.id,
        "type": str(event.type),
        "account_id": event.account_id,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "payload": dict(event.payload),
    }
