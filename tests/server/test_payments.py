"""Money in: the bank's payment file and the payment API, on the real backend (SQLite, PostgreSQL).

A confirmed payment pays past due first, then the balance; an overpayment is kept as credit;
a zero balance closes the account as paid, a settlement reached as settled with the rest
written off; the agent's reported payment is confirmed by the matching bank payment; the
device hears of it all on its next pull. A bad file is refused whole, every bad line listed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Api, Backend
from tests.server.money import event_body, import_payments, pay, payment_file
from workstation.server.lifecycle.reported import review_unmatched_reported
from workstation.server.models import (
    AccountRow,
    EventRow,
    PaymentRow,
    PlanRow,
    ReviewItem,
    VersionCounter,
)

TODAY = datetime.now(UTC).date()


def _open_accounts(api: Api, count: int) -> list[dict[str, Any]]:
    """Open accounts of ``api``'s user with something past due and more owed beyond it."""
    found = [
        a
        for a in api.snapshot()["accounts"]
        if a["status"] in ("open", "promise")
        and Decimal(a["past_due"]) > 0
        and Decimal(a["balance"]) > Decimal(a["past_due"]) + 50
    ]
    assert len(found) >= count
    # open ones first: a payment on an account with an open promise may keep it and move the
    # account's status, which the first test reads as unchanged
    found.sort(key=lambda a: a["status"] != "open")
    return found[:count]


def _counter(backend: Backend) -> int:
    with backend.sessions() as session:
        return int(session.scalar(select(VersionCounter.value)) or 0)


@pytest.fixture(scope="module")
def accounts(backend: Backend) -> list[dict[str, Any]]:
    """Eight of li.na's open accounts, handed out to the tests one by one."""
    return _open_accounts(backend.login("li.na"), 8)


