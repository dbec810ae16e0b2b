"""Every registered dialog opens with open(), renders, and records what it should."""

from __future__ import annotations

import pytest

from tests.seeded_store import event_ids, events_since, outbox_types
from ui import dialogs
from workstation.domain import EventType


@pytest.mark.parametrize("name", dialogs.names())
def test_every_dialog_opens_and_renders(window, qtbot, name):
    dialog = window.open_dialog(name)
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.grab().isNull()
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.reject()


def test_complaint_dialog_records_a_complaint_with_sla(window, ctx, qtbot):
    account_id = window.view.account.id
    before, before_outbox = event_ids(ctx.store, account_id), outbox_types(ctx.store)
    dialog = window.open_dialog("complaint")
    dialog.details.setPlainText("they call my workplace")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.submit()
    [event] = events_since(ctx.store, account_id, before)
    assert event.type is EventType.COMPLAINT
    assert event.payload["details"] == "they call my workplace"
    assert event.payload["sla_due"]
    assert outbox_types(ctx.store) == [*before_outbox, "event.complaint"]


def test_complaint_without_details_keeps_the_dialog_open(window, qtbot):
    dialog = window.open_dialog("complaint")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.details.property("invalid") is True)
    assert dialog.isVisible()


def test_plan_dialog_compares_and_agrees(window, ctx, qtbot):
    account_id = window.view.account.id
    before = event_ids(ctx.store, account_id)
    dialog = window.open_dialog("plan")
    qtbot.waitUntil(lambda: dialog.columns[0].option is not None)
    dialog.income.setText("100000")
    dialog.expenses.setText("1000")
    qtbot.waitUntil(lambda: dialog.columns[0].option.affordable is True, timeout=3000)
    assert dialog.columns[0].property("affordable") == "yes"
    with qtbot.waitSignal(dialog.agreed, timeout=5000):
        dialog.columns[1].button.click()
    [event] = events_since(ctx.store, account_id, before)
    assert event.type is EventType.PLAN_AGREEMENT
    assert event.payload["kind"] == "deferral"


def test_sign_in_error_keeps_what_was_typed(window, qtbot):
    dialog = window.open_dialog("signin")
    dialog.server.setText("https://collect.example.com")
    dialog.user.setText("li.na")
    dialog.password.setText("secret")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled() and bool(dialog.error.text()))
    assert dialog.isVisible()
    assert (dialog.user.text(), dialog.password.text()) == ("li.na", "secret")


def test_settings_round_trip(window, ctx, qtbot):
    dialog = window.open_dialog("settings")
    dialog.tel_uri.setText("sip:{number}@pbx.local")
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.submit()
    from ui import settings

    saved = settings.load()
    assert saved.tel_uri == "sip:{number}@pbx.local"
    assert saved.theme == "dark"
    assert ctx.settings.dial_uri("+86 138 0000 0000") == "sip:+8613800000000@pbx.local"


def test_needs_attention_panel_renders(window, qtbot):
    window.show_attention()
    assert window.attention_dock.isVisible()
    assert not window.attention_dock.grab().isNull()
