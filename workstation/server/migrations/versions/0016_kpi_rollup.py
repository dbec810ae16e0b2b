"""kpi rollup: the KPIs' event counts per UTC day and recorder (workstation.server.kpi_rollup)

Revision ID: 0016
Revises: 0015
Create Date: 2027-03-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_event_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("right_party_contacts", sa.Integer(), nullable=False),
        sa.Column("promises", sa.Integer(), nullable=False),
        sa.Column("satisfaction_count", sa.Integer(), nullable=False),
        sa.Column("satisfaction_sum", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "user_id"),
    )
    op.create_index("ix_kpi_event_days_user_day", "kpi_event_days", ["user_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_kpi_event_days_user_day", table_name="kpi_event_days")
    op.drop_table("kpi_event_days")
