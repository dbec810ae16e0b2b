"""Under the 2×2 segment at the desk, on one row: which arm of which experiment chose the account's
strategy, and the strategy step that put the account in the queue (while it stands).

Everything is read from the account view as synced and derived on the device (the arm is
the server's draw; the step is ``workstation.queue.tasks``); nothing is decided here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.i18n import pick
from workstation.domain import Account
from workstation.queue.tasks import StrategyTask
from workstation.strategy.assign import CHALLENGER
from workstation.strategy.words import EXPERIMENT, NO_STEP, QUEUE_STEP, TASK_DAY, arm_words

_CHALLENGER_STYLE = "color:#a05a00; font-weight:600;"
_CHAMPION_STYLE = "color:#1f6f8b; font-weight:600;"
_MUTED = "color:#8a939d;"


class StrategyStepPanel(QWidget):
    """``show(account, task)`` fills it; ``show(None, None)`` clears it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("strategyStepPanel")
        self.setAccessibleName(pick(QUEUE_STEP))
        self.arm = QLabel(self)
        self.arm.setObjectName("experimentArm")
        self.step = QLabel(self)
        self.step.setObjectName("strategyStep")
        for label in (self.arm, self.step):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # one row under the 2×2: the arm on the left, the step beside it
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self.arm, 2)
        layout.addWidget(self.step, 3)
        self.task: StrategyTask | None = None
        self.show_account(None, None)

    def show_account(self, account: Account | None, task: StrategyTask | None) -> None:
        self.task = task
        if account is None:
            self.arm.clear()
            self.step.clear()
            return
        arm = account.experiment_arm
        style = _CHALLENGER_STYLE if arm == CHALLENGER else _CHAMPION_STYLE
        words = html.escape(pick(arm_words(arm)))
        experiment = (
            f" <span style='{_MUTED}'>({html.escape(account.experiment_name)})</span>"
            if arm is not None and account.experiment_name
            else ""
        )
        self.arm.setText(
            f"<b>{html.escape(pick(EXPERIMENT))}</b> <span style='{style}'>{words}</span>"
            + experiment
        )
        self.arm.setToolTip(account.experiment_id or "")
        if task is None:
            self.step.setText(
                f"<b>{html.escape(pick(QUEUE_STEP))}</b>"
                f" <span style='{_MUTED}'>{html.escape(pick(NO_STEP))}</span>"
            )
            self.step.setToolTip("")
            return
        self.step.setText(
            f"<b>{html.escape(pick(QUEUE_STEP))}</b> {html.escape(pick(task.step))}"
            f" <span style='{_MUTED}'>({html.escape(pick(task.strategy))},"
            f" {html.escape(pick(TASK_DAY))} {task.day.isoformat()})</span>"
        )
        self.step.setToolTip(f"{task.strategy_id} · {task.step_id}")
