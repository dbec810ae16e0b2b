"""strategy raised: a partial index of the agent tasks still standing (status 'raised')

The lead's queue explorer shows the task standing on each row and filters to accounts with
one (``queue_explorer``). ``strategy_actions`` keeps every step the daily run ever took, a
few rows per account per month, while the standing tasks are a small share of the accounts:
an index of only those, by account, answers both the page's look-up and the filter's EXISTS
without reading the settled history. Measured on PostgreSQL with a synthetic book (1,000,000
accounts in 4 teams, 7 million actions, 1 % of accounts with a task standing; 2 busy cores):
the filter's first page sorted by balance took 3.5 s without it and 0.13 s with it, sorted
by id 0.68 s and 0.02 s, its count 0.73 s and 0.08 s. With 0.1 % standing the planner reads
the index first (0.03 s); with 5 % it walks the sort index and probes it (0.05 s).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_STANDING = "status = 'raised'"  # as strategy.settle.RAISED


def upgrade() -> None:
    op.create_index(
        "ix_strategy_actions_raised",
        "strategy_actions",
        ["account_id"],
        postgresql_where=sa.text(_STANDING),
        sqlite_where=sa.text(_STANDING),
    )


def downgrade() -> None:
    op.drop_index("ix_strategy_actions_raised", table_name="strategy_actions")
