"""Shared bits of the dialogs: field error marking and the error/busy label."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

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
