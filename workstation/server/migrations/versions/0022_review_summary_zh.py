"""review items in both languages: the summary's Chinese beside its English

Every review item's summary was written in English only; a lead working in Chinese read it
so. ``summary_zh`` holds the Chinese (``server.review.item``); items made before it have
none and show their English.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "review_items",
        sa.Column("summary_zh", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("summary_zh")
