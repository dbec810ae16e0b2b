"""Asking before an outcome places a hold the agent cannot lift again.

Which outcomes ask is the holds table's answer (``workstation.desk.holds.
lasting_hold_warning``: a hold only the team lead or its own workflow lifts — deceased,
bankrupt, fraud review, cease communication, a dispute, a complaint, a vulnerable
customer), never a list kept here. The box opens window-modal (``open()``, never
``exec()``) with *Go back* as its default, so a second Enter does not confirm a slip.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.i18n import pick, tr
from workstation.text import Text


def ask_lasting_hold(
    parent: QWidget, warning: Text, on_confirmed: Callable[[], None]
) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("A lasting hold"), pick(warning), parent=parent)
    box.setObjectName("lastingHoldConfirmation")
    record = box.addButton(tr("Record the outcome"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(tr("Go back"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)

    def finished(_result: int) -> None:
        if box.clickedButton() is record:
            on_confirmed()

    box.finished.connect(finished)
    box.open()
    return box
