"""An agent task the strategy run raises (call, visit, hardship review): the step due on an
account, the note it is written as, and the statuses a strategy action takes. Shared by the
run (``run``) and the field referral (``field_referral``), which raises a referred visit
once the lead has moved the account to a field collector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workstation.queue.tasks import StrategyTask
from workstation.strategy.model import Step, Strategy
from workstation.text import Text

#: how a strategy's task note begins (the desk and the field laptop recognise it by this)
TASK_PREFIX = Text("Strategy step: ", "策略步骤：")

# the action's status
QUEUED, DEFERRED, BLOCKED, RAISED, SKIPPED = "queued", "deferred", "blocked", "raised", "skipped"


@dataclass(frozen=True, slots=True)
class Due:
    account_id: str
    customer_id: str
    owner_id: str | None
    step: Step
    strategy: Strategy
    experiment_id: str | None
    arm: str | None


def strategy_task(due: Due, day: date) -> StrategyTask:
    """The task the owner's queue shows for an agent step (``workstation.queue.tasks``)."""
    assert due.step.task is not None
    return StrategyTask(
        strategy_id=due.strategy.id,
        step_id=due.step.id,
        task=due.step.task.value,
        day=day,
        step=due.step.describe(),
        strategy=due.strategy.name,
        stops=due.strategy.stop_names,
        experiment_id=due.experiment_id,
        arm=due.arm,
    )


def task_note(due: Due, day: date) -> dict[str, Any]:
    """The note an agent task is written as: the timeline's record, and its
    ``strategy_task``, which puts the account in the owner's queue with the step as the
    reason until an outcome is logged or a stop condition holds (``workstation.queue.tasks``)."""
    words, name = due.step.describe(), due.strategy.name
    return {
        "text": f"{TASK_PREFIX.en}{words.en} ({name.en}) / {TASK_PREFIX.zh}{words.zh}（{name.zh}）",
        "strategy_task": strategy_task(due, day).to_payload(),
    }
