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

    def save(widget: QWidget, name: str) -> None:
        nonlocal failures
        log.info("rendering %s", name)
        pixmap = widget.grab()
        if pixmap.isNull() or not pixmap.save(str(out / f"{name}.png")):
            log.error("could not render %s", name)
            failures += 1

    if window.queue is not None:
        window.start()
        wait_for(window.queue_loaded)
        wait_for(window.account_loaded)
        settle(window.ctx.runner, 300)
        save(window, "main_window")
        _render_desk_dialogs(window, save)
    elif hasattr(window.desk, "plan_loaded"):
        _render_field(window, save)
    else:
        _render_lead(window, save)
    for name in ("signin", "settings"):
        if window.queue is None:  # the desk loop above already rendered these
            dialog = window.open_dialog(name)
            settle(window.ctx.runner, 200)
            save(dialog, f"dialog_{name}")
            dialog.reject()
    window.show_attention()
    window.refresh_sync_status()
    settle(window.ctx.runner)
    save(window.attention_dock, "sync_panel")
    save(window.statusBar(), "status_bar")
    window.close()
    return failures


def _render_desk_dialogs(window: Any, save: Any) -> None:
    for name in dialogs.names():
        dialog = window.open_dialog(name)
        if name == "plan":  # show the affordability verdicts, as in the hardship scenario
            dialog.income.setText("9000")
            dialog.expenses.setText("7500")
            dialog.recalculate()
        settle(window.ctx.runner, 400)
        save(dialog, f"dialog_{name}")
        dialog.reject()
    preview = _agreement_preview(window)
    if preview is not None:
        settle(window.ctx.runner, 600)
        save(preview, "dialog_agreement_preview")
        preview.close()


def _agreement_preview(window: Any) -> Any:
    """The agreement preview on a specimen of the selected account's instalment plan
    (nothing is recorded for a screenshot)."""
    from ui.dialogs.plan import open_preview

    try:
        from workstation.documents.specimen import render_specimen_document

        desk, view = window.ctx.desk, window.view
        if view is None:
            return None
        comparison = desk.compare_plans(view.account.id, instalments=24)
        plan = comparison.options[0].plan
        document = render_specimen_document(plan, "both", jurisdiction=view.customer.jurisdiction)
    except Exception:  # a screenshot run must go on; the log says why
        log.exception("specimen agreement not rendered")
        return None
    return open_preview(window.ctx, document, "SPECIMEN", window)


def _render_field(window: Any, save: Any) -> None:
    field = window.desk
    window.start()
    wait_for(field.plan_loaded)
    settle(window.ctx.runner, 400)
    save(window, "field_main_window")
    dialog = field.open_plan()
    if dialog is not None:
        dialog.income.setText("9000")
        dialog.expenses.setText("7500")
        dialog.recalculate()
        settle(window.ctx.runner, 500)
        save(dialog, "field_dialog_plan")
        dialog.reject()


def _render_lead(window: Any, save: Any) -> None:
    lead = window.desk
    window.start()
    if lead.client is not None:
        wait_for(lead.team.overview_loaded)
        wait_for(lead.team.accounts_loaded)
    settle(window.ctx.runner, 500)
    save(window, "lead_team")
    for tab, name in ((lead.review, "lead_review"), (lead.kpis, "lead_kpis")):
        lead.tabs.setCurrentWidget(tab)
        settle(window.ctx.runner, 400)
        save(window, name)
    lead.tabs.setCurrentWidget(lead.team)
    agents = lead.overview.agents if lead.overview else []
    rows = lead.team.accounts_model.rowCount()
    if len(agents) > 1 and rows:
        from ui.field.table import KEY_ROLE

        model = lead.team.accounts_model
        ids = [str(model.data(model.index(r, 0), KEY_ROLE)) for r in range(min(rows, 5))]
        dialog = lead.reassign_accounts(ids, agents[-1].user_id)
        if dialog is not None:
            wait_for(dialog.preview_ready, 15_000)
            settle(window.ctx.runner, 300)
            save(dialog, "lead_dialog_reassign")
            dialog.reject()
