"""A strategy task in the queue: its band and reason, the stop conditions that lift it, and
the one stop definition the cadence shares."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from workstation.domain import Event, EventType, new_id
from workstation.queue import Category, QueueInput, parse_task, rank, standing_task
from workstation.queue.tasks import StrategyTask, stop_holding
from workstation.strategy import AccountState, stopped_by
from workstation.strategy.model import default_book
from workstation.text import Text

NOW = datetime(2030, 6, 3, 3, 0, tzinfo=UTC)
TASK = StrategyTask(
    strategy_id="standard-v1", step_id="au-call-3", task="call", day=date(2030, 6, 3),
    step=Text("call, day 3 past due", "电话，逾期第3天"), strategy=Text("Standard", "标准策略"),
    stops=frozenset({"promise", "plan", "paid", "hold"}),
)  # fmt: skip


def _input(account_id: str, **kw: object) -> QueueInput:
    values: dict[str, object] = {
        "account_id": account_id, "currency": "CNY", "balance_minor": 500_000,
        "past_due_minor": 100_000, "days_past_due": 3, "timezone": "Asia/Shanghai",
    } | kw  # fmt: skip
    return QueueInput(**values)  # type: ignore[arg-type]


def test_a_standing_task_ranks_after_promises_and_before_ordinary_work_with_the_step_first() -> (
    None
):
    # a richer account without a task would otherwise rank first
    rich = _input("rich", balance_minor=9_000_000, past_due_minor=5_000_000)
    tasked = _input("tasked", task=TASK)
    promised = _input("promised", promise_due_on=date(2030, 6, 2), promise_amount_minor=100)
    queue = rank([rich, tasked, promised], NOW)
    assert queue.account_ids() == ["promised", "tasked", "rich"]
    row = queue[1]
    assert row.category is Category.TASK
    assert row.reasons[0].text_en == "strategy step: call, day 3 past due (Standard)"
    assert row.reasons[0].text_zh == "策略步骤：电话，逾期第3天（标准策略）"


@pytest.mark.parametrize(
    ("status", "promise_on"),
    [
        ("hold", None),
        ("dispute", None),
        ("plan", None),
        ("promise", None),
        ("paid", None),
        ("open", date(2030, 6, 20)),
    ],
)
def test_a_stop_condition_lifts_the_task(status: str, promise_on: date | None) -> None:
    row = rank([_input("a", task=TASK, status=status, promise_due_on=promise_on)], NOW)[0]
    assert row.category is not Category.TASK
    assert all(r.code != "STRATEGY_STEP" for r in row.reasons)


def test_a_task_whose_strategy_does_not_stop_on_a_hold_stays() -> None:
    only_paid = replace(TASK, stops=frozenset({"paid"}))
    assert rank([_input("a", task=only_paid, status="promise")], NOW)[0].category is Category.TASK


def test_the_cadence_and_the_queue_share_one_stop_definition() -> None:
    strategy = default_book().get("standard-v1")
    for status in ("open", "promise", "plan", "hold", "dispute", "paid", "settled", "closed"):
        for promise in (False, True):
            state = AccountState("a", "able_unwilling", 3, status, open_promise=promise)
            stop = stopped_by(strategy, state)
            expected = stop_holding(strategy.stop_names, status, open_promise=promise)
            assert (None if stop is None else stop.value) == expected


def _event(kind: EventType, at: datetime, payload: dict[str, object]) -> Event:
    return Event(id=new_id(), type=kind, account_id="a", customer_id="c", occurred_at=at,
                 recorded_by="x", payload=payload)  # fmt: skip


def test_standing_task_from_history_follows_the_stores_rule() -> None:
    end_of_day = datetime(2030, 6, 3, 23, 59, 59, tzinfo=UTC)
    note = _event(EventType.NOTE, end_of_day, {"text": "t", "strategy_task": TASK.to_payload()})
    assert standing_task([note], "open") == TASK
    assert standing_task([note], "hold") is None
    morning_call = _event(EventType.CONTACT_ATTEMPT, end_of_day - timedelta(hours=14), {})
    assert standing_task([note, morning_call], "open") is None  # answered the same day
    day_before = _event(EventType.VISIT, end_of_day - timedelta(days=1), {})
    assert standing_task([note, day_before], "open") == TASK
    promise = _event(EventType.PROMISE, end_of_day, {"status": "open"})
    assert standing_task([note, promise], "open") is None
    plain = _event(EventType.NOTE, end_of_day, {"text": "just a note"})
    assert standing_task([plain], "open") is None


def test_a_malformed_task_is_no_task() -> None:
    assert parse_task('{"step_id": 1}') is None
    assert parse_task("not json") is None
    assert parse_task(TASK.to_payload()) == TASK
