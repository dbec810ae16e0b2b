"""Alembic environment for the backend schema (run through ``workstation.server.db.upgrade``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import workstation.server.approvals.models  # registers the approvals room's table
import workstation.server.complaints.models  # registers the complaints room's tables
import workstation.server.disputes.models  # registers the disputes room's table
import workstation.server.kpi_delinquency  # the cure and roll rollups
import workstation.server.kpi_summaries  # running totals the KPIs read
import workstation.server.lifecycle.models  # registers the daily run's tables on Base
import workstation.server.messaging.models
import workstation.server.portal.models  # the customer's portal (links, sessions, payments)
import workstation.server.quality.models  # QA samples, reviews, training results
import workstation.server.strategy.models  # noqa: F401  (champions, experiments, actions)
from workstation.server.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `workstation-server init-db`")
run_migrations_online()
