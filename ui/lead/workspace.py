"""The team lead's console: team and queues (with reassignment by selection, by drag and
drop onto an agent, whole queue, rebalance), the review queue, the KPI dashboard and the
team's complaints (``ui.lead.complaints``).

``build_lead_workspace(ctx)`` returns the widget the main window mounts for ``--role lead``.
Every server call goes through ``workstation.lead.LeadClient`` on the context's op runner
pool (``ctx.runner.work``), never on the GUI thread; a newer request for the same view
supersedes an older one (op keys), so a late answer never overwrites a fresher one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.common import fit_column_to_contents, localize_buttons, set_column_widths
from ui.errors import describe, reason
from ui.field.table import ACCOUNT_MIME, KEY_ROLE, account_ids_from
from ui.i18n import language, pick, tr
from ui.labels import bucket_text, status_text
from ui.lead.approvals import ApprovalActions, VulnerabilityReviewActions
from ui.lead.charts import Bar, BarChart, TrendChart
from ui.lead.complaints import ComplaintsView
from ui.lead.disputes import DisputesView
from ui.lead.models import (
    KpiModel,
    KpiRow,
    ReviewModel,
    TeamAccountsModel,
    TeamModel,
    review_details,
    review_kind,
)
from ui.lead.portal_kpis import PortalKpiPanel
from ui.lead.quality import QualityView
from ui.lead.reassign import ReassignDialog
from ui.lead.strategies import StrategiesView
from ui.ops import OpState
from ui.workspace import KeySpec
from workstation.domain.enums import AccountStatus, Bucket, Segment
from workstation.kpi import BY_KEY, KPIS
from workstation.lead import (
    AccountFilter,
    AccountsPage,
    KpiReport,
    LeadClient,
    ReassignResult,
    ReviewItem,
    TeamAccount,
    TeamOverview,
    write_csv,
)
from workstation.segments.words import SEGMENT, SHORT
from workstation.store import Store

log = logging.getLogger(__name__)


def _table(parent: QWidget, name: str, model: Any, *, multi: bool = False) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSortingEnabled(True)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(26)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AgentTable(QTableView):
    """The team table; accounts dragged from the queue explorer drop onto an agent's row."""

    accounts_dropped = Signal(list, str)  # account ids, user id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(ACCOUNT_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if event.mimeData().hasFormat(ACCOUNT_MIME) and index.isValid():
            self.selectRow(index.row())
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        ids = account_ids_from(event.mimeData())
        if not index.isValid() or not ids:
            event.ignore()
            return
        user_id = str(self.model().data(index, KEY_ROLE))
        event.acceptProposedAction()
        self.accounts_dropped.emit(ids, user_id)


