"""Reassign with a confirmation that shows exactly what moves, then what the server moved.

The dialog first asks the server for a dry run (nothing changes), lists every account that
would move with its from/to agent and balance, and the per-agent effect ("Chen 310 → 257").
"Move" sends the same request for real; the result shown is the server's answer, and if
the team changed in between (the answer differs from the preview) it says so. A failure
leaves everything as it was — the server applies a reassignment in one transaction — and
the dialog says that nothing moved.

Accounts going to an agent not certified for their jurisdiction's rule pack (issue 18) are
named in the preview with a warning, and "Move" waits for the lead's reason, which the
server keeps in the audit (it refuses such a move without one).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.common import error_label, localize_buttons, set_column_widths
from ui.errors import describe, reason
from ui.i18n import tr
from ui.lead.models import MovesModel
from ui.ops import OpState
from workstation.lead import ReassignResult

# (dry_run, reason) → result (blocking; runs on the pool); the reason is for moves to an
# agent not certified for the account's jurisdiction
Run = Callable[[bool, str], ReassignResult]


class ReassignDialog(QDialog):
    preview_ready = Signal(object)  # ReassignResult (dry run)
    completed = Signal(object)  # ReassignResult (confirmed by the server)
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        run: Run,
        *,
        names: dict[str, str],
        accounts: dict[str, int] | None = None,
        customers: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reassignDialog")
        self.setWindowTitle(title)
        self.ctx, self.run, self.names = ctx, run, names
        self.accounts = accounts or {}
        self.preview: ReassignResult | None = None
        self.outcome: ReassignResult | None = None
        self.heading = QLabel(tr("Asking the server what would move…"), self)
        self.heading.setObjectName("planTitle")
        self.heading.setWordWrap(True)
        self.effect = QLabel(self)
        self.effect.setWordWrap(True)
        self.effect.setObjectName("figures")
        self.model = MovesModel(self)
        self.model.customer.update(customers or {})
        self.model.names.update(names)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Accounts that move"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        set_column_widths(self.table, ((0, 100), (1, 180), (2, 150), (3, 150)))
        self.warning = QLabel(self)
        self.warning.setObjectName("error")
        self.warning.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(tr("Why these accounts go to an uncertified agent"))
        self.reason.setAccessibleName(tr("Reason"))
        self.reason.textChanged.connect(lambda _t: self._enable_confirm())
        self.warning.hide()
        self.reason.hide()
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.confirm = QPushButton(tr("Move"), self)
        self.confirm.setObjectName("primary")
        self.confirm.setEnabled(False)
        self.buttons.addButton(self.confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        localize_buttons(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.confirm.clicked.connect(self.execute)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.effect)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 560)
        self.request_preview()

    def _name(self, user_id: str | None) -> str:
        return self.names.get(user_id or "", user_id or "—")

    def _effect_text(self, result: ReassignResult) -> str:
        lines = []
        for user_id, (gained, lost) in sorted(
            result.per_agent.items(), key=lambda item: self._name(item[0])
        ):
            before = self.accounts.get(user_id)
            if before is not None:
                after = before + gained - lost
                lines.append(f"{self._name(user_id)}: {before} → {after}  (+{gained} / −{lost})")
            else:
                lines.append(f"{self._name(user_id)}: +{gained} / −{lost}")
        return "\n".join(lines)

    def request_preview(self) -> None:
        run = self.run

        def op(_state: OpState) -> ReassignResult:
            return run(True, "")

        self.ctx.runner.work(
            op, on_done=self._previewed, on_error=self._preview_failed, label="reassign preview"
        )

    def _previewed(self, result: ReassignResult) -> None:
        self.preview = result
        self.model.set_rows(result.moves)
        if not result.moves:
            self.heading.setText(tr("Nothing would move: the queues are already like that."))
            self.confirm.setEnabled(False)
        else:
            self.heading.setText(
                tr("%1 accounts will move. Nothing has changed yet.").replace(
                    "%1", str(result.count)
                )
            )
            self.confirm.setText(tr("Move %1 accounts").replace("%1", str(result.count)))
            self.confirm.setEnabled(True)
            self.confirm.setFocus()
        self._warn_uncertified(result)
        self.effect.setText(self._effect_text(result))
        self.preview_ready.emit(result)

    def _warn_uncertified(self, result: ReassignResult) -> None:
        """Moves to an agent not certified for the account's pack: say which, ask why."""
        if not result.uncertified:
            self.warning.hide()
            self.reason.hide()
            return
        per_agent: dict[tuple[str, str], int] = {}
        for _account, user_id, pack in result.uncertified:
            per_agent[(user_id, pack)] = per_agent.get((user_id, pack), 0) + 1
        lines = [
            tr("%1 is not certified for %2: %3 accounts")
            .replace("%1", self._name(user_id))
            .replace("%2", pack)
            .replace("%3", str(count))
            for (user_id, pack), count in sorted(per_agent.items())
        ]
        self.warning.setText(
            tr("Not certified for these accounts' jurisdiction:")
            + "\n"
            + "\n".join(lines)
            + "\n"
            + tr("Say why they should have them (kept in the audit), or cancel.")
        )
        self.warning.show()
        self.reason.show()
        self.reason.setFocus()
        self._enable_confirm()

    def _needs_reason(self) -> bool:
        return bool(self.preview and self.preview.uncertified)

    def _enable_confirm(self) -> None:
        if self.preview is None or not self.preview.moves or self.outcome is not None:
            return
        self.confirm.setEnabled(not self._needs_reason() or bool(self.reason.text().strip()))

    def _preview_failed(self, exc: BaseException) -> None:
        self.heading.setText(tr("The server could not say what would move."))
        self.error.setText(describe(exc))
        self.failed.emit(str(exc))

    def execute(self) -> None:
        if self.preview is None or self.outcome is not None:
            return
        run, why = self.run, self.reason.text().strip()
        if self._needs_reason() and not why:
            self.error.setText(tr("Say why the accounts go to an uncertified agent."))
            return
        self.confirm.setEnabled(False)
        self.error.setText(tr("Moving…"))

        def op(_state: OpState) -> ReassignResult:
            return run(False, why)

        self.ctx.runner.work(op, on_done=self._done, on_error=self._failed, label="reassign")

    def _done(self, result: ReassignResult) -> None:
        self.outcome = result
        self.model.set_rows(result.moves)
        self.heading.setText(
            tr("Done: the server moved %1 accounts.").replace("%1", str(result.count))
        )
        self.effect.setText(self._effect_text(result))
        if self.preview is not None and not result.same_moves(self.preview):
            self.error.setText(
                tr("The team changed since the preview; the list shows what actually moved.")
            )
        else:
            self.error.clear()
        self.confirm.hide()
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText(tr("Close"))
            cancel.setFocus()
        self.completed.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.confirm.setEnabled(True)
        self.error.setText(tr("Nothing was moved: %1").replace("%1", reason(exc)))
        self.failed.emit(str(exc))
