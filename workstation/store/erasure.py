"""Erasure: what a device keeps of an account the server anonymised under retention.

A removal the server sends for any other reason (the account moved to another collector)
only tombstones the account (``pulls.py``): its rows stay, flagged deleted. A removal for
``retention`` means the customer's personal data is gone from the server, so the device
keeps none either: the account's events, the account, the customer with their phones,
e-mails and addresses once no account of theirs is left, the needs-attention items and
conflicts about them, and the documents (blobs) only their events named — rows and files.

Only accounts already tombstoned are erased: one with work still in the outbox was not
tombstoned (it is ``busy``), and is erased by the pull that removes it once that work is sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from workstation import paths
from workstation.store.engine import Database
from workstation.store.models import (
    AccountRow,
    AddressRow,
    BlobRow,
    ConflictRow,
    CustomerRow,
    EmailRow,
    EventRow,
    NeedsAttentionRow,
    PhoneRow,
)


class ErasureRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def erase_accounts(self, account_ids: Iterable[str]) -> int:
        """Erase the tombstoned accounts among ``account_ids`` and everything only they
        held; returns how many accounts were erased."""
        wanted = sorted(set(account_ids))
        if not wanted:
            return 0
        files: list[str] = []
        with self._db.write() as connection:
            ids = list(
                connection.scalars(
                    select(AccountRow.id).where(AccountRow.id.in_(wanted), AccountRow.deleted)
                )
            )
            if not ids:
                return 0
            customers = set(
                connection.scalars(select(AccountRow.customer_id).where(AccountRow.id.in_(ids)))
            )
            documents = _documents(connection, ids)
            connection.execute(delete(EventRow).where(EventRow.account_id.in_(ids)))
            connection.execute(
                delete(NeedsAttentionRow).where(NeedsAttentionRow.account_id.in_(ids))
            )
            connection.execute(
                delete(ConflictRow).where(
                    ConflictRow.entity == "account", ConflictRow.entity_id.in_(ids)
                )
            )
            connection.execute(delete(AccountRow).where(AccountRow.id.in_(ids)))
            gone = [c for c in customers if not _has_accounts(connection, c)]
            if gone:
                for model in (PhoneRow, EmailRow, AddressRow):
                    connection.execute(delete(model).where(model.customer_id.in_(gone)))
                connection.execute(
                    delete(ConflictRow).where(
                        ConflictRow.entity == "customer", ConflictRow.entity_id.in_(gone)
                    )
                )
                connection.execute(delete(CustomerRow).where(CustomerRow.id.in_(gone)))
            orphans = documents - _documents(connection, None)
            if orphans:
                files = list(
                    connection.scalars(select(BlobRow.path).where(BlobRow.sha256.in_(orphans)))
                )
                connection.execute(delete(BlobRow).where(BlobRow.sha256.in_(orphans)))
        root = paths.blob_dir()
        for relative in files:  # after the commit: a crash before leaves a file no row names
            (root / relative).unlink(missing_ok=True)
        return len(ids)


def _has_accounts(connection: Connection, customer_id: str) -> bool:
    count = connection.scalar(
        select(func.count()).select_from(AccountRow).where(AccountRow.customer_id == customer_id)
    )
    return bool(count)


def _documents(connection: Connection, account_ids: list[str] | None) -> set[str]:
    """The documents named by the events of ``account_ids`` (None: of every account)."""
    query = select(EventRow.payload["document_sha256"].as_string())
    if account_ids is not None:
        query = query.where(EventRow.account_id.in_(account_ids))
    return {digest for digest in connection.scalars(query) if digest}
