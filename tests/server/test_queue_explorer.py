"""The lead pages through the team's accounts in every order: no row skipped, none repeated.

Keyset pagination (``workstation.server.queue_explorer``) on SQLite and PostgreSQL, at a
small size with small pages, over a book with ties (equal balances) and NULL keys (accounts
never scored, never placed), so every page boundary of every segment is crossed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.server.conftest import BACKENDS, Backend, running_backend
from workstation.server.models import AccountRow, CustomerRow, Team
from workstation.server.queue_explorer import SORT_COLUMNS, Order, Sort

PAGE = 7


@pytest.fixture(scope="module", params=BACKENDS)
def book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=90, teams=1) as backend:
        with backend.sessions.begin() as session:
            ids = list(session.scalars(select(AccountRow.id).order_by(AccountRow.id)))
            # ties: every fifth account owes what the first does
            session.execute(
                update(AccountRow).where(AccountRow.id.in_(ids[::5])).values(balance_minor=12345)
            )
            # NULL keys: a few accounts not scored (no tier) and never placed
            session.execute(
                update(AccountRow)
                .where(AccountRow.id.in_(ids[3::11]))
                .values(score=None, risk_tier=None, placed_on=None)
            )
        yield backend


def _team_rows(book: Backend) -> tuple[str, list[Any]]:
    team_name = book.of_role("lead")[0].team
    with book.sessions() as session:
        team_id = session.scalar(select(Team.id).where(Team.name == team_name))
        assert team_id is not None
        rows = session.execute(
            select(AccountRow.id, *SORT_COLUMNS.values()).where(AccountRow.team_id == team_id)
        ).all()
    return team_id, rows


def _expected(rows: list[Any], sort: Sort, order: Order) -> list[str]:
    """The order the explorer promises: (key, id); NULL after every value ascending."""
    at = list(SORT_COLUMNS).index(sort) + 1

    def key(row: Any) -> tuple[int, Any, str]:
        value = row[at]
        if isinstance(value, date):
            value = value.isoformat()
        return (1, "", row[0]) if value is None else (0, value, row[0])

    ordered = sorted(rows, key=key, reverse=order is Order.DESC)
    return [r[0] for r in ordered]


def _walk(lead: Any, params: dict[str, str]) -> tuple[list[str], int]:
    seen: list[str] = []
    cursor = None
    total = -1
    for _ in range(1000):
        query = {**params, "limit": str(PAGE)}
        if cursor:
            query["cursor"] = cursor
        response = lead.get("/api/v1/team/accounts", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        if cursor is None:
            total = page["total"]
        else:
            assert page["total"] is None  # counted once, on the first page
        assert len(page["accounts"]) <= PAGE
        seen.extend(a["id"] for a in page["accounts"])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, total
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("order", list(Order))
@pytest.mark.parametrize("sort", list(Sort))
def test_pages_neither_skip_nor_repeat_a_row(book: Backend, sort: Sort, order: Order) -> None:
    lead = book.login(book.of_role("lead")[0].username)
    _team_id, rows = _team_rows(book)
    seen, total = _walk(lead, {"sort": sort.value, "order": order.value})
    assert len(seen) == len(set(seen)), "a row came twice"
    assert total == len(rows)
    assert seen == _expected(rows, sort, order)


@pytest.mark.parametrize("sort", [Sort.BALANCE, Sort.SCORE, Sort.PLACED_ON])
def test_a_filtered_walk_returns_exactly_the_matching_rows(book: Backend, sort: Sort) -> None:
    lead = book.login(book.of_role("lead")[0].username)
    _team_id, rows = _team_rows(book)
    owner = book.of_role("agent")[0].user_id
    with book.sessions() as session:
        mine = set(session.scalars(select(AccountRow.id).where(AccountRow.owner_id == owner)))
    seen, total = _walk(lead, {"sort": sort.value, "order": "desc", "owner_id": owner})
    assert total == len(mine) > PAGE
    assert seen == [i for i in _expected(rows, sort, Order.DESC) if i in mine]


def test_a_row_changed_behind_the_cursor_is_not_seen_again(book: Backend) -> None:
    """A collector pays an account down between two pages: the walk goes on from where it
    was, and the account (now earlier in the order) is not repeated."""
    lead = book.login(book.of_role("lead")[0].username)
    first = lead.get(
        "/api/v1/team/accounts", params={"sort": "balance", "order": "desc", "limit": str(PAGE)}
    ).json()
    already = [a["id"] for a in first["accounts"]]
    with book.sessions.begin() as session:
        balance = session.scalar(
            select(AccountRow.balance_minor).where(AccountRow.id == already[0])
        )
        assert balance is not None
        session.execute(
            update(AccountRow).where(AccountRow.id == already[0]).values(balance_minor=balance + 1)
        )
    rest = lead.get(
        "/api/v1/team/accounts",
        params={"sort": "balance", "order": "desc", "limit": "500", "cursor": first["next_cursor"]},
    ).json()
    later = [a["id"] for a in rest["accounts"]]
    assert not set(already) & set(later)


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "WyJiYWxhbmNlIiwiYXNjIiwieCIsImlkIl0",  # ["balance","asc","x","id"]: text for a number
    ],
)
def test_a_forged_cursor_is_refused(book: Backend, cursor: str) -> None:
    lead = book.login(book.of_role("lead")[0].username)
    response = lead.get("/api/v1/team/accounts", params={"sort": "balance", "cursor": cursor})
    assert response.status_code == 422, response.text


def test_a_cursor_of_another_order_is_refused(book: Backend) -> None:
    lead = book.login(book.of_role("lead")[0].username)
    first = lead.get("/api/v1/team/accounts", params={"sort": "score", "limit": "3"}).json()
    response = lead.get(
        "/api/v1/team/accounts", params={"sort": "balance", "cursor": first["next_cursor"]}
    )
    assert response.status_code == 422, response.text


def test_the_jurisdiction_filter_and_an_uncounted_first_page(book: Backend) -> None:
    lead = book.login(book.of_role("lead")[0].username)
    _team_id, rows = _team_rows(book)
    with book.sessions() as session:
        chinese = set(
            session.scalars(
                select(AccountRow.id)
                .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
                .where(CustomerRow.jurisdiction == "cn-nifa")
            )
        )
    seen, total = _walk(lead, {"sort": "balance", "jurisdiction": "cn-nifa"})
    assert total == len(chinese) > PAGE
    assert seen == [i for i in _expected(rows, Sort.BALANCE, Order.ASC) if i in chinese]
    assert _walk(lead, {"sort": "balance", "jurisdiction": "xx-none"}) == ([], 0)
    uncounted = lead.get(
        "/api/v1/team/accounts", params={"sort": "balance", "count": "false", "limit": "3"}
    ).json()
    assert uncounted["total"] is None
    assert [a["id"] for a in uncounted["accounts"]] == _expected(rows, Sort.BALANCE, Order.ASC)[:3]


def test_the_count_stops_at_its_bound_and_says_so(
    book: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page's count reads at most COUNT_LIMIT + 1 rows: below the bound it is
    exact, above it the page says "that many or more" (``total_capped``), filtered too."""
    from workstation.server import queue_explorer

    lead = book.login(book.of_role("lead")[0].username)
    _team_id, rows = _team_rows(book)
    exact = lead.get("/api/v1/team/accounts", params={"limit": "3"}).json()
    assert (exact["total"], exact["total_capped"]) == (len(rows), False)
    monkeypatch.setattr(queue_explorer, "COUNT_LIMIT", len(rows))  # exactly at the bound
    at = lead.get("/api/v1/team/accounts", params={"limit": "3"}).json()
    assert (at["total"], at["total_capped"]) == (len(rows), False)
    monkeypatch.setattr(queue_explorer, "COUNT_LIMIT", 10)
    capped = lead.get("/api/v1/team/accounts", params={"limit": "3", "sort": "score"}).json()
    assert (capped["total"], capped["total_capped"]) == (10, True)
    assert [a["id"] for a in capped["accounts"]] == _expected(rows, Sort.SCORE, Order.ASC)[:3]
    filtered = lead.get(
        "/api/v1/team/accounts", params={"limit": "3", "jurisdiction": "xx-none"}
    ).json()
    assert (filtered["total"], filtered["total_capped"]) == (0, False)