def test_a_payment_file_allocates_closes_and_reaches_the_device(
    backend: Backend,
    accounts: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    partly, whole, over = accounts[0], accounts[1], accounts[2]
    agent = backend.login("li.na")
    cursor = agent.snapshot()["cursor"]
    # on the phone the customer of ``whole`` said she paid it all: a reported payment
    said = agent.mutation("event.create", event_body(whole, "payment", {
        "amount": whole["balance"], "currency": whole["currency"], "source": "reported",
        "paid_on": TODAY.isoformat(), "method": "bank_transfer"}))  # fmt: skip
    assert agent.push(said).json()["results"][0]["status"] == "applied"
    half_due = (Decimal(partly["past_due"]) / 2).quantize(Decimal("0.01"))
    overpaid = Decimal(over["balance"]) + Decimal("15.00")
    path = payment_file(tmp_path, [
        ["BANK-1", partly["account_ref"], str(half_due), partly["currency"], TODAY.isoformat(), "card"],
        ["BANK-2", whole["account_ref"], whole["balance"], whole["currency"], TODAY.isoformat(), ""],
        ["BANK-3", over["account_ref"], str(overpaid), over["currency"], TODAY.isoformat(), "cash"],
    ])  # fmt: skip
    before = _counter(backend)
    code, dry, _ = import_payments(backend.url, path, capsys, dry_run=True)
    assert code == 0
    assert dry["dry_run"] is True
    assert dry["applied"] == 3
    assert _counter(backend) == before  # a dry run writes nothing
    code, report, err = import_payments(backend.url, path, capsys)
    assert code == 0, err
    assert report["applied"] == 3
    assert report["already_imported"] == 0
    assert report["closed"] == {"paid": 2}
    assert report["reported_confirmed"] == 1
    [credit] = report["credits"]
    assert credit["payment_ref"] == "BANK-3"
    assert credit["credit"] == "15.00"
    with backend.sessions() as session:
        first = session.get(AccountRow, partly["id"])
        assert first is not None
        assert first.status == partly["status"]
        assert first.past_due_minor == int((Decimal(partly["past_due"]) - half_due) * 100)
        assert first.balance_minor == int((Decimal(partly["balance"]) - half_due) * 100)
        second = session.get(AccountRow, whole["id"])
        assert second is not None
        assert (second.status, second.balance_minor, second.past_due_minor) == ("paid", 0, 0)
        assert second.days_past_due == 0
        third = session.get(AccountRow, over["id"])
        assert third is not None
        assert (third.status, third.balance_minor, third.credit_minor) == ("paid", 0, 1500)
        # money never created or lost: allocated + credit == paid, for each payment
        for row in session.scalars(
            select(PaymentRow).where(PaymentRow.payment_ref.in_(["BANK-1", "BANK-2", "BANK-3"]))
        ):
            assert row.source == "confirmed"
            assert row.to_past_due_minor + row.to_balance_minor + row.credit_minor == (
                row.amount_minor
            )
        reported = session.get(PaymentRow, said["payload"]["id"])
        assert reported is not None
        assert reported.status == "confirmed"
        assert reported.matched_event_id is not None
    # the agent's next pull brings exactly the three accounts and their new events
    page = agent.changes(cursor)
    changed = {a["id"]: a for a in page["accounts"]}
    assert set(changed) == {partly["id"], whole["id"], over["id"]}
    assert changed[whole["id"]]["status"] == "paid"
    assert changed[over["id"]]["credit"] == "15.00"
    assert changed[partly["id"]]["balance"] == str(Decimal(partly["balance"]) - half_due)
    kinds = sorted(
        (e["type"], e["payload"].get("source"))
        for e in page["events"]
        if e["account_id"] in changed
    )
    assert kinds == [
        ("payment", "confirmed"), ("payment", "confirmed"), ("payment", "confirmed"),
        ("payment", "reported"), ("status_change", None), ("status_change", None),
    ]  # fmt: skip
    confirmed_whole = next(
        e for e in page["events"]
        if e["account_id"] == whole["id"] and e["payload"].get("source") == "confirmed"
    )  # fmt: skip
    assert confirmed_whole["payload"]["matched_event_id"] == said["payload"]["id"]
    assert confirmed_whole["payload"]["payment_ref"] == "BANK-2"
    # the same file again adds nothing and says so
    before = _counter(backend)
    code, again, _ = import_payments(backend.url, path, capsys)
    assert code == 0
    assert (again["applied"], again["already_imported"]) == (0, 3)
    assert _counter(backend) == before
    assert agent.changes(page["cursor"])["accounts"] == []


def test_a_bad_file_lists_every_line_and_writes_nothing(
    backend: Backend,
    accounts: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = accounts[3]
    other_currency = "USD" if good["currency"] != "USD" else "GBP"
    rows = [
        [f"OK-{i}", good["account_ref"], "1.00", good["currency"], TODAY.isoformat(), ""]
        for i in range(14)
    ]  # lines 2-15
    rows += [
        ["DUP-1", good["account_ref"], "2.00", good["currency"], TODAY.isoformat(), ""],  # 16
        ["DUP-2", "ZX-9", "2.00", good["currency"], TODAY.isoformat(), ""],  # 17
        ["DUP-1", good["account_ref"], "2.00", good["currency"], TODAY.isoformat(), ""],  # 18
        ["CUR-1", good["account_ref"], "2.00", other_currency, TODAY.isoformat(), ""],  # 19
        ["AMT-1", good["account_ref"], "-5.00", good["currency"], TODAY.isoformat(), ""],  # 20
        ["AMT-2", good["account_ref"], "3.999", good["currency"], TODAY.isoformat(), ""],  # 21
        ["DAY-1", good["account_ref"], "1.00", good["currency"], "2027-02-30", ""],  # 22
        ["DAY-2", good["account_ref"], "1.00", good["currency"],
         (TODAY + timedelta(days=30)).isoformat(), ""],  # 23
    ]  # fmt: skip
    path = payment_file(tmp_path, rows)
    before = _counter(backend)
    with backend.sessions() as session:
        payments_before = session.scalar(select(func.count()).select_from(PaymentRow))
    code, report, err = import_payments(backend.url, path, capsys)
    assert code == 2
    assert report["imported"] is False
    lines = [e["line"] for e in report["errors"]]
    assert lines == [17, 18, 19, 20, 21, 22, 23]
    assert "line 17: account_ref ZX-9 not found" in err
    assert "line 18: payment_ref DUP-1 appears twice (first on line 16)" in err
    assert f"line 19: currency {other_currency} does not match account" in err
    assert "line 21: amount 3.999 has more than" in err
    assert _counter(backend) == before
    with backend.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PaymentRow)) == payments_before
    # header problems come first, on line 1
    bad_header = payment_file(tmp_path, [], header="payment_ref,acount_ref,amount,currency")
    code, report, err = import_payments(backend.url, bad_header, capsys)
    assert code == 2
    assert "line 1: missing column(s): account_ref, paid_on" in err
    assert "line 1: unknown column(s): 'acount_ref'" in err
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        b"payment_ref,account_ref,amount,currency,paid_on\nX,Caf\xe9,1,CNY,2027-01-01\n"
    )
    code, _, err = import_payments(backend.url, latin1, capsys)
    assert code == 2
    assert "line 2: not UTF-8" in err


