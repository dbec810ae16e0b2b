"""Sync state: small named JSON values the sync engine keeps (cursor, device, server, …).

The well-known keys are named here; the values are whatever JSON the owner writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workstation.store.engine import Database
from workstation.store.models import SyncStateRow

# Well-known sync_state keys (values are JSON).
CURSOR = "cursor"
SNAPSHOT_TOKEN = "snapshot_token"
SNAPSHOT_VERSION = "snapshot_version"
DEVICE_ID = "device_id"
SERVER_URL = "server_url"
USER = "user"
LAST_SYNC_AT = "last_sync_at"
# days of change history the server keeps (GET /sync/info): written by the sync engine,
# read by the field banner
CHANGE_RETENTION_DAYS = "server.change_retention_days"
SCHEMA_EPOCH = "schema_epoch"
# the ability and willingness models the server uses, as data ({"version", "ability",
# "willingness"}): written by ``sync.segment_models``, evaluated by ``desk.segments``
SEGMENT_MODELS = "segments.models"


class StateRepository:
    """The ``sync_state`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str, default: Any = None) -> Any:
        with self._db.read() as connection:
            row = connection.execute(
                select(SyncStateRow.value).where(SyncStateRow.key == key)
            ).first()
            return default if row is None else row[0]

    def set(self, key: str, value: Any) -> None:
        with self._db.write() as connection:
            self.put(connection, key, value)

    def set_many(self, values: Mapping[str, Any]) -> None:
        with self._db.write() as connection:
            for key, value in values.items():
                self.put(connection, key, value)

    def all_values(self) -> dict[str, Any]:
        with self._db.read() as connection:
            return {
                key: value
                for key, value in connection.execute(select(SyncStateRow.key, SyncStateRow.value))
            }

    @staticmethod
    def put(connection: Connection, key: str, value: Any) -> None:
        """Set ``key`` inside a caller's write transaction."""
        statement = sqlite_insert(SyncStateRow).values(key=key, value=value)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[SyncStateRow.key], set_={"value": statement.excluded.value}
            )
        )
