"""strategies: segment champions, experiments, their assignments, the strategy run's actions

Revision ID: 0014
Revises: 0013
Create Date: 2027-03-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segment_champions",
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("strategy_id", sa.String(length=64), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("by_user_id", sa.String(length=36), nullable=True),
        sa.Column("experiment_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("segment"),
    )
    op.create_table(
        "experiments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("champion_id", sa.String(length=64), nullable=False),
        sa.Column("challenger_id", sa.String(length=64), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("complaints_guard", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.String(length=36), nullable=True),
        sa.Column("decided_by_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_experiments_segment", "experiments", ["segment"])
    op.create_table(
        "experiment_assignments",
        sa.Column("experiment_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("arm", sa.String(length=16), nullable=False),
        sa.Column("stratum", sa.String(length=32), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"]),
        sa.PrimaryKeyConstraint("experiment_id", "account_id"),
    )
    op.create_index("ix_experiment_assignments_account", "experiment_assignments", ["account_id"])
    op.create_table(
        "strategy_actions",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("strategy_id", sa.String(length=64), nullable=False),
        sa.Column("experiment_id", sa.String(length=36), nullable=True),
        sa.Column("arm", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("not_before", UTCDateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "step_id", "day"),
    )
    op.create_index("ix_strategy_actions_day_kind", "strategy_actions", ["day", "kind"])


def downgrade() -> None:
    op.drop_index("ix_strategy_actions_day_kind", table_name="strategy_actions")
    op.drop_table("strategy_actions")
    op.drop_index("ix_experiment_assignments_account", table_name="experiment_assignments")
    op.drop_table("experiment_assignments")
    op.drop_index("ix_experiments_segment", table_name="experiments")
    op.drop_table("experiments")
    op.drop_table("segment_champions")
