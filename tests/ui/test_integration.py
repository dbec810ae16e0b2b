"""The desk wired to its neighbours: agreeing a plan keeps the PDF and opens the preview, the
account lists its agreements, a reminder opens from the keyboard and its statuses fold into
one timeline row, sync runs on a timer without overlapping, the sync bridge forwards a cancel
to ``SyncProgress.cancel()``, and the field and lead screens mount by role without claiming
the window's keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.seeded_store import event_ids, events_since
from workstation.domain import EventType, Role


def test_agree_plan_renders_the_pdf_keeps_it_and_opens_the_preview(window, ctx, qtbot):
    account_id = window.view.account.id
    before = event_ids(ctx.store, account_id)
    dialog = window.open_dialog("plan")
    qtbot.waitUntil(lambda: dialog.columns[0].option is not None)
    with qtbot.waitSignal(dialog.agreed, timeout=20_000):
        dialog.columns[0].button.click()
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.isVisible())
    [event] = events_since(ctx.store, account_id, before)
    assert event.type is EventType.PLAN_AGREEMENT
    digest = event.payload["document_sha256"]
    assert len(digest) == 64
    assert event.payload["document_reference"]
    pdf = ctx.store.get_blob(digest)
    assert pdf is not None
    assert pdf.startswith(b"%PDF")
    assert dialog.preview.pdf_sha256 == digest
    # the schedule recorded is the calculator's, line for line
    option = dialog.columns[0].option
    assert [line["amount"] for line in event.payload["schedule"]] == [
        line.amount.wire() for line in option.schedule
    ]
    dialog.preview.reject()

    # the account's Documents section lists it and opens it from the stored blob
    account = window.account
    qtbot.waitUntil(lambda: account.documents.rowCount() == 1, timeout=10_000)
    assert account.documents.item(0, 1).text() == event.payload["document_reference"]
    account.tabs.setCurrentIndex(account.tabs.count() - 1)
    account.documents.setFocus()
    account.documents.selectRow(0)
    before = len(window._open_dialogs)
    qtbot.keyClick(account.documents, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window._open_dialogs) > before, timeout=10_000)
    preview = window._open_dialogs[-1]
    assert preview.pdf_sha256 == digest
    assert not preview.grab().isNull()
    preview.reject()


def test_plan_errors_are_shown_in_place_and_nothing_typed_is_lost(window, qtbot):
    dialog = window.open_dialog("plan")
    qtbot.waitUntil(lambda: dialog.columns[0].option is not None)
    dialog.income.setText("9000")
    dialog.settlement_percent.setText("0")
    dialog.recalculate()
    qtbot.waitUntil(lambda: dialog.settlement_percent.property("invalid") is True)
    assert dialog.error.text()
    assert (dialog.income.text(), dialog.settlement_percent.text()) == ("9000", "0")
    dialog.settlement_percent.setText("95")
    dialog.expenses.setText("8000")
    dialog.recalculate()
    qtbot.waitUntil(lambda: not dialog.settlement_percent.property("invalid"), timeout=5000)
    verdicts = {c.option.kind: c.option.affordable for c in dialog.columns if c.option}
    assert set(verdicts) == {"instalments", "deferral", "settlement"}
    for column in dialog.columns:
        expected = "yes" if column.option.affordable else "no"
        assert column.property("affordable") == expected
    dialog.reject()


def test_the_desk_plan_is_the_calculators_plan(ctx):
    from workstation.plans import Deferral, Schedule, Settlement

    item = ctx.desk.queue()[0]
    comparison = ctx.desk.compare_plans(
        item.account_id, instalments=7, monthly_income="5000", monthly_expenses="3000"
    )
    plans = [o.plan for o in comparison.options]
    assert isinstance(plans[0], Schedule)
    assert plans[0].count == 7
    assert isinstance(plans[1], Deferral)
    assert isinstance(plans[2], Settlement)
    for option in comparison.options:
        assert option.affordable is not None
        assert sum(line.amount.amount for line in option.schedule) == option.total.amount
    assert comparison.max_instalment is not None


def test_send_reminder_opens_from_the_keyboard(window, qtbot):
    before = len(window._open_dialogs)
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window._open_dialogs) > before)
    dialog = window._open_dialogs[-1]
    assert dialog.objectName() == "messageDialog" or hasattr(dialog, "sent")
    assert not dialog.grab().isNull()
    dialog.reject()
    assert window.outcome.reminder_button.isEnabled()


def test_message_statuses_fold_into_one_timeline_row(ctx, window):
    from dataclasses import replace

    from ui.models import TimelineModel
    from workstation.domain import Event, new_id

    view = window.view
    base = view.account
    sent_at = view.loaded_at - timedelta(hours=2)

    def message(status: str, of: str | None, minutes: int, **extra: Any) -> Event:
        payload = {"channel": "sms", "template": "payment_reminder", "status": status, **extra}
        if of:
            payload["message_id"] = of
        return Event(
            id=new_id(),
            type=EventType.MESSAGE,
            account_id=base.id,
            customer_id=base.customer_id,
            occurred_at=sent_at + timedelta(minutes=minutes),
            recorded_by="li.na",
            payload=payload,
        )

    original = message("queued", None, 0)
    original = replace(original, payload={**original.payload, "message_id": original.id})
    events = [
        message("delivered", original.id, 5),
        message("sent", original.id, 6),  # late, must not hide "delivered"
        original,
    ]
    model = TimelineModel()
    model.set_events(events)
    assert model.rowCount() == 1
    text = model.data(model.index(0, 2))
    assert "delivered" in text
    assert "payment reminder" in text


class _FakeEngine:
    """A stand-in with the real engine's signature: ``sync(progress)`` only."""

    def __init__(self) -> None:
        self.store = _NoBlobs()
        self.api = None
        self.calls = 0
        self.cancelled = False

    def sync(self, progress: Any) -> str:
        from workstation.sync import Phase

        self.calls += 1
        progress.update(Phase.PUSH, done=1, total=2, message="pushing")
        self.cancelled = progress.cancel_requested
        return "report"


