"""survey cap: a customer's portal links by time

A right-party conversation sends the customer a survey link at most once in the rule pack's
``[portal] survey_every_days`` (``portal.surveys.asked_lately``): each such conversation asks
whether the customer had a survey link lately, whichever of their accounts it was on. Links
are kept (an answered survey names its link), one or more per customer a month; the index
answers the question from the customer's few newest links instead of a scan.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_portal_links_customer_created", "portal_links", ["customer_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_portal_links_customer_created", table_name="portal_links")
