"""Raised agent tasks settled by the daily run, so the server's record agrees with the desk.

An agent task (call, visit, hardship review) is ``raised`` when the strategy run writes its
note. The owner's device stops showing it as soon as an outcome answers it or a stop
condition of its strategy holds (``workstation.queue.tasks.standing_task``); without this
step the server's ``strategy_actions`` kept saying "raised" for ever, and the account's
strategy view (``service.account_strategy``) showed work long done.

Each day, before the day's new steps, every raised action is settled by the desk's rules:

- ``answered``: a contact attempt or a visit was logged on or after the task's day (UTC
  day, as ``queue.tasks.answered``);
- ``stopped``: a stop condition of the task's strategy holds (the account closed, on hold,
  on a plan, or a promise open — ``queue.tasks.stop_holding``), the condition kept;
- ``superseded``: a newer task was raised on the account; the desk shows only the latest.

The rest stay raised. Reads are a few set-based queries per 500 accounts; the writes one
executemany. The step is idempotent: a settled action is never looked at again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from workstation.domain.enums import EventType, PromiseStatus
from workstation.queue.tasks import stop_holding
from workstation.server.lifecycle.changes import DayChanges
from workstation.server.models import AccountRow, EventRow, PromiseRow
from workstation.server.strategy.models import StrategyAction
from workstation.server.strategy.tasks import RAISED
from workstation.strategy.model import StrategyBook, default_book

ANSWERED, STOPPED, SUPERSEDED = "answered", "stopped", "superseded"
_OUTCOMES = (EventType.CONTACT_ATTEMPT.value, EventType.VISIT.value)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the rules need of one account."""

    status: str
    last_outcome: datetime | None
    open_promise: bool


def _utc_day(moment: datetime) -> date:
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()


def _facts(session: Session, account_ids: Sequence[str]) -> dict[str, _Facts]:
    facts: dict[str, _Facts] = {}
    for start in range(0, len(account_ids), _CHUNK):
        chunk = list(account_ids[start : start + _CHUNK])
        status = dict(
            session.execute(
                select(AccountRow.id, AccountRow.status).where(AccountRow.id.in_(chunk))
            ).all()
        )
        outcome = dict(
            session.execute(
                select(EventRow.account_id, func.max(EventRow.occurred_at))
                .where(EventRow.account_id.in_(chunk), EventRow.type.in_(_OUTCOMES))
                .group_by(EventRow.account_id)
            ).all()
        )
        promised = set(
            session.scalars(
                select(PromiseRow.account_id)
                .where(
                    PromiseRow.account_id.in_(chunk),
                    PromiseRow.status == PromiseStatus.OPEN.value,
                )
                .distinct()
            )
        )
        for account_id, account_status in status.items():
            facts[account_id] = _Facts(
                account_status, outcome.get(account_id), account_id in promised
            )
    return facts


def _stops(book: StrategyBook, strategy_id: str) -> frozenset[str]:
    strategy = book.find(strategy_id)
    # a strategy since removed from the book: only closing stops its task
    return strategy.stop_names if strategy is not None else frozenset()


def _verdict(
    action: Any, facts: _Facts | None, newest: date, book: StrategyBook
) -> tuple[str, str] | None:
    """(new status, why) for one raised action, or ``None`` while it stands."""
    if action.day < newest:
        return SUPERSEDED, f"a newer task was raised on {newest.isoformat()}"
    if facts is None:  # the account is gone (erased): nothing is left to do
        return STOPPED, "the account is no longer on file"
    if facts.last_outcome is not None and _utc_day(facts.last_outcome) >= action.day:
        return ANSWERED, f"outcome logged on {_utc_day(facts.last_outcome).isoformat()}"
    stop = stop_holding(
        _stops(book, action.strategy_id), facts.status, open_promise=facts.open_promise
    )
    if stop is not None:
        return STOPPED, f"stop condition: {stop}"
    return None


def settle_raised(
    session: Session, day: date, changes: DayChanges, *, book: StrategyBook | None = None
) -> int:
    """Settle every raised task the desk no longer shows (see the module docstring); how
    many were settled. ``day`` is the run's day, written beside each verdict."""
    book = book or default_book()
    raised = session.execute(
        select(
            StrategyAction.account_id,
            StrategyAction.step_id,
            StrategyAction.day,
            StrategyAction.strategy_id,
            StrategyAction.detail,
        ).where(StrategyAction.status == RAISED)
    ).all()
    if not raised:
        return 0
    newest: dict[str, date] = {}
    for action in raised:
        newest[action.account_id] = max(action.day, newest.get(action.account_id, action.day))
    facts = _facts(session, sorted(newest))
    settled: list[dict[str, Any]] = []
    for action in raised:
        verdict = _verdict(action, facts.get(action.account_id), newest[action.account_id], book)
        if verdict is None:
            continue
        status, why = verdict
        settled.append({
            "b_account": action.account_id, "b_step": action.step_id, "b_day": action.day,
            "b_status": status,
            "b_detail": {**(action.detail or {}), "settled_on": day.isoformat(), "settled": why},
        })  # fmt: skip
        changes.count(f"strategy_{status}")
    if settled:
        table = StrategyAction.__table__
        assert isinstance(table, Table)
        session.connection().execute(
            update(table)
            .where(
                table.c.account_id == bindparam("b_account"),
                table.c.step_id == bindparam("b_step"),
                table.c.day == bindparam("b_day"),
                table.c.status == RAISED,
            )
            .values(status=bindparam("b_status"), detail=bindparam("b_detail")),
            settled,
        )
    return len(settled)
