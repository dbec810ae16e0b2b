"""The desk's "Send reminder" dialog: filled text with opt-out wording, segment count and
verdict, in English and Chinese; sending records a queued message in the outbox; an
opted-out phone cannot be sent to."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.seeded_store import outbox_types
from ui import i18n
from ui.messages import MessageDialog, open_message_dialog
from workstation.desk import ContactEdit
from workstation.domain import Channel, EventType
from workstation.messages import compose

SHOTS = Path("/tmp")


def _noon(timezone: str) -> datetime:
    local = datetime.now(ZoneInfo(timezone)).replace(hour=12, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def _pick(ctx, jurisdiction: str, channel: Channel = Channel.SMS):
    """An account whose customer may get ``channel`` at their local noon; the desk's clock set there."""
    store = ctx.store
    for account_id in sorted(row.account_id for row in store.queue_rows(include_closed=True)):
        detail = store.load_account(account_id)
        customer, account = detail.customer, detail.account
        if customer.jurisdiction != jurisdiction:
            continue
        now = _noon(customer.timezone)
        preview = compose(
            "payment_reminder",
            customer,
            account,
            channel,
            customer.language,
            now,
            history=detail.events,
        )
        if preview.sendable:
            ctx.desk.clock = lambda now=now: now
            return account_id, customer
    pytest.skip(f"no {jurisdiction} account may get an SMS in this portfolio")


def _open(ctx, qtbot, account_id: str) -> MessageDialog:
    dialog = open_message_dialog(ctx, None, account_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.current is not None, timeout=10_000)
    return dialog


@pytest.fixture
def chinese(prepared_app):
    """The UI in Chinese: the catalogue installed, as the app does at start."""
    i18n.install(prepared_app, "zh_CN")
    yield
    i18n.install(prepared_app, "en")


def test_chinese_reminder_shows_text_opt_out_segments_and_sends(ctx, qtbot, chinese):
    account_id, _customer = _pick(ctx, "cn-nifa")
    dialog = _open(ctx, qtbot, account_id)
    assert dialog.windowTitle() == "发送提醒"
    assert dialog.language.currentData() == "zh"
    shown = dialog.current
    assert shown.text.endswith("回复TD退订")
    assert dialog.text.toPlainText() == shown.text
    assert dialog.length.text().startswith(f"{shown.segments} 条短信 · UCS-2")
    assert "回复TD退订" in dialog.opt_out.text()
    assert dialog.verdict.property("allowed") == "yes"
    assert dialog.send_button.isEnabled()
    dialog.resize(600, 640)
    assert dialog.grab().save(str(SHOTS / "msg_zh.png"))
    before = outbox_types(ctx.store)
    with qtbot.waitSignal(dialog.sent, timeout=10_000) as sent:
        dialog.send_button.click()
    assert sent.args[0].outbox
    assert outbox_types(ctx.store) == [*before, "event.message"]
    [message] = [
        e
        for e in ctx.store.load_account(account_id).events
        if e.type is EventType.MESSAGE and e.id in sent.args[0].event_ids
    ]
    assert message.payload["status"] == "queued"
    assert message.payload["text"] == shown.text
    assert message.payload["address_used"] == shown.address


def test_english_email_shows_subject_and_unsubscribe_stand_in(ctx, qtbot):
    account_id, _customer = _pick(ctx, "us-regf", Channel.EMAIL)
    dialog = _open(ctx, qtbot, account_id)
    assert dialog.length.text().endswith("characters")
    assert "Reply STOP to stop receiving these messages." in dialog.text.toPlainText()
    assert "(required here)" in dialog.opt_out.text()
    dialog.resize(600, 640)
    assert dialog.grab().save(str(SHOTS / "msg_en.png"))
    dialog.current = None
    dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
    qtbot.waitUntil(lambda: dialog.current is not None, timeout=10_000)
    assert dialog.subject.isVisible()
    assert dialog.current.address == dialog.address.currentData()
    assert dialog.current.sendable, dialog.verdict.text()
    assert dialog.text.toPlainText().endswith("[unsubscribe link]")
    assert dialog.grab().save(str(SHOTS / "msg_en_email.png"))


def test_settlement_offer_asks_for_the_amount_before_it_can_be_sent(ctx, qtbot):
    account_id, _customer = _pick(ctx, "uk-conc")
    dialog = _open(ctx, qtbot, account_id)
    dialog.current = None
    dialog.template.setCurrentIndex(dialog.template.findData("settlement_offer"))
    qtbot.waitUntil(lambda: dialog.current is not None, timeout=10_000)
    assert dialog.settlement.isVisible()
    assert not dialog.send_button.isEnabled()
    assert "Enter the settlement amount" in dialog.verdict.text()
    dialog.current = None
    dialog.settlement.setText("500")
    qtbot.waitUntil(lambda: dialog.current is not None and dialog.current.sendable, timeout=10_000)
    assert "£500.00" in dialog.text.toPlainText()
    assert dialog.send_button.isEnabled()


def test_an_opted_out_phone_cannot_be_sent_to(ctx, qtbot):
    account_id, customer = _pick(ctx, "us-regf")
    # the customer opts out of every phone, saved through the desk like the contacts table
    view = ctx.desk.account(account_id)
    edits = [
        ContactEdit("phone", p.id, p.number, str(p.type), p.consent, True) for p in customer.phones
    ]
    ctx.desk.update_contacts(view, edits)
    assert all(p.opted_out for p in ctx.store.load_customer(customer.id).phones)
    dialog = _open(ctx, qtbot, account_id)
    assert not dialog.current.sendable
    assert "opted out of SMS" in dialog.verdict.text()
    assert dialog.verdict.property("allowed") == "no"
    assert not dialog.send_button.isEnabled()
    assert "opted out" in dialog.address.currentText()
    assert dialog.grab().save(str(SHOTS / "msg_blocked.png"))