class TeamAndQueues(QWidget):
    """Team overview on top (drop target), queue explorer below (filters, multi-select)."""

    overview_loaded = Signal(object)
    accounts_loaded = Signal(int)

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.team_model = TeamModel(self)
        self.team = AgentTable(self)
        self.team.setModel(self.team_model)
        self.team.setAccessibleName(tr("Team"))
        self.team.setSortingEnabled(True)
        self.team.setAlternatingRowColors(True)
        self.team.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.team.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.team.verticalHeader().hide()
        self.team.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.team.verticalHeader().setDefaultSectionSize(28)
        self.team.horizontalHeader().setStretchLastSection(True)
        # the columns whose words vary with the rows grow to them as they load (``show_overview``)
        set_column_widths(self.team, ((0, 100), (1, 56), (2, 80), (3, 100), (4, 120), (5, 96),
                                      (6, 130), (7, 130), (8, 200)))  # fmt: skip
        self.team.accounts_dropped.connect(console.reassign_accounts)
        self.unassigned = QLabel(self)
        self.unassigned.setObjectName("muted")
        self.move_queue_button = QPushButton(tr("Move a whole queue…"), self)
        self.rebalance_count = QPushButton(tr("Rebalance selected by count…"), self)
        self.rebalance_balance = QPushButton(tr("Rebalance selected by balance…"), self)
        self.move_from = QComboBox(self)
        self.move_from.setAccessibleName(tr("Move the queue of"))
        self.move_to = QComboBox(self)
        self.move_to.setAccessibleName(tr("Move it to"))
        team_bar = QHBoxLayout()
        team_bar.addWidget(self.unassigned, 1)
        team_bar.addWidget(self.rebalance_count)
        team_bar.addWidget(self.rebalance_balance)
        team_bar.addWidget(QLabel(tr("Queue of"), self))
        team_bar.addWidget(self.move_from)
        team_bar.addWidget(QLabel(tr("to"), self))
        team_bar.addWidget(self.move_to)
        team_bar.addWidget(self.move_queue_button)
        self.move_queue_button.clicked.connect(self._move_queue)
        self.rebalance_count.clicked.connect(lambda: self._rebalance("count"))
        self.rebalance_balance.clicked.connect(lambda: self._rebalance("balance"))

        # queue explorer
        self.owner = QComboBox(self)
        self.bucket = QComboBox(self)
        self.tier = QComboBox(self)
        self.status = QComboBox(self)
        self.jurisdiction = QComboBox(self)
        # the 2×2 of ability and willingness (issue 17)
        self.segment = QComboBox(self)

        def same(value: str) -> str:
            return value

        def segment_words(value: str) -> str:
            return pick(SHORT[Segment(value)])

        for combo, name, values, words in (
            (self.owner, tr("Agent"), [], same),
            (self.bucket, tr("Bucket"), [b.value for b in Bucket], bucket_text),
            (self.tier, tr("Tier"), ["A", "B", "C", "D"], same),
            (self.status, tr("Status"), [s.value for s in AccountStatus], status_text),
            (self.jurisdiction, tr("Jurisdiction"), ["cn-nifa", "us-regf", "uk-conc"], same),
            (self.segment, pick(SEGMENT), [s.value for s in Segment], segment_words),
        ):
            combo.setAccessibleName(name)
            combo.addItem(tr("any %1").replace("%1", name.lower()), "")
            for value in values:
                combo.addItem(words(value), value)
            combo.currentIndexChanged.connect(self.load_accounts)
        # only accounts a strategy task stands on (the Task column says which)
        self.standing_task = QCheckBox(tr("With a standing task"), self)
        self.standing_task.toggled.connect(self.load_accounts)
        self.accounts_model = TeamAccountsModel(self)
        self.accounts = _table(self, tr("Team accounts"), self.accounts_model, multi=True)
        self.accounts.setDragEnabled(True)
        self.accounts.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        set_column_widths(self.accounts, ((0, 96), (1, 180), (2, 170), (3, 120), (4, 56), (5, 70),
                                          (6, 50), (7, 120), (8, 80), (9, 150)))  # fmt: skip
        self.accounts.selectionModel().selectionChanged.connect(self._count_selection)
        self.count = QLabel(self)
        self.target = QComboBox(self)
        self.target.setAccessibleName(tr("Reassign to"))
        self.reassign_button = QPushButton(tr("Reassign selected…"), self)
        self.reassign_button.clicked.connect(self._reassign_selected)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Queue explorer:"), self))
        for combo in (
            self.owner,
            self.bucket,
            self.tier,
            self.segment,
            self.status,
            self.jurisdiction,
        ):
            filters.addWidget(combo)
        filters.addWidget(self.standing_task)
        filters.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        hint = QLabel(tr("Drag selected accounts onto an agent above, or"), self)
        hint.setObjectName("muted")
        actions.addWidget(hint)
        actions.addWidget(self.target)
        actions.addWidget(self.reassign_button)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.team, 1)
        top_layout.addLayout(team_bar)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(filters)
        bottom_layout.addWidget(self.accounts, 1)
        bottom_layout.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([240, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # -- data --------------------------------------------------------------------------------
    def show_overview(self, overview: TeamOverview) -> None:
        self.team_model.set_rows(overview.agents)
        # read whole at the window's size: a name, the money held in each currency, the
        # agent's state ("○ offline, synced 3 days ago"); widths chosen for the longest
        # left the rest of an English row off the screen
        for key in ("name", "balance", "collected", "reported", "state"):
            fit_column_to_contents(self.team, self.team_model.column_of(key))
        self.unassigned.setText(
            tr("%1 agents · %2 unassigned accounts · drop accounts on an agent to reassign")
            .replace("%1", str(len(overview.agents)))
            .replace("%2", str(overview.unassigned))
        )
        names = {a.user_id: a.name for a in overview.agents}
        self.accounts_model.set_owner_names(names)
        for combo in (self.owner, self.target, self.move_from, self.move_to):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            current = combo.currentData()
            combo.blockSignals(True)
            keep_any = combo is self.owner
            first = combo.itemText(0) if keep_any and combo.count() else ""
            combo.clear()
            if keep_any:
                combo.addItem(first or tr("any agent"), "")
            for agent in sorted(overview.agents, key=lambda a: a.name):
                combo.addItem(f"{agent.name} ({agent.accounts})", agent.user_id)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        if (
            self.move_to.count() > 1
            and self.move_to.currentIndex() == self.move_from.currentIndex()
        ):
            self.move_to.setCurrentIndex(1)
        self.overview_loaded.emit(overview)

    def filters(self) -> AccountFilter:
        return AccountFilter(
            owner_id=self.owner.currentData() or None,
            bucket=self.bucket.currentData() or None,
            risk_tier=self.tier.currentData() or None,
            status=self.status.currentData() or None,
            jurisdiction=self.jurisdiction.currentData() or None,
            segment=self.segment.currentData() or None,
            standing_task=self.standing_task.isChecked(),
        )

    def load_accounts(self) -> None:
        self.console.load_accounts(self.filters())

    def show_accounts(
        self, accounts: list[TeamAccount], total: int, *, capped: bool = False
    ) -> None:
        """The loaded rows and how many match; ``capped``: more than ``total`` match (the
        server's count stops at its bound), shown "10,000+"."""
        self.accounts_model.set_rows(accounts)
        self._total = f"{total:,}+" if capped else f"{total:,}"
        self._count_selection()
        self.accounts_loaded.emit(len(accounts))

    def _count_selection(self, *_args: Any) -> None:
        selected = len(self.selected_ids())
        total = getattr(self, "_total", f"{self.accounts_model.rowCount():,}")
        self.count.setText(
            tr("%1 accounts · %2 selected").replace("%1", total).replace("%2", str(selected))
        )
        self.reassign_button.setEnabled(selected > 0)

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.accounts.selectionModel().selectedRows()})
        out = []
        for row in rows:
            account = self.accounts_model.row_at(row)
            if account is not None:
                out.append(account.account_id)
        return out

    def selected_agents(self) -> list[str]:
        rows = sorted({i.row() for i in self.team.selectionModel().selectedRows()})
        return [a.user_id for r in rows if (a := self.team_model.row_at(r)) is not None]

    # -- actions -------------------------------------------------------------------------------
    def _reassign_selected(self) -> None:
        ids = self.selected_ids()
        target = self.target.currentData()
        if ids and target:
            self.console.reassign_accounts(ids, str(target))

    def _move_queue(self) -> None:
        source, target = self.move_from.currentData(), self.move_to.currentData()
        if source and target and source != target:
            self.console.move_queue(str(source), str(target))

    def _rebalance(self, by: str) -> None:
        agents = self.selected_agents()
        if len(agents) < 2:
            self.console.say(tr("Select at least two agents in the team table to rebalance."))
            return
        self.console.rebalance(agents, by)


