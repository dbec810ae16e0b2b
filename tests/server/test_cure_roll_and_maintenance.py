"""Cure and roll rates from the bucket history, the history's writers, scheduled pruning and
the retention announcement — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from tests.server.conftest import (
    BACKENDS,
    Backend,
    migrated_database,
    running_backend,
)
from workstation.domain.model import new_id
from workstation.kpi import KpiCounts, compute, roll_rates_by_bucket
from workstation.server.bucket_history import reconcile
from workstation.server.db import make_engine, make_sessionmaker
from workstation.server.lead import kpi_counts
from workstation.server.maintenance import MaintenanceLoop, with_maintenance
from workstation.server.models import (
    AccountRow,
    BucketHistory,
    CustomerRow,
    Removal,
    ServerState,
    Team,
    User,
)
from workstation.server.retention import (
    ADVISORY_LOCK_KEY,
    SCHEMA_LOCK,
    run_maintenance,
)
from workstation.server.tables import metadata

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """An empty, migrated database of each kind (no seed)."""
    with migrated_database(request.param, tmp_path_factory) as (url, sessions):
        yield url, sessions


@pytest.fixture(scope="module", params=BACKENDS)
def own_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started


NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _people(session: Session) -> tuple[str, str, str, str]:
    """A team with agents A and B, and one customer; returns their ids."""
    team, a, b, customer = new_id(), new_id(), new_id(), new_id()
    session.add(Team(id=team, name="T", created_at=NOW))
    for uid, name in ((a, "agent.a"), (b, "agent.b")):
        session.add(
            User(id=uid, username=name, role="agent", team_id=team, password_hash="x",
                 created_at=NOW)
        )  # fmt: skip
    session.add(
        CustomerRow(id=customer, name="C", timezone="Asia/Shanghai", jurisdiction="CN",
                    language="zh", version=1)
    )  # fmt: skip
    session.flush()
    return team, a, b, customer


def _account(session: Session, customer: str, owner: str | None, team: str, dpd: int) -> str:
    account_id = new_id()
    session.add(
        AccountRow(
            id=account_id, customer_id=customer, product="card", currency="CNY",
            principal_minor=100_00, balance_minor=100_00, past_due_minor=10_00,
            placed_minor=100_00, days_past_due=dpd, status="open", owner_id=owner,
            team_id=team, version=1,
        )
    )  # fmt: skip
    session.flush()
    return account_id


def _history(
    session: Session,
    account_id: str,
    rows: list[tuple[str, int, str | None]],
    team: str,
    status: str = "open",
) -> None:
    """Replace the account's history with ``rows`` of (ISO day, days past due, owner)."""
    from workstation.domain.enums import Bucket

    session.execute(delete(BucketHistory).where(BucketHistory.account_id == account_id))
    for day, given, owner in rows:
        # test shorthand: -1 = paid on that day (70 days past due)
        row_status, dpd = ("paid", 70) if given < 0 else (status, given)
        session.add(
            BucketHistory(account_id=account_id, day=date.fromisoformat(day),
                          bucket=Bucket.for_days(dpd).value, days_past_due=dpd,
                          balance_minor=100_00, status=row_status, owner_id=owner, team_id=team)
        )  # fmt: skip
    session.flush()


# --- the schema ---------------------------------------------------------------------------------


def test_the_migrations_build_exactly_the_models(db: tuple[str, sessionmaker[Session]]) -> None:
    _url, sessions = db
    with sessions() as session:
        context = MigrationContext.configure(session.connection())
        diff = [d for d in compare_metadata(context, metadata) if "alembic" not in str(d)]
    assert diff == []


# --- cure and roll rates, hand-checked ------------------------------------------------------


