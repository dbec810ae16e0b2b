"""The field collector's screen: the offline banner, today's visits in route order, the
selected stop and the visit-outcome form — all of it working with no network.

``build_field_workspace(ctx)`` returns the widget the main window mounts for ``--role
field``. Every store read and write runs on the context's op runner (``ctx.runner.db``);
sync and document upload run on its pool (``ctx.runner.work``); widgets are touched only in
the callbacks, on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.context import AppContext
from ui.dialogs.common import error_label, mark, set_column_widths
from ui.dialogs.plan import PlanDialog, PlanRecorder
from ui.errors import describe, reason
from ui.field.models import VisitsModel, verdict_text, window_text
from ui.i18n import pick, tr
from ui.ops import OpState
from ui.workspace import KeySpec
from workstation.desk import Changes, ValidationError
from workstation.domain.enums import VisitOutcome
from workstation.field import (
    EVIDENCE_FLAGS,
    EVIDENCE_LABELS,
    OUTCOME_LABELS,
    THIRD_PARTY_WARNING,
    AgreedPlan,
    OfflineFacts,
    TodayPlan,
    VisitInput,
    VisitStop,
    required_evidence,
)

log = logging.getLogger(__name__)

_LEVEL_COLOURS = {
    "ok": theme.OK_BG,
    "info": {"light": "#e8f0fb", "dark": "#22364f"},
    "warning": theme.WARN_BG,
    "danger": theme.BAD_BG,
}


class OfflineBanner(QFrame):
    """“Offline 2 days · 41 changes waiting” — coloured by how urgent a sync is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setObjectName("offlineBannerText")
        self.label.setAccessibleName(tr("Sync state"))
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setAccessibleName(tr("Sync progress"))
        self.progress.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        self.level = "info"

    def show_facts(self, facts: OfflineFacts) -> None:
        self.level = facts.level
        icon = {"ok": "●", "info": "●", "warning": "▲", "danger": "⚠"}[facts.level]
        self.label.setText(f"{icon}  {pick(facts.text)}")
        colour = _LEVEL_COLOURS[facts.level][theme.current()]
        text = "#111111" if theme.current() == "light" else "#f0f0f0"
        weight = 600 if facts.level in ("warning", "danger") else 500
        self.setStyleSheet(
            f"QFrame#offlineBanner {{ background: {colour}; border-radius: 4px; }}"
            f"QLabel#offlineBannerText {{ color: {text}; font-size: 11pt;"
            f" font-weight: {weight}; }}"
        )


