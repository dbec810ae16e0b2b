"""Item models: qtmodeltester on each, and the queue's in-model sort and filter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt

from ui.models import (
    ContactsModel,
    NeedsAttentionModel,
    QueueModel,
    ScheduleModel,
    TimelineModel,
)
from workstation.desk import QueueItem, ScheduleLine
from workstation.domain import Email, Money, Phone
from workstation.text import Text


def _item(
    n: int, name: str, *, balance: int, category: str = "due_now", contactable=True
) -> QueueItem:
    return QueueItem(
        account_id=f"acc-{n}",
        customer_id=f"cus-{n}",
        customer_name=name,
        name_alt="",
        balance_minor=balance,
        past_due_minor=balance // 2,
        currency="CNY",
        days_past_due=n * 10,
        bucket="30-59",
        status="open",
        risk_tier="ABCD"[n % 4],
        score=0.5,
        timezone="Asia/Shanghai",
        jurisdiction="cn-nifa",
        language="zh",
        flags=frozenset(),
        priority=100.0 - n,
        rank=n,
        treatment=Text("Call", "电话催收"),
        contactable_now=contactable,
        next_contact_allowed_at=None,
        category=category,
        callback_due_at=datetime(2026, 1, 1, tzinfo=UTC) if category == "callback" else None,
        promise_due=category == "promise_due",
    )


@pytest.fixture
def queue_model(qapp):
    model = QueueModel()
    model.set_items(
        [
            _item(1, "王伟", balance=50_000, category="callback"),
            _item(2, "Alice Smith", balance=10_000, category="promise_due"),
            _item(3, "李娜", balance=90_000),
            _item(4, "Bob Jones", balance=20_000, category="blocked", contactable=False),
        ]
    )
    return model


def _names(model: QueueModel) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_queue_model_passes_the_model_tester(qtmodeltester, queue_model):
    queue_model.set_tab("all")
    qtmodeltester.check(queue_model, force_py=True)


def test_tabs_filter_inside_the_model(queue_model):
    assert _names(queue_model) == ["王伟", "Alice Smith", "李娜"]  # due now: not the blocked one
    queue_model.set_tab("callbacks")
    assert _names(queue_model) == ["王伟"]
    queue_model.set_tab("promises")
    assert _names(queue_model) == ["Alice Smith"]
    queue_model.set_tab("all")
    assert queue_model.rowCount() == 4
    assert queue_model.tab_count("due") == 3


def test_filter_as_you_type_narrows_and_widens(queue_model):
    queue_model.set_tab("all")
    queue_model.set_filter_text("s")
    assert _names(queue_model) == ["Alice Smith", "Bob Jones"]
    queue_model.set_filter_text("sm")
    assert _names(queue_model) == ["Alice Smith"]
    queue_model.set_filter_text("李")
    assert _names(queue_model) == ["李娜"]
    queue_model.set_filter_text("")
    assert queue_model.rowCount() == 4


def test_sorting_keeps_the_selected_account_under_persistent_indexes(queue_model):
    queue_model.set_tab("all")
    from PySide6.QtCore import QPersistentModelIndex

    held = QPersistentModelIndex(queue_model.index(2, 0))  # 李娜
    queue_model.sort(2, Qt.SortOrder.DescendingOrder)  # balance
    assert _names(queue_model) == ["李娜", "王伟", "Bob Jones", "Alice Smith"]
    assert held.row() == 0
    queue_model.sort(0, Qt.SortOrder.AscendingOrder)
    assert _names(queue_model) == ["王伟", "Alice Smith", "李娜", "Bob Jones"]
    assert held.row() == 2


def test_sort_survives_a_filter_and_a_reload(queue_model):
    queue_model.set_tab("all")
    queue_model.sort(2, Qt.SortOrder.AscendingOrder)
    queue_model.set_filter_text("o")  # Bob Jones, Alice Smith? no: only names containing "o"
    assert _names(queue_model) == ["Bob Jones"]
    queue_model.set_filter_text("")
    assert _names(queue_model) == ["Alice Smith", "Bob Jones", "王伟", "李娜"]


def test_timeline_model(qtmodeltester, store):
    model = TimelineModel()
    some = []
    for row in store.queue_rows():  # the stored history of the first accounts, up to 30 events
        some.extend(store.load_account(row.account_id).events)
        if len(some) >= 30:
            break
    assert some
    model.set_events(some[:30])
    qtmodeltester.check(model, force_py=True)


def test_contacts_model_edits_and_marks_errors(qtmodeltester):
    model = ContactsModel()
    model.set_contacts([Phone("p1", "+86 138 0000 0000")], [Email("e1", "a@example.com")])
    qtmodeltester.check(model, force_py=True)
    index = model.index(0, 1)
    assert model.setData(index, "not a number", Qt.ItemDataRole.EditRole)
    model.set_errors({0: Text("bad", "无效")})
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "bad"
    assert model.data(index) == "not a number"  # what was typed stays


def test_schedule_and_needs_attention_models(qtmodeltester):
    schedule = ScheduleModel()
    schedule.set_lines([ScheduleLine(1, date(2026, 1, 1), Money.of("10.00", "CNY"))])
    qtmodeltester.check(schedule, force_py=True)
    attention = NeedsAttentionModel()
    attention.set_items([{"what": "Promise on …1234", "why": "rejected", "action": "re-enter"}])
    qtmodeltester.check(attention, force_py=True)


def test_the_daily_runs_events_read_as_words_on_the_timeline():
    from ui.models import event_summary, event_type_label
    from workstation.domain import Event, EventType

    def event(kind: EventType, payload: dict[str, object]) -> Event:
        return Event(id="e", type=kind, account_id="a", customer_id="c",
                     occurred_at=datetime(2025, 3, 1, tzinfo=UTC), recorded_by="daily-run",
                     payload=payload)  # fmt: skip

    missed = event(EventType.INSTALMENT, {"n": 2, "amount": "300.00", "currency": "CNY",
                                          "due_on": "2025-02-28", "status": "missed"})  # fmt: skip
    assert event_summary(missed) == "#2 · ¥300.00 · 2025-02-28 · missed"
    broken = event(EventType.PLAN_STATUS, {"status": "broken", "missed": [1, 2]})
    assert event_summary(broken) == "plan broken · instalments missed: #1, #2"
    letter = event(EventType.DOCUMENT, {"kind": "paid_in_full", "paid_amount": "4000.00",
                                        "currency": "CNY", "document_reference": "PIF-1"})  # fmt: skip
    assert event_summary(letter) == "Paid-in-full letter · ¥4,000.00 · PIF-1"
    ended = event(EventType.FLAG_CHANGE, {"flag": "hardship", "value": False,
                                          "reason": "hold_ended", "duration_days": 30})  # fmt: skip
    assert event_summary(ended) == "Hardship · hold ended after 30 days"
    assert {event_type_label(k) for k in (EventType.INSTALMENT, EventType.PLAN_STATUS,
                                          EventType.DOCUMENT)} == {"Instalment", "Plan", "Document"}  # fmt: skip


def test_the_timeline_reads_in_chinese_without_a_stored_code(prepared_app):
    """A payment's source, a visit's outcome and a flag are stored as codes; a Chinese desk
    reads them as Chinese words, not ``confirmed`` / ``nobody`` / ``hardship``."""
    from ui import i18n
    from ui.models import event_summary
    from workstation.domain import Event, EventType

    at = datetime(2026, 11, 12, tzinfo=UTC)

    def event(kind: EventType, payload: dict) -> Event:
        return Event("e", kind, "a", "c", at, "li.na", payload)

    paid = event(EventType.PAYMENT, {"amount": "206.00", "currency": "CNY", "source": "confirmed"})
    told = event(EventType.PAYMENT, {"amount": "50.00", "currency": "CNY", "source": "reported"})
    visit = event(EventType.VISIT, {"outcome": "nobody", "notes": "留了联系卡"})
    flag = event(EventType.FLAG_CHANGE, {"flag": "hardship", "value": True, "details": ""})
    assert event_summary(paid) == "¥206.00 (confirmed)"
    assert event_summary(told) == "¥50.00 (reported by the customer)"
    assert event_summary(visit) == "Nobody at home · 留了联系卡"
    i18n.install(prepared_app, "zh_CN")
    try:
        assert event_summary(paid) == "¥206.00 (银行已确认到账)"
        assert event_summary(told) == "¥50.00 (客户告知，待银行确认)"
        assert event_summary(visit) == "无人在家 · 留了联系卡"
        assert event_summary(flag) == "经济困难"
    finally:
        i18n.install(prepared_app, "en")


def test_the_timeline_tells_the_lifecycle_events_in_words():
    from ui.models import event_summary, event_type_label
    from workstation.domain import Event, EventType

    at = datetime(2027, 3, 1, tzinfo=UTC)

    def event(kind: EventType, payload: dict) -> Event:
        return Event("e", kind, "a", "c", at, "bank file", payload)

    off = event(EventType.WRITE_OFF, {"amount": "400.00", "currency": "CNY",
                                      "reason": "settlement"})  # fmt: skip
    assert "400.00" in event_summary(off)
    assert event_type_label(EventType.WRITE_OFF) != "write_off"
    closed = event(EventType.STATUS_CHANGE, {"from_status": "plan", "to_status": "paid",
                                             "reason": "balance paid in full"})  # fmt: skip
    text = event_summary(closed)
    assert "→" in text
    assert "balance paid in full" in text
    assert event_type_label(EventType.STATUS_CHANGE) != "status_change"


def test_a_payment_the_bank_took_back_is_struck_out_and_says_why(prepared_app):
    from ui import i18n
    from ui.models import TimelineModel
    from workstation.domain import Event, EventType

    at = datetime(2027, 3, 1, 9, tzinfo=UTC)
    paid = Event("p", EventType.PAYMENT, "a", "c", at, "bank file",
                 {"amount": "300.00", "currency": "CNY", "source": "confirmed",
                  "paid_on": "2027-03-01", "payment_ref": "B-1"})  # fmt: skip
    back = Event("r", EventType.PAYMENT_RETURN, "a", "c", datetime(2027, 3, 4, tzinfo=UTC),
                 "bank file", {"target_event_id": "p", "payment_ref": "B-1", "amount": "300.00",
                               "currency": "CNY", "paid_on": "2027-03-01",
                               "returned_on": "2027-03-04", "reason": "insufficient_funds",
                               "restored": {"past_due": "300.00", "balance": "0.00",
                                            "credit": "0.00"}})  # fmt: skip
    other = Event("o", EventType.PAYMENT, "a", "c", at, "bank file",
                  {"amount": "20.00", "currency": "CNY", "source": "confirmed"})  # fmt: skip
    model = TimelineModel()
    model.set_events([back, paid, other])

    def row(event_id: str) -> int:
        return next(r for r in range(model.rowCount()) if model.event_at(r).id == event_id)

    cell = model.index(row("p"), 2)
    assert model.data(cell, Qt.ItemDataRole.FontRole).strikeOut()
    assert "returned 2027-03-04: insufficient funds" in model.data(cell)
    untouched = model.index(row("o"), 2)
    assert model.data(untouched, Qt.ItemDataRole.FontRole) is None
    told = model.data(model.index(row("r"), 2))
    assert told == "¥300.00 returned: insufficient funds (paid 2027-03-01)"
    assert model.data(model.index(row("r"), 1)) == "Returned"
    i18n.install(prepared_app, "zh_CN")
    try:
        assert "银行已于2027-03-04退回：账户余额不足" in model.data(cell)
        assert model.data(model.index(row("r"), 1)) == "还款被退回"
        assert "账户余额不足" in model.data(model.index(row("r"), 2))
    finally:
        i18n.install(prepared_app, "en")


def test_a_chinese_desk_reads_the_phone_kind_in_chinese(prepared_app, window, qtbot):
    """The number to call is followed by its kind: 手机 on a Chinese desk, never ``mobile``."""
    from ui import i18n

    i18n.install(prepared_app, "zh_CN")
    try:
        with qtbot.waitSignal(window.account_loaded, timeout=5000):
            window.agent.load_account(window.view.account.id)
        numbers = window.outcome.number
        phones = [
            numbers.itemText(i) for i in range(numbers.count()) if "@" not in numbers.itemText(i)
        ]
        assert phones
        assert all(text.split("  ")[1].startswith(("手机", "家庭", "工作")) for text in phones), (
            phones
        )
        assert not any("mobile" in text for text in phones)
    finally:
        i18n.install(prepared_app, "en")
