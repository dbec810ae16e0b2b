"""Pydantic shapes of the sync API (documentation for the OpenAPI schema and the client)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64)]


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class PhoneOut(Open):
    id: str
    number: str | None
    type: str | None
    consent: bool | None
    opted_out: bool | None
    last_verified: str | None
    version: int


class EmailOut(Open):
    id: str
    address: str | None
    consent: bool | None
    opted_out: bool | None
    last_verified: str | None
    version: int


class AddressOut(Open):
    id: str
    line1: str | None
    city: str | None
    version: int


class CustomerOut(Open):
    id: str
    name: str
    name_alt: str
    timezone: str
    jurisdiction: str
    language: str
    national_id_masked: str
    flags: list[str]
    contact_person: dict[str, Any] | None
    income_currency: str | None
    monthly_income: str | None
    monthly_expenses: str | None
    phones: list[PhoneOut]
    emails: list[EmailOut]
    addresses: list[AddressOut]
    version: int


class PromiseOut(BaseModel):
    event_id: str
    amount: str | None
    currency: str
    due_date: str | None
    status: str
    decided_at: str | None


class PlanOut(BaseModel):
    event_id: str
    status: str
    changed_at: str | None


class AccountOut(Open):
    id: str
    customer_id: str
    product: str
    currency: str
    principal: str | None
    balance: str | None
    past_due: str | None
    placed_amount: str | None
    days_past_due: int
    bucket: str
    status: str
    owner_id: str | None
    owner: str | None
    team_id: str | None
    risk_tier: str | None
    score: str | None
    reason_codes: list[str]
    opened_on: str | None
    placed_on: str | None
    annual_rate: str
    promises: list[PromiseOut]
    plans: list[PlanOut]
    version: int


class EventOut(BaseModel):
    id: str
    type: str
    account_id: str
    customer_id: str
    occurred_at: str | None
    received_at: str | None
    recorded_by: str
    device_id: str | None
    payload: dict[str, Any]
    clock_skew_s: int | None
    server_version: int


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


class MutationIn(BaseModel):
    mutation_id: Annotated[str, Field(min_length=1, max_length=64)]
    client_seq: Annotated[int, Field(ge=0, le=2**62)]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    payload: dict[str, Any]
    base_version: Annotated[int, Field(ge=0, le=2**62)] | None = None
    device_time: AwareDatetime | None = None


class PushIn(BaseModel):
    client_id: Annotated[str, Field(min_length=1, max_length=64)]
    mutations: Annotated[list[MutationIn], Field(min_length=1, max_length=500)]


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
