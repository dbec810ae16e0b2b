"""The accounts' derived columns: a cache of their event log, recomputed in SQL.

Last attempt, attempt and right-party counts, the latest attempt's callback, the latest
open promise, broken promises, last payment, open complaints and the strategy task still
standing (the latest raised by the daily run, unless a contact attempt or a visit was logged
on or after its day: ``workstation.queue.tasks``) live on the account row so
that a queue read never touches the events. Every write that adds or replaces events
(``writes``, ``pulls``) calls ``DerivedColumns.refresh`` for the accounts it touched, in its
own transaction. ``bulk`` computes the same values in Python while it loads a whole
portfolio (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

# Bare columns next to max() come from the row holding the maximum (documented SQLite
# behaviour), which gives "the latest attempt's callback" and "the latest open promise"
# in one pass each. Derived instants carry an explicit "+00:00": ``fromisoformat`` then
# returns an aware UTC datetime itself, and ``replace(tzinfo=…)`` (over a microsecond a
# call) is saved 100,000 times per queue read. Rows written before that are still read.
_DERIVED_SQL = """
CREATE TEMP TABLE _derived AS
SELECT a.id AS id,
       att.last_at || '+00:00' AS last_attempt_at, coalesce(att.n, 0) AS attempts_total,
       coalesce(att.rpc, 0) AS rpc_total,
       CASE WHEN att.cb IS NULL THEN NULL
            ELSE strftime('%Y-%m-%d %H:%M:%f', att.cb) || '+00:00' END AS callback_due_at,
       pro.due AS promise_due_on, pro.amount AS promise_amount_minor,
       coalesce(brk.n, 0) AS promises_broken, pay.last_at || '+00:00' AS last_payment_at,
       coalesce(cmp.n, 0) AS open_complaints,
       CASE WHEN tsk.task IS NULL THEN NULL
            WHEN max(coalesce(att.last_at, ''), coalesce(vis.last_at, ''))
                 >= json_extract(tsk.task, '$.day') THEN NULL
            ELSE tsk.task END AS strategy_task
FROM accounts AS a
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at, count(*) AS n,
                  sum(json_extract(payload, '$.disposition') IN ({rpc})) AS rpc,
                  json_extract(payload, '$.callback_at') AS cb
           FROM events WHERE type = 'contact_attempt' AND deleted = 0 {events_filter}
           GROUP BY account_id) AS att ON att.account_id = a.id
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at,
                  json_extract(payload, '$.due_date') AS due, amount_minor AS amount
           FROM events WHERE type = 'promise' AND deleted = 0
                AND json_extract(payload, '$.status') = 'open' {events_filter}
           GROUP BY account_id) AS pro ON pro.account_id = a.id
LEFT JOIN (SELECT account_id, count(*) AS n
           FROM events WHERE type = 'promise' AND deleted = 0
                AND json_extract(payload, '$.status') = 'broken' {events_filter}
           GROUP BY account_id) AS brk ON brk.account_id = a.id
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at
           FROM events WHERE type = 'payment' AND deleted = 0 {events_filter}
           GROUP BY account_id) AS pay ON pay.account_id = a.id
LEFT JOIN (SELECT account_id, count(*) AS n
           FROM events WHERE type = 'complaint' AND deleted = 0
                AND json_extract(payload, '$.status') = 'open' {events_filter}
           GROUP BY account_id) AS cmp ON cmp.account_id = a.id
LEFT JOIN (SELECT account_id, max(occurred_at) AS at,
                  json_extract(payload, '$.strategy_task') AS task
           FROM events WHERE type = 'note' AND deleted = 0
                AND json_extract(payload, '$.strategy_task') IS NOT NULL {events_filter}
           GROUP BY account_id) AS tsk ON tsk.account_id = a.id
LEFT JOIN (SELECT account_id, max(occurred_at) AS last_at
           FROM events WHERE type = 'visit' AND deleted = 0 {events_filter}
           GROUP BY account_id) AS vis ON vis.account_id = a.id
{accounts_filter}
"""

_DERIVED_UPDATE = """
UPDATE accounts SET
    last_attempt_at = d.last_attempt_at, attempts_total = d.attempts_total,
    rpc_total = d.rpc_total, callback_due_at = d.callback_due_at,
    promise_due_on = d.promise_due_on, promise_amount_minor = d.promise_amount_minor,
    promises_broken = d.promises_broken, last_payment_at = d.last_payment_at,
    open_complaints = d.open_complaints, strategy_task = d.strategy_task
FROM _derived AS d WHERE d.id = accounts.id
"""


class DerivedColumns:
    """The refresh, with the catalogue's right-party codes bound in."""

    def __init__(self, rpc_codes: Sequence[str]) -> None:
        self._rpc_codes = tuple(rpc_codes)

    def refresh(self, connection: Connection, account_ids: Sequence[str] | None) -> None:
        """Recompute the accounts' derived columns from their events (all when None)."""
        raw_params: list[Any] = list(self._rpc_codes)
        placeholders = ", ".join("?" for _ in self._rpc_codes) or "NULL"
        if account_ids is None:
            events_filter = accounts_filter = ""
        else:
            if not account_ids:
                return
            connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS _touched (id TEXT)")
            connection.exec_driver_sql("DELETE FROM _touched")
            connection.exec_driver_sql(
                "INSERT INTO _touched (id) VALUES (?)", [(i,) for i in set(account_ids)]
            )
            events_filter = "AND account_id IN (SELECT id FROM _touched)"
            accounts_filter = "WHERE a.id IN (SELECT id FROM _touched)"
        sql = _DERIVED_SQL.format(
            rpc=placeholders, events_filter=events_filter, accounts_filter=accounts_filter
        )
        connection.exec_driver_sql("DROP TABLE IF EXISTS temp._derived")
        connection.exec_driver_sql(sql, tuple(raw_params))
        connection.exec_driver_sql(_DERIVED_UPDATE)
        connection.exec_driver_sql("DROP TABLE temp._derived")
