"""The lead's Disputes tab: the team's open disputes (collection held on each) and the
lead's steps — send the validation notice (US), resume with a reason (where the pack has no
notice), uphold with an adjustment or the account closed. A refused step says why in the
status line and changes nothing; the server decides (``workstation.workflows.disputes``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import localize_buttons
from ui.errors import describe
from ui.field.table import Column, RowsModel
from ui.i18n import tr
from ui.labels import dispute_text
from ui.views.holds import ReasonDialog
from ui.workflow_words import dispute_summary
from workstation.lead.disputes import Dispute
from workstation.workflows.disputes import Step

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace


def _day(value: Any) -> str:
    return value.isoformat() if value else "—"


class DisputesModel(RowsModel[Dispute]):
    def __init__(self, names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(
                    "account",
                    lambda: tr("Account"),
                    lambda d: "…" + d.account_id[-8:],
                    lambda d: d.account_id,
                    tooltip=lambda d: d.account_id,
                ),
                Column(
                    "customer",
                    lambda: tr("Customer"),
                    lambda d: names.get(d.account_id, "—"),
                    lambda d: names.get(d.account_id, ""),
                ),
                Column(
                    "reason",
                    lambda: tr("Reason"),
                    lambda d: dispute_text(d.reason),
                    lambda d: d.reason,
                ),
                Column(
                    "status",
                    lambda: tr("Status"),
                    lambda d: dispute_summary({"status": d.status}).strip(" ·"),
                    lambda d: d.status,
                ),
                Column(
                    "received",
                    lambda: tr("Received"),
                    lambda d: _day(d.received_on),
                    lambda d: d.received_on,
                ),
                Column(
                    "resume",
                    lambda: tr("Collection may resume"),
                    lambda d: _day(d.resume_on),
                    lambda d: _day(d.resume_on),
                ),
            ],
            lambda d: d.id,
            parent,
        )


class UpholdDialog(QDialog):
    """Uphold: what was found, and the balance adjusted or the account closed."""

    given = Signal(str, object, bool)  # note, adjustment, close

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Uphold the dispute"))
        self.note = QPlainTextEdit(self)
        self.note.setMaximumHeight(80)
        self.note.setTabChangesFocus(True)
        self.adjustment = QLineEdit(self)
        self.adjustment.setPlaceholderText(tr("Amount taken off the balance"))
        self.close_account = QCheckBox(tr("Nothing is owed: close the account"), self)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        form = QFormLayout()
        form.addRow(tr("What was found"), self.note)
        form.addRow(tr("Adjustment"), self.adjustment)
        form.addRow("", self.close_account)
        buttons = localize_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _save(self) -> None:
        text = self.adjustment.text().strip().replace(",", "")
        amount: Decimal | None = None
        if text:
            try:
                amount = Decimal(text)
            except InvalidOperation:
                self.error.setText(tr("Not an amount"))
                return
        self.given.emit(self.note.toPlainText(), amount, self.close_account.isChecked())
        self.accept()


class DisputesView(QWidget):
    loaded = Signal(int)
    stepped = Signal(object)  # Dispute

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.names: dict[str, str] = {}
        self.model = DisputesModel(self.names, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Disputes"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.dialog: QDialog | None = None
        self.send_notice = QPushButton(tr("Send the validation notice"), self)
        self.resume = QPushButton(tr("Resume collection…"), self)
        self.uphold = QPushButton(tr("Uphold…"), self)
        hint = QLabel(
            tr(
                "Collection on each account stays held until the dispute is resumed or "
                "upheld; a US dispute resumes by itself once its notice is sent and the "
                "pack's wait is over."
            ),
            self,
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        for button in (self.send_notice, self.resume, self.uphold):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.send_notice.clicked.connect(lambda: self.send(Step.SEND_VALIDATION))
        self.resume.clicked.connect(self.ask_resume)
        self.uphold.clicked.connect(self.ask_uphold)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self._selected()

    def load(self) -> None:
        client = self.console.client
        if client is None:
            return
        self.console.ctx.runner.work(
            lambda _s: client.disputes.list(),
            on_done=self.show_rows,
            on_error=self.console._failed,
            key="lead-disputes",
            label="disputes",
        )

    def show_rows(self, rows: list[Dispute]) -> None:
        self.names.clear()
        self.names.update(self.console.customers)
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self._selected()
        self.loaded.emit(len(rows))

    def current(self) -> Dispute | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self, *_args: object) -> None:
        dispute = self.current()
        pending = dispute is not None and dispute.status == "pending_validation"
        self.send_notice.setEnabled(pending)
        self.resume.setEnabled(dispute is not None)
        self.uphold.setEnabled(dispute is not None)

    def ask_resume(self) -> ReasonDialog | None:
        if self.current() is None:
            return None
        dialog = ReasonDialog(tr("Resume collection"), tr("What did the investigation find?"), self)
        dialog.given.connect(lambda why: self.send(Step.RESUME, note=why))
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_uphold(self) -> UpholdDialog | None:
        if self.current() is None:
            return None
        dialog = UpholdDialog(self)
        dialog.given.connect(
            lambda note, amount, close: self.send(
                Step.UPHOLD, note=note, adjustment=amount, close_account=close
            )
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def send(
        self,
        step: Step,
        *,
        note: str = "",
        adjustment: Decimal | None = None,
        close_account: bool = False,
    ) -> None:
        dispute, client = self.current(), self.console.client
        if dispute is None or client is None:
            return

        def done(result: tuple[Dispute, str | None]) -> None:
            changed, _notice = result
            self.console.say(
                tr("Dispute %1: %2.")
                .replace("%1", "…" + changed.account_id[-8:])
                .replace(
                    "%2",
                    dispute_summary(
                        {
                            "status": changed.status,
                            "resume_on": changed.resume_on and changed.resume_on.isoformat(),
                        }
                    ),
                )
            )
            self.stepped.emit(changed)
            self.load()

        self.console.ctx.runner.work(
            lambda _s: client.disputes.step(
                dispute.id, step, note=note, adjustment=adjustment, close_account=close_account
            ),
            on_done=done,
            on_error=lambda exc: self.console.say(
                tr("Nothing was changed: %1").replace("%1", describe(exc))
            ),
            label=f"dispute {step.value}",
        )
