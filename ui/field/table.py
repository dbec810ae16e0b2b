"""A small flat table model shared by the field and lead screens: rows are plain core
values, columns are declared once (header, text, sort key, colour, tooltip). Sorting is
done inside the model (no proxy), keeping persistent indexes — the selection — on the same
rows; replacing the rows is a model reset. Rows can be dragged out as account ids."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
ACCOUNT_MIME = "application/x-collector-account-ids"

R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str
    header: Callable[[], str]
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    align_right: bool = False
    background: Callable[[R], str | None] | None = None
    foreground: Callable[[R], str | None] | None = None
    tooltip: Callable[[R], str] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    def __init__(
        self,
        columns: Sequence[Column[R]],
        key: Callable[[R], str],
        parent: QObject | None = None,
        *,
        drag_accounts: Callable[[R], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._key = key
        self._rows: list[R] = []
        self._drag = drag_accounts
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # data in ---------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._rows = self._sorted(self._rows, *self._sort)
        self.endResetModel()

    def replace_row(self, row: R) -> bool:
        """Swap one row in place (same key); a precise dataChanged, no reset."""
        key = self._key(row)
        for position, current in enumerate(self._rows):
            if self._key(current) == key:
                self._rows[position] = row
                self.dataChanged.emit(
                    self.index(position, 0), self.index(position, len(self.columns) - 1)
                )
                return True
        return False

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int | None:
        for position, row in enumerate(self._rows):
            if self._key(row) == key:
                return position
        return None

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # Qt interface -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if 0 <= section < len(self.columns):
            return self.columns[section].header()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row_number, column_number = index.row(), index.column()
        if not (0 <= row_number < len(self._rows) and 0 <= column_number < len(self.columns)):
            return None
        row, column = self._rows[row_number], self.columns[column_number]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == KEY_ROLE:
            return self._key(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            colour = column.background(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._drag is not None:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(p, self._key(self._rows[p.row()]) if p.row() < len(self._rows) else None)
                for p in persistent]  # fmt: skip
        self._sort = (column, order)
        self._rows = self._sorted(self._rows, column, order)
        position = {self._key(r): i for i, r in enumerate(self._rows)}
        old, new = [], []
        for index, key in held:
            old.append(index)
            row = position.get(key) if key is not None else None
            new.append(QModelIndex() if row is None else self.index(row, index.column()))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[R], column: int, order: Qt.SortOrder) -> list[R]:
        sort_key = self.columns[column].sort_key
        if sort_key is None:
            return rows
        return sorted(
            rows,
            key=lambda r: _none_last(sort_key(r)),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    # drag --------------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [ACCOUNT_MIME] if self._drag is not None else []

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        if self._drag is None:
            return data
        ids = list(
            dict.fromkeys(
                self._drag(self._rows[i.row()]) for i in indexes if 0 <= i.row() < len(self._rows)
            )
        )
        data.setData(ACCOUNT_MIME, QByteArray("\n".join(ids).encode()))
        data.setText("\n".join(ids))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def _none_last(value: Any) -> tuple[int, Any]:
    return (1, 0) if value is None else (0, value)


def account_ids_from(mime: QMimeData) -> list[str]:
    if not mime.hasFormat(ACCOUNT_MIME):
        return []
    raw = bytes(mime.data(ACCOUNT_MIME).data()).decode()
    return [line for line in raw.splitlines() if line]
