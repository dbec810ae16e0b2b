"""The lead's Complaints tab: the team's complaints with owner, age and the next deadline
(red when due within two days or overdue), filters, a detail pane with the history and the
steps the lead may take, and the complaint KPIs per agent and for the team.

Every server call goes through ``LeadClient.complaints`` on the context's op runner (never
the GUI thread); a newer load supersedes an older one (op keys). A step the server refuses
keeps its dialog open with the message beside the field at fault; nothing was changed.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.dialogs.common import localize_buttons, set_column_widths
from ui.errors import describe
from ui.field.table import Column, RowsModel
from ui.i18n import pick, tr
from ui.labels import channel_text, complaint_text
from workstation.domain.enums import ComplaintOutcome
from workstation.lead.complaints import (
    Complaint,
    ComplaintDetail,
    ComplaintKpis,
    ComplaintRefused,
    HistoryEntry,
    shown,
)
from workstation.workflows.complaints import OUTCOME_LABELS, Step, StepInput
from workstation.workflows.deadlines import Urgency
from workstation.workflows.root_causes import root_cause_label, root_causes

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace

KPI_DAYS = 28


def state_text(status: str) -> str:
    return {
        "open": tr("Received"),
        "received": tr("Received"),
        "acknowledged": tr("Acknowledged"),
        "investigating": tr("Investigating"),
        "resolved": tr("Resolved"),
        "closed": tr("Closed"),
    }.get(status, status)


def step_text(step: str) -> str:
    return {
        "intake": tr("Received"),
        "register": tr("Registered"),
        "assign": tr("Assigned"),
        "acknowledge": tr("Acknowledged"),
        "investigate": tr("Investigation started"),
        "extend": tr("Deadline extended"),
        "resolve": tr("Resolved"),
        "close": tr("Closed"),
        "letter": tr("Letter produced"),
    }.get(step, step)


def step_button_text(step: Step) -> str:
    return {
        Step.ASSIGN: tr("Assign…"),
        Step.ACKNOWLEDGE: tr("Acknowledge"),
        Step.INVESTIGATE: tr("Investigate"),
        Step.EXTEND: tr("Extend…"),
        Step.RESOLVE: tr("Resolve…"),
        Step.CLOSE: tr("Close"),
    }[step]


def deadline_text(complaint: Complaint) -> str:
    if complaint.next_due_on is None:
        return "—"
    kind = tr("acknowledge") if complaint.next_deadline == "acknowledge" else tr("response")
    return f"{complaint.next_due_on.isoformat()} ({kind})"


def urgency_text(complaint: Complaint) -> str:
    if not complaint.is_open:
        if complaint.resolved_in_time is None:
            return "—"
        return tr("in time") if complaint.resolved_in_time else tr("late")
    return {
        Urgency.OVERDUE: tr("overdue"),
        Urgency.DUE_SOON: tr("due soon"),
        Urgency.ON_TIME: tr("on time"),
    }[complaint.urgency]


def _red(complaint: Complaint) -> str | None:
    return theme.BAD_BG[theme.current()] if complaint.red else None


def complaint_columns() -> list[Column[Complaint]]:
    return [
        Column("reference", lambda: tr("Reference"), lambda c: c.reference,
               lambda c: c.reference, background=_red),
        Column("customer", lambda: tr("Customer"), lambda c: c.customer_name or "—",
               lambda c: c.customer_name, background=_red),
        Column("about", lambda: tr("About"), lambda c: complaint_text(c.category),
               lambda c: c.category, background=_red),
        Column("status", lambda: tr("Status"), lambda c: state_text(c.status),
               lambda c: c.status, background=_red),
        Column("owner", lambda: tr("Owner"), lambda c: c.owner_name or tr("unassigned"),
               lambda c: c.owner_name, background=_red),
        Column("age", lambda: tr("Age (days)"), lambda c: str(c.age_days),
               lambda c: c.age_days, align_right=True, background=_red),
        Column("deadline", lambda: tr("Next deadline"), deadline_text,
               lambda c: c.next_due_on or date.max, background=_red),
        Column("urgency", lambda: tr("On time?"), urgency_text,
               lambda c: (c.urgency != Urgency.OVERDUE, c.urgency != Urgency.DUE_SOON),
               background=_red),
        Column("agent", lambda: tr("Agent"), lambda c: c.agent_name or "—",
               lambda c: c.agent_name, background=_red),
    ]  # fmt: skip


class ComplaintsModel(RowsModel[Complaint]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(complaint_columns(), lambda c: c.id, parent)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value} %"


class ComplaintStepDialog(QDialog):
    """The fields a step asks for (assign, extend, resolve); Save sends it, a refusal shows
    beside the field it names and the dialog stays open."""

    submitted = Signal(object, object)  # Step, StepInput

    def __init__(self, detail: ComplaintDetail, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.detail = detail
        complaint = detail.complaint
        self.setWindowTitle(f"{step_button_text(step).rstrip('…')} — {complaint.reference}")
        self.setObjectName(f"complaintStep_{step.value}")
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        self.owner = QComboBox(self)
        self.about = QComboBox(self)
        self.reason = QPlainTextEdit(self)
        self.approver = QComboBox(self)
        self.outcome = QComboBox(self)
        self.root_cause = QComboBox(self)
        self.redress = QLineEdit(self)
        self.resolution = QPlainTextEdit(self)
        self.remedy = QPlainTextEdit(self)
        for box in (self.reason, self.resolution, self.remedy):
            box.setMaximumHeight(80)
            box.setTabChangesFocus(True)
        if step is Step.ASSIGN:
            for person in detail.handlers:
                self.owner.addItem(person.name, person.user_id)
            current = self.owner.findData(complaint.owner_id)
            self.owner.setCurrentIndex(max(current, 0))
            self.about.addItem(tr("(nobody named)"), "")
            for person in detail.handlers:
                if person.role != "lead":
                    self.about.addItem(person.name, person.user_id)
            self.about.setCurrentIndex(max(self.about.findData(complaint.about_user_id or ""), 0))
            self._row(form, tr("&Handled by"), self.owner, "owner_id")
            self._row(form, tr("Complaint is &about"), self.about, "about_user_id")
            self._row(form, tr("&Note"), self.reason, "reason")
        elif step is Step.EXTEND:
            self._row(form, tr("&Reason"), self.reason, "reason")
            if detail.next_extension_needs_approval:
                self.approver.addItem(tr("(choose the approver)"), "")
                for person in detail.approvers:
                    self.approver.addItem(person.name, person.user_id)
                self._row(form, tr("&Approved by"), self.approver, "approver_id")
            left = QLabel(
                tr("Extensions left under the rule pack: %1").replace(
                    "%1", str(detail.extensions_left)
                ),
                self,
            )
            left.setObjectName("muted")
            form.addRow(left)
        elif step is Step.RESOLVE:
            for outcome in ComplaintOutcome:
                self.outcome.addItem(pick(OUTCOME_LABELS[outcome]), outcome.value)
            self.outcome.insertItem(0, tr("(choose the outcome)"), "")
            self.outcome.setCurrentIndex(0)
            self.root_cause.addItem(tr("(choose the root cause)"), "")
            for cause in root_causes():
                self.root_cause.addItem(pick(cause.label), cause.code)
            self.redress.setPlaceholderText(tr("Amount taken off the balance, if any"))
            self._row(form, tr("&Outcome"), self.outcome, "outcome")
            self._row(form, tr("Root &cause"), self.root_cause, "root_cause")
            self._row(form, tr("What was &found and decided"), self.resolution, "resolution")
            self._row(form, tr("What was &done about it"), self.remedy, "remedy")
            self._row(form, tr("Re&dress"), self.redress, "redress")
        self.general = QLabel(self)
        self.general.setObjectName("error")
        self.general.setWordWrap(True)
        buttons = localize_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        self.save = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _row(self, form: QFormLayout, text: str, widget: QWidget, key: str) -> None:
        label = QLabel(text, self)
        label.setBuddy(widget)
        error = QLabel(self)
        error.setObjectName("error")
        error.setWordWrap(True)
        error.hide()
        self.errors[key] = error
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, box)

    def given(self) -> StepInput:
        redress: Decimal | None = None
        text = self.redress.text().strip().replace(",", "")
        if text:
            try:
                redress = Decimal(text)
            except InvalidOperation:
                redress = Decimal(-1)  # the server refuses it with the field named
        return StepInput(
            owner_id=str(self.owner.currentData() or ""),
            about_user_id=str(self.about.currentData() or ""),
            reason=self.reason.toPlainText(),
            approver_id=str(self.approver.currentData() or ""),
            outcome=str(self.outcome.currentData() or ""),
            root_cause=str(self.root_cause.currentData() or ""),
            redress=redress,
            resolution=self.resolution.toPlainText(),
            remedy=self.remedy.toPlainText(),
        )

    def send(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.general.clear()
        self.save.setEnabled(False)
        self.submitted.emit(self.step, self.given())

    def refused(self, exc: BaseException) -> None:
        """Show why, beside the fields named; the dialog stays open."""
        self.save.setEnabled(True)
        named = getattr(exc, "errors", {}) if isinstance(exc, ComplaintRefused) else {}
        for key, text in named.items():
            label = self.errors.get(key)
            if label is not None:
                label.setText(pick(text))
                label.show()
        self.general.setText(describe(exc))


class ComplaintsView(QWidget):
    loaded = Signal(int)
    detail_loaded = Signal(object)  # ComplaintDetail
    stepped = Signal(object)  # Complaint, as the server left it
    kpis_loaded = Signal(object)

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.setObjectName("complaintsView")
        self.rows: list[Complaint] = []
        self.detail: ComplaintDetail | None = None
        self.dialog: ComplaintStepDialog | None = None
        self.kpi_line = QLabel(self)
        self.kpi_line.setObjectName("figures")
        self.kpi_line.setWordWrap(True)
        self.status = QComboBox(self)
        self.status.setAccessibleName(tr("Complaints shown"))
        for key, text in (
            ("open", tr("Open", "complaints")),
            ("resolved", tr("Resolved")),
            ("closed", tr("Closed")),
            ("all", tr("All")),
        ):
            self.status.addItem(text, key)
        self.owner = QComboBox(self)
        self.owner.setAccessibleName(tr("Owner"))
        self.owner.addItem(tr("any owner"), "")
        self.red_only = QCheckBox(tr("Overdue or due within 2 days only"), self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("Reference, customer or category…"))
        self.search.setAccessibleName(tr("Search complaints"))
        self.search.setClearButtonEnabled(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("Show"), self))
        bar.addWidget(self.status)
        bar.addWidget(self.owner)
        bar.addWidget(self.red_only)
        bar.addWidget(self.search, 1)
        self.take_button = QPushButton(tr("Take a complaint…"), self)
        self.take_button.setToolTip(tr("On the account selected in Team and queues"))
        self.take_button.clicked.connect(self.take)
        bar.addWidget(self.take_button)
        self.take_dialog: QDialog | None = None

        self.model = ComplaintsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Complaints"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        set_column_widths(self.table, ((0, 128), (1, 100), (2, 150), (3, 96), (4, 120), (5, 96),
                                       (6, 160), (7, 76)))  # fmt: skip

        self.summary = QTextBrowser(self)
        self.summary.setAccessibleName(tr("Complaint details"))
        self.buttons: dict[Step, QPushButton] = {}
        steps = QHBoxLayout()
        for step in (Step.ASSIGN, Step.ACKNOWLEDGE, Step.INVESTIGATE, Step.EXTEND,
                     Step.RESOLVE, Step.CLOSE):  # fmt: skip
            button = QPushButton(step_button_text(step), self)
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, s=step: self.begin(s))
            self.buttons[step] = button
            steps.addWidget(button)
        steps.addStretch(1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary, 1)
        right_layout.addLayout(steps)

        self.agents = QTableView(self)
        self.agents_model = AgentComplaintsModel(self)
        self.agents.setModel(self.agents_model)
        self.agents.setAccessibleName(tr("Complaint KPIs per agent"))
        self.agents.verticalHeader().hide()
        self.agents.horizontalHeader().setStretchLastSection(True)
        self.agents.setMaximumHeight(150)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([960, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(self.kpi_line)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.agents)

        self.status.currentIndexChanged.connect(self.load)
        self.owner.currentIndexChanged.connect(self._filter)
        self.red_only.toggled.connect(self._filter)
        self.search.textChanged.connect(self._filter)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self._selected()

    def take(self) -> QDialog | None:
        """The lead takes a complaint on the account selected in Team and queues."""
        from ui.lead.complaint_intake import TakeComplaintDialog

        selected = self.console.team.selected_ids()
        if len(selected) != 1:
            self.console.say(tr("Select the customer's account in Team and queues first."))
            return None
        dialog = TakeComplaintDialog(self.console, selected[0], self)

        def taken(complaint: Complaint) -> None:
            self.console.say(
                tr("Complaint %1 registered; its owner is %2.")
                .replace("%1", complaint.reference)
                .replace("%2", complaint.owner_name or "—")
            )
            self.load()

        dialog.taken.connect(taken)
        self.take_dialog = dialog
        dialog.open()
        return dialog

    # -- loading -------------------------------------------------------------------------------
    def load(self) -> None:
        client = self.console.client
        if client is None:
            return
        status = str(self.status.currentData() or "open")
        self.console.ctx.runner.work(
            lambda _s: client.complaints.list(status=status),
            on_done=self.show_rows,
            on_error=self.console._failed,
            key="lead-complaints",
            label="complaints",
        )
        today = date.today()
        self.console.ctx.runner.work(
            lambda _s: client.complaints.kpis(today - timedelta(days=KPI_DAYS - 1), today),
            on_done=self.show_kpis,
            on_error=self.console._failed,
            key="lead-complaint-kpis",
            label="complaint KPIs",
        )

    def show_rows(self, rows: list[Complaint]) -> None:
        self.rows = rows
        current = self.owner.currentData()
        owners = sorted({(c.owner_name, c.owner_id) for c in rows if c.owner_id})
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem(tr("any owner"), "")
        for name, owner_id in owners:
            self.owner.addItem(name or owner_id or "", owner_id)
        self.owner.setCurrentIndex(max(self.owner.findData(current), 0))
        self.owner.blockSignals(False)
        self._filter()
        self.loaded.emit(len(rows))

    def _filter(self, *_args: Any) -> None:
        selected = self.detail.complaint.id if self.detail else None
        owner = self.owner.currentData()
        rows = shown(self.rows, text=self.search.text(), red_only=self.red_only.isChecked())
        if owner:
            rows = [c for c in rows if c.owner_id == owner]
        self.model.set_rows(rows)
        if selected is not None and (row := self.model.row_of(selected)) is not None:
            self.table.selectRow(row)
        elif self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._selected()

    def show_kpis(self, kpis: ComplaintKpis) -> None:
        team = kpis.team
        causes = ", ".join(f"{pick(root_cause_label(c))} ({n})" for c, n in team.top_root_causes)
        self.kpi_line.setText(
            tr(
                "Open %1 · overdue %2 · last 4 weeks: received %3, resolved %4, "
                "in time %5, upheld %6 · top root causes: %7"
            )
            .replace("%1", str(team.open))
            .replace("%2", str(team.overdue))
            .replace("%3", str(team.received))
            .replace("%4", str(team.resolved))
            .replace("%5", _percent(team.in_time_share))
            .replace("%6", _percent(team.upheld_rate))
            .replace("%7", causes or "—")
        )
        names = self.console.names()
        self.agents_model.set_rows(
            [(names.get(user_id, user_id), block) for user_id, block in kpis.agents.items()]
        )
        self.agents.resizeColumnsToContents()
        self.kpis_loaded.emit(kpis)

    def current(self) -> Complaint | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._selected()  # the detail loads when the tab is looked at

    def _selected(self, *_args: Any) -> None:
        complaint = self.current()
        for button in self.buttons.values():
            button.setEnabled(False)
        if complaint is None:
            self.detail = None
            self.summary.setPlainText(tr("No complaint selected."))
            return
        client = self.console.client
        if client is None or not self.isVisible():
            return  # a hidden tab (or a console closing) asks the server nothing
        self.console.ctx.runner.work(
            lambda _s: client.complaints.detail(complaint.id),
            on_done=self.show_detail,
            on_error=self.console._failed,
            key="lead-complaint-detail",
            label="complaint",
        )

    def show_detail(self, detail: ComplaintDetail) -> None:
        self.detail = detail
        for step, button in self.buttons.items():
            button.setEnabled(step in detail.steps)
        self.summary.setHtml(describe_complaint(detail))
        self.detail_loaded.emit(detail)

    # -- steps ---------------------------------------------------------------------------------
    def begin(self, step: Step) -> ComplaintStepDialog | None:
        """Steps with nothing to ask go at once; the others open their dialog."""
        detail = self.detail
        if detail is None or step not in detail.steps:
            return None
        if step in (Step.ACKNOWLEDGE, Step.INVESTIGATE, Step.CLOSE):
            self.send(step, StepInput())
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = ComplaintStepDialog(detail, step, self)
        dialog.submitted.connect(self.send)
        self.dialog = dialog
        dialog.open()
        return dialog

    def send(self, step: Step, given: StepInput) -> None:
        client, detail = self.console.client, self.detail
        if client is None or detail is None:
            return
        complaint_id = detail.complaint.id
        dialog = self.dialog if self.dialog is not None and self.dialog.step is step else None

        def done(complaint: Complaint) -> None:
            if dialog is not None:
                dialog.accept()
            self.console.say(
                tr("%1: %2.")
                .replace("%1", complaint.reference)
                .replace("%2", step_text(step.value))
            )
            self.model.replace_row(complaint)
            self.rows = [complaint if c.id == complaint.id else c for c in self.rows]
            self.stepped.emit(complaint)
            self.load()
            self._selected()

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.refused(exc)
            self.console.say(tr("Nothing was changed: %1").replace("%1", describe(exc)))

        self.console.ctx.runner.work(
            lambda _s: client.complaints.step(complaint_id, step, given),
            on_done=done,
            on_error=failed,
            label=f"complaint {step.value}",
        )


def _history_line(entry: HistoryEntry) -> str:
    payload = entry.payload
    what = step_text(entry.step)
    extra: list[str] = []
    if entry.step == "intake":
        extra.append(html.escape(str(payload.get("details") or "")))
        if payload.get("received_via"):
            extra.append(channel_text(str(payload["received_via"])))
    if payload.get("reason"):
        extra.append(html.escape(str(payload["reason"])))
    if payload.get("sla_due") and entry.step in ("register", "extend"):
        extra.append(tr("due %1").replace("%1", str(payload["sla_due"])))
    if payload.get("outcome"):
        outcome = OUTCOME_LABELS.get(ComplaintOutcome(str(payload["outcome"])))
        extra.append(pick(outcome) if outcome else str(payload["outcome"]))
    if payload.get("root_cause"):
        extra.append(pick(root_cause_label(str(payload["root_cause"]))))
    if entry.step == "letter":
        extra.append(html.escape(str(payload.get("kind") or "").replace("_", " ")))
    when = entry.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M")
    tail = " · ".join(e for e in extra if e)
    who = tr("the backend") if entry.recorded_by == "workflows" else entry.recorded_by
    return f"<li><b>{what}</b> — {when}, {html.escape(who)}" + (
        f"<br/>{tail}</li>" if tail else "</li>"
    )


def describe_complaint(detail: ComplaintDetail) -> str:
    c = detail.complaint
    rows = [
        (tr("Customer"), html.escape(c.customer_name or "—")),
        (tr("About"), complaint_text(c.category)),
        (tr("Status"), state_text(c.status)),
        (tr("Owner"), html.escape(c.owner_name or tr("unassigned"))),
        (tr("Complained about"), html.escape(c.about_name or "—")),
        (tr("Received"), f"{c.received_on.isoformat()} ({channel_text(c.channel)})"),
        (tr("Final response due"), c.due_on.isoformat()),
        (tr("Extensions"), str(c.extensions)),
    ]
    if c.outcome:
        rows.append((tr("Outcome"), pick(OUTCOME_LABELS[ComplaintOutcome(c.outcome)])))
    if c.redress is not None:
        rows.append((tr("Redress"), c.redress.format()))
    colour = theme.BAD_BG[theme.current()] if c.red else "transparent"
    table = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    history = "".join(_history_line(e) for e in detail.history)
    heading = tr("History")
    return (
        f"<h3 style='background:{colour}'>{html.escape(c.reference)} — "
        f"{urgency_text(c)}</h3><table cellspacing='4'>{table}</table>"
        f"<h4>{heading}</h4><ul>{history}</ul>"
    )


class AgentComplaintsModel(RowsModel[tuple[str, Any]]):
    """Per agent: received, resolved, in time, upheld, top root cause."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("agent", lambda: tr("Agent"), lambda r: r[0], lambda r: r[0]),
                Column(
                    "received",
                    lambda: tr("Received"),
                    lambda r: str(r[1].received),
                    lambda r: r[1].received,
                    align_right=True,
                ),
                Column(
                    "resolved",
                    lambda: tr("Resolved"),
                    lambda r: str(r[1].resolved),
                    lambda r: r[1].resolved,
                    align_right=True,
                ),
                Column(
                    "in_time",
                    lambda: tr("Resolved in time"),
                    lambda r: _percent(r[1].in_time_share),
                    lambda r: r[1].in_time_share or Decimal(-1),
                    align_right=True,
                ),
                Column(
                    "upheld",
                    lambda: tr("Upheld rate"),
                    lambda r: _percent(r[1].upheld_rate),
                    lambda r: r[1].upheld_rate or Decimal(-1),
                    align_right=True,
                ),
                Column(
                    "open",
                    lambda: tr("Open", "complaints"),
                    lambda r: str(r[1].open),
                    lambda r: r[1].open,
                    align_right=True,
                ),
                Column(
                    "cause",
                    lambda: tr("Top root cause"),
                    lambda r: (
                        pick(root_cause_label(r[1].top_root_causes[0][0]))
                        if r[1].top_root_causes
                        else "—"
                    ),
                    lambda r: r[1].top_root_causes[0][0] if r[1].top_root_causes else "",
                ),
            ],
            lambda r: r[0],
            parent,
        )
