"""The context's two reads of the local store: ``open_store`` opens the SQLite store where the
profile keeps it, and the sync bridge's status and needs-attention rows come from the store's
outbox, needs-attention table and sync state."""

from __future__ import annotations

from datetime import UTC, datetime

from workstation import paths
from workstation.store import LAST_SYNC_AT, OutboxResult, OutboxState


def test_open_store_opens_the_sqlite_store_in_the_profile():
    from ui.context import open_store

    store, storage = open_store()
    try:
        assert store.path == paths.store_path()
        assert storage == "sqlite"
        assert store.is_empty()
    finally:
        store.close()


def test_sync_status_counts_the_outbox_and_lists_what_needs_attention(ctx):
    store, bridge = ctx.store, ctx.sync
    status = bridge.status()
    assert (status.pending, status.needs_attention, status.last_sync) == (0, 0, None)
    assert not status.available
    assert not status.online

    account_id = store.queue_rows()[0].account_id
    ctx.desk.record_satisfaction(account_id, 4, "helpful")
    ctx.desk.record_satisfaction(account_id, 5)
    assert bridge.status().pending == 2

    first, _second = store.pending_outbox()
    store.mark_outbox(
        [OutboxResult(first.mutation_id, OutboxState.REJECTED, reason="account is closed")]
    )
    synced = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    store.set_state(LAST_SYNC_AT, synced.isoformat())
    status = bridge.status()
    assert (status.pending, status.needs_attention, status.last_sync) == (1, 1, synced)
    [row] = bridge.needs_attention()
    assert row["what"] == f"rejected · …{account_id[-8:]}"
    assert row["why"] == "account is closed"
    assert row["action"] == "Check the record and enter it again if it is still right"
