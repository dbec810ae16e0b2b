"""The desk service without Qt, on a real SQLite store: queue join, outcome rules, captures,
plans and contacts. What the desk wrote is read back through the store's public API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.seeded_store import outbox_types, seeded_store
from workstation.desk import Changes, DeskService, OutcomeInput, ValidationError
from workstation.desk.callguide import call_guide
from workstation.domain import Event, EventType


@pytest.fixture
def desk(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskService]:
    store = seeded_store(tmp_path_factory, tmp_path / "desk.db", accounts=80, seed=5)
    yield DeskService(store, "device-1", "li.na")
    store.close()


def _recorded(desk: DeskService, account_id: str, changes: Changes) -> list[Event]:
    """The events ``changes`` names, as the store now has them (in the order named)."""
    stored = {e.id: e for e in desk.store.load_account(account_id).events}
    return [stored[event_id] for event_id in changes.event_ids]


def _outbox_types(desk: DeskService) -> list[str]:
    return outbox_types(desk.store)


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
    before = _outbox_types(desk)
    disclosed = desk.account(item.account_id).call_guide.disclosure_ids
    changes = desk.log_outcome(
        OutcomeInput(item.account_id, "PTP", promise_amount="1.00", promise_date=due.isoformat(),
                     disclosures_given=disclosed),
        now=now,
    )  # fmt: skip
    assert _outbox_types(desk) == [*before, "event.contact_attempt", "event.promise"]
    attempt, promise = _recorded(desk, item.account_id, changes)
    assert (attempt.type, promise.type) == (EventType.CONTACT_ATTEMPT, EventType.PROMISE)
    assert attempt.payload["promise_id"] == promise.id
    assert promise.payload["attempt_id"] == attempt.id
    assert promise.payload["due_date"] == due.isoformat()
    assert item.account_id in changes.accounts
    assert changes.outbox
    # the store's local effect: an open promise moves the account to "promise"
    assert desk.account(item.account_id).account.status == "promise"


def test_blocked_contact_needs_an_override_reason_which_is_audited(desk):
    item = _open_account(desk)
    night = _local(desk, item.account_id, 3)
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(OutcomeInput(item.account_id, "NA"), now=night)
    assert "override_reason" in caught.value.errors
    changes = desk.log_outcome(
        OutcomeInput(item.account_id, "NA", override_reason="customer asked"), now=night
    )
    [event] = _recorded(desk, item.account_id, changes)
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
    changes = desk.record_complaint(
        item.account_id, "contact_place", "calls at work", blocked_address=phone
    )
    [complaint] = _recorded(desk, item.account_id, changes)
    assert complaint.type is EventType.COMPLAINT
    assert complaint.payload["blocked_address"] == phone
    assert complaint.payload["sla_due"]
    changes = desk.record_dispute(item.account_id, "amount_wrong", "")
    [dispute] = _recorded(desk, item.account_id, changes)
    assert dispute.type is EventType.DISPUTE
    assert dispute.payload["status"] == "pending_validation"
    assert desk.account(item.account_id).account.status == "dispute"
    changes = desk.record_hardship(item.account_id, "lost job", "3000", "2500")
    [flag] = _recorded(desk, item.account_id, changes)
    assert flag.payload["flag"] == "hardship"
    assert flag.payload["value"] is True
    assert "hardship" in desk.account(item.account_id).customer.flags
    with pytest.raises(ValidationError):
        desk.record_satisfaction(item.account_id, 6)
    changes = desk.record_satisfaction(item.account_id, 5, "kind")
    [satisfaction] = _recorded(desk, item.account_id, changes)
    assert satisfaction.payload["score"] == 5
    assert _outbox_types(desk)[-4:] == [
        "event.complaint",
        "event.dispute",
        "event.flag_change",
        "event.satisfaction",
    ]


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
    agreed = desk.agree_plan(item.account_id, comparison.options[0])
    [event] = _recorded(desk, item.account_id, agreed.changes)
    assert event.type is EventType.PLAN_AGREEMENT
    assert event.payload["instalments"] == len(comparison.options[0].schedule)
    pdf = desk.agreement_pdf(event.payload["document_sha256"])
    assert pdf == agreed.document.pdf
    assert desk.account(item.account_id).account.status == "plan"


def test_contacts_are_validated_before_the_patch(desk):
    from workstation.desk import ContactEdit

    item = _open_account(desk)
    view = desk.account(item.account_id)
    first = view.customer.phones[0]
    before = _outbox_types(desk)
    with pytest.raises(ValidationError) as caught:
        desk.update_contacts(view, [ContactEdit("phone", first.id, "call me maybe")])
    assert "phone:0" in caught.value.errors
    assert _outbox_types(desk) == before  # nothing written
    desk.update_contacts(
        view,
        [
            ContactEdit("phone", first.id, "+86 138 0000 0000", str(first.type)),
            ContactEdit("phone", "p-new", "+86 139 1111 2222", "work", consent=False),
        ],
    )
    customer = desk.store.load_customer(view.customer.id)
    assert [(p.id, p.number) for p in customer.phones][:1] == [(first.id, "+86 138 0000 0000")]
    added = next(p for p in customer.phones if p.id == "p-new")
    assert (added.number, str(added.type), added.consent) == ("+86 139 1111 2222", "work", False)
    assert _outbox_types(desk) == [*before, "contact.patch"]
    [patch] = desk.store.pending_outbox(limit=1000)[-1:]
    assert patch.base_version == view.customer.version


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