def test_cure_and_roll_rates_hand_checked(db: tuple[str, sessionmaker[Session]]) -> None:
    """Period 1-7 March: the start state is the end of 28 February, the end state 7 March."""
    _url, sessions = db
    with sessions.begin() as session:
        team, a, b, customer = _people(session)

        def account(rows: list[tuple[str, int, str | None]], status: str = "open") -> None:
            _history(session, _account(session, customer, a, team, 0), rows, team, status)

        account([("2026-02-10", 10, a), ("2026-03-05", 30, a)])  # 1-29 → 30-59: rolled
        account([("2026-02-01", 40, a), ("2026-03-03", 0, a)])  # 30-59 → current: cured
        account([("2026-02-01", 70, a), ("2026-03-04", -1, a)])  # 60-89 → paid: cured
        account([("2026-02-01", 100, a)])  # 90-179, unchanged
        account([("2026-02-01", 200, a), ("2026-03-02", 0, a)])  # 180+ → cured, cannot roll
        account([("2026-02-01", 0, a), ("2026-03-06", 5, a)])  # current → 1-29
        # held by A at the start, reassigned to B and rolled during the period: A's
        account([("2026-02-20", 15, a), ("2026-03-02", 45, b)])
        account([("2026-02-01", 50, a)], status="closed")  # closed at the start: not counted
        account([("2026-03-03", 20, a)])  # did not exist at the start: not counted
        account([("2026-02-27", 20, b), ("2026-03-08", 30, b)])  # rolls after the end
        account([("2026-02-28", 15, a), ("2026-03-01", 31, a)])  # the edges of the period
        counts = kpi_counts(session, [a, b], date(2026, 3, 1), date(2026, 3, 7))

    mine, theirs = counts[a], counts[b]
    assert (mine.delinquent_at_start, mine.cured) == (7, 3)
    assert (mine.roll_base, mine.rolled) == (6, 3)
    assert compute(mine)["cure_rate"] == Decimal("42.86")
    assert compute(mine)["roll_rate"] == Decimal("50.00")
    assert roll_rates_by_bucket(mine) == {
        "current": Decimal("100.00"),
        "1-29": Decimal("100.00"),
        "30-59": Decimal("0.00"),
        "60-89": Decimal("0.00"),
        "90-179": Decimal("0.00"),
    }
    assert mine.in_bucket_at_start["180+"] == 1
    assert (theirs.delinquent_at_start, theirs.cured, theirs.roll_base, theirs.rolled) == (
        1, 0, 1, 0,
    )  # fmt: skip
    team_total = KpiCounts()
    team_total.add(mine)
    team_total.add(theirs)
    assert compute(team_total)["cure_rate"] == Decimal("37.50")  # 3 of 8
    assert compute(team_total)["roll_rate"] == Decimal("42.86")  # 3 of 7


def test_no_history_means_no_rate_not_zero(db: tuple[str, sessionmaker[Session]]) -> None:
    _url, sessions = db
    with sessions.begin() as session:
        _team, a, _b, _customer = _people(session)
        counts = kpi_counts(session, [a], date(2026, 3, 1), date(2026, 3, 7))
    assert compute(counts[a])["cure_rate"] is None
    assert compute(counts[a])["roll_rate"] is None


# --- who writes the history -------------------------------------------------------------------


def _rows(session: Session, account_id: str) -> list[tuple[date, str, str, str | None]]:
    return [
        (r.day, r.bucket, r.status, r.owner_id)
        for r in session.scalars(
            select(BucketHistory)
            .where(BucketHistory.account_id == account_id)
            .order_by(BucketHistory.day)
        )
    ]


def test_account_writes_record_history_only_when_the_state_changes(
    db: tuple[str, sessionmaker[Session]],
) -> None:
    _url, sessions = db
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)
    with sessions.begin() as session:
        team, a, b, customer = _people(session)
        account_id = _account(session, customer, a, team, 10)
    with sessions.begin() as session:
        assert _rows(session, account_id) == [(today, "1-29", "open", a)]
        # as if that row had been written yesterday
        session.execute(update(BucketHistory).values(day=yesterday))
    with sessions.begin() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        row.days_past_due = 20  # same bucket: no row
        row.balance_minor = 90_00
    with sessions.begin() as session:
        assert len(_rows(session, account_id)) == 1
        row = session.get(AccountRow, account_id)
        assert row is not None
        row.days_past_due = 35
    with sessions.begin() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        row.status = "paid"  # the same day again: today's row is updated
    with sessions.begin() as session:
        assert _rows(session, account_id) == [
            (yesterday, "1-29", "open", a),
            (today, "30-59", "paid", a),
        ]
        # a write that bypasses the ORM is caught up by reconcile
        session.execute(update(AccountRow).values(owner_id=b, days_past_due=0))
    with sessions.begin() as session:
        assert reconcile(session, today) == 1
        assert reconcile(session, today) == 0
        assert _rows(session, account_id)[-1] == (today, "current", "paid", b)


def test_seeded_demo_has_history_and_the_lead_sees_cure_and_roll_rates(
    own_backend: Backend,
) -> None:
    backend = own_backend
    with backend.sessions.begin() as session:
        # the seed's history agrees with the accounts: nothing to catch up
        assert reconcile(session, datetime.now(UTC).date()) == 0
    lead = backend.login(backend.of_role("lead")[0].username)
    end = datetime.now(UTC).date()
    response = lead.get(
        "/api/v1/team/kpis",
        params={"from": (end - timedelta(days=29)).isoformat(), "to": end.isoformat()},
    )
    assert response.status_code == 200, response.text
    team = response.json()["team"]
    assert team["counts"]["delinquent_at_start"] > 0
    assert team["counts"]["rolled"] > 0
    assert Decimal(team["kpis"]["roll_rate"]) > 0
    assert team["kpis"]["cure_rate"] is not None
    assert set(team["roll_rates_by_bucket"]) == {"current", "1-29", "30-59", "60-89", "90-179"}


