"""Accounts carry the raised strategy task (derived) and their experiment arm.

``strategy_task``: the latest agent task a strategy raised that no outcome has answered
(a derived column, ``store.derived``); ``experiment_id`` / ``experiment_name`` /
``experiment_arm``: the running experiment that drew the account and its arm, as synced.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("strategy_task", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("experiment_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("experiment_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("experiment_arm", sa.String(length=16), nullable=True))
    # tasks raised before the column existed are found by the next full refresh of the
    # derived columns (``Store.refresh_derived``), or the next pull touching the account
    op.execute(
        "UPDATE accounts SET strategy_task = ("
        " SELECT json_extract(e.payload, '$.strategy_task') FROM events AS e"
        " WHERE e.account_id = accounts.id AND e.type = 'note' AND e.deleted = 0"
        "   AND json_extract(e.payload, '$.strategy_task') IS NOT NULL"
        "   AND NOT EXISTS (SELECT 1 FROM events AS o WHERE o.account_id = accounts.id"
        "       AND o.type IN ('contact_attempt', 'visit') AND o.deleted = 0"
        "       AND o.occurred_at >= json_extract(e.payload, '$.strategy_task.day'))"
        " ORDER BY e.occurred_at DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        for column in ("experiment_arm", "experiment_name", "experiment_id", "strategy_task"):
            batch_op.drop_column(column)
