"""Sync status in the status bar and the needs-attention panel."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import SyncStatus
from ui.i18n import tr
from ui.models import NeedsAttentionModel


class SyncStatusWidget(QWidget):
    """online/offline · pending outbox · last sync · needs attention, plus the progress bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QLabel(self)
        self.state.setObjectName("syncState")
        self.pending = QLabel(self)
        self.last = QLabel(self)
        self.attention = QPushButton(self)
        self.attention.setFlat(True)
        self.attention.setAccessibleName(tr("Open the needs-attention list"))
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(tr("Sync progress"))
        self.progress.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        for widget in (self.state, self.pending, self.last, self.attention, self.progress):
            layout.addWidget(widget)

    def show_status(self, status: SyncStatus) -> None:
        if not status.available:
            self.state.setText("● " + tr("Offline — sync not set up"))
            self.state.setProperty("online", "no")
        else:
            self.state.setText("● " + (tr("Online") if status.online else tr("Offline")))
            self.state.setProperty("online", "yes" if status.online else "no")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        self.pending.setText(tr("%1 waiting to upload").replace("%1", str(status.pending)))
        last = (
            status.last_sync.astimezone().strftime("%m-%d %H:%M")
            if status.last_sync
            else tr("never")
        )
        self.last.setText(tr("Last sync: %1").replace("%1", last))
        self.attention.setText(tr("%1 need attention").replace("%1", str(status.needs_attention)))

    def show_progress(self, done: int, total: int) -> None:
        """A bar with a known total; a busy bar while the total is not known yet."""
        self.progress.show()
        if total <= 0:
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))


class NeedsAttentionPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("needsAttention")
        self.model = NeedsAttentionModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Needs attention"))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 320)
        self.empty = QLabel(
            tr("Nothing needs your attention. Sync problems and rejected changes appear here."),
            self,
        )
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("syncSummary")
        self.sync_button = QPushButton(tr("S&ync now"), self)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(tr("Sync progress"))
        self.progress.hide()
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        top.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def show_status(self, status: SyncStatus) -> None:
        if not status.available:
            state = tr("Offline — sync not set up")
        else:
            state = tr("Online") if status.online else tr("Offline")
        last = (
            status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M")
            if status.last_sync
            else tr("never")
        )
        self.summary.setText(
            f"<b>{state}</b> · "
            + tr("%1 waiting to upload").replace("%1", str(status.pending))
            + " · "
            + tr("Last sync: %1").replace("%1", last)
        )

    def set_items(self, items: list[dict[str, str]]) -> None:
        self.model.set_items(items)
        self.empty.setVisible(not items)
