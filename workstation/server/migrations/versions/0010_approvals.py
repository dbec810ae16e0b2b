"""approvals: one row per out-of-policy plan asked of the team lead, and the answer

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("requested_by_id", sa.String(length=36), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.String(length=36), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_approvals_account_id", "approvals", ["account_id"])
    op.create_index("ix_approvals_team_id", "approvals", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_approvals_team_id", table_name="approvals")
    op.drop_index("ix_approvals_account_id", table_name="approvals")
    op.drop_table("approvals")
