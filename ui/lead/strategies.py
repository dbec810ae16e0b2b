"""The lead's Strategies tab: each segment's champion, the experiments, and one experiment's
results as intervals — challenger minus champion per KPI, the zero line between them — with
the plain verdict, the complaints guard-rail, and Promote… / Stop… behind a confirmation.

Everything is fetched on the op runner's pool (``ctx.runner.work``), never on the GUI
thread; a newer request for the same view supersedes an older one (its ``key``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.dialogs.common import localize_buttons
from ui.errors import describe
from ui.i18n import language, tr
from workstation.domain.enums import Segment
from workstation.text import Text

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace


def _pick(en: str, zh: str) -> str:
    return Text(en, zh).get(language())


def status_label(status: str) -> str:
    words = {"running": tr("running"), "promoted": tr("promoted"), "stopped": tr("stopped")}
    return words.get(status, status)


def segment_label(segment: str) -> str:
    try:
        return Segment(segment).label.get(language())
    except ValueError:
        return segment


class IntervalChart(QWidget):
    """One row per KPI: the difference challenger − champion with its interval, a zero line;
    green where the challenger is ahead, red where behind, grey where not yet distinguishable.
    Each row is scaled on its own (KPIs have different units) and prints its numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experimentIntervals")
        self.rows: list[dict[str, Any]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(tr("Results with intervals"))

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 34 * max(len(self.rows), 3) + 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        dark = theme.current() == "dark"
        text = QColor("#e6e6e6" if dark else "#1d2330")
        muted = QColor("#9aa3ad" if dark else "#5f6670")
        colours = {
            "ahead": QColor("#3aa76d" if dark else "#1f7a4d"),
            "behind": QColor("#e0745f" if dark else "#c8553d"),
            "not_yet_distinguishable": muted,
        }
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#1d1f23" if dark else "#ffffff"))
        if not self.rows:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("No results yet"))
            return
        label_w, value_w = 230, 190
        left, right = label_w + 8, self.width() - value_w - 8
        top, row_h = 28, 34
        centre = (left + right) / 2
        painter.setPen(muted)
        painter.drawText(QRectF(left, 4, right - left, 20), Qt.AlignmentFlag.AlignCenter,
                         tr("challenger − champion, with its interval"))  # fmt: skip
        painter.setPen(QPen(muted, 1, Qt.PenStyle.DashLine))
        painter.drawLine(int(centre), top - 4, int(centre), top + row_h * len(self.rows))
        for n, row in enumerate(self.rows):
            y = top + n * row_h
            diff = row.get("difference") or {}
            value, low, high = diff.get("value"), diff.get("low"), diff.get("high")
            painter.setPen(text)
            painter.drawText(QRectF(4, y, label_w, row_h), Qt.AlignmentFlag.AlignVCenter,
                             _pick(row.get("label_en", ""), row.get("label_zh", "")))  # fmt: skip
            colour = colours.get(str(row.get("verdict")), muted)
            mid = y + row_h / 2
            if value is None or low is None or high is None:
                painter.setPen(muted)
                painter.drawText(QRectF(left, y, right - left, row_h),
                                 Qt.AlignmentFlag.AlignCenter, "—")  # fmt: skip
            else:
                reach = max(abs(low), abs(high), abs(value), 1e-9) * 1.1
                half = (right - left) / 2

                def x(v: float, reach: float = reach, half: float = half) -> float:
                    return centre + v / reach * half

                painter.setPen(QPen(colour, 3))
                painter.drawLine(int(x(low)), int(mid), int(x(high)), int(mid))
                painter.setPen(QPen(colour, 2))
                for end in (low, high):
                    painter.drawLine(int(x(end)), int(mid - 6), int(x(end)), int(mid + 6))
                painter.setBrush(colour)
                painter.drawEllipse(QRectF(x(value) - 4, mid - 4, 8, 8))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(text)
                font = QFont(painter.font())
                font.setPointSizeF(max(font.pointSizeF() - 1, 7))
                painter.setFont(font)
                painter.drawText(
                    QRectF(right + 8, y, value_w, row_h),
                    Qt.AlignmentFlag.AlignVCenter,
                    f"{value:+.2f}  [{low:+.2f}, {high:+.2f}]",
                )
                painter.setFont(QFont())
        painter.end()


