"""Accounts carry ability and willingness (basis points), the segment and their reasons.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
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


def downgrade() -> None:
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
