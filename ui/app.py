"""Application bootstrap: QApplication, fonts, icons, theme, translations, context, window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from ui import i18n, qt_compat, theme
from ui import settings as settings_mod
from ui.context import AppContext, build_context
from workstation import paths
from workstation.domain import Role
from workstation.domain.bulk import freeze_heap
from workstation.redaction import RedactingFilter

if TYPE_CHECKING:
    from workstation.store import Store


def configure_logging() -> None:
    handler = logging.FileHandler(paths.log_dir() / "workstation.log", encoding="utf-8")
    handler.addFilter(RedactingFilter())  # no token, password or national id in the file
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )


def ensure_app(argv: list[str] | None = None) -> QApplication:
    qt_compat.ensure()
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("Collector Workstation")
        app.setOrganizationName("CollectorWorkstation")
    return app  # type: ignore[return-value]


def prepare(app: QApplication, language: str, theme_name: str) -> None:
    """Resources, theme and language — before any widget is created."""
    theme.register_resources()
    i18n.install(app, language)
    theme.apply(app, theme_name)


def set_heap_aside() -> None:
    """The window and everything built to show it, out of the collector's full passes
    (``domain.bulk.freeze_heap``; with the demo's window up a pass took ~200 ms on whichever
    thread was allocating). The entry points call this once the window is built and shown,
    before it starts its workers (a collection while a worker thread uses Qt or store objects
    is not safe: tests/ui/conftest.py); tests, which share one process, do not."""
    freeze_heap()


def make_context(
    *, role: Role = Role.AGENT, store: Store | None = None, user: str = ""
) -> AppContext:
    settings = settings_mod.load()
    return build_context(settings=settings, store=store, role=role, user=user)