def test_a_settlement_reached_writes_off_the_rest(
    backend: Backend,
    accounts: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    account = accounts[4]
    agent = backend.login("li.na")
    balance = Decimal(account["balance"])
    agreed = (balance * Decimal("0.6")).quantize(Decimal("0.01"))
    plan = agent.mutation("event.create", event_body(account, "plan_agreement", {
        "instalments": 1, "instalment_amount": str(agreed), "first_due": TODAY.isoformat(),
        "kind": "settlement", "total": str(agreed), "currency": account["currency"]}))  # fmt: skip
    assert agent.push(plan).json()["results"][0]["status"] == "applied"
    first_part = (agreed / 2).quantize(Decimal("0.01"))
    report = pay(backend.url, tmp_path, capsys, account, str(first_part), TODAY)
    assert report["closed"] == {}
    report = pay(backend.url, tmp_path, capsys, account, str(agreed - first_part), TODAY)
    assert report["closed"] == {"settled": 1}
    [written] = report["written_off"]
    assert Decimal(written["written_off"]) == balance - agreed
    with backend.sessions() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert (row.status, row.balance_minor, row.past_due_minor) == ("settled", 0, 0)
        off = session.scalars(
            select(EventRow).where(
                EventRow.account_id == account["id"], EventRow.type == "write_off"
            )
        ).one()
        assert off.amount_minor == int((balance - agreed) * 100)
        assert off.payload["plan_event_id"] == plan["payload"]["id"]
        plan_row = session.get(PlanRow, plan["payload"]["id"])
        assert plan_row is not None
        assert plan_row.status == "completed"
    # a closed account takes no new promise; the engine's own block covers contact
    promise = agent.mutation("event.create", event_body(account, "promise", {
        "amount": "10.00", "currency": account["currency"], "due_date": TODAY.isoformat()}))  # fmt: skip
    answer = agent.push(promise).json()["results"][0]
    assert (answer["status"], answer["reason"]) == ("rejected", "account_closed")


def test_the_payment_api_is_for_integrations_and_idempotent(
    backend: Backend, accounts: list[dict[str, Any]]
) -> None:
    account = accounts[5]
    feed = backend.login("bank.feed")
    body = {
        "payment_ref": "PSP-0001",
        "account_ref": account["account_ref"],
        "amount": "12.34",
        "currency": account["currency"],
        "paid_on": TODAY.isoformat(),
        "method": "card",
    }
    for username in ("li.na", "zhao.min", "wang.qiang"):
        refused = backend.login(username).post("/api/v1/payments", body)
        assert refused.status_code == 403, refused.text
    created = feed.post("/api/v1/payments", body)
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["duplicate"] is False
    assert first["to_past_due"] == "12.34"
    again = feed.post("/api/v1/payments", body)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["event_id"] == first["event_id"]
    changed = feed.post("/api/v1/payments", {**body, "amount": "99.00"})
    assert changed.status_code == 409
    assert "imported before" in changed.json()["message"]
    unknown = feed.post("/api/v1/payments", {**body, "payment_ref": "PSP-2", "account_ref": "ZX-9"})
    assert unknown.status_code == 422
    assert "account_ref ZX-9 not found" in unknown.json()["message"]
    future = feed.post("/api/v1/payments", {**body, "payment_ref": "PSP-3",
                                             "paid_on": (TODAY + timedelta(days=9)).isoformat()})  # fmt: skip
    assert future.status_code == 422
    admin = backend.login("admin").post("/api/v1/payments", {**body, "payment_ref": "PSP-4"})
    assert admin.status_code == 201
    with backend.sessions() as session:
        booked = session.scalar(
            select(func.count()).select_from(PaymentRow).where(PaymentRow.payment_ref == "PSP-0001")
        )
        assert booked == 1
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert row.past_due_minor == int(Decimal(account["past_due"]) * 100) - 2 * 1234


def test_confirmed_money_cannot_be_voided_at_the_desk_but_a_report_can(
    backend: Backend,
    accounts: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    account = accounts[6]
    agent = backend.login("li.na")
    report = pay(backend.url, tmp_path, capsys, account, "5.00", TODAY)
    confirmed_id = report["payments"][0]["event_id"]
    void = agent.mutation("event.create", event_body(account, "void", {
        "target_event_id": confirmed_id, "reason": "typo"}))  # fmt: skip
    answer = agent.push(void).json()["results"][0]
    assert (answer["status"], answer["reason"]) == ("rejected", "confirmed_payment_not_voidable")
    said = agent.mutation("event.create", event_body(account, "payment", {
        "amount": "7.00", "currency": account["currency"], "source": "reported"}))  # fmt: skip
    void_report = agent.mutation("event.create", event_body(account, "void", {
        "target_event_id": said["payload"]["id"], "reason": "wrong account"}))  # fmt: skip
    results = agent.push(said, void_report).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    with backend.sessions() as session:
        row = session.get(PaymentRow, said["payload"]["id"])
        assert row is not None
        assert row.status == "voided"
    # and no client may push confirmed money, nor the server's own event types
    forged = agent.mutation("event.create", event_body(account, "payment", {
        "amount": "7.00", "currency": account["currency"], "source": "confirmed"}))  # fmt: skip
    answer = agent.push(forged).json()["results"][0]
    assert (answer["status"], answer["reason"]) == ("rejected", "confirmed_payment_server_only")
    write_off = agent.mutation("event.create", event_body(account, "write_off", {
        "amount": "7.00", "currency": account["currency"]}))  # fmt: skip
    assert agent.push(write_off).status_code == 422


def test_an_unmatched_report_reaches_the_leads_review_after_the_window(
    backend: Backend, accounts: list[dict[str, Any]]
) -> None:
    account = accounts[7]
    agent = backend.login("li.na")
    lead = backend.login("zhao.min")
    paid_on = TODAY - timedelta(days=30)
    said = agent.mutation("event.create", event_body(account, "payment", {
        "amount": "20.00", "currency": account["currency"], "source": "reported",
        "paid_on": paid_on.isoformat(), "method": "wallet"}))  # fmt: skip
    assert agent.push(said).json()["results"][0]["status"] == "applied"
    now = datetime.now(UTC)
    with backend.sessions.begin() as session:  # still inside the window: nothing
        assert review_unmatched_reported(session, paid_on + timedelta(days=7), 7, now) == 0
    with backend.sessions.begin() as session:
        assert review_unmatched_reported(session, paid_on + timedelta(days=8), 7, now) >= 1
    with backend.sessions.begin() as session:  # the same day again: nothing more
        assert review_unmatched_reported(session, paid_on + timedelta(days=8), 7, now) == 0
    items = [
        i for i in lead.get("/api/v1/review").json() if i.get("event_id") == said["payload"]["id"]
    ]
    assert len(items) == 1
    assert items[0]["kind"] == "reported_payment_unmatched"
    assert "no bank payment matched it within 7 days" in items[0]["summary"]
    with backend.sessions() as session:
        item = session.scalars(
            select(ReviewItem).where(ReviewItem.event_id == said["payload"]["id"])
        ).one()
        assert item.team_id == account["team_id"]
