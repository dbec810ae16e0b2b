"""A phone can be marked invalid (a WRONG or DISC outcome): the engine stops dialling it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("phones", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invalid", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("phones", schema=None) as batch_op:
        batch_op.drop_column("invalid")
