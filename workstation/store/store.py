"""The local store's API: what the desk, the sync engine and tests call.

``Store`` owns the replica on a collector's laptop: opening it (migrations, optional
SQLCipher key), closing, backing up, and one method per thing its callers do. The work is
done by the repositories beside this module, all sharing one ``Database`` (the engine and
its single writer, ``engine.py``):

========================  =============================================================
``queue.py``              queue rows of every account (the desk's hot read)
``accounts.py``           one account with its history, a customer, what is on the device
``books.py``              contact books and histories for the contact-rule engine
``writes.py``             recording events and patching contacts, each with its outbox row
``effects.py``            the local effects of a recorded event
``pulls.py``              server state arriving: bulk load, pulled pages, resync clean-ups
``outbox.py``             the outbox: pending mutations, the server's answers, busy records
``attention.py``          needs-attention items and field conflicts
``state.py``              sync state (cursor, device, server, …)
``blobs.py``              content-addressed blob files (sealed with the local data key)
``erasure.py``            what retention erases: an anonymised customer's accounts and data
``scorecard.py``          installed scorecards
``derived.py``            the accounts' derived columns, recomputed from their events
``rows.py``               domain objects <-> rows
========================  =============================================================

Everything returned is plain data (domain dataclasses or the records in
``workstation.store.records``); nothing bound to a database session leaves the store, and
no caller outside ``workstation.store`` writes SQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from workstation import paths
from workstation.domain.dispositions import DispositionCatalogue, default_catalogue
from workstation.domain.model import Account, Customer, Event
from workstation.store import migrate
from workstation.store.accounts import AccountRepository
from workstation.store.attention import AttentionRepository, ConflictRepository
from workstation.store.blobs import BlobRepository
from workstation.store.books import ContactBookRepository
from workstation.store.derived import DerivedColumns
from workstation.store.engine import Database, make_engine
from workstation.store.erasure import ErasureRepository
from workstation.store.outbox import OutboxRepository
from workstation.store.pulls import HasPortfolio, PullRepository
from workstation.store.queue import QueueRepository
from workstation.store.records import (
    AccountDetail,
    AccountRef,
    ApplyResult,
    AttentionItem,
    BlobInfo,
    Conflict,
    OutboxEntry,
    OutboxResult,
    QueueRow,
    Tombstone,
)
from workstation.store.scorecard import ScorecardRepository
from workstation.store.state import StateRepository
from workstation.store.writes import WriteRepository


class Store:
    """The local replica. Open with ``Store.open()``; use as a context manager or ``close()``."""

    def __init__(
        self,
        engine: Engine,
        path: Path,
        *,
        catalogue: DispositionCatalogue | None = None,
        key: str | None = None,
    ) -> None:
        self._db = Database(engine, path)
        self.path = path
        self.encrypted = False
        self.backup_path: Path | None = None  # the copy taken before this open's upgrade
        catalogue = catalogue or default_catalogue()
        rpc_codes = tuple(d.code for d in catalogue if d.is_right_party)
        self._derived = DerivedColumns(rpc_codes)
        self._queue = QueueRepository(self._db)
        self._accounts = AccountRepository(self._db)
        self._books = ContactBookRepository(self._db)
        self._attention = AttentionRepository(self._db)
        self._conflicts = ConflictRepository(self._db)
        self._outbox = OutboxRepository(self._db, self._attention)
        self._writes = WriteRepository(self._db, catalogue, self._outbox, self._derived)
        self._pulls = PullRepository(self._db, rpc_codes, self._derived)
        self._state = StateRepository(self._db)
        self._blobs = BlobRepository(self._db, store_key=key)
        self._erasure = ErasureRepository(self._db)
        self._scorecards = ScorecardRepository(self._db)

    # --- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, key: str | None = None) -> Store:
        """Open (creating or upgrading as needed) the store at ``path`` (default: the profile's).

        Raises ``StoreLockedError`` (wrong/missing key), ``StoreTooNewError`` (written by a
        newer version) or ``MigrationError`` (upgrade failed; the file was restored).
        """
        path = Path(path) if path is not None else paths.store_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(path, key=key)
        try:
            backup = migrate.upgrade(engine, path)
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, path, key=key)
        store.encrypted = key is not None
        try:
            store._blobs.seal_plain()  # documents an older version kept in plain bytes
        except BaseException:
            engine.dispose()
            raise
        store.backup_path = path.with_name(backup) if backup else None
        return store

    @staticmethod
    def delete_files(path: Path | None = None) -> None:
        """Remove a (closed) store file and its WAL/SHM companions — device wipe."""
        path = Path(path) if path is not None else paths.store_path()
        for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            candidate.unlink(missing_ok=True)

    def close(self) -> None:
        self._db.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._db.engine

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self._db.engine)

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the database (checkpoint, then file copy under the writer)."""
        with self._db.write_lock, self._db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.commit()
            shutil.copy2(self.path, target)

    # --- transactions: for the store's own tests and tools, never for callers' SQL ----------

    def write(self) -> AbstractContextManager[Connection]:
        """The one writer: ``BEGIN IMMEDIATE`` … commit (rollback on any exception)."""
        return self._db.write()

    def read(self) -> AbstractContextManager[Connection]:
        """A consistent read snapshot (deferred ``BEGIN``)."""
        return self._db.read()

    # --- queue and accounts (queue.py, accounts.py, books.py) ------------------------------

    def queue_rows(
        self,
        *,
        now: datetime | None = None,
        include_closed: bool = False,
        account_ids: Iterable[str] | None = None,
    ) -> list[QueueRow]:
        """Every account on the device (or only ``account_ids``), flat, without ORM objects.

        ``account_ids`` reads just those rows (say, the first page of the queue in its last
        known order, or the accounts a write touched) in milliseconds; unknown ids are
        skipped and rows come in storage order, not in the order asked.
        """
        return self._queue.queue_rows(
            now=now, include_closed=include_closed, account_ids=account_ids
        )

    def first_page_ids(self, limit: int) -> list[str]:
        """Up to ``limit`` open account ids in a cheap order: a first start's page, before
        anything is ranked (callbacks, then promises, then the most past due)."""
        return self._queue.cheap_order(limit)

    def is_empty(self) -> bool:
        return self._accounts.is_empty()

    def load_account(self, account_id: str) -> AccountDetail | None:
        """The account, its customer (with contacts), events newest first, other accounts."""
        return self._accounts.load_account(account_id)

    def load_customer(self, customer_id: str) -> Customer | None:
        return self._accounts.load_customer(customer_id)

    def live_account_ids(self) -> set[str]:
        """Ids of the accounts on this device (not tombstoned)."""
        return self._accounts.live_account_ids()

    def live_event_ids(self) -> set[str]:
        """Ids of the events on this device whose account is on it too."""
        return self._accounts.live_event_ids()

    def contact_books(
        self,
        *,
        since: datetime,
        lasting: Iterable[str],
        flagged: bool = True,
        customer_ids: Iterable[str] | None = None,
    ) -> Iterator[list[tuple[Customer, AccountRef, list[Event]]]]:
        """What the contact-rule engine reads, in chunks (``books.contact_books``)."""
        return self._books.contact_books(
            since=since, lasting=lasting, flagged=flagged, customer_ids=customer_ids
        )

    def contact_history(
        self, customer_id: str, *, since: datetime, lasting: Iterable[str]
    ) -> list[Event]:
        """The customer's events (all their accounts) the contact-rule engine reads: contact
        attempts since ``since`` and every event of a ``lasting`` type."""
        return self._books.contact_history(customer_id, since=since, lasting=lasting)

    # --- local writes, each with its outbox row (writes.py) --------------------------------

    def record_event(self, event: Event, *, device_id: str) -> OutboxEntry:
        """Insert ``event`` and its outbox row atomically and apply the local effects."""
        return self._writes.record_event(event, device_id=device_id)

    def patch_contact(
        self,
        customer_id: str,
        changes: Mapping[str, Any],
        base_version: int,
        device_id: str,
    ) -> OutboxEntry:
        """Apply a field-level contact patch locally and queue it (``writes.patch_contact``)."""
        return self._writes.patch_contact(customer_id, changes, base_version, device_id)

    # --- server state arriving (pulls.py) --------------------------------------------------

    def bulk_load(self, portfolio: HasPortfolio) -> None:
        """Insert a whole portfolio (no outbox rows: this is server state), one transaction."""
        self._pulls.bulk_load(portfolio)

    def apply_changes(
        self,
        customers: Sequence[Customer] = (),
        accounts: Sequence[Account] = (),
        events: Sequence[Event] = (),
        tombstones: Iterable[Tombstone | tuple[str, str]] = (),
        cursor: Any = None,
    ) -> ApplyResult:
        """Apply one pulled page and its cursor in ONE transaction; busy records are deferred
        (``pulls.apply_changes``)."""
        return self._pulls.apply_changes(customers, accounts, events, tombstones, cursor)

    def drop_orphan_customers(self) -> int:
        """Tombstone customers none of whose accounts is still on this device."""
        return self._pulls.drop_orphan_customers()

    def drop_unknown_events(self, account_id: str, server_ids: set[str]) -> int:
        """Tombstone the account's local events the server does not hold and nobody is
        sending."""
        return self._pulls.drop_unknown_events(account_id, server_ids)

    # --- outbox (outbox.py) ----------------------------------------------------------------

    def pending_outbox(self, limit: int = 100) -> list[OutboxEntry]:
        """Unacknowledged mutations (pending or sent) in ``client_seq`` order."""
        return self._outbox.pending(limit)

    def outbox_entry(self, mutation_id: str) -> OutboxEntry | None:
        return self._outbox.entry(mutation_id)

    def pending_outbox_count(self) -> int:
        """Mutations not yet acknowledged (pending or sent)."""
        return self._outbox.pending_count()

    def outbox_counts(self) -> dict[str, int]:
        return self._outbox.counts()

    def outbox_backlog(self) -> tuple[int, datetime | None]:
        """Unacknowledged mutations and the device time of the oldest."""
        return self._outbox.backlog()

    def busy_records(self) -> tuple[set[str], set[str]]:
        """Account ids and customer ids with unacknowledged outbox entries."""
        return self._outbox.busy()

    def mark_outbox(self, results: Iterable[OutboxResult]) -> None:
        """Record the server's answers; a rejection also lands in needs-attention."""
        self._outbox.mark(results)

    # --- needs attention and conflicts (attention.py) --------------------------------------

    def add_attention(
        self,
        kind: str,
        reason: str,
        payload: Mapping[str, Any] | None = None,
        *,
        mutation_id: str | None = None,
        account_id: str | None = None,
    ) -> str:
        return self._attention.add(
            kind, reason, payload, mutation_id=mutation_id, account_id=account_id
        )

    def needs_attention(self, *, include_resolved: bool = False) -> list[AttentionItem]:
        return self._attention.items(include_resolved=include_resolved)

    def resolve_attention(self, item_id: str) -> None:
        self._attention.resolve(item_id)

    def add_conflict(
        self,
        entity: str,
        entity_id: str,
        field: str,
        local_value: Any,
        server_value: Any,
        *,
        base_version: int | None,
        mutation_id: str | None = None,
    ) -> str:
        return self._conflicts.add(
            entity,
            entity_id,
            field,
            local_value,
            server_value,
            base_version=base_version,
            mutation_id=mutation_id,
        )

    def conflicts(self, *, include_resolved: bool = False) -> list[Conflict]:
        return self._conflicts.items(include_resolved=include_resolved)

    def resolve_conflict(self, conflict_id: str) -> None:
        self._conflicts.resolve(conflict_id)

    # --- sync state (state.py) -------------------------------------------------------------

    def get_state(self, key: str, default: Any = None) -> Any:
        return self._state.get(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self._state.set(key, value)

    def set_states(self, values: Mapping[str, Any]) -> None:
        self._state.set_many(values)

    def all_state(self) -> dict[str, Any]:
        return self._state.all_values()

    # --- blobs (blobs.py) and the scorecard (scorecard.py) ---------------------------------

    def put_blob(self, data: bytes, *, media_type: str = "application/octet-stream") -> str:
        """Keep ``data`` in ``paths.blob_dir()`` (sealed with the local data key when the store
        has one), written atomically and durably; returns its SHA-256, the blob's id."""
        return self._blobs.put(data, media_type=media_type)

    def get_blob(self, sha256: str) -> bytes | None:
        """The blob's plain bytes (opened in memory, checked against its id), or None."""
        return self._blobs.get(sha256)

    def erase_accounts(self, account_ids: Iterable[str]) -> int:
        """Erase tombstoned accounts the server anonymised (retention) and all only they
        held: events, the customer and their contacts, documents (``erasure.py``)."""
        return self._erasure.erase_accounts(account_ids)

    def blob_info(self, sha256: str) -> BlobInfo | None:
        return self._blobs.info(sha256)

    def blobs_to_upload(self) -> list[BlobInfo]:
        return self._blobs.to_upload()

    def mark_blob_uploaded(self, sha256: str) -> None:
        self._blobs.mark_uploaded(sha256)

    def save_scorecard(self, version: int, body: Mapping[str, Any]) -> None:
        self._scorecards.save(version, body)

    def scorecard(self) -> tuple[int, dict[str, Any]] | None:
        """The newest installed scorecard (version, body), if any."""
        return self._scorecards.newest()
