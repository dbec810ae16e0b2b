"""Fixtures for the desk UI: a QApplication with fonts/theme, a small demo store, a context."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache

import pytest

pytest.importorskip("PySide6")

from ui import qt_compat

qt_compat.ensure()  # before any test calls into Qt (see ui/qt_compat.py)

# The offscreen platform cannot resize native windows to size hints; harmless, not ours.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/ui" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@cache
def _portfolio():
    from workstation.demo.generator import generate_portfolio

    return generate_portfolio(120, seed=3)


@pytest.fixture(scope="session")
def prepared_app(qapp):
    from ui import app as app_mod

    app_mod.prepare(qapp, "en", "light")
    return qapp


@pytest.fixture
def store():
    from workstation.desk.memory import MemoryStore

    memory = MemoryStore()
    memory.bulk_load(_portfolio())
    return memory


@pytest.fixture
def ctx(prepared_app, store) -> Iterator:
    from ui.context import build_context

    context = build_context(store=store, user="li.na")
    yield context
    context.runner.shutdown()


@pytest.fixture
def window(ctx, qtbot):
    from ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    with qtbot.waitSignal(win.account_loaded, timeout=10_000):
        win.start()
    return win


def noon_utc() -> datetime:
    return datetime.now(UTC)
