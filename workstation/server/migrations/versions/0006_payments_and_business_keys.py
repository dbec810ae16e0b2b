"""payments' books; the bank's account and customer numbers; credit and status reason

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workstation.server.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = workstation.server.models.UTCDateTime(timezone=True)
    op.create_table(
        "payments",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payment_ref", sa.String(length=100), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=True),
        sa.Column("recorded_by_id", sa.String(length=36), nullable=True),
        sa.Column("received_at", utc, nullable=False),
        sa.Column("to_past_due_minor", sa.BigInteger(), nullable=False),
        sa.Column("to_balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("credit_minor", sa.BigInteger(), nullable=False),
        sa.Column("matched_event_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ux_payments_payment_ref", ["payment_ref"], unique=True)
        batch_op.create_index("ix_payments_account_paid", ["account_id", "paid_on"])
        batch_op.create_index("ix_payments_source_status", ["source", "status", "paid_on"])
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("credit_minor", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("status_reason", sa.String(length=200), nullable=True))
        batch_op.create_index("ux_accounts_account_ref", ["account_ref"], unique=True)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_ref", sa.String(length=64), nullable=True))
        batch_op.create_index("ux_customers_customer_ref", ["customer_ref"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ux_customers_customer_ref")
        batch_op.drop_column("customer_ref")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ux_accounts_account_ref")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("credit_minor")
        batch_op.drop_column("account_ref")
    op.drop_table("payments")
