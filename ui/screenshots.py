"""Render the window, every registered dialog and the sync panel to PNG (``--screenshot``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ui import dialogs
from ui.ops import OpRunner

if TYPE_CHECKING:
    from ui.field.workspace import FieldWorkspace
    from ui.lead.workspace import LeadWorkspace
    from ui.main_window import MainWindow

Saver = Callable[[QWidget, str], None]

log = logging.getLogger(__name__)


def wait_for(signal: SignalInstance, timeout_ms: int = 20_000) -> bool:
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


def settle(runner: OpRunner, ms: int = 150) -> None:
    """Let pending ops deliver, then a short pause for layout."""
    if runner.busy:
        wait_for(runner.busy_changed, 20_000)
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def render_all(app: QApplication, window: MainWindow, out: Path) -> int:
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

    from ui.field.workspace import FieldWorkspace
    from ui.lead.workspace import LeadWorkspace

    if window.agent is not None:
        window.start()
        wait_for(window.queue_loaded)
        wait_for(window.account_loaded)
        settle(window.ctx.runner, 300)
        save(window, "main_window")
        _render_hold_panel(window, save)
        _render_desk_dialogs(window, save)
        _render_training(window, save)
    elif isinstance(window.workspace, FieldWorkspace):
        _render_field(window, window.workspace, save)
    elif isinstance(window.workspace, LeadWorkspace):
        _render_lead(window, window.workspace, save)
    for name in ("signin", "settings"):
        if window.agent is None:  # the desk loop above already rendered these
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


def _render_desk_dialogs(window: MainWindow, save: Saver) -> None:
    from ui.dialogs.plan import PlanDialog

    for name in dialogs.names():
        dialog = window.open_dialog(name)
        if isinstance(dialog, PlanDialog):  # the affordability verdicts, as in the hardship
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


def _agreement_preview(window: MainWindow) -> QDialog | None:
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
        if plan is None:
            return None
        document = render_specimen_document(plan, "both", jurisdiction=view.customer.jurisdiction)
    except Exception:  # a screenshot run must go on; the log says why
        log.exception("specimen agreement not rendered")
        return None
    return open_preview(window.ctx, document, "SPECIMEN", window)


def _render_field(window: MainWindow, field: FieldWorkspace, save: Saver) -> None:
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


def _render_lead(window: MainWindow, lead: LeadWorkspace, save: Saver) -> None:
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
    _render_complaints(window, lead, save)
    _render_quality(window, lead, save)
    lead.tabs.setCurrentWidget(lead.disputes)
    settle(window.ctx.runner, 400)
    save(window, "lead_disputes")
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


def _render_complaints(window: MainWindow, lead: LeadWorkspace, save: Saver) -> None:
    """The Complaints tab on its first red complaint (overdue or due soon), detail loaded."""
    view = lead.complaints
    lead.tabs.setCurrentWidget(view)
    settle(window.ctx.runner, 400)
    red = next((r for r, c in enumerate(view.model.rows()) if c.red), None)
    if red is not None:
        view.table.selectRow(red)
        wait_for(view.detail_loaded, 10_000)
    settle(window.ctx.runner, 300)
    save(window, "lead_complaints")


def _render_quality(window: MainWindow, lead: LeadWorkspace, save: Saver) -> None:
    """The Quality tab on the week's first sample, its detail loaded and the rubric being
    answered (nothing is submitted for a screenshot); then the QA KPIs and certification."""
    view = lead.quality
    lead.tabs.setCurrentWidget(view)
    settle(window.ctx.runner, 400)
    pane = view.samples
    if pane.model.rowCount():
        if pane.current() is None:
            pane.table.selectRow(0)
        settle(window.ctx.runner, 300)
        for item in view.rubric.items[:-1]:
            pane.rubric.set_answer(item.id, "met" if item.id != "empathy" else "not_met")
        pane.rubric.notes["empathy"].setText("talked over the customer twice")
    settle(window.ctx.runner, 300)
    save(window, "lead_quality")
    for index, name in ((2, "lead_quality_kpis"), (3, "lead_certification")):
        view.tabs.setCurrentIndex(index)
        settle(window.ctx.runner, 200)
        save(window, name)
    view.tabs.setCurrentIndex(0)
    pane.rubric.clear()


def _render_training(window: MainWindow, save: Saver) -> None:
    """Training mode on its first scenario, the trainee's first reply given, then the quiz
    with one answer (a practice store of its own, removed when the window closes)."""
    from ui.training import open_training

    jurisdiction = window.view.customer.jurisdiction if window.view else "cn-nifa"
    try:
        training = open_training(
            jurisdiction if jurisdiction in ("cn-nifa", "uk-conc", "us-regf") else "cn-nifa",
            user=window.ctx.user,
            settings=window.ctx.settings,
        )
    except Exception:  # a screenshot run must go on; the log says why
        log.exception("training mode not rendered")
        return
    training.resize(1680, 940)
    training.show()
    training.start()
    settle(training.ctx.runner, 300)
    panel = training.practice
    panel.start()
    settle(training.ctx.runner, 400)
    if panel.reply_buttons:
        panel.reply_buttons[0].click()
    settle(training.ctx.runner, 300)
    save(training, "training_mode")
    quiz = panel.open_quiz()
    question = training.session.pack.questions[0]
    quiz.choose(question.id, question.answer)
    settle(training.ctx.runner, 200)
    save(quiz, "training_quiz")
    quiz.reject()
    training.close()


def _render_hold_panel(window: MainWindow, save: Saver) -> None:
    """The account's Holds tab on the first account in the queue with more than one hold (or
    any hold), then back to where the desk was."""
    desk, store = window.ctx.desk, window.ctx.store
    current = window.view.account.id if window.view else None
    best: tuple[int, str] | None = None
    for row in store.queue_rows(include_closed=False):
        if not (row.flags or str(row.status) in ("dispute", "hold")):
            continue
        held = len(desk.account(row.account_id).holds)
        if held and (best is None or held > best[0]):
            best = (held, row.account_id)
        if best is not None and best[0] > 1:
            break
    agent = window.agent
    if best is None or agent is None:
        return
    agent.load_account(best[1])
    wait_for(window.account_loaded, 10_000)
    agent.account.tabs.setCurrentWidget(agent.account.holds)
    settle(window.ctx.runner, 300)
    save(window, "hold_panel")
    agent.account.tabs.setCurrentIndex(0)
    if current is not None:
        agent.load_account(current)
        wait_for(window.account_loaded, 10_000)
