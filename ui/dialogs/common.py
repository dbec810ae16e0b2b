"""Shared bits of the dialogs and screens: field error marking, the error/busy label, and
tables' column widths."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ui.i18n import pick, tr
from workstation.text import Text


@runtime_checkable
class KeepsDialogsOpen(Protocol):
    """A window that holds its open dialogs alive (``MainWindow``): a dialog module offers it
    a dialog without importing the window, which imports the dialogs."""

    def keep_open(self, dialog: QDialog) -> None: ...


@runtime_checkable
class FollowsSyncInterval(Protocol):
    """A window whose background sync follows the settings' interval (``MainWindow``)."""

    def apply_sync_interval(self) -> None: ...


def mark(widgets: dict[str, QWidget], errors: dict[str, Text]) -> None:
    for name, widget in widgets.items():
        invalid = name in errors
        widget.setProperty("invalid", invalid)
        widget.setToolTip(pick(errors[name]) if invalid else "")
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("error")
    label.setWordWrap(True)
    return label


_Box = TypeVar("_Box", QDialogButtonBox, QMessageBox)


def localize_buttons(box: _Box) -> _Box:
    """Qt's own button captions come from qtbase translations, which PySide6-Essentials does
    not ship; name the standard buttons ourselves so they follow the UI language (a button
    box's, or a message box's: "Yes" / "Cancel" read so in a Chinese window)."""
    message = isinstance(box, QMessageBox)
    kind: Any = QMessageBox.StandardButton if message else QDialogButtonBox.StandardButton
    names = {
        kind.Save: tr("Save"),
        kind.Cancel: tr("Cancel"),
        kind.Close: tr("Close"),
        kind.Ok: tr("OK"),
        kind.Yes: tr("Yes"),
        kind.No: tr("No"),
    }
    for standard, text in names.items():
        button = box.button(standard)
        if button is not None:
            button.setText(text)
    return box


def set_column_widths(table: QTableView, widths: Iterable[tuple[int, int]]) -> None:
    """Each column its width, and never narrower than its header's text: a width chosen for
    the English header cut the Chinese one ("风险等级", "Tier", read "险等级")."""
    header = table.horizontalHeader()
    for column, width in widths:
        table.setColumnWidth(column, max(width, header.sectionSizeHint(column)))


def fit_column_to_contents(table: QTableView, column: int) -> None:
    """Widen ``column`` to its widest cell and its header, never narrowing it: a cell whose
    words change with the rows is read whole (the lead's "○ offline, never synced" read
    "○ offline, …"), and a refresh with shorter words does not make the columns jump."""
    needed = max(table.sizeHintForColumn(column), table.horizontalHeader().sectionSizeHint(column))
    if table.columnWidth(column) < needed:
        table.setColumnWidth(column, needed)


def cell_width(table: QTableView, text: str) -> int:
    """The narrowest column of ``table`` that shows ``text`` whole in a cell, measured as its
    delegate measures a cell (margins and text layout), plus the grid line: a column as wide
    as the text's advance plus a margin each side still cut it ("经济困难…")."""
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    option.text = text
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    size = table.style().sizeFromContents(
        QStyle.ContentsType.CT_ItemViewItem, option, QSize(), table
    )
    return size.width() + int(table.showGrid())
