"""The local replica's schema as SQLAlchemy 2 typed ORM models.

This module owns the tables of the collector's laptop database. Migrations in
``workstation/store/migrations`` create exactly this schema; a test compares the two.

Conventions: ids are client-generated UUIDv7 strings; money is ``BigInteger`` minor units
next to a currency code; instants are aware UTC (``UTCDateTime``); nothing is hard-deleted
(``deleted`` marks a tombstone from the server). Columns under "derived" on ``accounts`` are
a cache recomputed from the event log by the store (``derived.DerivedColumns``); they
are never the source of truth and never synced.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from workstation.store.types import DecimalText, UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        Decimal: DecimalText(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        Any: JSON(),
    }


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_alt: Mapped[str] = mapped_column(Text, default="")
    national_id_masked: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    jurisdiction: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="en")
    flags: Mapped[str] = mapped_column(Text, default="")  # sorted, comma-separated values
    contact_person: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    income_currency: Mapped[str | None] = mapped_column(String(3))
    monthly_income_minor: Mapped[int | None] = mapped_column(BigInteger)
    monthly_expenses_minor: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PhoneRow(Base):
    __tablename__ = "phones"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(16), default="mobile")
    consent: Mapped[bool] = mapped_column(Boolean, default=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    last_verified: Mapped[date | None] = mapped_column(Date)
    # a wrong or disconnected number (WRONG / DISC): not dialled until re-verified
    invalid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class EmailRow(Base):
    __tablename__ = "emails"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    address: Mapped[str] = mapped_column(String(320))
    consent: Mapped[bool] = mapped_column(Boolean, default=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    last_verified: Mapped[date | None] = mapped_column(Date)


class AddressRow(Base):
    __tablename__ = "addresses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line1: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(Text)
    district: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    latitude: Mapped[Decimal | None] = mapped_column(DecimalText)
    longitude: Mapped[Decimal | None] = mapped_column(DecimalText)


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    product: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    principal_minor: Mapped[int] = mapped_column(BigInteger)
    balance_minor: Mapped[int] = mapped_column(BigInteger)
    past_due_minor: Mapped[int] = mapped_column(BigInteger)
    placed_minor: Mapped[int | None] = mapped_column(BigInteger)
    days_past_due: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    owner: Mapped[str | None] = mapped_column(String(64), index=True)
    team: Mapped[str | None] = mapped_column(String(64))
    risk_tier: Mapped[str | None] = mapped_column(String(1))
    score: Mapped[Decimal | None] = mapped_column(DecimalText)
    reason_codes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    opened_on: Mapped[date | None] = mapped_column(Date)
    placed_on: Mapped[date | None] = mapped_column(Date)
    annual_rate: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    version: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    account_ref: Mapped[str | None] = mapped_column(String(64))  # the bank's account number
    # ability / willingness (basis points), the segment, their reasons (workstation.segments)
    ability: Mapped[int | None] = mapped_column(Integer)
    willingness: Mapped[int | None] = mapped_column(Integer)
    segment: Mapped[str | None] = mapped_column(String(20))
    ability_reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    willingness_reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    segment_model: Mapped[str | None] = mapped_column(String(100))
    # the running experiment that drew the account, and its arm (champion / challenger)
    experiment_id: Mapped[str | None] = mapped_column(String(36))
    experiment_name: Mapped[str | None] = mapped_column(String(200))
    experiment_arm: Mapped[str | None] = mapped_column(String(16))
    # derived (cache of the event log; raw text for speed, instants as
    # 'YYYY-MM-DD HH:MM:SS.ffffff+00:00', see Store.queue_rows) -----------------------------
    last_attempt_at: Mapped[str | None] = mapped_column(String(32))
    last_payment_at: Mapped[str | None] = mapped_column(String(32))
    promise_due_on: Mapped[str | None] = mapped_column(String(10))
    promise_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    callback_due_at: Mapped[str | None] = mapped_column(String(32))
    attempts_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rpc_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    promises_broken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    open_complaints: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the latest strategy task no outcome has answered: the note's ``strategy_task`` JSON
    strategy_task: Mapped[str | None] = mapped_column(Text)


class EventRow(Base):
    """Append-only facts. ``amount_minor``/``currency`` mirror the payload for exact SQL sums."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_account_occurred", "account_id", "occurred_at"),
        Index("ix_events_occurred", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    customer_id: Mapped[str] = mapped_column(String(36), index=True)
    type: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64))
    server_version: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OutboxRow(Base):
    """Local mutations waiting for the server, written in the same transaction as the change.

    ``client_seq`` is AUTOINCREMENT so it is monotonic and never reused, even after rows
    are pruned. ``state``: pending → sent → acked | rejected (a rejection also lands in
    ``needs_attention``).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_seq", "state", "client_seq"),
        {"sqlite_autoincrement": True},
    )

    client_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(BigInteger)
    device_time: Mapped[datetime] = mapped_column(UTCDateTime)
    device_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="pending")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncStateRow(Base):
    """Key/value sync bookkeeping: cursor, snapshot, device id, server, user, epoch …"""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class NeedsAttentionRow(Base):
    __tablename__ = "needs_attention"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mutation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    account_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConflictRow(Base):
    """A field-level conflict: the server kept its value; the local one waits for review."""

    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    local_value: Mapped[Any] = mapped_column(JSON)
    server_value: Mapped[Any] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(BigInteger)
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class BlobRow(Base):
    """Content-addressed files (agreement PDFs) under ``paths.blob_dir()``."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text)  # relative to the blob directory
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64), default="application/octet-stream")
    uploaded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScorecardRow(Base):
    __tablename__ = "scorecard"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime)
