"""A strategy's call reaches its owner's queue: the daily run (``--as-of`` the day the step
falls due) raises it, the owner's desk syncs, the account sits in the task band with the step
as its reason and the arm that chose it — and leaves the queue once the owner logs an
outcome, offline, before the next sync. Real backend on loopback, SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.server.conftest import BACKENDS, PASSWORD, Backend, running_backend
from workstation.desk import DeskService, OutcomeInput, QueueCategory
from workstation.domain.enums import Channel
from workstation.server.lifecycle.daily import run_daily
from workstation.server.models import AccountRow, CustomerRow
from workstation.server.strategy.models import StrategyAction
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, SyncEngine

FAST = HttpSettings(connect_timeout=2.0, read_timeout=30.0, retries=1, backoff_factor=0.01)
OWNER = "li.na"


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started


def _owned_open_account(backend: Backend) -> str:
    owner_id = backend.users[OWNER].user_id
    with backend.sessions() as session:
        for account_id, flags in session.execute(
            select(AccountRow.id, CustomerRow.flags)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            # a Shanghai customer: the queue is read at 10:00 in Shanghai (li.na's desk also
            # holds UK accounts, asleep at that hour)
            .where(
                AccountRow.owner_id == owner_id,
                AccountRow.status == "open",
                CustomerRow.timezone == "Asia/Shanghai",
            )
            .order_by(AccountRow.id)
        ):
            if not flags:
                return str(account_id)
    raise AssertionError("the seeded book gives li.na no open Shanghai account")


def test_the_strategy_call_enters_the_owners_queue_and_leaves_it_when_done(
    backend: Backend, tmp_path: Path
) -> None:
    # the day the step falls due, asked of the run by --as-of: today, because the outcome the
    # owner logs is checked by the server against its own clock (at most 2 days ahead)
    now = datetime.now(UTC)
    day = now.date()
    account_id = _owned_open_account(backend)
    # able but unwilling, two days late: aged by the run to day 3, the day of the firm call
    with backend.sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(days_past_due=2, past_due_minor=50_000, score="0.20",
                    segment="able_unwilling", ability=7000, willingness=2000)
        )  # fmt: skip
    report = run_daily(backend.sessions, day)
    assert report.processed
    with backend.sessions() as session:
        action = session.scalar(
            select(StrategyAction).where(
                StrategyAction.account_id == account_id, StrategyAction.day == day
            )
        )
    assert action is not None
    assert (action.step_id, action.kind, action.status) == ("au-call-3", "call", "raised")

    store = Store.open(tmp_path / "desk.db")
    api = ApiSession(backend.base, f"desk-{tmp_path.name[-12:]}", settings=FAST)
    api.sign_in(OWNER, PASSWORD)
    engine = SyncEngine(store, api, staging_path=tmp_path / "stage.db")
    engine.sync()
    morning = datetime.combine(day, time(2, 0), UTC)  # 10:00 in Shanghai: calling hours
    desk = DeskService(store, api.device_id, OWNER, clock=lambda: now)
    queue = desk.queue(morning)
    item = queue[queue.position[account_id]]
    assert item.contactable_now
    assert item.category == "task"
    assert item.category in QueueCategory.DUE_BANDS  # on the "Due now" tab
    # the step is the first reason, in both languages
    assert item.reasons[0].en == "strategy step: call, day 3 past due (Standard)"
    assert item.reasons[0].zh == "策略步骤：致电，逾期第3天（标准策略）"
    view = desk.account(account_id, morning)
    assert view.strategy_task is not None
    assert view.strategy_task.step_id == "au-call-3"
    assert view.strategy_task.strategy_id == "standard-v1"

    # the owner calls: no answer. Offline, the task is done and leaves the queue
    desk.log_outcome(
        OutcomeInput(account_id, "NA", Channel.PHONE, override_reason="test: calling hours"),
        now=now,
    )
    later = max(now, morning) + timedelta(minutes=1)
    again = desk.queue(later)
    item = again[again.position[account_id]]
    assert item.category != "task"
    assert all("strategy step" not in r.en for r in item.reasons)
    assert desk.account(account_id, later).strategy_task is None
    # and after the sync it stays done (the server's note is unchanged, the attempt is there)
    engine.sync()
    assert store.pending_outbox_count() == 0
    assert store.needs_attention() == []  # the server took the attempt
    final = desk.queue(later)
    assert final[final.position[account_id]].category != "task"
    api.close()
    store.close()
