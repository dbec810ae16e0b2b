"""A complaint taken at the lead's console (issue 15's intake from every channel): the
customer rang or wrote to the team lead. The account is the one selected in *Team and
queues*; the lead chooses the category, writes what the customer said and, when it is about
one of the team's collectors, names them (the server then never makes them its owner). The
server registers it — reference, owner, deadlines — exactly as a desk's complaint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import error_label, localize_buttons
from ui.errors import describe
from ui.i18n import tr
from ui.labels import complaint_text
from workstation.desk import COMPLAINT_CATEGORIES
from workstation.lead.complaints import Complaint

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace


class TakeComplaintDialog(QDialog):
    taken = Signal(object)  # Complaint as the server registered it

    def __init__(self, console: LeadWorkspace, account_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("takeComplaintDialog")
        self.setWindowTitle(tr("Take a complaint"))
        self.console, self.account_id = console, account_id
        who = console.customers.get(account_id, "") or "…" + account_id[-8:]
        self.account = QLabel(who, self)
        self.category = QComboBox(self)
        for category in COMPLAINT_CATEGORIES:
            self.category.addItem(complaint_text(category), category)
        self.details = QPlainTextEdit(self)
        self.details.setTabChangesFocus(True)
        self.details.setPlaceholderText(tr("What the customer said, in their words"))
        self.about = QComboBox(self)
        self.about.addItem(tr("no one in particular"), "")
        for user_id, name in sorted(console.names().items(), key=lambda item: item[1]):
            self.about.addItem(name, user_id)
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow(tr("Customer"), self.account)
        form.addRow(tr("Category"), self.category)
        form.addRow(tr("Details"), self.details)
        form.addRow(tr("About the collector"), self.about)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        localize_buttons(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 360)

    def save(self) -> None:
        details = self.details.toPlainText().strip()
        if not details:
            self.error.setText(tr("Write what the customer complains about."))
            return
        client = self.console.client
        if client is None:
            return
        account_id, category = self.account_id, str(self.category.currentData())
        about = str(self.about.currentData() or "") or None
        self.buttons.setEnabled(False)

        def done(complaint: Complaint) -> None:
            self.taken.emit(complaint)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(tr("Nothing was recorded: %1").replace("%1", describe(exc)))

        self.console.ctx.runner.work(
            lambda _s: client.complaints.take(account_id, category, details, about),
            on_done=done,
            on_error=failed,
            label="take complaint",
        )