class StopHeader(QFrame):
    """The selected stop: who, where, how much, the visiting window and the verdict now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountHeader")
        self.name = QLabel(self)
        self.name.setObjectName("customerName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address = QLabel(self)
        self.address.setWordWrap(True)
        self.figures = QLabel(self)
        self.figures.setObjectName("figures")
        self.hours = QLabel(self)
        self.hours.setObjectName("clock")
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (self.name, self.address, self.figures, self.hours, self.verdict):
            layout.addWidget(widget)

    def show_stop(self, stop: VisitStop | None) -> None:
        if stop is None:
            self.name.setText(tr("No visit selected"))
            for label in (self.address, self.figures, self.hours, self.verdict):
                label.clear()
            return
        alt = f"  {stop.name_alt}" if stop.name_alt else ""
        self.name.setText(f"{stop.position}. {stop.customer_name}{alt}")
        self.address.setText(stop.address or tr("No address on file"))
        self.figures.setText(
            tr("Balance %1 · past due %2 · %3 days past due")
            .replace("%1", stop.balance.format())
            .replace("%2", stop.past_due.format())
            .replace("%3", str(stop.days_past_due))
        )
        self.hours.setText(
            tr("Visiting hours %1 · customer's time now %2")
            .replace("%1", window_text(stop))
            .replace("%2", stop.local_time.strftime("%H:%M"))
        )
        reasons = "; ".join(pick(r) for r in stop.verdict.reasons)
        self.verdict.setText(verdict_text(stop) + (f" — {reasons}" if reasons else ""))
        self.verdict.setProperty("allowed", "yes" if stop.verdict.allowed else "no")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)


class VisitForm(QWidget):
    """What happened at the door; evidence; a promise; notes. Saves with Ctrl+Enter."""

    save_requested = Signal()
    plan_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitForm")
        self.stop: VisitStop | None = None
        self.outcomes = QButtonGroup(self)
        outcome_box = QGridLayout()
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for number, outcome in enumerate(VisitOutcome, 1):
            button = QRadioButton(f"&{number}  {pick(OUTCOME_LABELS[outcome])}", self)
            button.setAccessibleName(pick(OUTCOME_LABELS[outcome]))
            self.outcomes.addButton(button, number)
            self.outcome_buttons[outcome.value] = button
            outcome_box.addWidget(button, (number - 1) // 3, (number - 1) % 3)
        self.outcomes.idToggled.connect(self._outcome_changed)
        self.address = QComboBox(self)
        self.address.setAccessibleName(tr("Address visited"))
        self.evidence: dict[str, QCheckBox] = {}
        evidence_box = QGridLayout()
        for position, flag in enumerate(EVIDENCE_FLAGS):
            box = QCheckBox(pick(EVIDENCE_LABELS[flag]), self)
            box.setAccessibleName(pick(EVIDENCE_LABELS[flag]))
            self.evidence[flag] = box
            evidence_box.addWidget(box, position // 2, position % 2)
        self.third_party = QLabel(pick(THIRD_PARTY_WARNING), self)
        self.third_party.setObjectName("error")
        self.third_party.hide()
        self.promise_amount = QLineEdit(self)
        self.promise_amount.setPlaceholderText(tr("amount"))
        self.promise_amount.setAccessibleName(tr("Promise amount"))
        self.promise_date = QLineEdit(self)
        self.promise_date.setPlaceholderText(tr("YYYY-MM-DD"))
        self.promise_date.setAccessibleName(tr("Promise date"))
        promise_row = QHBoxLayout()
        promise_row.addWidget(self.promise_amount, 1)
        promise_row.addWidget(self.promise_date, 1)
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName(tr("Visit notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.override = QLineEdit(self)
        self.override.setAccessibleName(tr("Reason (override)"))
        self.override.setPlaceholderText(
            tr("Only if the visit was not allowed or evidence is missing")
        )
        self.error = error_label(self)
        self.save = QPushButton(tr("Save visit (Ctrl+Enter)"), self)
        self.save.setObjectName("primary")
        self.save.clicked.connect(self.save_requested)
        self.plan = QPushButton(tr("Agree a plan… (Ctrl+P)"), self)
        self.plan.clicked.connect(self.plan_requested)

        form = QFormLayout()
        for text, widget in (
            (tr("&Address"), self.address),
            (tr("&Promise"), promise_row),
            (tr("&Notes"), self.notes),
            (tr("O&verride reason"), self.override),
        ):
            label = QLabel(text, self)
            buddy = widget if isinstance(widget, QWidget) else self.promise_amount
            label.setBuddy(buddy)
            form.addRow(label, widget)
        outcome_title = QLabel(tr("What happened?"), self)
        outcome_title.setObjectName("planTitle")
        evidence_title = QLabel(tr("Evidence"), self)
        evidence_title.setObjectName("planTitle")
        buttons = QHBoxLayout()
        buttons.addWidget(self.plan)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(outcome_title)
        layout.addLayout(outcome_box)
        layout.addWidget(self.third_party)
        layout.addWidget(evidence_title)
        layout.addLayout(evidence_box)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.fields: dict[str, QWidget] = {
            "outcome": self.outcome_buttons[VisitOutcome.MET_DEBTOR.value],
            "address_id": self.address,
            "promise_amount": self.promise_amount,
            "promise_date": self.promise_date,
            "override_reason": self.override,
            **{f"evidence.{flag}": box for flag, box in self.evidence.items()},
        }
        self._outcome_changed(0, True)

    def current_outcome(self) -> str:
        button = self.outcomes.checkedButton()
        if button is None:
            return ""
        number = self.outcomes.id(button)
        return list(VisitOutcome)[number - 1].value

    def choose_outcome(self, outcome: str) -> None:
        self.outcome_buttons[outcome].setChecked(True)

    def _outcome_changed(self, _id: int, checked: bool) -> None:
        if not checked:
            return
        outcome = self.current_outcome()
        self.error.clear()
        mark(self.fields, {})
        met = outcome == VisitOutcome.MET_DEBTOR.value
        for widget in (self.promise_amount, self.promise_date):
            widget.setEnabled(met)
        self.plan.setEnabled(met and self.stop is not None)
        self.third_party.setVisible(outcome == VisitOutcome.THIRD_PARTY.value)
        required = (
            required_evidence(self.stop.pack_id, VisitOutcome(outcome))
            if self.stop is not None and outcome
            else {}
        )
        for flag, box in self.evidence.items():
            label = pick(EVIDENCE_LABELS[flag])
            box.setText(label + (" *" if flag in required else ""))
            box.setToolTip(
                pick(required[flag]) + " — " + tr("required") if flag in required else ""
            )

    def show_stop(self, stop: VisitStop | None) -> None:
        """A new stop: the form starts empty (nothing carried over from the last door)."""
        self.stop = stop
        self.address.clear()
        if stop is not None:
            for choice in stop.addresses:
                self.address.addItem(choice.text, choice.id)
            index = self.address.findData(stop.address_id)
            self.address.setCurrentIndex(max(index, 0))
        self.outcomes.setExclusive(False)
        for button in self.outcome_buttons.values():
            button.setChecked(False)
        self.outcomes.setExclusive(True)
        for box in self.evidence.values():
            box.setChecked(False)
        for line in (self.promise_amount, self.promise_date, self.override):
            line.clear()
        self.notes.clear()
        self.error.clear()
        mark(self.fields, {})
        self.setEnabled(stop is not None)
        self.plan.setEnabled(False)
        self._outcome_changed(0, True)

    def read_form(self) -> VisitInput | None:
        if self.stop is None:
            return None
        return VisitInput(
            account_id=self.stop.account_id,
            outcome=self.current_outcome(),
            address_id=str(self.address.currentData() or ""),
            evidence={flag: box.isChecked() for flag, box in self.evidence.items()},
            notes=self.notes.toPlainText(),
            promise_amount=self.promise_amount.text(),
            promise_date=self.promise_date.text(),
            override_reason=self.override.text(),
        )

    def show_errors(self, errors: dict[str, Any]) -> None:
        mark(self.fields, errors)
        self.error.setText("\n".join(dict.fromkeys(pick(t) for t in errors.values())))


class FieldPlanDialog(PlanDialog):
    """The desk's plan calculator; agreeing renders the agreement on the spot, keeps the PDF
    and records the plan with the PDF's hash (``FieldService.agree_plan``), then opens the
    agreement preview to print or save — all offline."""

    agreement_ready = Signal(object)  # AgreedPlan

    def __init__(
        self, ctx: AppContext, account_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, account_id, parent)
        self.setObjectName("fieldPlanDialog")
        self.setWindowTitle(tr("Agree a plan at the door"))
        self.preview: Any = None

    def _agreeing(self) -> PlanRecorder:
        return self.ctx.field_service()

    def _agreed(self, agreed: AgreedPlan) -> None:
        from ui.documents import open_agreement_preview

        for column in self.columns:
            column.button.setEnabled(True)
        self.agreed.emit(agreed.changes)
        self.agreement_ready.emit(agreed)
        self.preview = open_agreement_preview(
            agreed.document,
            runner=self.ctx.runner,
            parent=self.parentWidget(),
            title=tr("Agreement %1 — print or save for signing").replace("%1", agreed.reference),
            suggested_name=f"{agreed.reference}.pdf",
        )
        self.accept()


class FieldWorkspace(QWidget):
    """Banner · today's visits (route) | selected stop + visit form."""

    plan_loaded = Signal(int)
    visit_saved = Signal(object)  # Changes
    agreement_ready = Signal(object)  # AgreedPlan
    banner_updated = Signal(object)  # OfflineFacts
    synced = Signal(object)
    sync_failed = Signal(object)  # the exception
    sync_finished = Signal(object)  # either: the report or the exception

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldWorkspace")
        self.ctx = ctx
        self.service = ctx.field_service()
        self.plan: TodayPlan | None = None
        self.current: VisitStop | None = None
        self.online = ctx.sync.online  # the demo's first sync worked
        self.dialogs: list[Any] = []

        self.banner = OfflineBanner(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("figures")
        self.replan_button = QPushButton(tr("Plan the route again"), self)
        self.sync_button = QPushButton(tr("Sync now (F5)"), self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.replan_button)
        top.addWidget(self.sync_button)

        self.model = VisitsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("visitsTable")
        self.table.setAccessibleName(tr("Today's visits"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # a leg of three digits ("123.4", a town's far edge) shows whole, not as "12…"
        distance = self.table.fontMetrics().horizontalAdvance("8888.8") + 16
        set_column_widths(self.table, ((self.model.column_of(key), width) for key, width in (
            ("position", 40), ("area", 118), ("customer", 150), ("address", 170),
            ("distance", max(44, distance)), ("balance", 100), ("dpd", 64), ("last", 124),
            ("window", 96), ("verdict", 140), ("done", 90))))  # fmt: skip
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.header = StopHeader(self)
        self.form = VisitForm(self)
        self.form.save_requested.connect(self.save_visit)
        self.form.plan_requested.connect(self.open_plan)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.form, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1120, 470])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.replan_button.clicked.connect(lambda: self.load(replan=True))
        self.sync_button.clicked.connect(self.sync_now)
        self.act_save = self._action(tr("Save visit"), self.save_visit, "Ctrl+Return", "Ctrl+Enter")
        self.act_next = self._action(tr("Next visit"), self.next_stop, "Ctrl+N")
        self.act_plan = self._action(tr("Agree a plan"), self.open_plan, "Ctrl+P")
        self.act_sync = self._action(tr("Sync now"), self.sync_now, "F5")
        self.act_replan = self._action(
            tr("Plan the route again"), lambda: self.load(replan=True), "Ctrl+Shift+R"
        )
        self.act_table = self._action(tr("Go to the visit list"), self.table.setFocus, "Ctrl+L")

        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.refresh_banner)
        self._clock.start()
        self.header.show_stop(None)
        self.form.show_stop(None)

    def _action(self, text: str, slot: Any, *keys: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- the main window's side (RoleWorkspace) ------------------------------------------
    def as_widget(self) -> QWidget:
        return self

    def start(self) -> None:
        self.load()
        self.refresh_banner()

    def sync_shortcuts(self) -> tuple[KeySpec, ...]:
        return ()  # F5 is this screen's own "Sync now"

    def own_sync(self) -> FieldWorkspace:
        return self

    def sync_running(self) -> bool:
        return not self.sync_button.isEnabled()

    def after_sync(self) -> None:
        self.load()

    def layout_state(self) -> str:
        return ""

    def restore_layout(self, state: str) -> None:
        pass

    # -- loading -----------------------------------------------------------------------------
    def load(self, *, replan: bool = False) -> None:
        service = self.service
        current = self.current.account_id if self.current else None

        def op(_state: OpState) -> TodayPlan:
            return service.todays_visits(replan=replan)

        def done(plan: TodayPlan) -> None:
            self.plan = plan
            self.model.set_rows(plan.stops)
            self._show_summary()
            self.plan_loaded.emit(len(plan.stops))
            row = self.model.row_of(current) if current else None
            if row is None:
                row = next(
                    (i for i, s in enumerate(self.model.rows()) if s.visited_today is None), 0
                )
            if self.model.rowCount():
                self.table.selectRow(row)

        self.ctx.runner.db(op, on_done=done, key="field-plan", label="plan visits")

    def _show_summary(self) -> None:
        if self.plan is None:
            return
        stops = self.model.rows()
        done = sum(1 for s in stops if s.visited_today is not None)
        areas = len(dict.fromkeys(s.area for s in stops))
        visits_text = tr("1 visit") if len(stops) == 1 else tr("%1 visits")
        areas_text = tr("1 area") if areas == 1 else tr("%1 areas")
        # no leg measured (one visit, or no stop with coordinates): no "about 0 km"
        legs = [s.leg_km for s in stops if s.leg_km is not None]
        self.summary.setText(
            (
                tr("Today: %1 in %2 · about %3 km · %4 done")
                if legs
                else tr("Today: %1 in %2 · %4 done")
            )
            .replace("%1", visits_text.replace("%1", str(len(stops))))
            .replace("%2", areas_text.replace("%1", str(areas)))
            .replace("%3", f"{sum(legs):,.0f}")
            .replace("%4", str(done))
        )

    def refresh_banner(self) -> None:
        service, online = self.service, self.online
        self.ctx.runner.db(
            lambda _s: service.offline_facts(online=online),
            on_done=self._banner_done,
            key="field-banner",
            label="offline banner",
        )

    def _banner_done(self, facts: OfflineFacts) -> None:
        self.banner.show_facts(facts)
        self.banner_updated.emit(facts)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        stop = self.model.row_at(current.row()) if current.isValid() else None
        self.current = stop
        self.header.show_stop(stop)
        self.form.show_stop(stop)

    def select_stop(self, account_id: str) -> bool:
        row = self.model.row_of(account_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def next_stop(self) -> None:
        rows = self.model.rows()
        if not rows:
            return
        start = self.table.currentIndex().row()
        for offset in range(1, len(rows) + 1):
            candidate = rows[(start + offset) % len(rows)]
            if candidate.visited_today is None:
                self.select_stop(candidate.account_id)
                self.form.outcome_buttons[VisitOutcome.MET_DEBTOR.value].setFocus()
                return

    # -- recording ---------------------------------------------------------------------------
    def save_visit(self) -> None:
        form = self.form.read_form()
        if form is None:
            return
        service = self.service
        self.form.save.setEnabled(False)
        self.ctx.runner.db(
            lambda _s: service.record_visit(form),
            on_done=self._saved,
            on_error=self._save_failed,
            label="record visit",
        )

    def _saved(self, changes: Changes) -> None:
        self.form.save.setEnabled(True)
        self.form.error.setText(tr("Visit saved on this laptop."))
        self.visit_saved.emit(changes)
        self.refresh_stops(changes)
        self.refresh_banner()

    def _save_failed(self, exc: BaseException) -> None:
        self.form.save.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc.errors)
        else:
            self.form.error.setText(describe(exc))

    def refresh_stops(self, changes: Changes) -> None:
        """Re-read only the stops a change touched (the route order stays as planned)."""
        service = self.service
        wanted = [s for s in self.model.rows() if s.account_id in changes.accounts]

        def op(_state: OpState) -> list[VisitStop]:
            from dataclasses import replace

            return [
                replace(service.stop(s.account_id), position=s.position, leg_km=s.leg_km)
                for s in wanted
            ]

        def done(stops: list[VisitStop]) -> None:
            for stop in stops:
                self.model.replace_row(stop)
                if self.current is not None and self.current.account_id == stop.account_id:
                    self.current = stop
                    self.header.show_stop(stop)
            self._show_summary()

        self.ctx.runner.db(op, on_done=done, label="refresh stops")

    def open_plan(self) -> FieldPlanDialog | None:
        if self.current is None:
            return None
        dialog = FieldPlanDialog(self.ctx, self.current.account_id, self)
        dialog.agreed.connect(self.refresh_stops)
        dialog.agreed.connect(lambda _c: self.refresh_banner())
        dialog.agreement_ready.connect(self.agreement_ready)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _forget(self, dialog: Any) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)

    # -- sync ----------------------------------------------------------------------------------
    def sync_now(self) -> None:
        engine = self.ctx.sync.engine
        if engine is None:
            self.banner.label.setText(
                self.banner.label.text()
                + "  ·  "
                + tr("Not signed in: your work stays on this laptop until you sign in and sync.")
            )
            return
        from workstation.field.uploads import sync_field_device
        from workstation.sync import SyncProgress

        self.sync_button.setEnabled(False)
        self.banner.progress.setRange(0, 0)
        self.banner.progress.show()

        def op(state: OpState) -> Any:
            progress = SyncProgress(
                on_change=lambda view: state.progress(view.done, view.total or 0, view.message)
            )
            return sync_field_device(engine, progress)

        self.ctx.runner.work(
            op,
            on_done=self._synced,
            on_error=self._sync_failed,
            on_progress=self._sync_progress,
            key="field-sync",
            label="sync",
        )

    def _sync_progress(self, done: int, total: int, _text: str) -> None:
        self.banner.progress.setRange(0, max(total, 0))
        if total:
            self.banner.progress.setValue(done)

    def _synced(self, result: Any) -> None:
        self.online = True
        self.sync_button.setEnabled(True)
        self.banner.progress.hide()
        self.synced.emit(result)
        self.sync_finished.emit(result)
        self.load()
        self.refresh_banner()

    def _sync_failed(self, exc: BaseException) -> None:
        from workstation.sync import OfflineError

        self.online = not isinstance(exc, OfflineError)
        self.sync_button.setEnabled(True)
        self.banner.progress.hide()
        self.refresh_banner()
        self.form.error.setText(
            tr("Sync did not finish: %1 — nothing recorded here is lost.").replace(
                "%1", reason(exc)
            )
        )
        self.sync_failed.emit(exc)
        self.sync_finished.emit(exc)


def build_field_workspace(context: AppContext) -> FieldWorkspace:
    """The field collector's central widget for the main window (``--role field``); call
    ``.start()`` once it is shown to plan the day and fill the banner."""
    return FieldWorkspace(context)
