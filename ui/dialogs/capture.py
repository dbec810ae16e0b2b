"""Complaint, dispute, hardship and satisfaction capture; each records one event that places
the holds the customer's rule pack requires (the desk service asks the compliance engine)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.common import error_label, localize_buttons, mark
from ui.dialogs.registry import register_dialog
from ui.errors import describe
from ui.i18n import tr
from ui.labels import complaint_text, dispute_text, phone_type_text
from ui.ops import OpState
from workstation.desk import (
    COMPLAINT_CATEGORIES,
    DISPUTE_REASONS,
    AccountView,
    Changes,
    ValidationError,
)


class CaptureDialog(QDialog):
    """One form per kind; OK records it on the db worker and closes only on success."""

    recorded = Signal(object)  # Changes

    def __init__(
        self, ctx: AppContext, kind: str, account_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.kind, self.account_id = ctx, kind, account_id
        self.setObjectName(f"{kind}Dialog")
        self.setWindowTitle(
            {
                "complaint": tr("Record complaint"),
                "dispute": tr("Record dispute"),
                "hardship": tr("Record hardship"),
                "satisfaction": tr("Customer satisfaction"),
            }[kind]
        )
        form = QFormLayout()
        self.widgets: dict[str, QWidget] = {}

        def row(name: str, label: str, widget: QWidget) -> None:
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(caption, widget)
            self.widgets[name] = widget

        intro = {
            "complaint": tr(
                "A complaint starts its response deadline and pauses contact as the rule pack requires."  # noqa: E501
            ),
            "dispute": tr("A dispute pauses collection until the debt is verified."),
            "hardship": tr(
                "Hardship flags the customer for care; use the plan calculator to agree what they can afford."  # noqa: E501
            ),
            "satisfaction": tr("Ask: how satisfied are you with this call, from 1 to 5?"),
        }[kind]
        if kind == "complaint":
            self.category = QComboBox(self)
            for code in COMPLAINT_CATEGORIES:
                self.category.addItem(complaint_text(code), code)
            row("category", tr("&Category"), self.category)
            self.blocked = QComboBox(self)
            self.blocked.addItem(tr("Nothing to block"), "")
            row("blocked_address", tr("&No contact on"), self.blocked)
            if account_id is not None:
                ctx.runner.db(
                    lambda _s: ctx.desk.account(account_id),
                    on_done=self._fill_contacts,
                    key=f"capture:{id(self)}",
                    label="load contacts",
                )
        if kind == "dispute":
            self.reason = QComboBox(self)
            for code in DISPUTE_REASONS:
                self.reason.addItem(dispute_text(code), code)
            row("reason", tr("&Reason"), self.reason)
        if kind == "hardship":
            self.income = QLineEdit(self)
            row("monthly_income", tr("Monthly &income"), self.income)
            self.expenses = QLineEdit(self)
            row("monthly_expenses", tr("Essential &spending"), self.expenses)
        if kind == "satisfaction":
            self.score = QSpinBox(self)
            self.score.setRange(1, 5)
            self.score.setValue(4)
            row("score", tr("&Score (1–5)"), self.score)
        self.details = QPlainTextEdit(self)
        self.details.setTabChangesFocus(True)
        self.details.setFixedHeight(90)
        row("details", tr("&Details") if kind != "satisfaction" else tr("&Comment"), self.details)

        self.error = error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        localize_buttons(self.buttons)
        layout = QVBoxLayout(self)
        note = QLabel(intro, self)
        note.setWordWrap(True)
        note.setObjectName("muted")
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        if self.account_id is None:
            self.error.setText(tr("Select an account first."))
            return
        desk = self.ctx.desk
        details = self.details.toPlainText()
        account_id = self.account_id
        kind = self.kind
        # Read every widget here, on the GUI thread; the op only sees plain values.
        category = str(self.category.currentData()) if kind == "complaint" else ""
        blocked = str(self.blocked.currentData() or "") if kind == "complaint" else ""
        reason = str(self.reason.currentData()) if kind == "dispute" else ""
        income = self.income.text() if kind == "hardship" else ""
        expenses = self.expenses.text() if kind == "hardship" else ""
        score = self.score.value() if kind == "satisfaction" else 0

        def op(_state: OpState) -> Changes:
            if kind == "complaint":
                return desk.record_complaint(account_id, category, details, blocked_address=blocked)
            if kind == "dispute":
                return desk.record_dispute(account_id, reason, details)
            if kind == "hardship":
                return desk.record_hardship(account_id, details, income, expenses)
            return desk.record_satisfaction(account_id, score, details)

        self.buttons.setEnabled(False)
        self.error.setText(tr("Saving…"))
        self.ctx.runner.db(
            op, on_done=self._done, on_error=self._failed, label=f"record {self.kind}"
        )

    def _fill_contacts(self, view: AccountView) -> None:
        for phone in view.customer.phones:
            kind = phone_type_text(phone.type.value)
            self.blocked.addItem(tr("Phone") + f" {phone.number} ({kind})", phone.id)
        for email in view.customer.emails:
            self.blocked.addItem(tr("E-mail") + f" {email.address}", email.id)

    def _done(self, changes: Changes) -> None:
        self.buttons.setEnabled(True)
        self.recorded.emit(changes)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        mark(self.widgets, exc.errors if isinstance(exc, ValidationError) else {})
        self.error.setText(describe(exc))


def _factory(kind: str) -> Callable[..., CaptureDialog]:
    def create(ctx: AppContext, parent: QWidget | None, account_id: str | None) -> CaptureDialog:
        return CaptureDialog(ctx, kind, account_id, parent)

    return create


for _kind in ("complaint", "dispute", "hardship", "satisfaction"):
    register_dialog(_kind)(_factory(_kind))
