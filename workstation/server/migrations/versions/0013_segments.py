"""segments: ability and willingness scores, the 2×2 segment on accounts; trained models

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ability", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("willingness", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("segment", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("ability_reasons", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("willingness_reasons", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("segment_model", sa.String(length=100), nullable=True))
    op.create_table(
        "segment_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("promoted", sa.Boolean(), nullable=False),
        sa.Column("trained_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_segment_models_kind_promoted", "segment_models", ["kind", "promoted", "id"])


def downgrade() -> None:
    op.drop_index("ix_segment_models_kind_promoted", table_name="segment_models")
    op.drop_table("segment_models")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        for column in (
            "segment_model",
            "willingness_reasons",
            "ability_reasons",
            "segment",
            "willingness",
            "ability",
        ):
            batch_op.drop_column(column)
