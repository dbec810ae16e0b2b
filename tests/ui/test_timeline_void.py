"""Corrections at the desk: the agent voids a record they logged today from the timeline,
with a reason; it stays on the timeline struck through with who and why, and no longer
counts; an old or someone else's record cannot be voided here (the button says why)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from workstation.desk import OutcomeInput
from workstation.domain import EventType


def row_of(window, event_id: str) -> int:
    model = window.account.timeline_model
    for row in range(model.rowCount()):
        event = model.event_at(row)
        if event is not None and event.id == event_id:
            return row
    raise AssertionError(f"{event_id} is not on the timeline")


def test_void_a_record_logged_today_and_see_it_struck_through(window, qtbot):
    desk, view = window.ctx.desk, window.view
    changes = desk.log_outcome(
        OutcomeInput(
            account_id=view.account.id,
            disposition="NA",
            override_reason="testing the timeline",
        )
    )
    attempt = changes.event_ids[0]
    with qtbot.waitSignal(window.account_loaded, timeout=10_000):
        window.agent.load_account(view.account.id)
    panel = window.account
    panel.timeline.selectRow(row_of(window, attempt))
    assert panel.void_button.isEnabled()
    dialog = panel.ask_void()
    assert dialog is not None
    dialog.text.setPlainText("logged on the wrong customer")
    with qtbot.waitSignal(window.account_loaded, timeout=10_000):
        dialog._save()
    model = window.account.timeline_model
    row = row_of(window, attempt)
    summary = model.index(row, 2)
    assert model.data(summary, Qt.ItemDataRole.FontRole).strikeOut()
    assert "voided by li.na: logged on the wrong customer" in model.data(summary)
    assert "Voided by li.na" in model.data(summary, Qt.ItemDataRole.ToolTipRole)
    voids = [e for e in window.view.events if e.type == EventType.VOID]
    assert [v.payload["target_event_id"] for v in voids] == [attempt]
    # once voided, it cannot be voided again
    window.account.timeline.selectRow(row)
    assert not window.account.void_button.isEnabled()
    assert "already voided" in window.account.void_button.toolTip()
    assert "Voided by li.na" in window.account.void_note.text()


def test_an_old_record_is_for_the_lead_to_void(window):
    panel = window.account
    model = panel.timeline_model
    old = next(
        (r for r in range(model.rowCount()) if model.event_at(r).type == EventType.CONTACT_ATTEMPT),
        None,
    )
    assert old is not None, "the demo history has contact attempts"
    panel.timeline.selectRow(old)
    assert not panel.void_button.isEnabled()
    assert "team lead" in panel.void_button.toolTip()
