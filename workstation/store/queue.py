"""Queue rows: every account on the device as the work queue needs it, read in bulk.

The hot read of the desk (100,000 accounts; ``tests/perf/bench_store.py`` holds it to its
target and to a bare SELECT of the same columns): four narrow statements in one snapshot
on the driver connection, tuples straight from SQLite turned into ``QueueRow`` named
tuples without SQLAlchemy's per-row processing, with the garbage collector paused. The
derived columns it reads are kept current by ``derived``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from workstation.domain.bulk import gc_paused
from workstation.domain.enums import Bucket
from workstation.domain.model import utcnow
from workstation.store import bulk
from workstation.store.engine import Database
from workstation.store.records import QueueRow
from workstation.store.types import to_storage

# --- queue rows: narrow statements, tuples straight from the driver ---------------------------

_QUEUE_OPEN_ONLY = "AND status NOT IN ('paid', 'settled', 'closed')"
_QUEUE_ACCOUNTS_SQL = """
SELECT id, customer_id, product, balance_minor, past_due_minor, currency, days_past_due,
       status, risk_tier, score, owner, team, promise_due_on, promise_amount_minor,
       callback_due_at, last_attempt_at, last_payment_at, attempts_total, rpc_total,
       promises_broken, open_complaints, strategy_task
FROM accounts WHERE deleted = 0 {closed}
"""
_QUEUE_CUSTOMERS_SQL = """
SELECT id, name, name_alt, timezone, jurisdiction, language, flags
FROM customers WHERE deleted = 0
"""
_QUEUE_RECENT_ATTEMPTS_SQL = """
SELECT account_id FROM events INDEXED BY ix_events_occurred
WHERE occurred_at >= ? AND type = 'contact_attempt' AND deleted = 0
"""
_QUEUE_OUTBOX_SQL = """
SELECT account_id FROM outbox
WHERE state IN ('pending', 'sent') AND account_id IS NOT NULL
"""
# the same, for a JSON list of account ids (the first page, or the rows a write touched)
_QUEUE_ONLY = " AND id IN (SELECT value FROM json_each(?))"
_QUEUE_ONLY_CUSTOMERS = (
    " AND id IN (SELECT customer_id FROM accounts WHERE id IN (SELECT value FROM json_each(?)))"
)
_QUEUE_ATTEMPTS_OF_SQL = """
SELECT account_id FROM events
WHERE occurred_at >= ? AND type = 'contact_attempt' AND deleted = 0
      AND account_id IN (SELECT value FROM json_each(?))