def test_a_reassignment_is_recorded_with_the_new_owner(own_backend: Backend) -> None:
    backend = own_backend
    lead_user = backend.of_role("lead")[0]
    agents = backend.of_role("agent", lead_user.team)
    giver, taker = agents[0], agents[1]
    with backend.sessions() as session:
        account_id = session.scalar(
            select(AccountRow.id).where(AccountRow.owner_id == giver.user_id).limit(1)
        )
    assert account_id is not None
    lead = backend.login(lead_user.username)
    done = lead.post(
        "/api/v1/team/reassign", {"account_ids": [account_id], "to_user_id": taker.user_id}
    )
    assert done.status_code == 200, done.text
    with backend.sessions() as session:
        day, _bucket, _status, owner = _rows(session, account_id)[-1]
    assert (day, owner) == (datetime.now(UTC).date(), taker.user_id)


# --- scheduled pruning --------------------------------------------------------------------------


def _old_tombstone(sessions: sessionmaker[Session], at: datetime) -> None:
    with sessions.begin() as session:
        session.add(
            Removal(version=5, kind="account", entity_id=new_id(), user_id=new_id(),
                    reason="reassigned", at=at)
        )  # fmt: skip


def _tombstones(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return len(session.scalars(select(Removal.id)).all())


def test_maintenance_runs_once_per_interval(db: tuple[str, sessionmaker[Session]]) -> None:
    _url, sessions = db
    keep, day = timedelta(days=90), timedelta(hours=24)
    _old_tombstone(sessions, NOW - timedelta(days=100))
    first = run_maintenance(sessions, keep, NOW, day)
    assert first is not None
    assert (first.prune.removed, first.prune.retained_from) == (1, 5)
    assert _tombstones(sessions) == 0
    _old_tombstone(sessions, NOW - timedelta(days=100))
    assert run_maintenance(sessions, keep, NOW + timedelta(hours=23), day) is None
    assert _tombstones(sessions) == 1  # not yet due
    assert run_maintenance(sessions, keep, NOW + timedelta(hours=24), day) is not None
    assert _tombstones(sessions) == 0


def test_two_processes_never_prune_at_once(db: tuple[str, sessionmaker[Session]]) -> None:
    url, sessions = db
    if not url.startswith("postgresql"):
        pytest.skip("SQLite has one writer by construction (BEGIN IMMEDIATE)")
    other = make_engine(url, pool_size=1)
    try:
        with other.connect() as holder:
            # another server process in the middle of its run
            holder.execute(
                text(f"SELECT pg_advisory_lock({SCHEMA_LOCK})"), {"key": ADVISORY_LOCK_KEY}
            )
            assert run_maintenance(sessions, timedelta(days=90), NOW, timedelta(hours=24)) is None
            holder.execute(
                text(f"SELECT pg_advisory_unlock({SCHEMA_LOCK})"), {"key": ADVISORY_LOCK_KEY}
            )
        assert run_maintenance(sessions, timedelta(days=90), NOW, timedelta(hours=24)) is not None
    finally:
        other.dispose()


def test_two_loops_on_one_database_prune_once(db: tuple[str, sessionmaker[Session]]) -> None:
    url, sessions = db
    _old_tombstone(sessions, datetime.now(UTC) - timedelta(days=100))
    second_engine = make_engine(url, pool_size=1)
    loops = [
        MaintenanceLoop(
            s, timedelta(days=90), timedelta(hours=24), check_every=timedelta(seconds=0.05)
        )
        for s in (sessions, make_sessionmaker(second_engine))
    ]
    try:
        for loop in loops:
            loop.start()
        _wait(lambda: _tombstones(sessions) == 0 and all(loop.ticks >= 2 for loop in loops))
    finally:
        for loop in loops:
            loop.stop()
        second_engine.dispose()
    assert sum(loop.runs for loop in loops) == 1


def _wait(condition: Any, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def test_the_app_prunes_at_start(db: tuple[str, sessionmaker[Session]]) -> None:
    from fastapi import FastAPI

    _url, sessions = db
    _old_tombstone(sessions, datetime.now(UTC) - timedelta(days=100))
    app = FastAPI()
    loop = MaintenanceLoop(sessions, timedelta(days=90), timedelta(hours=24))
    with_maintenance(app, loop)

    async def serve_briefly() -> None:
        async with app.router.lifespan_context(app):
            await asyncio.to_thread(_wait, lambda: _tombstones(sessions) == 0)

    asyncio.run(serve_briefly())
    assert loop.runs == 1


# --- the retention announcement -----------------------------------------------------------------


def test_the_server_announces_its_retention(own_backend: Backend) -> None:
    api = own_backend.login(own_backend.of_role("agent")[0].username)
    info = api.get("/api/v1/sync/info")
    assert info.status_code == 200, info.text
    with own_backend.sessions() as session:
        retained = session.get(ServerState, "retained_from")
        last_keep = session.get(ServerState, "change_retention_days")
    expected = 90 if last_keep is None else min(90, int(last_keep.value))
    assert info.json() == {
        "change_retention_days": expected,
        "retained_from": int(retained.value) if retained else 0,
    }
    with own_backend.sessions.begin() as session:
        from workstation.server.retention import prune

        prune(session, timedelta(days=30), datetime.now(UTC))  # a manual, shorter prune
    assert api.get("/api/v1/sync/info").json()["change_retention_days"] == 30
