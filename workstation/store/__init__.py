"""The local store: the replica on a collector's laptop (SQLite, optionally SQLCipher).

``Store.open()`` creates or upgrades the database (Alembic revisions shipped in
``workstation/store/migrations``) and hands out plain data; see ``workstation.store.store``
for the API (a facade over the repositories in this package) and
``workstation.store.models`` for the schema.
"""

from workstation.store.engine import StoreError, StoreLockedError, UnknownRecordError
from workstation.store.migrate import MigrationError, StoreTooNewError
from workstation.store.records import (
    AccountDetail,
    AccountRef,
    ApplyResult,
    AttentionItem,
    BlobInfo,
    Conflict,
    OutboxEntry,
    OutboxResult,
    OutboxState,
    QueueRow,
    Tombstone,
)
from workstation.store.rows import event_wire
from workstation.store.state import (
    CHANGE_RETENTION_DAYS,
    CURSOR,
    DEVICE_ID,
    LAST_SYNC_AT,
    SCHEMA_EPOCH,
    SEGMENT_MODELS,
    SERVER_URL,
    SNAPSHOT_TOKEN,
    SNAPSHOT_VERSION,
    USER,
)
from workstation.store.store import Store

__all__ = [
    "CHANGE_RETENTION_DAYS",
    "CURSOR",
    "DEVICE_ID",
    "LAST_SYNC_AT",
    "SCHEMA_EPOCH",
    "SEGMENT_MODELS",
    "SERVER_URL",
    "SNAPSHOT_TOKEN",
    "SNAPSHOT_VERSION",
    "USER",
    "AccountDetail",
    "AccountRef",
    "ApplyResult",
    "AttentionItem",
    "BlobInfo",
    "Conflict",
    "MigrationError",
    "OutboxEntry",
    "OutboxResult",
    "OutboxState",
    "QueueRow",
    "Store",
    "StoreError",
    "StoreLockedError",
    "StoreTooNewError",
    "Tombstone",
    "UnknownRecordError",
    "event_wire",
]
