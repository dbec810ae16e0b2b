"""The account's hold panel: every hold in one place — reason, placed by, since, until,
what lifts it — with "Lift…" for the holds the agent's role may lift (the others say who may,
as their tooltip) and "Place breathing space…" where the customer's pack has it (UK).

The lines come from ``workstation.desk.holds`` (computed on the worker with the account);
a lift or a placement is asked for by a signal the desk handles on its op runner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import localize_buttons, set_column_widths
from ui.i18n import pick, tr
from workstation.desk.holds import HoldLine
from workstation.domain.enums import CustomerFlag


class ReasonDialog(QDialog):
    """One question: why (audited). ``given`` carries the text."""

    given = Signal(str)

    def __init__(self, title: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("holdReason")
        label = QLabel(question, self)
        label.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(90)
        label.setBuddy(self.text)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        buttons = localize_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def _save(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            self.error.setText(tr("Say why (it is kept with your name)."))
            return
        self.given.emit(text)
        self.accept()


class HoldPanel(QWidget):
    lift_requested = Signal(object, str)  # CustomerFlag, why
    breathing_space_requested = Signal(str)  # who notified it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("holdPanel")
        self.lines: list[HoldLine] = []
        self.dialog: ReasonDialog | None = None
        self.table = QTableWidget(0, 4, self)
        self.table.setAccessibleName(tr("Holds on this account"))
        self.table.setHorizontalHeaderLabels(
            [tr("Hold"), tr("Placed"), tr("Until"), tr("What lifts it")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        set_column_widths(self.table, ((0, 130), (1, 110), (2, 100)))
        self.note = QLabel(self)
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.lift = QPushButton(tr("Lift…"), self)
        self.lift.setEnabled(False)
        self.place = QPushButton(tr("Place breathing space…"), self)
        self.place.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.place)
        buttons.addWidget(self.lift)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._selected)
        self.lift.clicked.connect(self.ask_lift)
        self.place.clicked.connect(self.ask_breathing_space)

    def show_holds(self, lines: list[HoldLine], *, breathing_space: bool) -> None:
        """The account's holds; ``breathing_space``: the pack has it and none is placed."""
        self.lines = list(lines)
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            placed = " · ".join(
                part
                for part in (line.placed_by, line.since.isoformat() if line.since else "")
                if part
            )
            values = (pick(line.reason), placed or "—", pick(line.until), pick(line.lifted_by))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.note.setText(
            tr("Holds: %1 — contact waits until each is lifted.").replace("%1", str(len(lines)))
            if lines
            else tr("No hold on this account.")
        )
        self.place.setVisible(breathing_space)
        if lines:
            self.table.selectRow(0)
        self._selected()

    def current(self) -> HoldLine | None:
        row = self.table.currentRow()
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def _selected(self) -> None:
        line = self.current()
        can = line is not None and line.flag is not None and line.may_lift
        self.lift.setEnabled(can)
        if line is None:
            self.lift.setToolTip("")
        elif can:
            self.lift.setToolTip(tr("Record that %1").replace("%1", pick(line.lifted_by)))
        else:
            self.lift.setToolTip(tr("Lifted when %1").replace("%1", pick(line.lifted_by)))

    def ask_lift(self) -> ReasonDialog | None:
        line = self.current()
        if line is None or line.flag is None or not line.may_lift:
            return None
        flag: CustomerFlag = line.flag
        dialog = ReasonDialog(
            tr("Lift: %1").replace("%1", pick(line.reason)),
            tr("This records that %1. Why?").replace("%1", pick(line.lifted_by)),
            self,
        )
        dialog.given.connect(lambda why: self.lift_requested.emit(flag, why))
        return self._open(dialog)

    def ask_breathing_space(self) -> ReasonDialog:
        dialog = ReasonDialog(
            tr("Place breathing space"),
            tr(
                "Contact, interest and charges stop for 60 days from today. "
                "Who notified it (the debt adviser, the Insolvency Service reference)?"
            ),
            self,
        )
        dialog.given.connect(self.breathing_space_requested.emit)
        return self._open(dialog)

    def _open(self, dialog: ReasonDialog) -> ReasonDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()
        return dialog
