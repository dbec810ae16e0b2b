"""scale: the indexes a million-account book's hot statements need

The lead's queue explorer pages a team's accounts by keyset in any of its orders: one
(team_id, sort key, id) index per order, so a page is one index range scan whatever the
team's size (``workstation.server.queue_explorer``).

Revision ID: 0015
Revises: 0014
Create Date: 2027-03-01 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# as models.QUEUE_EXPLORER_ORDERS when this revision was written (a migration never
# follows later edits of the models)
_ORDERS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "balance": ("balance_minor", "id"),
    "past_due": ("past_due_minor", "id"),
    "dpd": ("days_past_due", "id"),
    "score": ("score", "id"),
    "tier": ("risk_tier", "id"),
    "placed": ("placed_on", "id"),
}


def upgrade() -> None:
    for name, columns in _ORDERS.items():
        op.create_index(f"ix_accounts_team_{name}", "accounts", ["team_id", *columns])


def downgrade() -> None:
    for name in _ORDERS:
        op.drop_index(f"ix_accounts_team_{name}", table_name="accounts")
