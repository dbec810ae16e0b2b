"""The lead's queue explorer: a team's accounts, filtered and sorted, a page at a time.

**Keyset pagination.** A page is "the next ``limit`` rows after this one" in the chosen
order, never "skip ``offset`` rows": at a million accounts an OFFSET makes the database
walk and throw away every row before the page, and while collectors work, rows that move
(a balance paid down, a tier changed) make offset pages skip or repeat rows. Every order
is total: the sort key, then the account id as tie-breaker, in the same direction, so the
position after a row is a row-value comparison ``(key, id) > (:key, :id)`` that one index
range scan of ``(team_id, key, id)`` answers (migration 0015 adds them). A nullable key
(score, risk tier, placement day) puts its NULLs after every value in ascending order and
before them in descending order (PostgreSQL's own index order, written out with NULLS
LAST/FIRST so SQLite agrees): the rows with a value and the rows without are two
segments, each read by its own range scan (``key IS NULL AND id > :id`` for the second),
never an OR that no index can answer.

**The cursor** is the last row's position, opaque to clients (base64 of JSON: sort, order,
key value, id). It is bound to the sort and order it was made for; a cursor for another
order is refused (422), as is a forged one that does not decode.

The first page (no cursor) also answers ``total``, the number of matching rows, unless the
caller says ``count=False``; later pages never count again (``None``), so paging costs one
page each. **The count is bounded**: it stops at ``COUNT_LIMIT`` (10,000) and then says so
(``total_capped``: "10,000+"). An exact count of a third of a million-account book is a
scan of a third of the table (a sequential scan at 1M: 170 ms, 390 ms with the
jurisdiction's join to customers) and tells a lead nothing a page and the KPIs do not; the
bounded count stops at ``COUNT_LIMIT + 1`` matching rows: a broad filter is the
``(team_id, id)`` range scan the id order's page uses, cut short, whatever the team's size;
a narrow one is read through the narrower index the planner picks, and sorted.

**The strategy task standing on each row** (``standing_tasks``): the latest agent task the
daily run raised on the account and nobody has settled yet (``strategy_actions`` with status
``raised``; ``strategy.settle`` moves the rest on). It is read for the page's ids only, in
one query by ``account_id IN (…)`` (the table's primary key starts with the account), so a
page costs the same at a million accounts. The filter ``standing_task`` keeps the accounts
with one (an EXISTS). Both read the partial index of raised actions (migration 0020), never
the settled history, and both write the status as a literal: a partial index serves only a
query whose condition implies the index's, which a bound parameter does not (SQLite, and
PostgreSQL's generic plans).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, literal, literal_column, select, tuple_
from sqlalchemy.orm import Session

from workstation.domain.enums import Bucket
from workstation.errors import WorkstationError
from workstation.queue.tasks import StrategyTask
from workstation.server.models import AccountRow, CustomerRow
from workstation.server.strategy.models import StrategyAction
from workstation.server.strategy.tasks import RAISED
from workstation.strategy.model import StrategyBook, default_book
from workstation.text import Text


class Sort(StrEnum):
    ID = "id"
    BALANCE = "balance"
    PAST_DUE = "past_due"
    DAYS_PAST_DUE = "days_past_due"
    SCORE = "score"
    RISK_TIER = "risk_tier"
    PLACED_ON = "placed_on"


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"


# the column each order sorts by (indexed as (team_id, column, id): migration 0015)
SORT_COLUMNS: dict[Sort, Any] = {
    Sort.ID: AccountRow.id,
    Sort.BALANCE: AccountRow.balance_minor,
    Sort.PAST_DUE: AccountRow.past_due_minor,
    Sort.DAYS_PAST_DUE: AccountRow.days_past_due,
    Sort.SCORE: AccountRow.score,
    Sort.RISK_TIER: AccountRow.risk_tier,
    Sort.PLACED_ON: AccountRow.placed_on,
}
NULLABLE = frozenset({Sort.SCORE, Sort.RISK_TIER, Sort.PLACED_ON})
# a literal, not a parameter, so the partial index of standing tasks serves it (above)
_STANDING = StrategyAction.status == literal_column(f"'{RAISED}'")
UNDECODABLE = Text("the cursor does not decode", "翻页游标无法解析")
OTHER_ORDER = Text("the cursor was made for another sort or order", "翻页游标属于另一种排序")


class CursorError(WorkstationError, ValueError):
    """A cursor that does not decode, or was made for another order."""

    summary = Text("This page of the queue cannot be continued", "无法继续加载这一页队列")


def encode_cursor(sort: Sort, order: Order, key: Any, account_id: str) -> str:
    if hasattr(key, "isoformat"):
        key = key.isoformat()
    raw = json.dumps([sort.value, order.value, key, account_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort, order: Order) -> tuple[Any, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        made_for, made_order, key, account_id = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise CursorError(UNDECODABLE) from exc
    if made_for != sort.value or made_order != order.value:
        raise CursorError(OTHER_ORDER)
    if not isinstance(account_id, str) or not isinstance(key, str | int | None):
        raise CursorError(UNDECODABLE)
    if key is None and sort not in NULLABLE:
        raise CursorError(UNDECODABLE)
    if sort in (Sort.BALANCE, Sort.PAST_DUE, Sort.DAYS_PAST_DUE) and not isinstance(key, int):
        raise CursorError(UNDECODABLE)
    if sort is Sort.PLACED_ON and key is not None:
        try:
            return date.fromisoformat(str(key)), account_id
        except ValueError as exc:
            raise CursorError(UNDECODABLE) from exc
    return key, account_id


@dataclass(frozen=True, slots=True)
class Filters:
    owner_id: str | None = None
    status: str | None = None
    bucket: Bucket | None = None
    risk_tier: str | None = None
    jurisdiction: str | None = None
    segment: str | None = None  # the 2×2 of ability and willingness (``Segment``'s value)
    standing_task: bool = False  # only accounts with a strategy task standing


@dataclass(frozen=True, slots=True)
class Page:
    ids: list[str]
    total: int | None  # only on the first page; at most COUNT_LIMIT
    next_cursor: str | None  # None: this was the last page
    total_capped: bool = False  # more than COUNT_LIMIT match ("10,000+")


# where the first page's count stops (module docstring: the count is bounded)
COUNT_LIMIT = 10_000


_BUCKET_DAYS = {
    Bucket.CURRENT: (None, 0),
    Bucket.DPD_1_29: (1, 29),
    Bucket.DPD_30_59: (30, 59),
    Bucket.DPD_60_89: (60, 89),
    Bucket.DPD_90_179: (90, 179),
    Bucket.DPD_180_PLUS: (180, None),
}


def _where(team_id: str, filters: Filters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [AccountRow.team_id == team_id]
    if filters.owner_id:
        where.append(AccountRow.owner_id == filters.owner_id)
    if filters.status:
        where.append(AccountRow.status == filters.status)
    if filters.risk_tier:
        where.append(AccountRow.risk_tier == filters.risk_tier)
    if filters.segment:
        where.append(AccountRow.segment == filters.segment)
    if filters.jurisdiction:
        # EXISTS, not IN: the planner then walks the sort index and checks each row's
        # customer by primary key, where IN hashed every customer of the jurisdiction
        where.append(
            select(CustomerRow.id)
            .where(
                CustomerRow.id == AccountRow.customer_id,
                CustomerRow.jurisdiction == filters.jurisdiction,
            )
            .exists()
        )
    if filters.standing_task:
        # EXISTS on the partial index of standing tasks: at 1 % of accounts with one the
        # planner walks the sort index and probes it; with fewer it reads the few standing
        # and sorts them (migration 0020 gives the figures)
        where.append(
            select(StrategyAction.account_id)
            .where(StrategyAction.account_id == AccountRow.id, _STANDING)
            .exists()
        )
    if filters.bucket:
        low, high = _BUCKET_DAYS[filters.bucket]
        if low is not None:
            where.append(AccountRow.days_past_due >= low)
        if high is not None:
            where.append(AccountRow.days_past_due <= high)
    return where


def page(
    session: Session,
    team_id: str,
    filters: Filters,
    *,
    sort: Sort = Sort.ID,
    order: Order = Order.ASC,
    cursor: str | None = None,
    limit: int = 500,
    count: bool = True,
) -> Page:
    """One page of the team's accounts matching ``filters`` in ``(sort, id)`` ``order``,
    after ``cursor`` (the first page without one). Raises ``CursorError``."""
    where = _where(team_id, filters)
    total = None
    capped = False
    after: tuple[Any, str] | None = None
    if cursor is None and count:
        total, capped = _count(session, where)
    if cursor is not None:
        after = decode_cursor(cursor, sort, order)
    column = SORT_COLUMNS[sort]
    ascending = order is Order.ASC
    # the segments in page order: (has a value?) — one for a NOT NULL key
    if sort not in NULLABLE:
        segments: list[bool | None] = [None]
    else:
        segments = [True, False] if ascending else [False, True]
    if after is not None and sort in NULLABLE:
        # start at the cursor's own segment
        segments = segments[segments.index(after[0] is not None) :]
    rows: list[tuple[str, Any]] = []
    for valued in segments:
        wanted = limit + 1 - len(rows)
        if wanted <= 0:
            break
        rows.extend(_segment(session, where, column, ascending, valued, after, wanted))
        after = None  # the next segment is read from its start
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(sort, order, rows[-1][1], rows[-1][0]) if more and rows else None
    return Page([r[0] for r in rows], total, next_cursor, capped)


def _count(session: Session, where: list[ColumnElement[bool]]) -> tuple[int, bool]:
    """How many rows match, up to ``COUNT_LIMIT``, and whether more do. In id order so the
    planner reads the team's ``(team_id, id)`` index (or a narrower one and sorts what it
    finds) and stops at the limit, never a sequential scan that counts the whole team."""
    bounded = (
        select(AccountRow.id)
        .where(*where)
        .order_by(AccountRow.id)
        .limit(COUNT_LIMIT + 1)
        .subquery()
    )
    found = int(session.scalar(select(func.count()).select_from(bounded)) or 0)
    return min(found, COUNT_LIMIT), found > COUNT_LIMIT


def _segment(  # noqa: PLR0917 - one range scan's bounds
    session: Session,
    where: list[ColumnElement[bool]],
    column: Any,
    ascending: bool,
    valued: bool | None,
    after: tuple[Any, str] | None,
    limit: int,
) -> list[tuple[str, Any]]:
    """Up to ``limit`` rows of one segment (``valued``: key NOT NULL / NULL / None: the
    key cannot be NULL), after ``after`` when the cursor lies in it."""
    conditions = list(where)
    if valued is True:
        conditions.append(column.is_not(None))
    elif valued is False:
        conditions.append(column.is_(None))
    if after is not None:
        key, account_id = after
        position: Any
        bound: Any
        if valued is False:
            position, bound = AccountRow.id, literal(account_id)
        else:
            position = tuple_(column, AccountRow.id)
            bound = tuple_(literal(key, column.type), literal(account_id))
        conditions.append(position > bound if ascending else position < bound)
    if valued is False or column is AccountRow.id:
        ordering: tuple[Any, ...] = (AccountRow.id.asc() if ascending else AccountRow.id.desc(),)
    else:
        ordering = (
            (column.asc(), AccountRow.id.asc())
            if ascending
            else (column.desc(), AccountRow.id.desc())
        )
    found = session.execute(
        select(AccountRow.id, column).where(*conditions).order_by(*ordering).limit(limit)
    ).all()
    return [(r[0], r[1]) for r in found]


def standing_tasks(
    session: Session, account_ids: Sequence[str], book: StrategyBook | None = None
) -> dict[str, StrategyTask]:
    """The strategy task standing on each of ``account_ids`` (a page's: one query), by
    account id; an account without one is absent. Of two raised on one account (before the
    daily run supersedes the older) the latest day wins, as on the owner's desk.

    The step and strategy are given in words from the strategy book; a strategy or step no
    longer on file is shown by its id rather than lost."""
    if not account_ids:
        return {}
    book = book or default_book()
    found = session.scalars(
        select(StrategyAction)
        .where(StrategyAction.account_id.in_(list(account_ids)), _STANDING)
        .order_by(StrategyAction.account_id, StrategyAction.day, StrategyAction.step_id)
    )
    tasks: dict[str, StrategyTask] = {}
    for action in found:  # ascending day: the latest of an account overwrites the others
        tasks[action.account_id] = _task(action, book)
    return tasks


def _task(action: StrategyAction, book: StrategyBook) -> StrategyTask:
    step_words = Text(action.step_id, action.step_id)
    strategy_words = Text(action.strategy_id, action.strategy_id)
    stops: frozenset[str] = frozenset()
    strategy = book.find(action.strategy_id)
    if strategy is not None:
        strategy_words = strategy.name
        stops = strategy.stop_names
        step = strategy.step(action.step_id)
        if step is not None:
            step_words = step.describe()
    return StrategyTask(
        strategy_id=action.strategy_id,
        step_id=action.step_id,
        task=action.kind,
        day=action.day,
        step=step_words,
        strategy=strategy_words,
        stops=stops,
        experiment_id=action.experiment_id,
        arm=action.arm,
    )
