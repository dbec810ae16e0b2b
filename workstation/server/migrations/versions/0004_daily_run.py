"""daily run: processed days, plan instalments, days of frozen interest

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "plan_instalments",
        sa.Column("plan_event_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("covered_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["plan_event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("plan_event_id", "number"),
    )
    op.create_index(
        "ix_plan_instalments_account_id", "plan_instalments", ["account_id"], unique=False
    )
    op.create_table(
        "interest_frozen_days",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("account_id", "month"),
    )


def downgrade() -> None:
    op.drop_table("interest_frozen_days")
    op.drop_index("ix_plan_instalments_account_id", table_name="plan_instalments")
    op.drop_table("plan_instalments")
    op.drop_table("daily_runs")
