"""The backend's tables (SQLAlchemy 2, typed). Works on SQLite and PostgreSQL.

Conventions: ids of client-created records are the client's UUIDv7 strings; money is integer
minor units in ``BigInteger`` next to a currency code; every timestamp is an aware UTC
datetime; every row a client can pull carries the global ``version`` it was last written
at (see ``versioning``), which is the sync cursor. Nothing a client sees is hard-deleted:
removals are rows in ``removals``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's declared hook
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


# --- server state -------------------------------------------------------------------------


class VersionCounter(Base):
    """One row: the last global version handed out. Updated with UPDATE … RETURNING."""

    __tablename__ = "version_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class ServerState(Base):
    """Key/value settings shared by every server process (token secret, epoch, retention)."""

    __tablename__ = "server_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


# --- identity -----------------------------------------------------------------------------


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime]


class Device(Base):
    """A registered workstation (``client_id``), bound to one user."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the client_id
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_seen_at: Mapped[datetime | None]
    last_sync_at: Mapped[datetime | None]
    outbox_pending: Mapped[int | None] = mapped_column(Integer)
    outbox_oldest_at: Mapped[datetime | None]
    app_version: Mapped[str | None] = mapped_column(String(50))


class RefreshToken(Base):
    """Only the SHA-256 of a refresh token is stored. ``used_at`` set = rotated away."""

    __tablename__ = "refresh_tokens"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True, nullable=False)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), nullable=False)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime]
    success: Mapped[bool] = mapped_column(Boolean, nullable=False)
    __table_args__ = (
        Index("ix_login_attempts_user_at", "username", "at"),
        Index("ix_login_attempts_addr_at", "address", "at"),
    )


# --- the portfolio --------------------------------------------------------------------------


