"""Fixtures for the desk UI: a QApplication with fonts/theme, a small demo store, a context.

The store is the real one: a SQLite file at the profile's store path in the test's own
``WORKSTATION_HOME``, copied from a template seeded once per session (tests/seeded_store.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from ui import qt_compat

qt_compat.ensure()  # before any test calls into Qt (see ui/qt_compat.py)


@pytest.fixture(autouse=True)
def _collect_only_while_no_worker_runs() -> Iterator[None]:
    """Python's cyclic garbage collector runs here only between tests, never on its own.

    CI crashed (SIGSEGV) with the GUI thread 'Garbage-collecting' inside qtbot's wait while the
    database worker ran a query: collecting a previous test's Qt and store objects while a
    worker thread is busy is not safe. Each test's context shuts its workers down before this
    teardown collects."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.fixture(scope="session")
def prepared_app(qapp):
    from ui import app as app_mod

    app_mod.prepare(qapp, "en", "light")
    return qapp


@pytest.fixture
def store(workstation_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """120 demo accounts (seed 3) in a real store where the app keeps it."""
    from tests.seeded_store import seeded_store
    from workstation import paths

    opened = seeded_store(tmp_path_factory, paths.store_path(), accounts=120, seed=3)
    yield opened
    opened.close()


@pytest.fixture
def ctx(prepared_app, store) -> Iterator:
    from ui.context import build_context

    context = build_context(store=store, user="li.na")
    yield context
    context.runner.shutdown()


@pytest.fixture
def window(ctx, qtbot):
    from ui.main_window import MainWindow
    from ui.training import open_training

    win = MainWindow(ctx, training=open_training)  # as the entry points build it
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    # the top account of the first page, then the fully ranked queue swapped in: tests start
    # on a settled window (the swap itself is tested in test_queue_first_page.py)
    with qtbot.waitSignals([win.account_loaded, win.queue_loaded], timeout=10_000):
        win.start()
    assert not win.queue.model.preliminary
    return win


def noon_utc() -> datetime:
    return datetime.now(UTC)