class _NoBlobs:
    def blobs_to_upload(self) -> list[Any]:
        return []


def test_sync_bridge_calls_the_engine_with_progress_only_and_forwards_cancel(ctx):
    from ui.ops import OpState

    engine = _FakeEngine()
    ctx.attach_engine(engine)
    assert ctx.sync.engine is engine
    state = OpState(1)
    assert ctx.sync.run(state) == "report"
    assert not engine.cancelled
    cancelled = OpState(2)
    cancelled.cancel()
    ctx.sync.run(cancelled)
    assert engine.cancelled  # forwarded to SyncProgress.cancel()


def test_sync_runs_on_a_timer_and_never_overlaps(window, ctx, qtbot):
    engine = _FakeEngine()
    ctx.attach_engine(engine)
    assert window.sync_timer.isActive()
    assert window.sync_timer.interval() == ctx.settings.sync_interval_minutes * 60_000
    with qtbot.waitSignal(window.sync_finished, timeout=10_000):
        window.sync_in_background()
        window.sync_in_background()  # a second tick while running is skipped
    assert engine.calls == 1
    ctx.settings.sync_interval_minutes = 0
    window.apply_sync_interval()
    assert not window.sync_timer.isActive()


def _ambiguous(records: list[Any]) -> list[str]:
    return [r.message for r in records if "mbiguous" in r.message]


FIELD_DAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai, a Friday


@pytest.fixture
def field_window(prepared_app, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, qtbot):
    from tests.seeded_store import seeded_store
    from ui.context import build_context
    from ui.main_window import MainWindow

    # the book as of a fixed instant, and the day planned at it (the field screen keeps the
    # desk's clock): the same stops whatever the day and hour the test runs
    store = seeded_store(tmp_path_factory, tmp_path / "field.db", accounts=120, seed=4,
                         as_of=FIELD_DAY)  # fmt: skip
    context = build_context(store=store, role=Role.FIELD, user="wang.qiang")
    context.desk.clock = lambda: FIELD_DAY
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.resize(1500, 850)
    win.show()
    with qtbot.waitSignal(win.workspace.plan_loaded, timeout=20_000):
        win.start()
    yield win
    context.runner.shutdown()
    store.close()


def test_field_role_mounts_the_field_workspace_and_its_keys_work(field_window, qtbot, qtlog):
    from ui.field.workspace import FieldWorkspace

    assert isinstance(field_window.workspace, FieldWorkspace)
    assert field_window.queue is None
    assert not field_window.grab().isNull()
    field = field_window.workspace
    qtbot.waitUntil(lambda: field.current is not None, timeout=5000)
    first = field.current.account_id
    field.table.setFocus()
    qtbot.keyClick(field.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: field.current is not None and field.current.account_id != first)
    assert not _ambiguous(qtlog.records)


def test_lead_role_mounts_the_console_and_asks_to_sign_in(prepared_app, store, qtbot, qtlog):
    from ui.context import build_context
    from ui.lead.workspace import LeadWorkspace
    from ui.main_window import MainWindow

    context = build_context(store=store, role=Role.LEAD, user="zhao.min")
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    win.start()
    assert isinstance(win.workspace, LeadWorkspace)
    assert "Sign in" in win.workspace.status.text()
    win.activateWindow()
    table = win.workspace.team.team
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert win.workspace.tabs.currentWidget() is win.workspace.review
    assert not _ambiguous(qtlog.records)
    context.runner.shutdown()