class CustomerRow(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # the bank's customer number (placement files); several accounts, one customer
    customer_ref: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_alt: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    jurisdiction: Mapped[str] = mapped_column(String(32), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    national_id_masked: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # the date of birth: the portal's other proof of who it is (server only, never synced)
    birth_date: Mapped[date | None] = mapped_column(Date)
    flags: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    contact_person: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    income_currency: Mapped[str | None] = mapped_column(String(3))
    monthly_income_minor: Mapped[int | None] = mapped_column(BigInteger)
    monthly_expenses_minor: Mapped[int | None] = mapped_column(BigInteger)
    # "phone:<id>.number" -> version the field was last written at (field-level conflicts)
    field_versions: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    __table_args__ = (Index("ux_customers_customer_ref", "customer_ref", unique=True),)


class ContactRow(Base):
    """A phone, e-mail or address of a customer; ``data`` holds the kind's fields."""

    __tablename__ = "contacts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # phone / email / address
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


# index name suffix → the columns after team_id (queue_explorer.SORT_COLUMNS; migration 0015)
QUEUE_EXPLORER_ORDERS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "balance": ("balance_minor", "id"),
    "past_due": ("past_due_minor", "id"),
    "dpd": ("days_past_due", "id"),
    "score": ("score", "id"),
    "tier": ("risk_tier", "id"),
    "placed": ("placed_on", "id"),
}
# the orders whose first page, filtered by a risk tier, missed 200 ms at 1M without their own
TIER_EXPLORER_ORDERS = {k: QUEUE_EXPLORER_ORDERS[k] for k in ("balance", "past_due", "dpd")}


class AccountRow(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # the bank's account number: the business key of placement, payment and recall files
    account_ref: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True, nullable=False)
    product: Mapped[str] = mapped_column(String(50), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    principal_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    balance_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    past_due_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    placed_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    days_past_due: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    risk_tier: Mapped[str | None] = mapped_column(String(1))
    score: Mapped[str | None] = mapped_column(String(20))
    reason_codes: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    opened_on: Mapped[date | None] = mapped_column(Date)
    placed_on: Mapped[date | None] = mapped_column(Date)
    annual_rate: Mapped[str] = mapped_column(String(20), nullable=False, default="0")
    # overpayments kept for the customer (``lifecycle.allocation``), never lost
    credit_minor: Mapped[int] = mapped_column(
        BigInteger, nullable=False, default=0, server_default="0"
    )
    # why the account has its status, when the server set it (paid, settled, recalled …)
    status_reason: Mapped[str | None] = mapped_column(String(200))
    # ability and willingness to pay (``server.segmentation``): basis points 0…10,000, the
    # 2×2 segment, each score's top reason codes, the models' versions; null until assessed
    ability: Mapped[int | None] = mapped_column(Integer)
    willingness: Mapped[int | None] = mapped_column(Integer)
    segment: Mapped[str | None] = mapped_column(String(20))
    ability_reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    willingness_reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    segment_model: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    __table_args__ = (
        Index("ux_accounts_account_ref", "account_ref", unique=True),
        Index("ix_accounts_owner_version", "owner_id", "version"),
        Index("ix_accounts_team_version", "team_id", "version"),
        # the lead's queue explorer: one (team, sort key, id) index per order (keyset pages)
        *(
            Index(f"ix_accounts_team_{name}", "team_id", *columns)
            for name, columns in QUEUE_EXPLORER_ORDERS.items()
        ),
        # a risk tier is a small slice of a team: walking the team's sort index for it read
        # most of the team before a page was found (tier A by days past due: 631 ms at 1M)
        *(
            Index(f"ix_accounts_team_tier_{name}", "team_id", "risk_tier", *columns)
            for name, columns in TIER_EXPLORER_ORDERS.items()
        ),
    )


class EventRow(Base):
    """Append-only facts. Business fields KPIs need are copied out of ``payload`` on write."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), nullable=False)
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(100), nullable=False)
    recorded_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    disposition: Mapped[str | None] = mapped_column(String(32))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    score: Mapped[int | None] = mapped_column(Integer)
    clock_skew_s: Mapped[int | None] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    __table_args__ = (
        Index("ix_events_account_version", "account_id", "server_version"),
        Index("ix_events_type_occurred", "type", "occurred_at"),
    )


class PromiseRow(Base):
    """The server-decided state of each promise event (open → kept / broken / cancelled)."""

    __tablename__ = "promises"
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True, nullable=False)
    recorded_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    made_at: Mapped[datetime]
    due_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(200))


class PaymentRow(Base):
    """The server's books of each payment event, reported or confirmed.

    Confirmed payments (bank file, payment API) carry the bank's ``payment_ref`` — unique, so
    a file or a request seen twice adds nothing — and where the money went. Reported
    payments (an agent heard of one) move nothing; ``status`` follows them: ``unconfirmed``
    until a confirmed payment matches (``confirmed``, ``matched_event_id`` names it), goes to
    review (``unmatched``), is above the balance when reported (``over_balance``, reviewed,
    never counted) or is voided. KPIs sum this table, never raw event payloads.
    """

    __tablename__ = "payments"
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    payment_ref: Mapped[str | None] = mapped_column(String(100))
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    method: Mapped[str | None] = mapped_column(String(32))
    recorded_by_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime]
    to_past_due_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    to_balance_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    credit_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    matched_event_id: Mapped[str | None] = mapped_column(String(36))
    __table_args__ = (
        Index("ux_payments_payment_ref", "payment_ref", unique=True),
        Index("ix_payments_account_paid", "account_id", "paid_on"),
        Index("ix_payments_source_status", "source", "status", "paid_on"),
    )


class PlanRow(Base):
    """State of each plan agreement (active / cancelled / completed)."""

    __tablename__ = "plans"
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    changed_at: Mapped[datetime]
    reason: Mapped[str | None] = mapped_column(String(200))


class Assignment(Base):
    """Every change of an account's owner/team, with the version it happened at."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True, nullable=False)
    from_user_id: Mapped[str | None] = mapped_column(String(36))
    to_user_id: Mapped[str | None] = mapped_column(String(36))
    from_team_id: Mapped[str | None] = mapped_column(String(36))
    to_team_id: Mapped[str | None] = mapped_column(String(36))
    by_user_id: Mapped[str | None] = mapped_column(String(36))
    batch_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime]


class Removal(Base):
    """A tombstone for one scope: "account X left user U's (or team T's) portfolio"."""

    __tablename__ = "removals"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # account
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    at: Mapped[datetime]


# --- sync bookkeeping -----------------------------------------------------------------------


class IdempotencyRecord(Base):
    """One per applied mutation: written in the same transaction as the mutation itself."""

    __tablename__ = "idempotency_records"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    client_seq: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    at: Mapped[datetime]


class PushBatch(Base):
    """The batch-level ``Idempotency-Key`` and the hash of the body it first came with."""

    __tablename__ = "push_batches"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime]


class ConflictRow(Base):
    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True, nullable=False)
    field: Mapped[str] = mapped_column(String(200), nullable=False)
    server_value: Mapped[Any] = mapped_column(JSON)
    client_value: Mapped[Any] = mapped_column(JSON)
    base_version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    server_field_version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    user_id: Mapped[str] = mapped_column(String(36), nullable=False)
    device_id: Mapped[str | None] = mapped_column(String(64))
    mutation_id: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime]


