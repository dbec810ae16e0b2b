"""kpi summaries: running totals of accounts per holder and promises per due day, kept by
triggers (workstation.server.kpi_summaries)

Revision ID: 0018
Revises: 0017
Create Date: 2027-03-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# table -> (summary, key columns (source expression, summary column), amount columns
# (source expression, summary column), the columns whose change moves a row between keys)
_SUMMARIES = {
    "accounts": (
        "kpi_portfolio",
        (("owner_id", "owner_id"), ("currency", "currency")),
        (("1", "accounts"), ("placed_minor", "placed_minor")),
        "{r}.owner_id IS NOT NULL",
        ("owner_id", "currency", "placed_minor"),
    ),
    "promises": (
        "kpi_promise_days",
        (("due_date", "due_date"), ("COALESCE(recorded_by_id, '')", "recorded_by_id"),
         ("status", "status")),
        (("1", "promises"),),
        "TRUE",
        ("due_date", "recorded_by_id", "status"),
    ),
}  # fmt: skip


def _pg(table: str) -> None:
    summary, keys, amounts, counted, moving = _SUMMARIES[table]
    key_cols = ", ".join(c for _, c in keys)
    amount_cols = ", ".join(c for _, c in amounts)

    def add(source: str, sign: str, r: str) -> str:
        sel_keys = ", ".join(_on(e, r) for e, _ in keys)
        sel_amounts = ", ".join(f"{sign}sum({_on(e, r)})" for e, _ in amounts)
        sets = ", ".join(f"{c} = {summary}.{c} + EXCLUDED.{c}" for _, c in amounts)
        group = ", ".join(str(i + 1) for i in range(len(keys)))
        return (
            f"INSERT INTO {summary} ({key_cols}, {amount_cols}) "
            f"SELECT {sel_keys}, {sel_amounts} FROM {source} {r} "
            f"WHERE {counted.format(r=r)} GROUP BY {group} "
            f"ON CONFLICT ({key_cols}) DO UPDATE SET {sets};"
        )

    def one(r: str, sign: str) -> str:  # a row-level add of OLD or NEW
        vals_keys = ", ".join(_on(e, r) for e, _ in keys)
        vals_amounts = ", ".join(f"{sign}{_on(e, r)}" for e, _ in amounts)
        sets = ", ".join(f"{c} = {summary}.{c} + EXCLUDED.{c}" for _, c in amounts)
        return (
            f"IF {counted.format(r=r)} THEN INSERT INTO {summary} ({key_cols}, {amount_cols}) "
            f"VALUES ({vals_keys}, {vals_amounts}) "
            f"ON CONFLICT ({key_cols}) DO UPDATE SET {sets}; END IF;"
        )

    bodies = {
        "insert": ("NEW TABLE AS changed", "STATEMENT", add("changed", "", "c"), ""),
        "delete": ("OLD TABLE AS gone", "STATEMENT", add("gone", "-", "g"), ""),
        "update": (
            "",
            "ROW",
            one("OLD", "-") + one("NEW", ""),
            "WHEN (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in moving) + ")",
        ),
    }
    for what, (referencing, level, body, when) in bodies.items():
        name = f"{summary}_{what}"
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER {what.upper()} ON {table} "
            f"{'REFERENCING ' + referencing if referencing else ''} FOR EACH {level} {when} "
            f"EXECUTE FUNCTION {name}()"
        )


def _on(expression: str, r: str) -> str:
    """A source expression over row alias ``r`` (column names qualified)."""
    if expression == "1":
        return "1"
    if expression.startswith("COALESCE("):
        inner = expression[len("COALESCE(") : expression.index(",")]
        return expression.replace(inner, f"{r}.{inner}", 1)
    return f"{r}.{expression}"


def _sqlite(table: str) -> None:
    summary, keys, amounts, counted, moving = _SUMMARIES[table]
    key_cols = ", ".join(c for _, c in keys)
    amount_cols = ", ".join(c for _, c in amounts)
    counted_sql = counted.replace("TRUE", "1")

    def one(r: str, sign: str) -> str:
        vals_keys = ", ".join(_on(e, r) for e, _ in keys)
        zeros = ", ".join("0" for _ in amounts)
        match = " AND ".join(f"{c} = {_on(e, r)}" for e, c in keys)
        sets = ", ".join(f"{c} = {c} {sign} {_on(e, r)}" for e, c in amounts)
        cond = counted_sql.format(r=r)
        return (
            f"INSERT INTO {summary} ({key_cols}, {amount_cols}) SELECT {vals_keys}, {zeros} "
            f"WHERE {cond} ON CONFLICT DO NOTHING; "
            f"UPDATE {summary} SET {sets} WHERE {match} AND {cond};"
        )

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in moving)
    triggers = {
        "insert": ("", one("NEW", "+")),
        "delete": ("", one("OLD", "-")),
        "update": (f"WHEN {changed}", one("OLD", "-") + " " + one("NEW", "+")),
    }
    for what, (when, body) in triggers.items():
        op.execute(
            f"CREATE TRIGGER {summary}_{what} AFTER {what.upper()} ON {table} {when} "
            f"BEGIN {body} END"
        )


def upgrade() -> None:
    op.create_table(
        "kpi_portfolio",
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("accounts", sa.BigInteger(), nullable=False),
        sa.Column("placed_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "currency"),
    )
    op.create_table(
        "kpi_promise_days",
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("promises", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("due_date", "recorded_by_id", "status"),
    )
    # what is there already
    op.execute(
        "INSERT INTO kpi_portfolio (owner_id, currency, accounts, placed_minor) "
        "SELECT owner_id, currency, count(*), sum(placed_minor) FROM accounts "
        "WHERE owner_id IS NOT NULL GROUP BY owner_id, currency"
    )
    op.execute(
        "INSERT INTO kpi_promise_days (due_date, recorded_by_id, status, promises) "
        "SELECT due_date, COALESCE(recorded_by_id, ''), status, count(*) FROM promises "
        "GROUP BY due_date, COALESCE(recorded_by_id, ''), status"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _SUMMARIES:
        (_pg if postgres else _sqlite)(table)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, (summary, *_rest) in _SUMMARIES.items():
        for what in ("insert", "update", "delete"):
            if postgres:
                op.execute(f"DROP TRIGGER IF EXISTS {summary}_{what} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {summary}_{what}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {summary}_{what}")
    op.drop_table("kpi_promise_days")
    op.drop_table("kpi_portfolio")
