"""A strategy's raised task on the device: it stands in the queue rows until an outcome
answers it, the bulk load and the SQL refresh agree on it, and a stop condition lifts it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from workstation.demo.generator import DemoPortfolio, generate_portfolio
from workstation.domain import AccountStatus, Channel, Event, EventType, contact_attempt, new_id
from workstation.queue import Category, RankedRow, from_row, parse_task, rank
from workstation.queue.tasks import StrategyTask
from workstation.store import Store
from workstation.text import Text

AS_OF = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
DAY = date(2025, 3, 14)


def _task(step_id: str = "au-call-3", day: date = DAY) -> StrategyTask:
    return StrategyTask(
        strategy_id="standard-v1",
        step_id=step_id,
        task="call",
        day=day,
        step=Text("call, day 3 past due", "电话，逾期第3天"),
        strategy=Text("Standard", "标准策略"),
        stops=frozenset({"promise", "plan", "paid", "hold"}),
        experiment_id="exp-1",
        arm="challenger",
    )


def _note(account_id: str, customer_id: str, task: StrategyTask, at: datetime) -> Event:
    return Event(
        id=new_id(),
        type=EventType.NOTE,
        account_id=account_id,
        customer_id=customer_id,
        occurred_at=at,
        recorded_by="system",
        payload={"text": "Strategy step: …", "strategy_task": task.to_payload()},
    )


def _open_accounts(portfolio: DemoPortfolio, n: int) -> list[tuple[str, str]]:
    found = [
        (a.id, a.customer_id)
        for a in portfolio.accounts
        if a.status is AccountStatus.OPEN and a.days_past_due > 0
    ]
    assert len(found) >= n
    return found[:n]


def _with_tasks(portfolio: DemoPortfolio) -> tuple[DemoPortfolio, list[tuple[str, str]]]:
    picked = _open_accounts(portfolio, 3)
    end_of_day = datetime.combine(DAY, datetime.max.time().replace(microsecond=0), UTC)
    (a, ca), (b, cb), (c, cc) = picked
    events = [
        *portfolio.events,
        _note(a, ca, _task(), end_of_day),  # stands
        _note(b, cb, _task(), end_of_day),
        # b was called that morning: answered, even though the note is dated later
        contact_attempt(
            account=next(x for x in portfolio.accounts if x.id == b),
            channel=Channel.PHONE,
            disposition="NA",
            recorded_by="li.na",
            occurred_at=datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=10),
        ),
        # c: an older task answered by an attempt after its day … then a newer one stands
        _note(
            c, cc, _task("au-call-15", DAY - timedelta(days=12)), end_of_day - timedelta(days=12)
        ),
        contact_attempt(
            account=next(x for x in portfolio.accounts if x.id == c),
            channel=Channel.PHONE,
            disposition="NA",
            recorded_by="li.na",
            occurred_at=end_of_day - timedelta(days=5),
        ),
        _note(c, cc, _task("au-call-45"), end_of_day),
    ]
    return replace(portfolio, events=events), picked


def _tasks(store: Store) -> dict[str, str | None]:
    with store.read() as connection:
        return dict(connection.exec_driver_sql("SELECT id, strategy_task FROM accounts").all())


def test_the_standing_task_is_derived_alike_by_the_bulk_load_and_the_sql_refresh() -> None:
    portfolio, ((a, _), (b, _), (c, _)) = _with_tasks(generate_portfolio(120, seed=5, as_of=AS_OF))
    with Store.open() as store:
        store.bulk_load(portfolio)
        bulk = _tasks(store)
        with store.write() as connection:
            store._derived.refresh(connection, None)
        assert _tasks(store) == bulk
        standing = {k for k, v in bulk.items() if v is not None}
        assert standing == {a, c}
        task_a = parse_task(bulk[a])
        assert task_a == _task()
        task_c = parse_task(bulk[c])
        assert task_c is not None
        assert task_c.step_id == "au-call-45"
        rows = {r.account_id: r for r in store.queue_rows()}
        assert parse_task(rows[a].strategy_task) == _task()
        assert rows[b].strategy_task is None


def _ranked(store: Store, now: datetime) -> dict[str, RankedRow]:
    """The queue with every account contactable (calling hours are not under test here)."""
    return {r.account_id: r for r in rank([from_row(row) for row in store.queue_rows()], now)}


def test_an_outcome_logged_on_the_device_answers_the_task() -> None:
    portfolio, ((a, _), _, _) = _with_tasks(generate_portfolio(60, seed=5, as_of=AS_OF))
    with Store.open() as store:
        store.bulk_load(portfolio)
        now = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=11)
        ranked = _ranked(store, now)
        assert ranked[a].category is Category.TASK
        assert ranked[a].reasons[0].code == "STRATEGY_STEP"
        assert ranked[a].reasons[0].text_en == "strategy step: call, day 3 past due (Standard)"
        assert ranked[a].reasons[0].text_zh == "策略步骤：电话，逾期第3天（标准策略）"
        detail = store.load_account(a)
        assert detail is not None
        store.record_event(
            contact_attempt(account=detail.account, channel=Channel.PHONE, disposition="NA",
                            recorded_by="li.na", occurred_at=now),
            device_id="dev-1",
        )  # fmt: skip
        assert _tasks(store)[a] is None
        ranked = _ranked(store, now)
        assert ranked[a].category is not Category.TASK
        assert all(r.code != "STRATEGY_STEP" for r in ranked[a].reasons)