class ReviewItem(Base):
    """Something a person must look at: late facts, contact conflicts, compliance overrides."""

    __tablename__ = "review_items"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36))
    event_id: Mapped[str | None] = mapped_column(String(36))
    conflict_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    assignee_id: Mapped[str | None] = mapped_column(String(36), index=True)
    from_user_id: Mapped[str | None] = mapped_column(String(36))
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    # the summary in Chinese ("": an item made before migration 0022 shows its English)
    summary_zh: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(36))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    device_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class Blob(Base):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    uploaded_by: Mapped[str] = mapped_column(String(36), nullable=False)
    created_at: Mapped[datetime]


class ScorecardRow(Base):
    __tablename__ = "scorecards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the scorecard version
    model: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    auc: Mapped[str | None] = mapped_column(String(20))
    trained_on: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)  # global change version
    __table_args__ = (UniqueConstraint("version"),)


class SegmentModelRow(Base):
    """A trained ability or willingness model (``server.segmentation``), promoted or not.

    ``model`` is the exported document (``workstation.segments.model``); ``metrics`` holds
    the held-out AUC, Brier score and reliability table it was judged by, and the current
    model's figures on the same samples. The newest promoted row of a kind is the one used.
    """

    __tablename__ = "segment_models"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    model: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    promoted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    trained_at: Mapped[datetime]
    __table_args__ = (Index("ix_segment_models_kind_promoted", "kind", "promoted", "id"),)


class KpiEventDay(Base):
    """The KPIs' event counts of one UTC day by one recorder (``kpi_rollup``; '' for none)."""

    __tablename__ = "kpi_event_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    right_party_contacts: Mapped[int] = mapped_column(Integer, nullable=False)
    promises: Mapped[int] = mapped_column(Integer, nullable=False)
    satisfaction_count: Mapped[int] = mapped_column(Integer, nullable=False)
    satisfaction_sum: Mapped[int] = mapped_column(Integer, nullable=False)
    __table_args__ = (Index("ix_kpi_event_days_user_day", "user_id", "day"),)


# --- delinquency history (cure and roll rates) ----------------------------------------------


class BucketHistory(Base):
    """An account's delinquency state from ``day`` on, until its next row (change rows).

    Written whenever the bucket, status, owner or team of an account changes (the listener
    below; the seed; ``bucket_history.reconcile`` for writes that bypass the ORM). The
    state "as of" day D is the account's row with the greatest ``day <= D``. Why change
    rows and not a daily snapshot: ``workstation.server.bucket_history``.
    """

    __tablename__ = "bucket_history"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(8), nullable=False)
    days_past_due: Mapped[int] = mapped_column(Integer, nullable=False)
    balance_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36))


# what makes a new history row; days_past_due and balance alone do not (they may move daily)
_HISTORY_TRIGGERS = ("days_past_due", "status", "owner_id", "team_id")


def _bucket_of(days_past_due: int) -> str:
    from workstation.domain.enums import Bucket

    return Bucket.for_days(days_past_due).value


HISTORY_DAY = "bucket_history_day"  # Session.info key: the day a job's changes belong to


def _record_history(connection: Any, row: AccountRow) -> None:
    """Upsert the history row of ``row`` for today (UTC) — or for the day the session works
    on (``session.info[HISTORY_DAY]``: the daily run's as-of day) — in the flush's own
    transaction."""
    session = object_session(row)
    day = session.info.get(HISTORY_DAY) if session is not None else None
    values = {
        "account_id": row.id,
        "day": day or datetime.now(UTC).date(),
        "bucket": _bucket_of(row.days_past_due),
        "days_past_due": row.days_past_due,
        "balance_minor": row.balance_minor,
        "status": row.status,
        "owner_id": row.owner_id,
        "team_id": row.team_id,
    }
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    stmt = upsert(BucketHistory).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["account_id", "day"],
        set_={k: stmt.excluded[k] for k in values if k not in ("account_id", "day")},
    )
    connection.execute(stmt)


@event.listens_for(AccountRow, "after_insert")
def _account_inserted(_mapper: Any, connection: Any, row: AccountRow) -> None:
    _record_history(connection, row)


@event.listens_for(AccountRow, "after_update")
def _account_updated(_mapper: Any, connection: Any, row: AccountRow) -> None:
    state = inspect(row)
    changed = any(state.attrs[name].history.has_changes() for name in _HISTORY_TRIGGERS[1:])
    days = state.attrs.days_past_due.history
    if days.has_changes():
        # an old value not loaded before the write: record, to be safe
        old = days.deleted[0] if days.deleted else None
        changed = changed or old is None or _bucket_of(int(old)) != _bucket_of(row.days_past_due)
    if changed:
        _record_history(connection, row)
