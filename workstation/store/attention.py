"""What needs a person: rejected mutations and other problems (needs-attention), and
field-level conflicts between this device's edits and the server's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from workstation.domain.model import new_id, utcnow
from workstation.store.engine import Database
from workstation.store.models import ConflictRow, NeedsAttentionRow
from workstation.store.records import AttentionItem, Conflict
from workstation.store.rows import orm


class AttentionRepository:
    """The ``needs_attention`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        kind: str,
        reason: str,
        payload: Mapping[str, Any] | None = None,
        *,
        mutation_id: str | None = None,
        account_id: str | None = None,
    ) -> str:
        with self._db.write() as connection:
            return self.insert(
                connection,
                kind=kind,
                reason=reason,
                payload=dict(payload or {}),
                mutation_id=mutation_id,
                account_id=account_id,
            )

    @staticmethod
    def insert(
        connection: Connection,
        *,
        kind: str,
        reason: str,
        payload: dict[str, Any],
        mutation_id: str | None,
        account_id: str | None,
    ) -> str:
        """Add an item inside the caller's write transaction (a rejection being recorded)."""
        item_id = new_id()
        connection.execute(
            insert(NeedsAttentionRow).values(
                id=item_id,
                mutation_id=mutation_id,
                kind=kind,
                reason=reason,
                payload=payload,
                account_id=account_id,
                created_at=utcnow(),
                resolved=False,
            )
        )
        return item_id

    def items(self, *, include_resolved: bool = False) -> list[AttentionItem]:
        query = select(NeedsAttentionRow).order_by(NeedsAttentionRow.created_at)
        if not include_resolved:
            query = query.where(NeedsAttentionRow.resolved.is_(False))
        with self._db.read() as connection:
            return [
                AttentionItem(
                    id=r.id,
                    kind=r.kind,
                    reason=r.reason,
                    payload=dict(r.payload),
                    created_at=r.created_at,
                    mutation_id=r.mutation_id,
                    account_id=r.account_id,
                    resolved=r.resolved,
                    resolved_at=r.resolved_at,
                )
                for (r,) in orm(connection).execute(query)
            ]

    def resolve(self, item_id: str) -> None:
        with self._db.write() as connection:
            connection.execute(
                update(NeedsAttentionRow)
                .where(NeedsAttentionRow.id == item_id)
                .values(resolved=True, resolved_at=utcnow())
            )


class ConflictRepository:
    """The ``conflicts`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
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
        conflict_id = new_id()
        with self._db.write() as connection:
            connection.execute(
                insert(ConflictRow).values(
                    id=conflict_id,
                    entity=entity,
                    entity_id=entity_id,
                    field=field,
                    local_value=local_value,
                    server_value=server_value,
                    base_version=base_version,
                    mutation_id=mutation_id,
                    created_at=utcnow(),
                    resolved=False,
                )
            )
        return conflict_id

    def items(self, *, include_resolved: bool = False) -> list[Conflict]:
        query = select(ConflictRow).order_by(ConflictRow.created_at)
        if not include_resolved:
            query = query.where(ConflictRow.resolved.is_(False))
        with self._db.read() as connection:
            return [
                Conflict(
                    id=r.id,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    field=r.field,
                    local_value=r.local_value,
                    server_value=r.server_value,
                    base_version=r.base_version,
                    created_at=r.created_at,
                    mutation_id=r.mutation_id,
                    resolved=r.resolved,
                )
                for (r,) in orm(connection).execute(query)
            ]

    def resolve(self, conflict_id: str) -> None:
        with self._db.write() as connection:
            connection.execute(
                update(ConflictRow).where(ConflictRow.id == conflict_id).values(resolved=True)
            )