"""
_BUCKET_SPAN = 400
_BUCKET_TEXT = tuple(Bucket.for_days(days).value for days in range(_BUCKET_SPAN))
# the first start's page, before any ranking: callbacks, then promises, then the most owed
_CHEAP_ORDER_SQL = """
SELECT id FROM accounts
WHERE deleted = 0 AND status NOT IN ('paid', 'settled', 'closed')
ORDER BY callback_due_at IS NULL, promise_due_on IS NULL, past_due_minor DESC
LIMIT ?
"""


def _people(customers: Iterable[Any], one: Callable[[Any, Any], Any]) -> dict[str, tuple[Any, ...]]:
    """Queue customers by id: (id, name, name_alt, timezone, jurisdiction, language, flags)."""
    return {
        row[0]: (row[0], row[1], row[2], one(row[3], row[3]), one(row[4], row[4]),
                 one(row[5], row[5]), row[6])
        for row in customers
    }  # fmt: skip


@dataclass
class _FlagsCache:
    values: dict[str, frozenset[str]]

    def get(self, text: str) -> frozenset[str]:
        cached = self.values.get(text)
        if cached is None:
            cached = frozenset(text.split(",")) if text else frozenset()
            self.values[text] = cached
        return cached


class QueueRepository:
    """Queue rows of the store's accounts (``Store.queue_rows``)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._flags = _FlagsCache({})

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
        now = now or utcnow()
        since = to_storage(now - timedelta(days=7))
        wanted = None if account_ids is None else bulk.json_text(list(account_ids))
        with gc_paused():
            return self._queue_rows(since, include_closed, wanted)

    def _queue_rows(self, since: str, include_closed: bool, wanted: str | None) -> list[QueueRow]:
        closed = "" if include_closed else _QUEUE_OPEN_ONLY
        # SQLite hands back a new str per row and column; the low-cardinality columns
        # (currencies, statuses, zones, owners) share one object per value instead of
        # keeping 900,000 copies for 100,000 accounts (tens of MB of RSS)
        one: Callable[[Any, Any], Any] = {}.setdefault
        with self._db.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            # Four narrow reads in one snapshot beat one statement with two joins and two
            # grouped subqueries by half: SQLite's per-row join and transient indexes cost
            # more than building three small dicts here.
            raw.execute("BEGIN")
            try:
                if wanted is None:
                    customers = raw.execute(_QUEUE_CUSTOMERS_SQL)
                    people = _people(customers, one)
                    recent = raw.execute(_QUEUE_RECENT_ATTEMPTS_SQL, (since,)).fetchall()
                    unacked = raw.execute(_QUEUE_OUTBOX_SQL).fetchall()
                    accounts = raw.execute(_QUEUE_ACCOUNTS_SQL.format(closed=closed))
                else:
                    customers = raw.execute(_QUEUE_CUSTOMERS_SQL + _QUEUE_ONLY_CUSTOMERS, (wanted,))
                    people = _people(customers, one)
                    recent = raw.execute(_QUEUE_ATTEMPTS_OF_SQL, (since, wanted)).fetchall()
                    unacked = raw.execute(_QUEUE_OUTBOX_SQL).fetchall()
                    accounts = raw.execute(
                        _QUEUE_ACCOUNTS_SQL.format(closed=closed) + _QUEUE_ONLY, (wanted,)
                    )
                # the accounts are read as they are turned into rows, never all at once
                return self._build_queue_rows(accounts, people, recent, unacked, one)
            finally:
                raw.execute("COMMIT")
                connection.rollback()

    def _build_queue_rows(
        self,
        accounts: Iterable[Any],
        people: dict[str, tuple[Any, ...]],
        recent: list[Any],
        unacked: list[Any],
        one: Callable[[Any, Any], Any],
    ) -> list[QueueRow]:
        attempts_7d = Counter(account_id for (account_id,) in recent)
        outbox = Counter(account_id for (account_id,) in unacked)
        flags = self._flags.get
        parse = datetime.fromisoformat
        day = date.fromisoformat
        buckets = _BUCKET_TEXT
        new = tuple.__new__
        result: list[QueueRow] = []
        append = result.append
        for (account_id, customer_id, product, balance, past_due, currency, dpd, status, tier,
             score, owner, team, promise_due, promise_amount, callback, last_attempt,
             last_payment, attempts, rpc, broken, complaints, task) in accounts:  # fmt: skip
            person = people.get(customer_id)
            if person is None:  # the customer is tombstoned
                continue
            append(
                new(
                    QueueRow,
                    (
                        account_id,
                        customer_id,
                        person[1],
                        person[2],
                        one(product, product),
                        balance,
                        past_due,
                        one(currency, currency),
                        dpd,
                        buckets[dpd] if 0 <= dpd < _BUCKET_SPAN else Bucket.for_days(dpd).value,
                        one(status, status),
                        one(tier, tier),
                        None if score is None else float(score),
                        person[3],
                        person[4],
                        person[5],
                        flags(person[6]),
                        one(owner, owner),
                        one(team, team),
                        None if promise_due is None else day(promise_due),
                        promise_amount,
                        None
                        if callback is None
                        else moment
                        if (moment := parse(callback)).tzinfo is not None
                        else moment.replace(tzinfo=UTC),
                        None
                        if last_attempt is None
                        else moment
                        if (moment := parse(last_attempt)).tzinfo is not None
                        else moment.replace(tzinfo=UTC),
                        None
                        if last_payment is None
                        else moment
                        if (moment := parse(last_payment)).tzinfo is not None
                        else moment.replace(tzinfo=UTC),
                        attempts,
                        attempts_7d.get(account_id, 0),
                        rpc,
                        broken,
                        complaints,
                        outbox.get(account_id, 0),
                        task,
                    ),
                )
            )
        return result

    def cheap_order(self, limit: int) -> list[str]:
        """Up to ``limit`` open account ids in a cheap SQL order (a first start's page)."""
        with self._db.read() as connection:
            found = connection.exec_driver_sql(_CHEAP_ORDER_SQL, (limit,))
            return [str(row[0]) for row in found]
