"""quality: weekly QA samples, reviews, training results

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-12 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workstation.server.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_sampling_runs",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("ran_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("week"),
    )
    op.create_table(
        "qa_samples",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sampled_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_qa_samples_agent_id", "qa_samples", ["agent_id"], unique=False)
    op.create_index("ix_qa_samples_team_week", "qa_samples", ["team_id", "week"], unique=False)
    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sample_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("reviewer_id", sa.String(length=36), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("item_notes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("score_tenths", sa.Integer(), nullable=False),
        sa.Column("critical_failed", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("calibration", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["sample_id"], ["qa_samples.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_id", "reviewer_id"),
    )
    op.create_index("ix_qa_reviews_agent_id", "qa_reviews", ["agent_id"], unique=False)
    op.create_index("ix_qa_reviews_team_id", "qa_reviews", ["team_id"], unique=False)
    op.create_table(
        "training_results",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("pack", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("scenario_score_tenths", sa.Integer(), nullable=False),
        sa.Column("quiz_score_tenths", sa.Integer(), nullable=False),
        sa.Column("score_tenths", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("certified_until", sa.Date(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_training_results_user_pack", "training_results", ["user_id", "pack"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_training_results_user_pack", table_name="training_results")
    op.drop_table("training_results")
    op.drop_index("ix_qa_reviews_team_id", table_name="qa_reviews")
    op.drop_index("ix_qa_reviews_agent_id", table_name="qa_reviews")
    op.drop_table("qa_reviews")
    op.drop_index("ix_qa_samples_team_week", table_name="qa_samples")
    op.drop_index("ix_qa_samples_agent_id", table_name="qa_samples")
    op.drop_table("qa_samples")
    op.drop_table("qa_sampling_runs")
