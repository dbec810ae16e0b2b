"""Shared bits of the dialogs: field error marking and the error/busy label."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

from ui.i18n import pick, tr
from workstation.desk import DeskError, Text, ValidationError


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


def describe(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "\n".join(pick(t) for t in exc.errors.values())
    if isinstance(exc, DeskError):
        return pick(exc.text)
    return tr("Something went wrong: %1").replace("%1", str(exc) or type(exc).__name__)


def localize_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Qt's own button captions come from qtbase translations, which PySide6-Essentials does
    not ship; name the standard buttons ourselves so they follow the UI language."""
    names = {
        QDialogButtonBox.StandardButton.Save: tr("Save"),
        QDialogButtonBox.StandardButton.Cancel: tr("Cancel"),
        QDialogButtonBox.StandardButton.Close: tr("Close"),
        QDialogButtonBox.StandardButton.Ok: tr("OK"),
    }
    for standard, text in names.items():
        button = box.button(standard)
        if button is not None:
            button.setText(text)
    return box