class ReviewView(QWidget):
    loaded = Signal(int)

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.model = ReviewModel(self)
        self.table = _table(self, tr("Review queue"), self.model)
        set_column_widths(self.table, ((0, 100), (1, 200), (2, 100), (3, 120), (4, 120)))
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName(tr("Review item details"))
        self.detail.setMaximumHeight(130)
        self.ack = QPushButton(tr("Acknowledge (Ctrl+K)"), self)
        self.reassign_to = QComboBox(self)
        self.reassign_to.setAccessibleName(tr("Reassign the account to"))
        self.reassign = QPushButton(tr("Reassign the account…"), self)
        self.accept_other = QPushButton(tr("Accept the other value…"), self)
        self.accept_other.setEnabled(False)
        self.accept_other.setToolTip(
            tr("Replace the kept value with the one the collector's device had")
        )
        self.confirmation: QMessageBox | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.ack)
        buttons.addWidget(self.reassign_to)
        buttons.addWidget(self.reassign)
        buttons.addWidget(self.accept_other)
        buttons.addStretch(1)
        self.approvals = ApprovalActions(console, self, buttons)
        self.vulnerability = VulnerabilityReviewActions(console, self, buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.ack.clicked.connect(self.acknowledge)
        self.reassign.clicked.connect(self._reassign)
        self.accept_other.clicked.connect(self._accept_other)
        self._selected()

    def current(self) -> ReviewItem | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def show_items(self, items: list[ReviewItem], names: dict[str, str]) -> None:
        self.model.names.clear()
        self.model.names.update(names)
        self.model.set_rows(items)
        # a kind's words are read whole ("Reported payment over balance" was cut at 200 px)
        fit_column_to_contents(self.table, self.model.column_of("kind"))
        self.reassign_to.clear()
        for user_id, name in sorted(names.items(), key=lambda item: item[1]):
            self.reassign_to.addItem(name, user_id)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._selected()
        self.loaded.emit(len(items))

    def _selected(self, *_args: Any) -> None:
        item = self.current()
        self.ack.setEnabled(item is not None)
        movable = item is not None and bool(item.account_id or item.customer_id)
        self.reassign.setEnabled(movable)
        self.reassign_to.setEnabled(movable)
        self.accept_other.setEnabled(item is not None and item.can_accept_other_value)
        if item is None:
            self.detail.setPlainText(tr("Nothing to review."))
            return
        lines = [review_kind(item.kind), pick(item.said), *review_details(item)]
        if item.kind == "fact_after_reassignment":
            lines.append(
                tr("The record is kept on the account; its new owner sees it in the history.")
            )
        self.detail.setPlainText("\n".join(lines))
        # the one the account would go to: its former owner, or the field collector of the
        # customer's town the strategy's visit calls for
        suggested = {
            "fact_after_reassignment": item.from_user_id,
            "field_referral": item.detail.get("field_collector_id"),
        }.get(item.kind)
        if suggested:
            index = self.reassign_to.findData(suggested)
            if index >= 0:
                self.reassign_to.setCurrentIndex(index)

    def acknowledge(self) -> None:
        item = self.current()
        if item is not None:
            self.console.acknowledge(item)

    def _confirm(self, title: str, text: str, on_yes: Callable[[], None]) -> QMessageBox:
        """A window-modal confirmation (not a blocking ``exec``); Yes runs ``on_yes``."""
        if self.confirmation is not None:
            self.confirmation.deleteLater()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        localize_buttons(box)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.clicked.connect(on_yes)
        self.confirmation = box
        box.open()
        return box

    def _reassign(self) -> QMessageBox | None:
        item = self.current()
        target = self.reassign_to.currentData()
        if item is None or not (item.account_id or item.customer_id) or not target:
            return None
        name = self.reassign_to.currentText()
        what = (
            tr("the account %1").replace("%1", item.account_id)
            if item.account_id
            else tr("the team's accounts of this customer")
        )
        return self._confirm(
            tr("Reassign from the review queue"),
            tr("Give %1 to %2 and resolve this item?").replace("%1", what).replace("%2", name),
            lambda: self.console.reassign_review_item(item, str(target)),
        )

    def _accept_other(self) -> QMessageBox | None:
        item = self.current()
        if item is None or not item.can_accept_other_value:
            return None
        text = (
            tr("%1: %2 → %3\nDevices receive the new value at their next sync.")
            .replace("%1", item.conflict_path)
            .replace("%2", repr(item.server_value))
            .replace("%3", repr(item.client_value))
        )
        return self._confirm(
            tr("Accept the other value"),
            text,
            lambda: self.console.accept_client_value(item),
        )


PERIODS: tuple[tuple[str, int, Callable[[], str]], ...] = (
    ("week", 7, lambda: tr("This week")),
    ("4w", 28, lambda: tr("Last 4 weeks")),
    ("12w", 84, lambda: tr("Last 12 weeks")),
)


class KpiView(QWidget):
    loaded = Signal(object)
    exported = Signal(str)

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.report: KpiReport | None = None
        self.period = QComboBox(self)
        self.period.setAccessibleName(tr("Period"))
        for key, _days, label in PERIODS:
            self.period.addItem(label(), key)
        self.period.setCurrentIndex(1)
        self.kpi = QComboBox(self)
        self.kpi.setAccessibleName(tr("KPI shown in the charts"))
        for definition in KPIS:
            self.kpi.addItem(definition.label(language()), definition.key)
        self.export = QPushButton(tr("Export CSV… (Ctrl+E)"), self)
        self.range = QLabel(self)
        self.range.setObjectName("muted")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("Period"), self))
        bar.addWidget(self.period)
        bar.addWidget(QLabel(tr("Chart"), self))
        bar.addWidget(self.kpi)
        bar.addWidget(self.range, 1)
        bar.addWidget(self.export)
        self.bars = BarChart(self)
        self.trend = TrendChart(self)
        charts = QHBoxLayout()
        charts.addWidget(self.bars, 3)
        charts.addWidget(self.trend, 2)
        self.model = KpiModel(language(), self)
        self.table = _table(self, tr("KPIs per agent"), self.model)
        self.table.setColumnWidth(0, 180)
        self.portal = PortalKpiPanel(console, self)  # what customers did on the portal
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(charts, 3)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.portal)
        self.period.currentIndexChanged.connect(self.load)
        self.kpi.currentIndexChanged.connect(self._draw)
        self.export.clicked.connect(self.choose_export)

    def dates(self) -> tuple[date, date]:
        days = next(d for key, d, _l in PERIODS if key == self.period.currentData())
        end = date.today()
        return end - timedelta(days=days - 1), end

    def load(self) -> None:
        start, end = self.dates()
        self.console.load_kpis(start, end)
        self.portal.load(start, end)

    def show_report(self, report: KpiReport) -> None:
        self.report = report
        self.range.setText(f"{report.date_from.isoformat()} – {report.date_to.isoformat()}")
        rows = [KpiRow(a.user_id, a.name, a.block) for a in report.agents]
        rows.append(KpiRow("team", tr("Team"), report.team, is_team=True))
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self._draw()
        self.loaded.emit(report)

    def _draw(self) -> None:
        if self.report is None:
            return
        definition = BY_KEY[str(self.kpi.currentData())]
        title = definition.label(language())
        bars = [
            Bar(a.name, None if (v := a.block.kpis.get(definition.key)) is None else float(v))
            for a in self.report.agents
        ]
        team = self.report.team.kpis.get(definition.key)
        self.bars.set_data(
            title + " — " + tr("per agent"),
            bars,
            unit=definition.unit,
            team=None if team is None else float(team),
            higher_is_better=definition.higher_is_better,
        )
        points = [
            Bar(
                w.week_start.strftime("%m-%d"),
                None if (v := w.block.kpis.get(definition.key)) is None else float(v),
            )
            for w in self.report.weeks
        ]
        self.trend.set_data(title + " — " + tr("team, by week"), points, unit=definition.unit)

    def choose_export(self) -> QFileDialog | None:
        if self.report is None:
            return None
        dialog = QFileDialog(self, tr("Export KPIs"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(tr("CSV files (*.csv)"))
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(f"kpis-{self.report.date_from}-{self.report.date_to}.csv")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(self.export_to)
        dialog.open()
        return dialog

    def export_to(self, path: str) -> None:
        report, lang = self.report, language()
        if report is None or not path:
            return
        # the portal's figures go with them when they are of the same period
        portal = self.portal.kpis
        if portal is not None and (portal.date_from, portal.date_to) != (
            report.date_from,
            report.date_to,
        ):
            portal = None
        self.console.ctx.runner.work(
            lambda _s: str(write_csv(report, Path(path), lang, portal)),
            on_done=self._exported,
            on_error=lambda exc: self.console.say(describe(exc)),
            label="export KPIs",
        )

    def _exported(self, path: str) -> None:
        self.console.say(tr("KPIs exported to %1").replace("%1", path))
        self.exported.emit(path)


class LeadWorkspace(QWidget):
    """Tabs: team and queues · review queue · KPIs · complaints; a status line for what
    just happened."""

    reassigned = Signal(object)  # ReassignResult confirmed by the server
    acknowledged = Signal(str)
    review_resolved = Signal(object)  # the ReviewItem as the server resolved it
    review_failed = Signal(str)  # why

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadWorkspace")
        self.ctx = ctx
        self.overview: TeamOverview | None = None
        self.customers: dict[str, str] = {}
        self.dialogs: list[Any] = []
        self.tabs = QTabWidget(self)
        self.team = TeamAndQueues(self)
        self.review = ReviewView(self)
        self.kpis = KpiView(self)
        self.complaints = ComplaintsView(self)
        self.disputes = DisputesView(self)
        self.quality = QualityView(self)
        self.strategies = StrategiesView(self)
        self.tabs.addTab(self.team, tr("Team and queues"))
        self.tabs.addTab(self.review, tr("Review queue"))
        self.tabs.addTab(self.kpis, tr("KPIs"))
        self.tabs.addTab(self.complaints, tr("Complaints"))
        self.tabs.addTab(self.disputes, tr("Disputes"))
        self.tabs.addTab(self.quality, tr("Quality"))
        self.tabs.addTab(self.strategies, tr("Strategies"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(tr("Refresh (F5)"), self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.refresh_button.clicked.connect(self.refresh)
        tabs = (self.team, self.review, self.kpis, self.complaints, self.disputes, self.quality,
                self.strategies)  # fmt: skip
        for number, tab in enumerate(tabs, 1):
            self._action(
                tr("Show tab %1").replace("%1", str(number)),
                lambda _=False, t=tab: self.tabs.setCurrentWidget(t),
                f"Alt+{number}",
            )
        self._action(tr("Refresh"), self.refresh, "F5")
        self._action(tr("Acknowledge"), self.review.acknowledge, "Ctrl+K")
        self._action(tr("Export CSV"), self.kpis.choose_export, "Ctrl+E")

    def _action(self, text: str, slot: Any, key: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def say(self, text: str) -> None:
        if shiboken6.isValid(self.status):  # an answer arriving after the console closed
            self.status.setText(text)

    @property
    def client(self) -> LeadClient | None:
        return self.ctx.lead_api()

    def _client_or_say(self) -> LeadClient | None:
        client = self.client
        if client is None:
            self.say(tr("Sign in to the server to see your team (the console needs a connection)."))
        return client

    # -- the main window's side (RoleWorkspace) ------------------------------------------
    def as_widget(self) -> QWidget:
        return self

    def start(self) -> None:
        self.refresh()

    def sync_shortcuts(self) -> tuple[KeySpec, ...]:
        return ("Shift+F5",)  # F5 refreshes the console

    def own_sync(self) -> None:
        return None

    def after_sync(self) -> None:
        pass  # the console reads the server, not the replica a sync changes

    def layout_state(self) -> str:
        return ""

    def restore_layout(self, state: str) -> None:
        pass

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        client = self._client_or_say()
        if client is None:
            return
        self.ctx.runner.work(
            lambda _s: client.overview(),
            on_done=self._overview_done,
            on_error=self._failed,
            key="lead-overview",
            label="team overview",
        )
        self.load_accounts(self.team.filters())
        self.load_review()
        self.kpis.load()
        self.complaints.load()
        self.disputes.load()
        self.quality.load()
        self.strategies.load()

    def _overview_done(self, overview: TeamOverview) -> None:
        self.overview = overview
        self.team.show_overview(overview)
        if self.review.model.rowCount():
            self.review.show_items(self.review.model.rows(), self.names())

    def names(self) -> dict[str, str]:
        return {a.user_id: a.name for a in self.overview.agents} if self.overview else {}

    def load_accounts(self, filters: AccountFilter) -> None:
        client = self._client_or_say()
        if client is None:
            return
        store = self.ctx.store

        def op(state: OpState) -> tuple[list[TeamAccount], AccountsPage]:
            page = client.accounts(filters, limit=2000)
            names = _customer_names(store)
            state.check()
            from dataclasses import replace

            rows = [replace(a, customer_name=names.get(a.customer_id, "")) for a in page.accounts]
            return rows, page

        def done(result: tuple[list[TeamAccount], AccountsPage]) -> None:
            rows, page = result
            self.customers = {a.account_id: a.customer_name for a in rows if a.customer_name}
            self.team.show_accounts(rows, page.total or 0, capped=page.total_capped)

        self.ctx.runner.work(
            op, on_done=done, on_error=self._failed, key="lead-accounts", label="team accounts"
        )

    def load_review(self) -> None:
        client = self._client_or_say()
        if client is None:
            return
        self.ctx.runner.work(
            lambda _s: client.review(),
            on_done=lambda items: self.review.show_items(items, self.names()),
            on_error=self._failed,
            key="lead-review",
            label="review queue",
        )

    def load_kpis(self, start: date, end: date) -> None:
        client = self._client_or_say()
        if client is None:
            return
        self.ctx.runner.work(
            lambda _s: client.kpis(start, end, weekly=True),
            on_done=self.kpis.show_report,
            on_error=self._failed,
            key="lead-kpis",
            label="KPIs",
        )

    def _failed(self, exc: BaseException) -> None:
        self.say(tr("The server did not answer: %1").replace("%1", reason(exc)))

    # -- reassigning -------------------------------------------------------------------------
    def _open(self, title: str, run: Any) -> ReassignDialog:
        counts = {a.user_id: a.accounts for a in self.overview.agents} if self.overview else {}
        dialog = ReassignDialog(
            self.ctx,
            title,
            run,
            names=self.names(),
            accounts=counts,
            customers=self.customers,
            parent=self,
        )
        dialog.completed.connect(self._reassigned)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _forget(self, dialog: Any) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()

    def reassign_accounts(self, account_ids: list[str], to_user_id: str) -> ReassignDialog | None:
        client = self._client_or_say()
        if client is None:
            return None
        name = self.names().get(to_user_id, to_user_id)
        ids = list(account_ids)
        return self._open(
            tr("Reassign %1 accounts to %2").replace("%1", str(len(ids))).replace("%2", name),
            lambda dry, why: client.reassign(ids, to_user_id, dry_run=dry, reason=why),
        )

    def move_queue(self, from_user_id: str, to_user_id: str) -> ReassignDialog | None:
        client = self._client_or_say()
        if client is None:
            return None
        names = self.names()
        return self._open(
            tr("Move the whole queue of %1 to %2")
            .replace("%1", names.get(from_user_id, from_user_id))
            .replace("%2", names.get(to_user_id, to_user_id)),
            lambda dry, why: client.move_queue(from_user_id, to_user_id, dry_run=dry, reason=why),
        )

    def rebalance(self, user_ids: list[str], by: str) -> ReassignDialog | None:
        client = self._client_or_say()
        if client is None:
            return None
        names = self.names()
        who = ", ".join(names.get(u, u) for u in user_ids)
        title = (
            tr("Rebalance by balance: %1") if by == "balance" else tr("Rebalance by count: %1")
        ).replace("%1", who)
        return self._open(
            title,
            lambda dry, why: client.rebalance(
                list(user_ids),
                by,  # type: ignore[arg-type]
                dry_run=dry,
                reason=why,
            ),
        )

    def _reassigned(self, result: ReassignResult) -> None:
        self.say(
            tr("The server moved %1 accounts. Devices hand them over at their next sync.").replace(
                "%1", str(result.count)
            )
        )
        self.reassigned.emit(result)
        self.refresh()

    # -- review -----------------------------------------------------------------------------------
    def acknowledge(self, item: ReviewItem) -> None:
        client = self._client_or_say()
        if client is None:
            return

        def done(_result: object) -> None:
            self.say(tr("Acknowledged."))
            self.acknowledged.emit(item.id)
            self.load_review()

        self.ctx.runner.work(
            lambda _s: client.acknowledge(item.id),
            on_done=done,
            on_error=self._failed,
            label="acknowledge",
        )

    def accept_client_value(self, item: ReviewItem) -> None:
        client = self._client_or_say()
        if client is None:
            return

        def done(resolved: ReviewItem) -> None:
            self.say(
                tr("Accepted %1 for %2. Devices receive it at their next sync.")
                .replace("%1", repr(item.client_value))
                .replace("%2", item.conflict_path)
            )
            self.review_resolved.emit(resolved)
            self.load_review()

        self.ctx.runner.work(
            lambda _s: client.accept_client_value(item.id),
            on_done=done,
            on_error=self._review_failed,
            label="accept the other value",
        )

    def reassign_review_item(self, item: ReviewItem, agent_id: str) -> None:
        client = self._client_or_say()
        if client is None:
            return

        def done(resolved: ReviewItem) -> None:
            name = self.names().get(agent_id, agent_id)
            self.say(
                tr("Reassigned to %1. Devices hand the account over at their next sync.").replace(
                    "%1", name
                )
            )
            self.review_resolved.emit(resolved)
            self.refresh()

        self.ctx.runner.work(
            lambda _s: client.reassign_review_item(item.id, agent_id),
            on_done=done,
            on_error=self._review_failed,
            label="reassign from review",
        )

    def _review_failed(self, exc: BaseException) -> None:
        why = reason(exc)
        self.say(tr("Nothing was changed: %1").replace("%1", why))
        self.review_failed.emit(why)
        self.load_review()


def _customer_names(store: Store) -> dict[str, str]:
    """Customer names from the lead's local replica (the team API sends ids only)."""
    try:
        return {r.customer_id: r.customer_name for r in store.queue_rows()}
    except Exception:  # a locked or missing store must not stop the console
        log.exception("customer names unavailable")
        return {}


def build_lead_workspace(context: AppContext) -> LeadWorkspace:
    """The team lead's central widget for the main window (``--role lead``); call
    ``.start()`` once shown (it loads the team, accounts, review queue and KPIs)."""
    return LeadWorkspace(context)
