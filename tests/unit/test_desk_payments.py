"""*Paid during call* at the desk: a reported payment (amount, date, method) beside the call,
checked against the balance and the customer's calendar, queued for the backend to confirm."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.seeded_store import outbox_types, seeded_store
from workstation.desk import DeskService, OutcomeInput, ValidationError
from workstation.domain import EventType


@pytest.fixture
def desk(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskService]:
    store = seeded_store(tmp_path_factory, tmp_path / "desk.db", accounts=60, seed=11)
    yield DeskService(store, "device-1", "li.na")
    store.close()


def _morning(desk: DeskService, account_id: str) -> datetime:
    tz = ZoneInfo(desk.account(account_id).customer.timezone)
    return datetime.now(tz).replace(hour=10, minute=0, second=0, microsecond=0).astimezone(UTC)


def _disclosed(desk, account_id):
    """The call guide's required disclosures, confirmed (a right-party call)."""
    return desk.account(account_id).call_guide.disclosure_ids


def test_paid_during_call_records_a_reported_payment_beside_the_attempt(desk):
    item = next(i for i in desk.queue() if i.status == "open" and not i.flags)
    view = desk.account(item.account_id)
    now = _morning(desk, item.account_id)
    local_today = now.astimezone(ZoneInfo(view.customer.timezone)).date()
    yesterday = (local_today - timedelta(days=1)).isoformat()
    before = outbox_types(desk.store)
    balance_before = view.account.balance
    changes = desk.log_outcome(
        OutcomeInput(item.account_id, "PAID", disclosures_given=_disclosed(desk, item.account_id), payment_amount="12.50", payment_date=yesterday,
                     payment_method="wallet"),
        now=now,
    )  # fmt: skip
    assert outbox_types(desk.store) == [*before, "event.contact_attempt", "event.payment"]
    stored = {e.id: e for e in desk.store.load_account(item.account_id).events}
    attempt, payment = (stored[i] for i in changes.event_ids)
    assert attempt.type is EventType.CONTACT_ATTEMPT
    assert payment.type is EventType.PAYMENT
    assert payment.payload == {
        "amount": "12.50", "currency": view.account.currency, "source": "reported",
        "paid_on": yesterday, "method": "wallet", "attempt_id": attempt.id,
    }  # fmt: skip
    assert attempt.payload["payment_id"] == payment.id
    assert "payment_date" not in attempt.payload
    # what the customer said moves nothing: only the bank's money does
    assert desk.account(item.account_id).account.balance == balance_before


def test_a_reported_payment_is_bounded_by_the_balance_and_the_calendar(desk):
    item = next(i for i in desk.queue() if i.status == "open" and not i.flags)
    view = desk.account(item.account_id)
    now = _morning(desk, item.account_id)
    local_today = now.astimezone(ZoneInfo(view.customer.timezone)).date()
    too_much = str(view.account.balance.amount + 1)
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(
            OutcomeInput(item.account_id, "PAID", disclosures_given=_disclosed(desk, item.account_id), payment_amount=too_much,
                         payment_date=(local_today + timedelta(days=1)).isoformat(),
                         payment_method="barter"),
            now=now,
        )  # fmt: skip
    assert set(caught.value.errors) == {"payment_amount", "payment_date", "payment_method"}
    assert "balance" in caught.value.errors["payment_amount"].en
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(
            OutcomeInput(item.account_id, "PAID", disclosures_given=_disclosed(desk, item.account_id), payment_amount="0",
                         payment_date=(local_today - timedelta(days=90)).isoformat()),
            now=now,
        )  # fmt: skip
    assert set(caught.value.errors) == {"payment_amount", "payment_date"}
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(OutcomeInput(item.account_id, "PAID", disclosures_given=_disclosed(desk, item.account_id), payment_amount="1,2x",
                                      payment_date="31/12"), now=now)  # fmt: skip
    assert set(caught.value.errors) == {"payment_amount", "payment_date"}
    with pytest.raises(ValidationError) as caught:
        desk.log_outcome(
            OutcomeInput(
                item.account_id, "PAID", disclosures_given=_disclosed(desk, item.account_id)
            ),
            now=now,
        )
    assert caught.value.errors["payment_amount"].en == "Required"
    # an empty date means today in the customer's calendar, an empty method a bank transfer
    changes = desk.log_outcome(
        OutcomeInput(
            item.account_id,
            "PAID",
            disclosures_given=_disclosed(desk, item.account_id),
            payment_amount="1.00",
        ),
        now=now,
    )
    payment = next(
        e for e in desk.store.load_account(item.account_id).events if e.id == changes.event_ids[1]
    )
    assert payment.payload["paid_on"] == local_today.isoformat()
    assert payment.payload["method"] == "bank_transfer"
