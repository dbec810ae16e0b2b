"""complaints: one row per complaint, and the per-year reference counter

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-20 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("pack", sa.String(length=32), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("received_by_id", sa.String(length=36), nullable=True),
        sa.Column("about_user_id", sa.String(length=36), nullable=True),
        sa.Column("agent_id", sa.String(length=36), nullable=True),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("acknowledge_by", sa.Date(), nullable=True),
        sa.Column("summary_by", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("root_cause", sa.String(length=64), nullable=True),
        sa.Column("redress_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("voided_at", UTCDateTime(), nullable=True),
        sa.Column("overdue", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_complaints_account_id", "complaints", ["account_id"])
    op.create_index("ix_complaints_team_id", "complaints", ["team_id"])
    op.create_index("ix_complaints_owner_id", "complaints", ["owner_id"])
    op.create_index("ix_complaints_agent_id", "complaints", ["agent_id"])
    op.create_index("ix_complaints_team_status", "complaints", ["team_id", "status"])
    op.create_table(
        "complaint_sequences",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )


def downgrade() -> None:
    op.drop_table("complaint_sequences")
    for name in ("team_status", "agent_id", "owner_id", "team_id", "account_id"):
        op.drop_index(f"ix_complaints_{name}", table_name="complaints")
    op.drop_table("complaints")
