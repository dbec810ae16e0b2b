"""Alembic environment for the local store; driven only by ``workstation.store.migrate``.

The connection is handed in through ``config.attributes["connection"]``; there is no
alembic.ini and no URL. DDL runs in one transaction so a failing revision rolls back as a
whole (the file copy taken before the upgrade is the second line of defence).
"""

from __future__ import annotations

from alembic import context

from workstation.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs table rebuilds for most ALTERs
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
