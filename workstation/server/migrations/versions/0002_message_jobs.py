"""message delivery jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import workstation.server.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = workstation.server.models.UTCDateTime(timezone=True)
    op.create_table(
        "message_jobs",
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address_id", sa.String(length=64), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("to_key", sa.String(length=320), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("opt_out_required", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", utc, nullable=False),
        sa.Column("lease_until", utc, nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("sent_at", utc, nullable=True),
        sa.Column("finished_at", utc, nullable=True),
        sa.Column("gateway_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("message_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_jobs_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_message_jobs_to_key"), ["to_key"])
        batch_op.create_index(batch_op.f("ix_message_jobs_gateway_id"), ["gateway_id"])
        batch_op.create_index("ix_message_jobs_status_due", ["status", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("message_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_message_jobs_status_due")
        batch_op.drop_index(batch_op.f("ix_message_jobs_gateway_id"))
        batch_op.drop_index(batch_op.f("ix_message_jobs_to_key"))
        batch_op.drop_index(batch_op.f("ix_message_jobs_account_id"))
    op.drop_table("message_jobs")
