"""A pushed batch read against the contract (``workstation.contract``), before anything is written.

A mutation that does not fit the contract is a client bug, not a business decision: the
whole push is refused with 422 naming the mutation, and nothing is written. Business rules
(closed account, wrong currency for the account, promise not open) are decided when
applying and answered per mutation as ``rejected`` with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workstation.contract import ContractError, decode
from workstation.contract.events import (
    ContactAttemptPayload,
    PaymentPayload,
    PlanAgreementPayload,
    PromisePayload,
    SatisfactionPayload,
)
from workstation.contract.mutations import EventCreate, Push
from workstation.domain.enums import SERVER_ONLY_EVENTS, PromiseStatus
from workstation.domain.money import minor_digits
from workstation.errors import WorkstationError
from workstation.server.errors import ApiError
from workstation.text import Text

_INDEX = re.compile(r"^mutations\[(\d+)\]\.payload")


class PayloadError(WorkstationError, ValueError):
    """A mutation that breaks a push-only rule (on top of the contract's shapes)."""

    summary = Text("The data sent is not valid", "提交的数据无效")


@dataclass(frozen=True, slots=True)
class Columns:
    """What the events table copies out of a payload for SQL (KPIs, promises)."""

    disposition: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    score: int | None = None


def read_push(body: Any, now: datetime) -> Push:
    """The batch as the contract's ``Push``; 422 on the first thing that does not fit.

    Dates are judged against ``now`` (the windows of ``contract.values``). A bad mutation
    payload answers ``invalid_mutation`` naming the mutation; a bad envelope
    ``invalid_request``."""
    try:
        push: Push = decode(Push, body, now=now)
    except ContractError as exc:
        found = _INDEX.match(exc.path)
        if found is None:
            raise ApiError(422, "invalid_request", str(exc)) from None
        raw = body["mutations"][int(found.group(1))]
        mutation_id = str(raw.get("mutation_id", ""))[:64]
        raise ApiError(
            422,
            "invalid_mutation",
            f"mutation {mutation_id} ({raw.get('type')}): {exc}",
            mutation_id=mutation_id,
        ) from None
    for mutation in push.mutations:
        payload = mutation.payload
        try:
            if isinstance(payload, EventCreate):
                check_new_event(payload)
            elif mutation.type == "contact.patch" and mutation.base_version is None:
                raise PayloadError("contact.patch needs a base_version")
        except PayloadError as exc:
            raise ApiError(
                422,
                "invalid_mutation",
                f"mutation {mutation.mutation_id} ({mutation.type}): {exc}",
                mutation_id=mutation.mutation_id,
            ) from None
    return push


def check_new_event(event: EventCreate) -> None:
    """What a device may not claim, whatever the shape allows."""
    if event.type in SERVER_ONLY_EVENTS:
        raise PayloadError(f"a {event.type.value!r} event is recorded by the server only")
    if isinstance(event.payload, PromisePayload) and event.payload.status not in (
        None,
        PromiseStatus.OPEN,
    ):
        raise PayloadError("a new promise must have status 'open'; the server decides its fate")


def minor_units(amount: Any, currency: str) -> int:
    return int(amount.scaleb(minor_digits(currency)))


def columns_of(payload: Any) -> Columns:
    """The SQL columns of a typed event payload."""
    if isinstance(payload, ContactAttemptPayload):
        return Columns(disposition=payload.disposition)
    if isinstance(payload, (PromisePayload, PaymentPayload)):
        amount = minor_units(payload.amount, payload.currency)
        return Columns(amount_minor=amount, currency=payload.currency)
    if isinstance(payload, PlanAgreementPayload):
        amount = minor_units(payload.instalment_amount, payload.currency)
        return Columns(amount_minor=amount, currency=payload.currency)
    if isinstance(payload, SatisfactionPayload):
        return Columns(score=payload.score)
    return Columns()
