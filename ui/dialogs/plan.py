"""Plan calculator: instalments, deferral and settlement side by side with the affordability
check; only affordable options are green. "Agree" records a plan_agreement event and then
runs the agreement-preview hooks (the documents issue registers the PDF preview there)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.common import KeepsDialogsOpen, error_label, localize_buttons, mark
from ui.dialogs.registry import AGREEMENT_PREVIEW_HOOKS, register_dialog
from ui.errors import describe
from ui.i18n import pick, tr
from ui.models import ScheduleModel
from ui.ops import OpState
from workstation.desk import AgreedPlan, Changes, PlanComparison, PlanOption, ValidationError
from workstation.desk.approvals import Approval, approved_for, pending_for, request
from workstation.domain.enums import ApprovalStatus

if TYPE_CHECKING:
    from workstation.documents import RenderedDocument


class OptionColumn(QFrame):
    agree = Signal(object)  # PlanOption
    ask_approval = Signal(object)  # PlanOption outside policy, not approved yet

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planOption")
        self.option: PlanOption | None = None
        self.approved = False
        self.title = QLabel(self)
        self.title.setObjectName("planTitle")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("planVerdict")
        self.model = ScheduleModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 36)
        self.table.setColumnWidth(1, 96)
        self.button = QPushButton(tr("Agree this plan"), self)
        self.button.clicked.connect(self._agree_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.button)

    def _agree_clicked(self) -> None:
        if self.option is None:
            return
        if self.option.warnings and not self.approved:
            self.ask_approval.emit(self.option)
        else:
            self.agree.emit(self.option)

    def show_approval(self, approval: Approval | None, approved: bool) -> None:
        """An option outside policy is agreed only under the lead's approval: the button
        asks for it, waits for it, or agrees under it; a refusal says why."""
        self.approved = approved
        option = self.option
        if option is None or not option.warnings:
            self.button.setText(tr("Agree this plan"))
            self.button.setEnabled(True)
            self.button.setToolTip("")
            return
        waiting = approval is not None and approval.status is ApprovalStatus.REQUESTED
        if approved:
            self.button.setText(tr("Agree this plan (approved)"))
        elif waiting:
            self.button.setText(tr("Waiting for the team lead"))
        else:
            self.button.setText(tr("Request approval…"))
        self.button.setEnabled(not waiting)
        refused = approval is not None and approval.status is ApprovalStatus.REFUSED
        self.button.setToolTip(
            tr("Refused by %1: %2")
            .replace("%1", approval.decided_by)
            .replace("%2", approval.reason)
            if refused and approval is not None and not approved
            else ""
        )
        if refused and approval is not None and not approved:
            self.summary.setText(
                self.summary.text()
                + "<br><span style='color:#b3261e'>"
                + tr("Refused by %1: %2")
                .replace("%1", html.escape(approval.decided_by))
                .replace("%2", html.escape(approval.reason))
                + "</span>"
            )

    def show_option(self, option: PlanOption) -> None:
        self.option = option
        self.title.setText(pick(option.title))
        self.table.setAccessibleName(tr("Schedule") + " " + pick(option.title))
        self.button.setAccessibleName(tr("Agree this plan") + " " + pick(option.title))
        lines = [pick(option.summary), tr("Total") + f" <b>{option.total.format()}</b>"]
        if option.monthly_burden is not None:
            lines.append(
                tr("Largest monthly payment %1").replace(
                    "%1", f"<b>{option.monthly_burden.format()}</b>"
                )
            )
        lines.extend(f"<span style='color:#b3261e'>⚠ {pick(w)}</span>" for w in option.warnings)
        self.summary.setText("<br>".join(lines))
        if option.affordable is None:
            state, text = "unknown", tr("Enter income to check affordability")
        elif option.affordable:
            state, text = "yes", tr("Affordable")
        else:
            state, text = (
                "no",
                tr("Not affordable: largest payment %1").replace(
                    "%1", (option.monthly_burden or option.largest_payment).format()
                ),
            )
        self.verdict.setText(text)
        self.setProperty("affordable", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.model.set_lines(option.schedule)


class PlanRecorder(Protocol):
    """What records an agreed plan: the desk's service, or the field laptop's."""

    def agree_plan(self, account_id: str, option: PlanOption, note: str = "") -> AgreedPlan: ...


class PlanDialog(QDialog):
    agreed = Signal(object)  # Changes

    def __init__(
        self, ctx: AppContext, account_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.setWindowTitle(tr("Repayment plan calculator"))
        self.ctx, self.account_id = ctx, account_id
        self.preview: QDialog | None = None
        self.income = QLineEdit(self)
        self.expenses = QLineEdit(self)
        self.instalments = QSpinBox(self)
        self.instalments.setRange(1, 120)
        self.instalments.setValue(12)
        self.deferral_months = QSpinBox(self)
        self.deferral_months.setRange(1, 24)
        self.deferral_months.setValue(3)
        self.deferral_instalments = QSpinBox(self)
        self.deferral_instalments.setRange(1, 120)
        self.deferral_instalments.setValue(24)
        self.settlement_percent = QLineEdit("60", self)
        self.inputs = {
            "monthly_income": self.income,
            "monthly_expenses": self.expenses,
            "instalments": self.instalments,
            "deferral_months": self.deferral_months,
            "deferral_instalments": self.deferral_instalments,
            "settlement_percent": self.settlement_percent,
        }
        grid = QGridLayout()
        labels = (
            ("monthly_income", tr("Monthly &income")),
            ("monthly_expenses", tr("Essential &spending")),
            ("instalments", tr("&Instalments")),
            ("deferral_months", tr("&Deferral months")),
            ("deferral_instalments", tr("Instalments &after deferral")),
            ("settlement_percent", tr("Settlement &%")),
        )
        for position, (name, text) in enumerate(labels):
            label = QLabel(text, self)
            widget = self.inputs[name]
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            grid.addWidget(label, position // 3, (position % 3) * 2)
            grid.addWidget(widget, position // 3, (position % 3) * 2 + 1)
        self.disposable = QLabel(self)
        self.disposable.setObjectName("muted")
        self.columns = [OptionColumn(self) for _ in range(3)]
        row = QHBoxLayout()
        for column in self.columns:
            column.agree.connect(self._agree)
            column.ask_approval.connect(self._ask_approval)
            row.addWidget(column, 1)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(tr("Note for the agreement (optional)"))
        self.note.setAccessibleName(tr("Agreement note"))
        self.error = error_label(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        localize_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.disposable)
        layout.addLayout(row, 1)
        notes = QFormLayout()
        notes.addRow(tr("Note"), self.note)
        layout.addLayout(notes)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(1040, 620)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.recalculate)
        for widget in (self.income, self.expenses, self.settlement_percent):
            widget.textChanged.connect(self._debounce.start)
        for widget in (self.instalments, self.deferral_months, self.deferral_instalments):
            widget.valueChanged.connect(self._debounce.start)
        self.recalculate()

    def recalculate(self) -> None:
        if self.account_id is None:
            self.error.setText(tr("Select an account first."))
            return
        desk, account_id = self.ctx.desk, self.account_id
        args: dict[str, Any] = {
            "instalments": self.instalments.value(),
            "deferral_months": self.deferral_months.value(),
            "deferral_instalments": self.deferral_instalments.value(),
            "settlement_percent": self.settlement_percent.text(),
            "monthly_income": self.income.text(),
            "monthly_expenses": self.expenses.text(),
        }

        def op(_state: OpState) -> tuple[PlanComparison, list[tuple[Approval | None, bool]]]:
            comparison = desk.compare_plans(account_id, **args)
            view = desk.account(account_id)
            states = [
                (pending_for(view, o), approved_for(view, o) is not None)
                for o in comparison.options
            ]
            return comparison, states

        # key: a newer calculation makes an older late result irrelevant
        self.ctx.runner.db(
            op,
            on_done=self._show,
            on_error=self._failed,
            key=f"plans:{id(self)}",
            label="compare plans",
        )

    def _show(self, result: tuple[PlanComparison, list[tuple[Approval | None, bool]]]) -> None:
        comparison, states = result
        mark(self.inputs, {})
        self.error.clear()
        if comparison.disposable is not None:
            text = tr("Left each month after essential spending: %1").replace(
                "%1", comparison.disposable.format()
            )
            if comparison.max_instalment is not None:
                text += "  ·  " + tr("affordable up to %1 a month").replace(
                    "%1", comparison.max_instalment.format()
                )
            self.disposable.setText(text)
        else:
            self.disposable.setText(
                tr("Enter income and essential spending to check affordability.")
            )
        for column, option, state in zip(self.columns, comparison.options, states, strict=False):
            column.show_option(option)
            column.show_approval(*state)

    def _ask_approval(self, option: PlanOption) -> QDialog | None:
        """Ask the lead to approve an option outside policy (why, in the agent's words)."""
        from ui.views.holds import ReasonDialog

        if self.account_id is None:
            return None
        dialog = ReasonDialog(
            tr("Request approval"),
            tr("This plan is outside policy: %1 Why should the team lead approve it?").replace(
                "%1", " ".join(pick(w) for w in option.warnings)
            ),
            self,
        )
        desk, account_id = self.ctx.desk, self.account_id

        def send(why: str) -> None:
            self.ctx.runner.db(
                lambda _s: request(desk, desk.account(account_id), option, why),
                on_done=self._requested,
                on_error=self._agree_failed,
                label="request approval",
            )

        dialog.given.connect(send)
        self.approval_dialog = dialog
        dialog.open()
        return dialog

    def _requested(self, changes: Changes) -> None:
        self.error.setText(
            tr("Sent to the team lead with the next sync; you can agree it once approved.")
        )
        self.agreed.emit(changes)
        self.recalculate()

    def _failed(self, exc: BaseException) -> None:
        mark(self.inputs, exc.errors if isinstance(exc, ValidationError) else {})
        self.error.setText(describe(exc))

    def _agree(self, option: PlanOption) -> None:
        if self.account_id is None:
            return
        service, account_id, note = self._agreeing(), self.account_id, self.note.text()
        for column in self.columns:
            column.button.setEnabled(False)
        self.error.setText(tr("Preparing the agreement…"))

        def op(_state: OpState) -> AgreedPlan:
            return service.agree_plan(account_id, option, note)

        self.ctx.runner.db(
            op, on_done=self._agreed, on_error=self._agree_failed, label="agree plan"
        )

    def _agreeing(self) -> PlanRecorder:
        """Who records the plan: the desk (the field dialog's is the field service, which
        keeps the agreement's PDF and its hash with the plan)."""
        return self.ctx.desk

    def _agreed(self, agreed: AgreedPlan) -> None:
        for column in self.columns:
            column.button.setEnabled(True)
        self.error.clear()
        self.agreed.emit(agreed.changes)
        parent = self.parentWidget()
        self.preview = open_preview(self.ctx, agreed.document, agreed.reference, parent)
        for hook in AGREEMENT_PREVIEW_HOOKS:
            hook(self.ctx, self.account_id, agreed.changes, parent)
        self.accept()

    def _agree_failed(self, exc: BaseException) -> None:
        for column in self.columns:
            column.button.setEnabled(True)
        self.error.setText(describe(exc))


def open_preview(
    ctx: AppContext, document: RenderedDocument | bytes, reference: str, parent: QWidget | None
) -> QDialog:
    """The agreement preview (print / save as) for a rendered PDF or stored bytes."""
    from ui.documents import open_agreement_preview

    title = tr("Agreement %1 — print or save for signing").replace("%1", reference)
    dialog = open_agreement_preview(
        document,
        runner=ctx.runner,
        parent=parent,
        title=title,
        suggested_name=f"{reference or 'agreement'}.pdf",
    )
    keeper: object = parent  # (a QWidget's type alone cannot say it keeps dialogs)
    if isinstance(keeper, KeepsDialogsOpen):  # the main window: alive until closed
        keeper.keep_open(dialog)
    return dialog


@register_dialog("plan")
def _create(ctx: AppContext, parent: QWidget | None, account_id: str | None) -> QDialog:
    return PlanDialog(ctx, account_id, parent)