class StrategiesView(QWidget):
    loaded = Signal(int)  # experiments
    results_shown = Signal(str)  # experiment id
    decided = Signal(object)  # the experiment as the server left it

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.data: dict[str, Any] = {}
        self.results: dict[str, Any] = {}
        self.dialog: QMessageBox | None = None
        self.segments = self._table([tr("Segment"), tr("Champion"), tr("Experiment running")])
        self.segments.setAccessibleName(tr("Segments and their champions"))
        self.experiments = self._table(
            [
                tr("Experiment"),
                tr("Segment"),
                tr("Champion"),
                tr("Challenger"),
                tr("Share"),
                tr("Accounts (champion / challenger)"),
                tr("Status"),
                tr("Since"),
            ]
        )
        self.experiments.setAccessibleName(tr("Experiments"))
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.guard = QLabel(self)
        self.guard.setObjectName("error")
        self.guard.setWordWrap(True)
        self.chart = IntervalChart(self)
        self.chart.setMinimumHeight(34 * 9 + 40)  # every KPI's row, none cut off
        self.promote = QPushButton(tr("Promote the challenger…"), self)
        self.stop = QPushButton(tr("Stop the experiment…"), self)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel(tr("Segments"), top))
        top_layout.addWidget(self.segments)
        top_layout.addWidget(QLabel(tr("Experiments"), top))
        top_layout.addWidget(self.experiments, 1)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.verdict)
        bottom_layout.addWidget(self.guard)
        bottom_layout.addWidget(self.chart, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.promote)
        buttons.addWidget(self.stop)
        bottom_layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.segments.setMaximumHeight(140)
        self.experiments.itemSelectionChanged.connect(self._selected)
        self.promote.clicked.connect(lambda: self.ask(promote=True))
        self.stop.clicked.connect(lambda: self.ask(promote=False))
        self._selected()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        client = self.console.client
        if client is None:
            return
        self.console.ctx.runner.work(
            lambda _s: client.strategies.overview(),
            on_done=self.show_overview,
            on_error=self.console._failed,
            key="lead-strategies",
            label="strategies",
        )

    def _names(self) -> dict[str, str]:
        return {s["id"]: _pick(s["name_en"], s["name_zh"]) for s in self.data.get("strategies", ())}

    def show_overview(self, data: dict[str, Any]) -> None:
        self.data = data
        names = self._names()
        segments = data.get("segments") or []
        self.segments.setRowCount(len(segments))
        for n, segment in enumerate(segments):
            running = segment.get("running")
            values = [segment_label(segment["segment"]),
                      names.get(segment["champion_id"], segment["champion_id"]),
                      tr("yes") if running else "—"]  # fmt: skip
            for column, value in enumerate(values):
                self.segments.setItem(n, column, QTableWidgetItem(value))
        self.segments.resizeColumnsToContents()
        experiments = data.get("experiments") or []
        self.experiments.setRowCount(len(experiments))
        for n, e in enumerate(experiments):
            assigned = e.get("assigned") or {}
            values = [
                e["name"], segment_label(e["segment"]),
                names.get(e["champion_id"], e["champion_id"]),
                names.get(e["challenger_id"], e["challenger_id"]),
                f"{e['share'] * 100:.0f} %",
                f"{assigned.get('champion', 0):,} / {assigned.get('challenger', 0):,}",
                status_label(e["status"]), e["started_on"],
            ]  # fmt: skip
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, e["id"])
                self.experiments.setItem(n, column, item)
        self.experiments.resizeColumnsToContents()
        if experiments:
            self.experiments.selectRow(0)
        self._selected()
        self.loaded.emit(len(experiments))

    def current(self) -> dict[str, Any] | None:
        row = self.experiments.currentRow()
        experiments = self.data.get("experiments") or []
        return experiments[row] if 0 <= row < len(experiments) else None

    def _selected(self) -> None:
        experiment = self.current()
        running = experiment is not None and experiment.get("status") == "running"
        self.promote.setEnabled(running)
        self.stop.setEnabled(running)
        if experiment is None:
            self.verdict.setText(tr("No experiment selected."))
            self.guard.clear()
            self.chart.set_rows([])
            return
        client = self.console.client
        if client is None:
            return
        experiment_id = experiment["id"]
        self.console.ctx.runner.work(
            lambda _s: client.strategies.results(experiment_id),
            on_done=self.show_results,
            on_error=self.console._failed,
            key="lead-strategy-results",
            label="experiment results",
        )

    def show_results(self, data: dict[str, Any]) -> None:
        self.results = data
        to_date = (data.get("results") or {}).get("to_date") or {}
        confidence = float((data.get("results") or {}).get("confidence") or 0.95)
        verdict = _pick(to_date.get("verdict_en", ""), to_date.get("verdict_zh", ""))
        accounts = to_date.get("accounts") or {}
        self.verdict.setText(
            tr("Recovery to date: %1 at %2 % confidence (%3 champion / %4 challenger accounts).")
            .replace("%1", verdict)
            .replace("%2", f"{confidence * 100:.0f}")
            .replace("%3", f"{accounts.get('champion', 0):,}")
            .replace("%4", f"{accounts.get('challenger', 0):,}")
        )
        if to_date.get("complaints_flagged"):
            self.guard.setText(
                tr("Flagged: the challenger's complaints per 1,000 exceed the champion's by "
                   "more than the guard-rail (%1), whatever its recovery.")
                .replace("%1", str((data.get("results") or {}).get("complaints_guard")))
            )  # fmt: skip
        else:
            self.guard.clear()
        self.chart.set_rows(list(to_date.get("metrics") or []))
        self.results_shown.emit(str(data.get("id")))

    # -- deciding ---------------------------------------------------------------------------
    def ask(self, *, promote: bool) -> QMessageBox | None:
        experiment = self.current()
        if experiment is None:
            return None
        names = self._names()
        challenger = names.get(experiment["challenger_id"], experiment["challenger_id"])
        question = (
            tr("Make %1 the champion of %2? Every account of the segment will follow it.")
            if promote
            else tr("Stop the experiment? Its accounts go back to %1's champion.")
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Promote the challenger") if promote else tr("Stop the experiment"),
            question.replace(
                "%1", challenger if promote else segment_label(experiment["segment"])
            ).replace("%2", segment_label(experiment["segment"])),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        localize_buttons(box)
        box.accepted.connect(lambda: self.send(experiment["id"], promote=promote))
        self.dialog = box
        box.open()
        return box

    def send(self, experiment_id: str, *, promote: bool) -> None:
        client = self.console.client
        if client is None:
            return

        def done(row: dict[str, Any]) -> None:
            self.console.say(
                tr("Experiment %1: %2.")
                .replace("%1", row.get("name", ""))
                .replace("%2", status_label(str(row.get("status", ""))))
            )
            self.decided.emit(row)
            self.load()

        self.console.ctx.runner.work(
            lambda _s: client.strategies.decide(experiment_id, promote=promote),
            on_done=done,
            on_error=lambda exc: self.console.say(
                tr("Nothing was changed: %1").replace("%1", describe(exc))
            ),
            label="experiment decision",
        )
