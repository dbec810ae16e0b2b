"""disputes: one row per dispute (its state, the validation notice and the wait's end)

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("pack", sa.String(length=32), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("validation_sent_on", sa.Date(), nullable=True),
        sa.Column("resume_on", sa.Date(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("adjustment_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disputes_account_id", "disputes", ["account_id"])
    op.create_index("ix_disputes_team_id", "disputes", ["team_id"])
    op.create_index("ix_disputes_resume_on", "disputes", ["resume_on"])
    op.create_index("ix_disputes_status_resume", "disputes", ["status", "resume_on"])


def downgrade() -> None:
    for name in ("status_resume", "resume_on", "team_id", "account_id"):
        op.drop_index(f"ix_disputes_{name}", table_name="disputes")
    op.drop_table("disputes")
