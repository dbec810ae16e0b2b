"""A strategy's agent task in the owner's queue: what it says and whether it still stands.

The daily run (``workstation.server.strategy.run``) raises a call, a visit or a hardship
review as a note whose payload carries ``strategy_task`` (``contract.events.StrategyTaskValue``).
The device keeps the latest such task of each account that no outcome has answered yet
(``store.derived``: a contact attempt or a visit logged on or after the step's day), and the
ranking puts a standing task in its own band with the step as the first reason.

A task stops standing, as the cadence stops, when a stop condition of its strategy holds
(``stop_holding`` is the one definition: ``strategy.cadence.stopped_by`` uses it too) — so
a promise taken, a plan agreed, the account paid or put on hold lifts it at once, offline
included, without waiting for the server.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from workstation.domain.enums import AccountStatus, EventType
from workstation.domain.model import Event
from workstation.text import Text

# the strategy stop conditions (``strategy.model.Stop`` values)
STOP_PROMISE, STOP_PLAN, STOP_PAID, STOP_HOLD = "promise", "plan", "paid", "hold"
_HELD = frozenset({AccountStatus.HOLD.value, AccountStatus.DISPUTE.value})
_CLOSED = frozenset(s.value for s in AccountStatus if s.is_closed)
_OUTCOMES = frozenset({EventType.CONTACT_ATTEMPT, EventType.VISIT})


def stop_holding(
    stops: Collection[str], status: str, *, open_promise: bool = False, plan_active: bool = False
) -> str | None:
    """The stop condition (of ``stops``) that holds for an account, if any.

    A closed account always stops (nothing to collect, whatever the strategy lists).
    """
    if status in _CLOSED:
        return STOP_PAID
    if STOP_HOLD in stops and status in _HELD:
        return STOP_HOLD
    if STOP_PLAN in stops and (plan_active or status == AccountStatus.PLAN.value):
        return STOP_PLAN
    if STOP_PROMISE in stops and (open_promise or status == AccountStatus.PROMISE.value):
        return STOP_PROMISE
    return None


@dataclass(frozen=True, slots=True)
class StrategyTask:
    """One raised agent task: the step (in words), its strategy, day and experiment arm."""

    strategy_id: str
    step_id: str
    task: str  # call, visit, hardship_review
    day: date
    step: Text  # the step in words ("Call, day 30 past due")
    strategy: Text  # the strategy's name
    stops: frozenset[str] = frozenset()
    experiment_id: str | None = None
    arm: str | None = None

    @property
    def reason(self) -> Text:
        """The queue's reason: the step and the strategy that put the account there."""
        return Text(
            f"strategy step: {self.step.en} ({self.strategy.en})",
            f"策略步骤：{self.step.zh}（{self.strategy.zh}）",
        )

    def standing(self, status: str, *, open_promise: bool = False) -> bool:
        """Whether the task is still work (no stop condition of its strategy holds)."""
        return stop_holding(self.stops, status, open_promise=open_promise) is None

    def to_payload(self) -> dict[str, Any]:
        """The note payload's ``strategy_task`` (``contract.events.StrategyTaskValue``)."""
        return {
            "strategy_id": self.strategy_id,
            "step_id": self.step_id,
            "task": self.task,
            "day": self.day.isoformat(),
            "step_en": self.step.en,
            "step_zh": self.step.zh,
            "strategy_en": self.strategy.en,
            "strategy_zh": self.strategy.zh,
            "stop_when": sorted(self.stops),
            "experiment_id": self.experiment_id,
            "arm": self.arm,
        }


def answered(task: StrategyTask, outcomes_at: Iterable[datetime]) -> bool:
    """Whether an outcome (a contact attempt or a visit) was logged on or after the task's
    day (UTC): the owner has done it. ``store.derived`` applies the same rule in SQL."""
    return any(at.astimezone(UTC).date() >= task.day for at in outcomes_at)


def standing_task(events: Iterable[Event], status: str) -> StrategyTask | None:
    """The strategy task an account's history leaves standing: the latest raised, unless an
    outcome answered it or a stop condition of its strategy holds (an open promise counts)."""
    latest: tuple[datetime, StrategyTask] | None = None
    outcomes: list[datetime] = []
    open_promise = False
    for event in events:
        if event.type in _OUTCOMES:
            outcomes.append(event.occurred_at)
        elif event.type is EventType.PROMISE:
            open_promise = open_promise or event.payload.get("status", "open") == "open"
        elif event.type is EventType.NOTE:
            task = parse_task(event.payload.get("strategy_task"))
            if task is not None and (latest is None or event.occurred_at >= latest[0]):
                latest = (event.occurred_at, task)
    if latest is None:
        return None
    task = latest[1]
    if answered(task, outcomes) or not task.standing(status, open_promise=open_promise):
        return None
    return task


def parse_task(value: StrategyTask | str | Mapping[str, Any] | None) -> StrategyTask | None:
    """A note payload's ``strategy_task`` (a mapping, or the store's JSON text), or None when
    absent or unreadable (a malformed task is no task: the account is ranked as usual)."""
    if value is None or isinstance(value, StrategyTask):
        return value
    try:
        data = json.loads(value) if isinstance(value, str) else value
        if not isinstance(data, Mapping):
            return None
        return StrategyTask(
            strategy_id=str(data["strategy_id"]),
            step_id=str(data["step_id"]),
            task=str(data["task"]),
            day=date.fromisoformat(str(data["day"])),
            step=Text(str(data["step_en"]), str(data.get("step_zh") or data["step_en"])),
            strategy=Text(
                str(data["strategy_en"]), str(data.get("strategy_zh") or data["strategy_en"])
            ),
            stops=frozenset(str(s) for s in data.get("stop_when") or ()),
            experiment_id=None if data.get("experiment_id") is None else str(data["experiment_id"]),
            arm=None if data.get("arm") is None else str(data["arm"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


__all__ = [
    "STOP_HOLD",
    "STOP_PAID",
    "STOP_PLAN",
    "STOP_PROMISE",
    "StrategyTask",
    "answered",
    "parse_task",
    "standing_task",
    "stop_holding",
]
