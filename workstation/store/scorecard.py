"""Installed scorecards: the model the queue ranks with, as the server sent it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workstation.domain.model import utcnow
from workstation.store.engine import Database
from workstation.store.models import ScorecardRow


class ScorecardRepository:
    """The ``scorecard`` table (one row per installed version)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, version: int, body: Mapping[str, Any]) -> None:
        with self._db.write() as connection:
            statement = sqlite_insert(ScorecardRow).values(
                version=version, body=dict(body), installed_at=utcnow()
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[ScorecardRow.version],
                    set_={"body": statement.excluded.body, "installed_at": utcnow()},
                )
            )

    def newest(self) -> tuple[int, dict[str, Any]] | None:
        """The newest installed scorecard (version, body), if any."""
        with self._db.read() as connection:
            row = connection.execute(
                select(ScorecardRow.version, ScorecardRow.body)
                .order_by(ScorecardRow.version.desc())
                .limit(1)
            ).first()
            return None if row is None else (row[0], dict(row[1]))
