"""Small read helpers the engine needs that the store's public API does not offer (yet).

They read the store's tables through ``Store.read()`` and write only through the store's
own ``apply_changes`` (tombstones), so every write keeps the store's rules — a row with
pending outbox entries is never touched. Candidates to move into ``workstation.store``.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from workstation.store import Store, Tombstone
from workstation.store.types import from_storage

_UNACKED = "('pending', 'sent')"


def busy(store: Store) -> tuple[set[str], set[str]]:
    """Account ids and customer ids with unacknowledged outbox entries."""
    with store.read() as connection:
        rows = connection.exec_driver_sql(
            f"SELECT account_id, customer_id FROM outbox WHERE state IN {_UNACKED}"
        ).all()
    accounts = {str(a) for a, _ in rows if a}
    customers = {str(c) for _, c in rows if c}
    return accounts, customers


def backlog(store: Store) -> tuple[int, datetime | None]:
    """Unacknowledged outbox entries and the device time of the oldest, in one query."""
    with store.read() as connection:
        count, oldest = connection.exec_driver_sql(
            f"SELECT count(*), min(device_time) FROM outbox WHERE state IN {_UNACKED}"
        ).one()
    return int(count), from_storage(str(oldest)) if oldest is not None else None


def live_accounts(store: Store) -> set[str]:
    with store.read() as connection:
        return {
            str(r[0])
            for r in connection.exec_driver_sql("SELECT id FROM accounts WHERE deleted = 0")
        }


def drop_orphan_customers(store: Store) -> int:
    """Tombstone customers none of whose accounts is still on this device."""
    with store.read() as connection:
        orphans = [
            str(r[0])
            for r in connection.exec_driver_sql(
                "SELECT c.id FROM customers AS c WHERE c.deleted = 0 AND NOT EXISTS "
                "(SELECT 1 FROM accounts AS a WHERE a.customer_id = c.id AND a.deleted = 0)"
            )
        ]
    if not orphans:
        return 0
    return store.apply_changes(tombstones=[Tombstone("customer", c) for c in orphans]).tombstones


def drop_unknown_events(store: Store, account_id: str, server_ids: set[str]) -> int:
    """Tombstone the account's local events the server does not hold and nobody is sending."""
    with store.read() as connection:
        local = {
            str(r[0])
            for r in connection.exec_driver_sql(
                "SELECT id FROM events WHERE account_id = ? AND deleted = 0", (account_id,)
            )
        }
        sending = {
            str(r[0])
            for r in connection.exec_driver_sql(
                "SELECT json_extract(payload, '$.id') FROM outbox "
                f"WHERE account_id = ? AND state IN {_UNACKED}",
                (account_id,),
            )
        }
    extra = local - server_ids - sending
    if not extra:
        return 0
    return store.apply_changes(tombstones=[Tombstone("event", e) for e in extra]).tombstones


def live_events(store: Store) -> set[str]:
    with store.read() as connection:
        return {
            str(r[0])
            for r in connection.exec_driver_sql(
                "SELECT e.id FROM events AS e JOIN accounts AS a ON a.id = e.account_id "
                "WHERE e.deleted = 0 AND a.deleted = 0"
            )
        }


# --- the plain status file -----------------------------------------------------------------


def status_path(store_path: Path) -> Path:
    """Where the non-secret sync status of the store at ``store_path`` is kept (beside it).

    It holds only what ``workstation status`` may show while the local data is locked —
    when the last sync finished and how many changes were still waiting then — never
    customer data, tokens or keys. It is removed with the store (same file-name prefix).
    """
    return store_path.with_name(store_path.name + ".status.json")


def write_status(path: Path, values: dict[str, Any]) -> None:
    """Replace the status file atomically; a failure to write it never fails a sync."""
    temporary = path.with_name(path.name + ".part")
    with contextlib.suppress(OSError):
        temporary.write_text(json.dumps(values, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)


def read_status(path: Path) -> dict[str, Any]:
    """The status file's values, or ``{}`` when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
