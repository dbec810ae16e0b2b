"""kpi roll: cure and roll counts per end day, state day, owner and bucket (kpi_delinquency)

The stored counts for an end day B depend on the ``bucket_history`` rows dated on or before
B, so every write of a row dated D drops the end days B >= D: a trigger, so no writer (the
ORM listener, the aging run, bulk files, COPY, hand-written SQL) can forget it. PostgreSQL:
statement-level triggers over the transition tables (one DELETE per statement, however many
rows); SQLite: row-level.

Revision ID: 0017
Revises: 0016
Create Date: 2027-03-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_PG = {
    "insert": ("NEW TABLE AS changed", "SELECT min(day) FROM changed"),
    "update": (
        "OLD TABLE AS before NEW TABLE AS changed",
        "SELECT min(day) FROM (SELECT day FROM before UNION ALL SELECT day FROM changed) d",
    ),
    "delete": ("OLD TABLE AS before", "SELECT min(day) FROM before"),
}
_SQLITE = {"insert": "NEW.day", "update": "min(OLD.day, NEW.day)", "delete": "OLD.day"}


def upgrade() -> None:
    op.create_table(
        "kpi_roll_ends",
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("lookback_days", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("end_day"),
    )
    op.create_table(
        "kpi_roll_days",
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("state_day", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("from_rank", sa.Integer(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("cured", sa.Integer(), nullable=False),
        sa.Column("rolled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("end_day", "state_day", "owner_id", "from_rank"),
    )
    if op.get_bind().dialect.name == "postgresql":
        for what, (referencing, first_day) in _PG.items():
            op.execute(
                f"""
                CREATE FUNCTION kpi_roll_drop_{what}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM kpi_roll_ends WHERE end_day >= ({first_day});
                    RETURN NULL;
                END $$
                """
            )
            op.execute(
                f"CREATE TRIGGER kpi_roll_drop_{what} AFTER {what.upper()} ON bucket_history "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION kpi_roll_drop_{what}()"
            )
    else:
        for what, first_day in _SQLITE.items():
            op.execute(
                f"CREATE TRIGGER kpi_roll_drop_{what} AFTER {what.upper()} ON bucket_history "
                f"BEGIN DELETE FROM kpi_roll_ends WHERE end_day >= {first_day}; END"
            )


def downgrade() -> None:
    for what in _SQLITE:
        op.execute(
            f"DROP TRIGGER IF EXISTS kpi_roll_drop_{what} ON bucket_history"
            if op.get_bind().dialect.name == "postgresql"
            else f"DROP TRIGGER IF EXISTS kpi_roll_drop_{what}"
        )
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS kpi_roll_drop_{what}()")
    op.drop_table("kpi_roll_days")
    op.drop_table("kpi_roll_ends")
