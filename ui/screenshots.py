"""Render the window, every registered dialog and the sync panel to PNG (``--screenshot``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui import dialogs

log = logging.getLogger(__name__)


def wait_for(signal: Any, timeout_ms: int = 20_000) -> bool:
    """Run the event loop until ``signal`` fires or the timeout passes."""
    loop = QEventLoop()
    fired = []

    def fire(*_args: object) -> None:
        fired.append(True)
        loop.quit()

    signal.connect(fire)
    QTimer.singleShot(timeout_ms, loop.quit)
    if not fired:
        loop.exec()
    return bool(fired)


def settle(runner: Any, ms: int = 150) -> None:
    """Let pending ops deliver, then a short pause for layout."""
    if runner.busy:
        wait_for(runner.busy_changed, 20_000)
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def render_all(app: QApplication, window: Any, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    window.resize(1680, 940)
    window.show()
    window.start()
    if window.queue is not None:
        wait_for(window.queue_loaded)
        wait_for(window.account_loaded)
    settle(window.ctx.runner, 300)

    def save(widget: QWidget, name: str) -> None:
        nonlocal failures
        log.info("rendering %s", name)
        pixmap = widget.grab()
        if pixmap.isNull() or not pixmap.save(str(out / f"{name}.png")):
            log.error("could not render %s", name)
            failures += 1

    save(window, "main_window")
    for name in dialogs.names():
        dialog = window.open_dialog(name)
        if name == "plan":  # show the affordability verdicts, as in the hardship scenario
            dialog.income.setText("9000")
            dialog.expenses.setText("7500")
            dialog.recalculate()
        settle(window.ctx.runner, 300)
        save(dialog, f"dialog_{name}")
        dialog.reject()
    window.show_attention()
    window.refresh_sync_status()
    settle(window.ctx.runner)
    save(window.attention_dock, "sync_panel")
    save(window.statusBar(), "status_bar")
    window.close()
    return failures
