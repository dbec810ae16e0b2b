"""A PostgreSQL schema of its own for one test or benchmark: made on the server of a base URL,
reached through a URL whose ``search_path`` names it, dropped with everything in it after.
Runs of several engineers (or test workers) on one database never see each other's rows."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine


def new_pg_schema(base: str, prefix: str = "ws_") -> tuple[str, str]:
    """Create a fresh schema; return its name and the URL that works inside it."""
    name = prefix + uuid.uuid4().hex[:12]
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return name, f"{base}{sep}options=-csearch_path%3D{name}"


def drop_pg_schema(base: str, name: str) -> None:
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    engine.dispose()
