"""Pydantic shapes of the API's answers, for the OpenAPI schema.

Customers, accounts and events (and the push body, ``routers/sync.py``) are described by the
contract's classes (``workstation.contract``); the rest are small envelopes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, WithJsonSchema

from workstation.contract import json_schema
from workstation.contract.events import StrategyTaskValue
from workstation.contract.records import AccountRecord, CustomerRecord, EventRecord

Id = Annotated[str, Field(min_length=1, max_length=64)]


# JSON objects answered as ``serialize`` writes them, described in OpenAPI by the contract's
# classes: the one definition of what travels
CustomerOut = Annotated[dict[str, Any], WithJsonSchema(json_schema(CustomerRecord))]
AccountOut = Annotated[dict[str, Any], WithJsonSchema(json_schema(AccountRecord))]
EventOut = Annotated[dict[str, Any], WithJsonSchema(json_schema(EventRecord))]
# a strategy's agent task, as the note that raised it carries it (``queue.tasks``)
StrategyTaskOut = Annotated[dict[str, Any], WithJsonSchema(json_schema(StrategyTaskValue))]


class RemovalOut(BaseModel):
    kind: str
    id: str
    reason: str
    version: int


class ScorecardOut(BaseModel):
    version: int
    model: dict[str, Any]
    auc: str | None
    trained_on: int
    created_at: str


class Counts(BaseModel):
    customers: int
    accounts: int
    events: int


class SnapshotOut(BaseModel):
    snapshot_version: int
    epoch: int
    counts: Counts
    customers: list[CustomerOut]
    accounts: list[AccountOut]
    events: list[EventOut]
    next_page_token: str | None
    complete: bool
    cursor: int
    scorecard_version: int | None
    scorecard: ScorecardOut | None
    server_time: str


class ChangesOut(BaseModel):
    epoch: int
    cursor: int
    has_more: bool
    customers: list[CustomerOut]
    accounts: list[AccountOut]
    events: list[EventOut]
    removals: list[RemovalOut]
    scorecard_version: int | None
    scorecard: ScorecardOut | None
    server_time: str


class MutationResult(BaseModel):
    mutation_id: str
    status: str = Field(description="applied | duplicate | rejected | conflict")
    original_status: str | None = Field(
        default=None, description="for a duplicate: the status the mutation first got"
    )
    reason: str | None
    message: str | None
    result: dict[str, Any]
    server_value: dict[str, Any] | None
    warnings: list[str]


class PushOut(BaseModel):
    results: list[MutationResult]
    cursor_hint: int
    server_time: str


class HeartbeatIn(BaseModel):
    outbox_pending: Annotated[int, Field(ge=0, le=10**9)]
    outbox_oldest_at: AwareDatetime | None = None
    last_sync_at: AwareDatetime | None = None
    app_version: Annotated[str, Field(max_length=50)] | None = None


class OkOut(BaseModel):
    ok: bool = True
