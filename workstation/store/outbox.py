"""The outbox: this device's mutations waiting for (or answered by) the server.

A local write queues its outbox row in its own transaction (``insert``, called by
``writes``); the sync engine sends what is unacknowledged (pending or sent) in
``client_seq`` order and records the server's answers (``mark``). Records with
unacknowledged entries are "busy": a pull never overwrites them (``pulls``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from workstation.domain.model import new_id, utcnow
from workstation.store.attention import AttentionRepository
from workstation.store.engine import Database, UnknownRecordError
from workstation.store.models import OutboxRow
from workstation.store.records import OutboxEntry, OutboxResult, OutboxState
from workstation.store.rows import orm, outbox_from
from workstation.store.types import from_storage

_UNACKED = (OutboxState.PENDING.value, OutboxState.SENT.value)
_UNACKED_SQL = "state IN ('pending', 'sent')"


def busy_records(connection: Connection) -> tuple[set[str], set[str]]:
    """Account ids and customer ids with unacknowledged outbox entries."""
    rows = connection.exec_driver_sql(
        f"SELECT account_id, customer_id FROM outbox WHERE {_UNACKED_SQL}"
    ).all()
    return {str(a) for a, _ in rows if a}, {str(c) for _, c in rows if c}


def sending_event_ids(connection: Connection, account_id: str) -> set[str]:
    """Ids of the account's events still in unacknowledged outbox entries."""
    return {
        str(row[0])
        for row in connection.exec_driver_sql(
            "SELECT json_extract(payload, '$.id') FROM outbox "
            f"WHERE account_id = ? AND {_UNACKED_SQL}",
            (account_id,),
        )
    }


class OutboxRepository:
    """The ``outbox`` table; a rejection also goes to needs-attention."""

    def __init__(self, db: Database, attention: AttentionRepository) -> None:
        self._db = db
        self._attention = attention

    @staticmethod
    def insert(
        connection: Connection,
        *,
        type: str,
        payload: dict[str, Any],
        base_version: int | None,
        device_id: str,
        account_id: str | None,
        customer_id: str | None,
    ) -> OutboxEntry:
        """Queue a mutation inside the caller's write transaction (its local change)."""
        now = utcnow()
        mutation_id = new_id()
        seq = connection.execute(
            insert(OutboxRow)
            .values(
                mutation_id=mutation_id,
                type=type,
                payload=payload,
                base_version=base_version,
                device_time=now,
                device_id=device_id,
                state=OutboxState.PENDING.value,
                account_id=account_id,
                customer_id=customer_id,
                updated_at=now,
            )
            .returning(OutboxRow.client_seq)
        ).scalar_one()
        return OutboxEntry(
            client_seq=seq,
            mutation_id=mutation_id,
            type=type,
            payload=payload,
            base_version=base_version,
            device_time=now,
            device_id=device_id,
            state=OutboxState.PENDING,
            account_id=account_id,
            customer_id=customer_id,
        )

    def pending(self, limit: int = 100) -> list[OutboxEntry]:
        """Unacknowledged mutations (pending or sent) in ``client_seq`` order."""
        with self._db.read() as connection:
            return [
                outbox_from(r[0])
                for r in orm(connection).execute(
                    select(OutboxRow)
                    .where(OutboxRow.state.in_(_UNACKED))
                    .order_by(OutboxRow.client_seq)
                    .limit(limit)
                )
            ]

    def entry(self, mutation_id: str) -> OutboxEntry | None:
        with self._db.read() as connection:
            row = (
                orm(connection)
                .execute(select(OutboxRow).where(OutboxRow.mutation_id == mutation_id))
                .first()
            )
            return None if row is None else outbox_from(row[0])

    def pending_count(self) -> int:
        """Mutations not yet acknowledged (pending or sent)."""
        counts = self.counts()
        return counts.get(OutboxState.PENDING.value, 0) + counts.get(OutboxState.SENT.value, 0)

    def counts(self) -> dict[str, int]:
        with self._db.read() as connection:
            return {
                state: count
                for state, count in connection.exec_driver_sql(
                    "SELECT state, count(*) FROM outbox GROUP BY state"
                )
            }

    def mark(self, results: Iterable[OutboxResult]) -> None:
        """Record the server's answers; a rejection also lands in needs-attention."""
        with self._db.write() as connection:
            now = utcnow()
            for outcome in results:
                row = (
                    orm(connection)
                    .execute(select(OutboxRow).where(OutboxRow.mutation_id == outcome.mutation_id))
                    .first()
                )
                if row is None:
                    raise UnknownRecordError(f"no outbox entry {outcome.mutation_id}")
                entry: OutboxRow = row[0]
                state = OutboxState(outcome.state)
                if state is OutboxState.PENDING:
                    raise ValueError("an outbox entry cannot be marked pending again")
                connection.execute(
                    update(OutboxRow)
                    .where(OutboxRow.client_seq == entry.client_seq)
                    .values(
                        state=state.value,
                        result=outcome.result if outcome.result is not None else entry.result,
                        updated_at=now,
                    )
                )
                if state is OutboxState.REJECTED and entry.state != OutboxState.REJECTED.value:
                    self._attention.insert(
                        connection,
                        kind="rejected",
                        reason=outcome.reason or "rejected by the server",
                        payload={
                            "type": entry.type,
                            "payload": entry.payload,
                            "result": outcome.result,
                        },
                        mutation_id=entry.mutation_id,
                        account_id=entry.account_id,
                    )

    def busy(self) -> tuple[set[str], set[str]]:
        """Account ids and customer ids with unacknowledged outbox entries."""
        with self._db.read() as connection:
            return busy_records(connection)

    def backlog(self) -> tuple[int, datetime | None]:
        """Unacknowledged entries and the device time of the oldest, in one query."""
        with self._db.read() as connection:
            count, oldest = connection.exec_driver_sql(
                f"SELECT count(*), min(device_time) FROM outbox WHERE {_UNACKED_SQL}"
            ).one()
        return int(count), from_storage(str(oldest)) if oldest is not None else None
