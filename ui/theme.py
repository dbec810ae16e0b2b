"""Fonts, icons and the light/dark style sheets."""

from __future__ import annotations

import logging

from PySide6.QtCore import QDir
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from workstation.resources import resource_dir, resource_path

log = logging.getLogger(__name__)

# Verdict / affordability colours, readable on both themes (text is dark on these).
OK_BG = {"light": "#d7f5dd", "dark": "#1f5130"}
BAD_BG = {"light": "#fbd9d6", "dark": "#6a2420"}
WARN_BG = {"light": "#fff1c9", "dark": "#5c4a12"}

_current = {"theme": "light"}


def current() -> str:
    return _current["theme"]


def register_resources() -> None:
    """Icons by name (``QIcon("icons:phone.svg")``) and the bundled CJK font."""
    QDir.addSearchPath("icons", str(resource_dir("icons")))
    font_id = QFontDatabase.addApplicationFont(
        str(resource_path("fonts", "DroidSansFallbackFull.ttf"))
    )
    if font_id < 0:
        log.error("bundled CJK font could not be registered")


def icon(name: str) -> QIcon:
    return QIcon(f"icons:{name}.svg")


def apply(app: QApplication, theme: str) -> None:
    _current["theme"] = theme
    app.setStyle("Fusion")
    font = QFont(app.font())
    # Latin glyphs from the platform font, Chinese falls back to the bundled one.
    font.setFamilies([*app.font().families(), "Droid Sans Fallback"])
    font.setPointSize(10)
    app.setFont(font)
    if theme == "dark":
        palette = QPalette()
        for role, colour in (
            (QPalette.ColorRole.Window, "#26292e"),
            (QPalette.ColorRole.WindowText, "#e6e6e6"),
            (QPalette.ColorRole.Base, "#1d1f23"),
            (QPalette.ColorRole.AlternateBase, "#24272c"),
            (QPalette.ColorRole.Text, "#e6e6e6"),
            (QPalette.ColorRole.Button, "#31353b"),
            (QPalette.ColorRole.ButtonText, "#e6e6e6"),
            (QPalette.ColorRole.Highlight, "#2f6fb3"),
            (QPalette.ColorRole.HighlightedText, "#ffffff"),
            (QPalette.ColorRole.ToolTipBase, "#31353b"),
            (QPalette.ColorRole.ToolTipText, "#e6e6e6"),
            (QPalette.ColorRole.PlaceholderText, "#8a8f98"),
        ):
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
    else:
        app.setPalette(app.style().standardPalette())
    qss = resource_path("styles", f"{theme}.qss").read_text(encoding="utf-8")
    app.setStyleSheet(qss)
