"""What the desk calls a strategy's part in an account, in both languages: the experiment
arm that chose its strategy and the step that put it in the queue."""

from __future__ import annotations

from workstation.strategy.assign import CHALLENGER, CHAMPION
from workstation.text import Text

EXPERIMENT = Text("Experiment", "策略实验")
ARM = {
    CHAMPION: Text("Champion", "冠军策略"),
    CHALLENGER: Text("Challenger", "挑战者策略"),
}
NO_EXPERIMENT = Text("Champion — in no experiment", "冠军策略 — 未参与实验")
QUEUE_STEP = Text("Queued by", "列入队列的策略步骤")
NO_STEP = Text("No strategy step waiting", "无待办策略步骤")
TASK_DAY = Text("due", "到期")


def arm_words(arm: str | None) -> Text:
    """The arm's name; an unknown arm is shown as it is spelt."""
    if arm is None:
        return NO_EXPERIMENT
    return ARM.get(arm, Text(arm, arm))
