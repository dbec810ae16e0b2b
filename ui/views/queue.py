"""The work queue (left): tabs, filter-as-you-type, the table and the selected row's reasons."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import cell_width
from ui.i18n import language, pick, tr
from ui.models import TABS, QueueModel, tab_label
from workstation.queue import default_policy

SELECTION_DEBOUNCE_MS = 100


class QueuePanel(QWidget):
    account_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queuePanel")
        self.model = QueueModel(self)
        self.tabs = QTabBar(self)
        self.tabs.setAccessibleName(tr("Queue filter tabs"))
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        for tab in TABS:
            self.tabs.addTab(tab_label(tab))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(tr("Filter by name, account or jurisdiction (Ctrl+F)"))
        self.filter.setAccessibleName(tr("Filter queue"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.model.set_filter_text)
        self.filter.returnPressed.connect(self._focus_table)

        self.table = QTableView(self)
        self.table.setAccessibleName(tr("Work queue"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        vertical.hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = header.fontMetrics()
        for column, width in enumerate((36, 110, 80, 36, 48, 30, 84, 44, 40)):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            # wide enough for the header in either language, plus the sort arrow
            self.table.setColumnWidth(column, max(width, metrics.horizontalAdvance(title) + 22))
        # a balance must never be cut: room for ¥888,888.88 in the table's font
        money = self.table.fontMetrics().horizontalAdvance("¥888,888.88") + 14
        self.table.setColumnWidth(2, max(self.table.columnWidth(2), money))
        # every treatment's words whole in the Next action column, in the column's short
        # form where the label is long (the whole label is the cell's tooltip and the
        # "Suggested:" below); a longer label in the policy widens the column
        next_action = QueueModel.COLUMNS.index("next")
        words = [t.short(language()) for t in default_policy().treatments.values()]
        self.table.setColumnWidth(
            next_action,
            max([self.table.columnWidth(next_action)] + [cell_width(self.table, w) for w in words]),
        )
        header.setStretchLastSection(True)  # names keep their width; spare room goes right
        self.table.setColumnHidden(4, True)  # the bucket follows from DPD; shown in the header
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.reasons = QLabel(self)
        self.reasons.setObjectName("reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons.setAccessibleName(tr("Why this account is here"))

        self.count = QLabel(self)
        self.count.setObjectName("muted")

        # the narrowest the agent may drag the queue; the desk opens it at ``fitting_width``
        self.setMinimumWidth(360)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.tabs)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.reasons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SELECTION_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_selected)
        self._pending_id: str | None = None
        self._quiet = False
        self.model.modelReset.connect(self._after_reset)
        self.model.counts_changed.connect(self._update_tab_counts)

    def fitting_width(self) -> int:
        """The panel's width that shows every shown column whole, "Now" the last of them,
        with no scrolling sideways: the columns, the vertical scroll bar, the frame and the
        panel's margins."""
        table, header = self.table, self.table.horizontalHeader()
        last = self.model.COLUMNS.index("now")
        columns = sum(
            table.columnWidth(column)
            for column in range(self.model.columnCount())
            if column != last and not table.isColumnHidden(column)
        )
        answers = (cell_width(table, tr("Yes")), cell_width(table, tr("Later")))
        now = max(header.sectionSizeHint(last), *answers)
        scroll_bar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, table)
        margins = self._layout.contentsMargins()
        return (
            columns + now + scroll_bar + 2 * table.frameWidth() + margins.left() + margins.right()
        )

    # -- tabs and counts -----------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        self.model.set_tab(TABS[index])

    def select_tab(self, tab: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(tab))

    def _update_tab_counts(self) -> None:
        for index, tab in enumerate(TABS):
            self.tabs.setTabText(index, f"{tab_label(tab)} {self.model.tab_count(tab):,}")

    def _after_reset(self) -> None:
        text = tr("%1 accounts shown").replace("%1", f"{self.model.rowCount():,}")
        if self.model.preliminary:  # a first page from the last ranking; the full one follows
            text += " · ⟳…"  # refreshing (a worded label needs a catalogue entry)
        self.count.setText(text)
        if self._pending_id is not None:
            self.select_account(self._pending_id, emit=False)

    # -- selection -------------------------------------------------------------------------
    def _focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item_at(current.row()) if current.isValid() else None
        if item is None:
            self.reasons.clear()
            return
        self.reasons.setText(
            "<b>"
            + tr("Why now:")
            + "</b> "
            + " · ".join(pick(r) for r in item.reasons)
            + "<br><b>"
            + tr("Suggested:")
            + "</b> "
            + pick(item.treatment)
        )
        if self._quiet and item.account_id == self._pending_id:
            return
        self._pending_id = item.account_id
        self._debounce.start()  # a burst of arrow keys loads only the row the agent stops on

    def flush_selection(self) -> None:
        """Emit the pending selection now, skipping the debounce (a programmatic pick)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit_selected()

    def _emit_selected(self) -> None:
        if self._pending_id is not None:
            self.account_selected.emit(self._pending_id)

    def select_account(self, account_id: str, *, emit: bool = True) -> bool:
        row = self.model.row_of(account_id)
        if row is None:
            return False
        self._quiet = not emit
        try:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        finally:
            self._quiet = False
        return True

    def current_account_id(self) -> str | None:
        return self._pending_id
