"""The desk service without Qt: queue join, outcome rules, captures and plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workstation.demo.generator import generate_portfolio
from workstation.desk import DeskService, OutcomeInput, ValidationError
from workstation.desk.callguide import call_guide
from workstation.desk.memory import MemoryStore
from workstation.domain import EventType


@pytest.fixture(scope="module")
def portfolio():
    return generate_portfolio(80, seed=5)


@pytest.fixture
def desk(portfolio):
    store = MemoryStore()
    store.bulk_load(portfolio)
    return DeskService(store, "device-1", "li.na")


def _local(desk, account_id, hour):
    view = desk.account(account_id)
    tz = ZoneInfo(view.customer.timezone)
    return datetime.now(tz).replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(UTC)


def _open_account(desk):
    return next(i for i in desk.queue() if i.status == "open" and not i.flags)


def test_queue_joins_rows_with_ranking_best_first(desk):
    items = desk.queue()
    assert items
    assert [i.rank for i in items] == sorted(i.rank for i in items)
    top = items[0]
    assert top.reasons  # worded reasons, en and zh
    assert top.reasons[0].en
    assert top.reasons[0].zh
    assert top.treatment.en


def test_account_view_has_a_verdict_per_channel_and_a_call_guide(desk):
    item = _open_account(desk)
    view = desk.account(item.account_id)
    assert {c.value for c in view.verdicts} == {"phone", "sms", "email", "visit"}
    assert view.call_guide.opening.en
    assert view.call_guide.opening.zh


def test_promise_requires_amount_and_date_and_records_attempt_plus_promise(desk):
    item = _open_account(desk)
    now = _local(desk, item.account_id, 10)
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(OutcomeInput(item.account_id, "PTP"), now=now)
    assert {"promise_amount"} <= set(caught.value.errors)
    due = (
        (now + timedelta(days=2))
        .astimezone(ZoneInfo(desk.account(item.account_id).customer.timezone))
        .date()
    )
    before = len(desk.store.outbox)
    changes = desk.log_outcome(
        OutcomeInput(item.account_id, "PTP", promise_amount="1.00", promise_date=due.isoformat()),
        now=now,
    )
    assert len(desk.store.outbox) == before + 2
    types = {e.type for e in desk.store.events[item.account_id][:2]}
    assert types == {EventType.CONTACT_ATTEMPT, EventType.PROMISE}
    assert item.account_id in changes.accounts
    assert changes.outbox


def test_blocked_contact_needs_an_override_reason_which_is_audited(desk):
    item = _open_account(desk)
    night = _local(desk, item.account_id, 3)
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(OutcomeInput(item.account_id, "NA"), now=night)
    assert "override_reason" in caught.value.errors
    desk.log_outcome(
        OutcomeInput(item.account_id, "NA", override_reason="customer asked"), now=night
    )
    event = desk.store.events[item.account_id][0]
    assert event.payload["override_reason"] == "customer asked"
    assert event.payload["override_codes"]


def test_plan_disposition_points_to_the_calculator(desk):
    item = _open_account(desk)
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(
            OutcomeInput(item.account_id, "PLAN"), now=_local(desk, item.account_id, 10)
        )
    assert "disposition" in caught.value.errors


def test_complaint_dispute_hardship_satisfaction_follow_the_payload_conventions(desk):
    item = _open_account(desk)
    view = desk.account(item.account_id)
    phone = view.customer.phones[0].id
    desk.record_complaint(item.account_id, "contact_place", "calls at work", blocked_address=phone)
    complaint = desk.store.events[item.account_id][0]
    assert complaint.type is EventType.COMPLAINT
    assert complaint.payload["blocked_address"] == phone
    assert complaint.payload["sla_due"]
    desk.record_dispute(item.account_id, "amount_wrong", "")
    assert desk.store.events[item.account_id][0].payload["status"] == "pending_validation"
    desk.record_hardship(item.account_id, "lost job", "3000", "2500")
    flag = desk.store.events[item.account_id][0]
    assert flag.payload["flag"] == "hardship"
    assert flag.payload["value"] is True
    with pytest.raises(ValidationError):
        desk.record_satisfaction(item.account_id, 6)
    desk.record_satisfaction(item.account_id, 5, "kind")
    assert desk.store.events[item.account_id][0].payload["score"] == 5


def test_plans_compare_judges_affordability_and_agree_records_the_schedule(desk):
    item = _open_account(desk)
    comparison = desk.compare_plans(item.account_id, monthly_income="1", monthly_expenses="0")
    assert [o.kind for o in comparison.options] == ["instalments", "deferral", "settlement"]
    assert comparison.max_instalment is not None
    for option in comparison.options:
        assert option.monthly_burden is not None
        assert option.affordable is (option.monthly_burden <= comparison.max_instalment)
        assert option.plan is not None  # the calculator's own result, printed as is
        if option.kind != "settlement":
            assert sum(line.amount.amount for line in option.schedule) == option.total.amount
    desk.agree_plan(item.account_id, comparison.options[0])
    event = desk.store.events[item.account_id][0]
    assert event.type is EventType.PLAN_AGREEMENT
    assert event.payload["instalments"] == len(comparison.options[0].schedule)


def test_contacts_are_validated_before_the_patch(desk):
    from workstation.desk import ContactEdit

    item = _open_account(desk)
    view = desk.account(item.account_id)
    with pytest.raises(ValidationError) as caught:
        desk.update_contacts(view, [ContactEdit("phone", "p1", "call me maybe")])
    assert "phone:0" in caught.value.errors
    desk.update_contacts(view, [ContactEdit("phone", "p1", "+86 138 0000 0000")])
    assert desk.store.customers[view.customer.id].phones[0].number == "+86 138 0000 0000"


@pytest.mark.parametrize("jurisdiction", ["cn-nifa", "us-regf", "uk-conc", "nowhere"])
def test_call_guide_exists_for_each_pack(jurisdiction):
    guide = call_guide(jurisdiction)
    assert guide.opening.en
    assert guide.opening.zh
    assert all(d.en and d.zh for d in guide.disclosures)


def test_the_desk_never_imports_qt():
    import subprocess
    import sys

    code = "import sys, workstation.desk; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
