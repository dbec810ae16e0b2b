"""The agent's desk as an agent uses it: keyboard first, verdict before dialling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from tests.seeded_store import event_ids, events_since, outbox_types
from workstation.domain import EventType


def _save_and_wait(window, qtbot, *, expect_error: bool = False):
    if expect_error:
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: bool(window.outcome.errors.text()))
        return None
    with qtbot.waitSignal(window.outcome_saved, timeout=5000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return blocker.args[0]


def test_window_opens_with_queue_and_top_account(window):
    assert window.queue.model.rowCount() > 0
    assert window.view is not None
    assert window.view.account.id == window.queue.model.item_at(0).account_id
    assert not window.grab().isNull()
    # the verdict for every channel is on screen before the agent acts
    assert all(label.text() for label in window.outcome.verdict_labels.values())


def test_ctrl_n_loads_the_next_account(window, qtbot):
    second = window.queue.model.item_at(1).account_id
    with qtbot.waitSignal(window.account_loaded, timeout=5000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [second]


def test_number_keys_pick_dispositions_and_show_only_required_fields(window, qtbot):
    outcome = window.outcome
    outcome.picker.setFocus()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_6)  # hotkey 6 = promise to pay
    assert outcome.current_disposition() == "PTP"
    assert not outcome.promise_amount.isHidden()
    assert outcome.callback_at.isHidden()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_9)  # callback requested
    assert outcome.current_disposition() == "CB"
    assert not outcome.callback_at.isHidden()
    assert outcome.promise_amount.isHidden()


def test_type_to_search_picks_an_outcome(window, qtbot):
    outcome = window.outcome
    outcome.search.setFocus()
    qtbot.keyClicks(outcome.search, "complaint")
    assert outcome.current_disposition() == "COMPLAINT"


def _allowed_now(window) -> bool:
    return window.view.verdicts[window.outcome.current_channel()].allowed


def _at_ten_local(window, ctx, qtbot) -> datetime:
    """Pin the desk's clock to the customer's 10:00 (the verdict green), reload the account."""
    tz = ZoneInfo(window.view.customer.timezone)
    local = datetime.now(tz).replace(hour=10, minute=0, second=0, microsecond=0)
    ctx.desk.clock = lambda: local.astimezone(UTC)
    with qtbot.waitSignal(window.account_loaded, timeout=5000):
        window.agent.load_account(window.view.account.id)
    if not _allowed_now(window):
        window.outcome.override_reason.setText("customer called us back")
    return local


def test_the_forms_default_dates_are_the_customers_today_by_the_desks_clock(window, ctx, qtbot):
    """The promise, payment and call-back defaults come from the desk's clock (the one the
    desk validates them against) in the customer's zone: not the machine's clock or zone."""
    tz = ZoneInfo(window.view.customer.timezone)
    # far from the real date, and just after the customer's midnight, so the customer's day is
    # not UTC's wherever the customer lives east of UTC
    local = datetime(2031, 3, 1, 0, 20, tzinfo=tz)
    ctx.desk.clock = lambda: local.astimezone(UTC)
    with qtbot.waitSignal(window.account_loaded, timeout=5000):
        window.agent.load_account(window.view.account.id)
    outcome = window.outcome
    assert outcome.payment_date.date().toPython() == local.date()
    assert outcome.promise_date.date().toPython() == local.date() + timedelta(days=3)
    callback = outcome.callback_at.dateTime()
    assert callback.date().toPython() == local.date() + timedelta(days=1)
    assert (callback.time().hour(), callback.time().minute()) == (0, 20)


def test_logging_a_promise_writes_the_attempt_and_the_promise_once(window, ctx, qtbot):
    _at_ten_local(window, ctx, qtbot)
    store = ctx.store
    account_id = window.view.account.id
    before_events = event_ids(store, account_id)
    before_outbox = outbox_types(store)
    outcome = window.outcome
    outcome.picker.setFocus()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_6)
    qtbot.keyClicks(outcome.promise_amount, "1.00")
    # a right-party call: the call guide's disclosures are a checklist; unconfirmed, the save
    # is refused and asks again (a reason field appears); nothing is written
    assert outcome.disclosures.isVisibleTo(window)
    assert outcome.disclosures.boxes
    _save_and_wait(window, qtbot, expect_error=True)
    assert outcome.disclosures.reason.isVisibleTo(window)
    assert "disclosure" in outcome.errors.text().lower() or "告知" in outcome.errors.text()
    assert event_ids(store, account_id) == before_events
    for box in outcome.disclosures.boxes.values():
        box.setChecked(True)
    changes = _save_and_wait(window, qtbot)
    new = events_since(store, account_id, before_events)
    assert sorted(e.type for e in new) == sorted([EventType.CONTACT_ATTEMPT, EventType.PROMISE])
    assert outbox_types(store) == [*before_outbox, "event.contact_attempt", "event.promise"]
    attempt = next(e for e in new if e.type is EventType.CONTACT_ATTEMPT)
    promise = next(e for e in new if e.type is EventType.PROMISE)
    assert attempt.payload["disposition"] == "PTP"
    assert attempt.payload["promise_id"] == promise.id
    assert attempt.payload["disclosures_given"] == list(outcome.disclosures.boxes)
    assert promise.payload["amount"] == "1.00"
    assert set(changes.event_ids) == {attempt.id, promise.id}


def test_disclosures_not_given_are_recorded_with_the_reason(window, ctx, qtbot):
    tz = ZoneInfo(window.view.customer.timezone)
    local = datetime.now(tz).replace(hour=10, minute=0, second=0, microsecond=0)
    ctx.desk.clock = lambda: local.astimezone(UTC)
    with qtbot.waitSignal(window.account_loaded, timeout=5000):
        window.agent.load_account(window.view.account.id)
    if not _allowed_now(window):
        window.outcome.override_reason.setText("customer called us back")
    outcome = window.outcome
    account_id = window.view.account.id
    before = event_ids(ctx.store, account_id)
    outcome.select_disposition("RPC_NC")
    first, *rest = outcome.disclosures.boxes.values()
    first.setChecked(True)
    _save_and_wait(window, qtbot, expect_error=True)
    qtbot.keyClicks(outcome.disclosures.reason, "customer hung up")
    _save_and_wait(window, qtbot)
    (attempt,) = events_since(ctx.store, account_id, before)
    assert attempt.payload["disclosures_missing"] == [b.property("disclosure") for b in rest]
    assert attempt.payload["disclosures_reason"] == "customer hung up"
    # the account reloads and the form is clear again
    qtbot.waitUntil(lambda: not outcome.disclosures.reason.isVisibleTo(window), timeout=5000)


def test_invalid_input_is_marked_in_place_and_kept(window, qtbot):
    outcome = window.outcome
    outcome.picker.setFocus()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_6)
    qtbot.keyClicks(outcome.promise_amount, "twelve")
    outcome.notes.setPlainText("customer will call back")
    _save_and_wait(window, qtbot, expect_error=True)
    assert outcome.promise_amount.property("invalid") is True
    assert outcome.promise_amount.text() == "twelve"
    assert outcome.notes.toPlainText() == "customer will call back"


def test_a_blocked_verdict_needs_an_override_reason(window, ctx, qtbot):
    tz = ZoneInfo(window.view.customer.timezone)
    three_am = datetime.now(tz).replace(hour=3, minute=0, second=0, microsecond=0)
    ctx.desk.clock = lambda: three_am.astimezone(UTC) + timedelta(days=1)
    with qtbot.waitSignal(window.account_loaded, timeout=5000):
        window.agent.load_account(window.view.account.id)
    assert not window.view.verdicts[window.outcome.current_channel()].allowed
    assert "✕" in window.outcome.verdict_labels[window.outcome.current_channel()].text()
    outcome = window.outcome
    outcome.picker.setFocus()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_1)  # no answer
    _save_and_wait(window, qtbot, expect_error=True)
    assert outcome.override_reason.property("invalid") is True
    account_id = window.view.account.id
    before = outbox_types(ctx.store)
    before_events = event_ids(ctx.store, account_id)
    outcome.override_reason.setText("customer asked us to call at this hour")
    _save_and_wait(window, qtbot)
    assert outbox_types(ctx.store) == [*before, "event.contact_attempt"]
    [event] = events_since(ctx.store, account_id, before_events)
    assert event.payload["override_reason"] == "customer asked us to call at this hour"


def test_queue_filter_and_tabs_from_the_keyboard(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.queue.filter.hasFocus() or window.queue.filter.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert window.queue.model.tab == "all"
    name = window.queue.model.item_at(0).customer_name
    window.queue.filter.setText(name)
    assert window.queue.model.rowCount() >= 1
    assert all(
        name.casefold() in window.queue.model.item_at(r).customer_name.casefold()
        or name.casefold() in window.queue.model.item_at(r).name_alt.casefold()
        for r in range(window.queue.model.rowCount())
    )


def test_sync_action_says_it_is_unavailable(window, qtbot):
    window.act_sync.trigger()
    assert "not available" in window.statusBar().currentMessage()


def test_icon_only_buttons_have_accessible_names(window):
    from PySide6.QtWidgets import QToolButton

    checked = 0
    for button in window.findChildren(QToolButton):
        parent = button.parentWidget()
        internal = (
            button.objectName().startswith(("qt_", "_q_")) or type(parent).__name__ == "QLineEdit"
        )
        if (
            internal
            or button.icon().isNull()
            or button.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly
        ):
            continue
        checked += 1
        assert button.accessibleName(), button.toolTip()
    assert checked >= 1  # the click-to-call button at least


def test_when_nobody_may_be_called_now_the_queue_opens_on_all(window):
    # e.g. 22:30 in Shanghai for a Chinese book: every row is blocked, "Due now" is empty
    from dataclasses import replace

    from workstation.desk.snapshot import QueueSnapshot

    model = window.queue.model
    items = [replace(model.item_at(i), category="blocked") for i in range(model.rowCount())]
    window.queue.select_tab("due")
    model.set_items(QueueSnapshot.of_items(items, now=datetime.now(UTC)))
    assert model.rowCount() == 0
    window.agent._show_some_work()
    assert model.tab == "all"
    assert model.rowCount() == len(items)


def test_paid_during_call_asks_amount_date_and_method_and_records_a_reported_payment(
    window, ctx, qtbot, tmp_path
):
    local = _at_ten_local(window, ctx, qtbot)
    outcome = window.outcome
    outcome.picker.setFocus()
    qtbot.keyClick(outcome.picker, Qt.Key.Key_7)  # hotkey 7 = paid during call
    assert outcome.current_disposition() == "PAID"
    for name in ("payment_amount", "payment_date", "payment_method"):
        assert not outcome.fields[name].isHidden(), name
    assert outcome.promise_amount.isHidden()
    window.grab().save(str(tmp_path / "paid-during-call.png"))
    qtbot.keyClicks(outcome.payment_amount, "2.50")
    yesterday = local.date() - timedelta(days=1)
    outcome.payment_date.setDate(outcome.payment_date.date().addDays(-1))
    outcome.payment_method.setCurrentIndex(outcome.payment_method.findData("wallet"))
    for box in outcome.disclosures.boxes.values():  # a right-party call: disclosures given
        box.setChecked(True)
    store = ctx.store
    account_id = window.view.account.id
    before = event_ids(store, account_id)
    _save_and_wait(window, qtbot)
    new = events_since(store, account_id, before)
    payment = next(e for e in new if e.type is EventType.PAYMENT)
    assert payment.payload["source"] == "reported"
    assert payment.payload["amount"] == "2.50"
    assert payment.payload["method"] == "wallet"
    assert payment.payload["paid_on"] == yesterday.isoformat()
