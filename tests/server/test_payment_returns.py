"""Money that came back: the bank's returns file and the return API, on the real backend
(SQLite, PostgreSQL). A returned payment is owed again (past due, balance, a settlement's
write-off), a paid account opens again with its days past due, the promise it kept and the
plan it completed are decided again by the daily run, the KPIs stop counting it, the lead is
told, the device hears; a bad file is refused whole, the same return twice adds nothing.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import Api, Backend
from tests.server.lifecycle_helpers import plan_payload
from tests.server.money import event_body, import_payments, pay
from workstation.domain.model import new_id
from workstation.server.lifecycle.daily import run_daily
from workstation.server.lifecycle.letters import KIND as LETTER
from workstation.server.lifecycle.models import PlanInstalment
from workstation.server.lifecycle.money_kpis import money_by_owner
from workstation.server.models import (
    AccountRow,
    EventRow,
    PaymentRow,
    PlanRow,
    PromiseRow,
    ReviewItem,
    VersionCounter,
)

TODAY = datetime.now(UTC).date()
HEADER = "payment_ref,returned_on,reason"


def _returns_file(directory: Path, rows: list[list[str]]) -> Path:
    path = directory / f"returns-{uuid.uuid4().hex[:8]}.csv"
    path.write_text("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def _import(
    url: str,
    path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    as_of: date | None = None,
    dry_run: bool = False,
) -> tuple[int, dict[str, Any], str]:
    return import_payments(url, path, capsys, as_of=as_of, dry_run=dry_run, kind="returns")


def _counter(backend: Backend) -> int:
    with backend.sessions() as session:
        return int(session.scalar(select(VersionCounter.value)) or 0)


def _accounts(backend: Backend, api: Api, count: int) -> list[dict[str, Any]]:
    """Open accounts of ``api``'s user, late, owing more than their past due, picked by what
    the tests need (the seeded book changes with the day it is made)."""
    found = [
        a
        for a in api.snapshot()["accounts"]
        if a["status"] == "open"
        and Decimal(a["past_due"]) > 0
        and Decimal(a["balance"]) > Decimal(a["past_due"]) + 50
        and a["days_past_due"] > 0
    ]
    assert len(found) >= count
    return sorted(found, key=lambda a: a["id"])[:count]


@pytest.fixture(scope="module")
def accounts(backend: Backend) -> list[dict[str, Any]]:
    return _accounts(backend, backend.login("li.na"), 4)


def test_a_returned_payment_is_owed_again_and_a_paid_account_reopens(
    backend: Backend, accounts: list[dict[str, Any]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    account = accounts[0]
    agent = backend.login("li.na")
    pay(backend.url, tmp_path, capsys, account, account["balance"], TODAY, ref="RET-1")
    with backend.sessions() as session:
        paid = session.get(AccountRow, account["id"])
        assert paid is not None
        assert (paid.status, paid.balance_minor, paid.days_past_due) == ("paid", 0, 0)
        collected = money_by_owner(session, [agent.user_id], TODAY, TODAY)
    before = collected[agent.user_id]["collected"][account["currency"]]
    cursor = agent.changes(0)["cursor"]
    path = _returns_file(tmp_path, [["RET-1", TODAY.isoformat(), "insufficient_funds"]])
    counter = _counter(backend)
    code, dry, err = _import(backend.url, path, capsys, dry_run=True)
    assert code == 0, err
    assert (dry["dry_run"], dry["returned"], dry["reopened"]) == (True, 1, 1)
    assert _counter(backend) == counter  # a dry run writes nothing
    code, report, err = _import(backend.url, path, capsys)
    assert code == 0, err
    assert (report["returned"], report["already_returned"], report["reopened"]) == (1, 0, 1)
    [back] = report["returns"]
    assert (back["from_status"], back["to_status"]) == ("paid", "open")
    assert back["balance_after"] == account["balance"]
    with backend.sessions() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        # owed again as it was before the money came: balance, past due, days past due
        assert row.status == "open"
        assert row.status_reason == "payment_returned"
        assert Decimal(row.balance_minor) / 100 == Decimal(account["balance"])
        assert Decimal(row.past_due_minor) / 100 == Decimal(account["past_due"])
        assert row.days_past_due == account["days_past_due"]
        booked = session.scalar(select(PaymentRow).where(PaymentRow.payment_ref == "RET-1"))
        assert booked is not None
        assert booked.status == "returned"
        after = money_by_owner(session, [agent.user_id], TODAY, TODAY)
        assert after[agent.user_id]["collected"].get(account["currency"], 0) == before - (
            booked.amount_minor
        )
        item = session.scalar(
            select(ReviewItem).where(
                ReviewItem.account_id == account["id"], ReviewItem.kind == "payment_returned"
            )
        )
        assert item is not None
        assert item.team_id == row.team_id
        assert "insufficient funds" in item.summary
        assert "账户余额不足" in item.summary_zh
    # the device hears of it on its next pull: the account, the return, the status change
    changes = agent.changes(cursor)
    [moved] = [a for a in changes["accounts"] if a["id"] == account["id"]]
    assert (moved["status"], moved["balance"]) == ("open", account["balance"])
    kinds = {e["type"]: e for e in changes["events"] if e["account_id"] == account["id"]}
    assert kinds["payment_return"]["payload"]["target_event_id"] == booked.event_id
    assert kinds["payment_return"]["payload"]["reason"] == "insufficient_funds"
    assert kinds["status_change"]["payload"]["to_status"] == "open"
    # the same file again: already returned, nothing added
    counter = _counter(backend)
    code, again, err = _import(backend.url, path, capsys)
    assert code == 0, err
    assert (again["returned"], again["already_returned"]) == (0, 1)
    assert _counter(backend) == counter


def test_a_partial_payment_returned_is_due_again_on_an_open_account(
    backend: Backend, accounts: list[dict[str, Any]]
) -> None:
    account = accounts[1]
    admin = backend.login("admin")
    half = (Decimal(account["past_due"]) / 2).quantize(Decimal("0.01"))
    ref = f"RET-API-{new_id()[-8:]}"
    booked = admin.post("/api/v1/payments", {
        "payment_ref": ref, "account_ref": account["account_ref"], "amount": str(half),
        "currency": account["currency"], "paid_on": TODAY.isoformat()})  # fmt: skip
    assert booked.status_code == 201, booked.text
    agent = backend.login("li.na")
    refused = agent.post(f"/api/v1/payments/{ref}/return",
                         {"returned_on": TODAY.isoformat(), "reason": "recalled"})  # fmt: skip
    assert refused.status_code == 403  # an agent cannot say the bank took money back
    answer = admin.post(f"/api/v1/payments/{ref}/return",
                        {"returned_on": TODAY.isoformat(), "reason": "recalled"})  # fmt: skip
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["duplicate"], body["reopened"], body["to_status"]) == (False, False, "open")
    assert body["restored"]["past_due"] == str(half)
    with backend.sessions() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert Decimal(row.past_due_minor) / 100 == Decimal(account["past_due"])
        assert Decimal(row.balance_minor) / 100 == Decimal(account["balance"])
    again = admin.post(f"/api/v1/payments/{ref}/return",
                       {"returned_on": TODAY.isoformat(), "reason": "recalled"})  # fmt: skip
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["event_id"] == body["event_id"]
    unknown = admin.post("/api/v1/payments/NO-SUCH-REF/return",
                         {"returned_on": TODAY.isoformat(), "reason": "recalled"})  # fmt: skip
    assert unknown.status_code == 404
    assert "not a payment on the books" in unknown.text


def test_the_same_return_from_two_requests_at_once_is_booked_once(
    backend: Backend, accounts: list[dict[str, Any]]
) -> None:
    account = accounts[3]
    ref = f"RET-RACE-{new_id()[-8:]}"
    feeds = [backend.login("bank.feed"), backend.login("admin")]
    booked = feeds[0].post("/api/v1/payments", {
        "payment_ref": ref, "account_ref": account["account_ref"], "amount": "25.00",
        "currency": account["currency"], "paid_on": TODAY.isoformat()})  # fmt: skip
    assert booked.status_code == 201, booked.text
    body = {"returned_on": TODAY.isoformat(), "reason": "chargeback"}
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda api: api.post(f"/api/v1/payments/{ref}/return", body), feeds)
        )
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    with backend.sessions() as session:
        returns = session.scalars(select(EventRow).where(
            EventRow.account_id == account["id"], EventRow.type == "payment_return")).all()  # fmt: skip
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert Decimal(row.balance_minor) / 100 == Decimal(account["balance"])
    assert len(returns) == 1


def test_a_bad_returns_file_is_refused_whole_every_line_named(
    backend: Backend, accounts: list[dict[str, Any]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    account = accounts[2]
    agent = backend.login("li.na")
    pay(backend.url, tmp_path, capsys, account, "10.00", TODAY, ref="RET-GOOD")
    reported = agent.mutation("event.create", event_body(account, "payment", {
        "amount": "5.00", "currency": account["currency"], "source": "reported",
        "paid_on": TODAY.isoformat()}))  # fmt: skip
    assert agent.push(reported).json()["results"][0]["status"] == "applied"
    with backend.sessions.begin() as session:
        # a reported payment has no bank reference: give it one to name it in the file
        row = session.get(PaymentRow, reported["payload"]["id"])
        assert row is not None
        row.payment_ref = "RET-REPORTED"
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    path = _returns_file(tmp_path, [
        ["RET-GOOD", TODAY.isoformat(), "insufficient_funds"],  # fine alone
        ["NO-SUCH", TODAY.isoformat(), "recalled"],
        ["RET-REPORTED", TODAY.isoformat(), "recalled"],
        ["RET-GOOD", TODAY.isoformat(), "recalled"],  # twice in the file
    ])  # fmt: skip
    late = _returns_file(tmp_path, [["RET-GOOD", yesterday, ""]])
    counter = _counter(backend)
    code, _, err = _import(backend.url, path, capsys)
    assert code == 2
    assert "line 3: payment_ref NO-SUCH is not a payment on the books" in err
    assert "line 4: payment_ref RET-REPORTED is a payment an agent reported" in err
    assert "line 5: payment_ref RET-GOOD appears twice (first on line 2)" in err
    code, _, err = _import(backend.url, late, capsys)
    assert code == 2
    assert "line 2: reason is empty" in err
    assert f"returned_on {yesterday} is before the payment's day" in err
    assert _counter(backend) == counter  # nothing written
    with backend.sessions() as session:
        good = session.scalar(select(PaymentRow).where(PaymentRow.payment_ref == "RET-GOOD"))
        assert good is not None
        assert good.status == "applied"


# --- days move: the promise kept, the plan completed, the letter sent -----------------------------


def _push(api: Api, account_id: str, kind: str, payload: dict[str, Any]) -> str:
    event = {"id": new_id(), "type": kind, "account_id": account_id,
             "occurred_at": datetime.now(UTC).isoformat(), "payload": payload}  # fmt: skip
    response = api.push(api.mutation("event.create", event))
    assert response.json()["results"][0]["status"] == "applied", response.text
    return str(event["id"])


def test_the_promise_it_kept_and_the_plan_it_paid_are_decided_again(
    fresh: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = fresh.login("li.na")
    promised, planned = _accounts(fresh, agent, 2)
    promise_id = _push(agent, promised["id"], "promise", {
        "amount": "50.00", "currency": promised["currency"], "due_date": (TODAY + timedelta(days=3)).isoformat()})  # fmt: skip
    pay(fresh.url, tmp_path, capsys, promised, "50.00", TODAY, ref="RET-PROMISE")
    lines = [(TODAY + timedelta(days=d), 3_000) for d in (5, 35)]
    plan = plan_payload(planned["currency"], lines)
    plan_id = _push(agent, planned["id"], "plan_agreement", plan)
    pay(fresh.url, tmp_path, capsys, planned, "30.00", TODAY + timedelta(days=4), ref="RET-PLAN-1")
    run_daily(fresh.sessions, TODAY + timedelta(days=4))
    with fresh.sessions() as session:
        promise = session.get(PromiseRow, promise_id)
        assert promise is not None
        assert promise.status == "kept"
        first = session.scalar(select(PlanInstalment.status).where(
            PlanInstalment.plan_event_id == plan_id, PlanInstalment.number == 1))  # fmt: skip
        assert first == "paid"
    back = TODAY + timedelta(days=6)
    path = _returns_file(tmp_path, [
        ["RET-PROMISE", back.isoformat(), "chargeback"],
        ["RET-PLAN-1", back.isoformat(), "insufficient_funds"],
    ])  # fmt: skip
    code, report, err = _import(fresh.url, path, capsys, as_of=back)
    assert code == 0, err
    assert report["returned"] == 2
    with fresh.sessions() as session:
        # the promise's deadline (due + grace) has not passed on day 6: open again
        promise = session.get(PromiseRow, promise_id)
        assert promise is not None
        assert promise.status == "open"
        row = session.get(AccountRow, promised["id"])
        assert row is not None
        assert row.status == "promise"
    # the daily run decides the instalment again: not paid after all, missed after its grace
    run_daily(fresh.sessions, back)
    run_daily(fresh.sessions, TODAY + timedelta(days=12))
    run_daily(fresh.sessions, TODAY + timedelta(days=20))
    with fresh.sessions() as session:
        first = session.scalar(select(PlanInstalment.status).where(
            PlanInstalment.plan_event_id == plan_id, PlanInstalment.number == 1))  # fmt: skip
        assert first == "missed"
        promise = session.get(PromiseRow, promise_id)
        assert promise is not None
        assert promise.status == "broken"  # nothing else came by its deadline
        statuses = [
            e.payload["status"]
            for e in session.scalars(
                select(EventRow)
                .where(EventRow.account_id == planned["id"], EventRow.type == "instalment")
                .order_by(EventRow.server_version)
            )
        ]
        assert statuses == ["paid", "missed"]


def test_a_settlement_returned_owes_its_write_off_and_a_new_payoff_earns_a_new_letter(
    fresh: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = fresh.login("li.na")
    settling, paying = _accounts(fresh, agent, 2)
    cur = settling["currency"]
    agreed = {**plan_payload(cur, [(TODAY + timedelta(days=3), 10_000)]), "kind": "settlement"}
    plan_id = _push(agent, settling["id"], "plan_agreement", agreed)
    pay(fresh.url, tmp_path, capsys, settling, "100.00", TODAY, ref="RET-SETTLE")
    pay(fresh.url, tmp_path, capsys, paying, paying["balance"], TODAY, ref="RET-PIF-1")
    run_daily(fresh.sessions, TODAY)  # the paid-in-full letter
    with fresh.sessions() as session:
        row = session.get(AccountRow, settling["id"])
        assert row is not None
        assert (row.status, row.balance_minor) == ("settled", 0)
    back = TODAY + timedelta(days=1)
    path = _returns_file(tmp_path, [
        ["RET-SETTLE", back.isoformat(), "cheque_bounced"],
        ["RET-PIF-1", back.isoformat(), "insufficient_funds"],
    ])  # fmt: skip
    code, report, err = _import(fresh.url, path, capsys, as_of=back)
    assert code == 0, err
    settled = next(r for r in report["returns"] if r["payment_ref"] == "RET-SETTLE")
    assert Decimal(settled["written_off"]) == Decimal(settling["balance"]) - 100
    assert settled["to_status"] == "plan"  # the settlement stands, not yet paid
    with fresh.sessions() as session:
        row = session.get(AccountRow, settling["id"])
        assert row is not None
        assert Decimal(row.balance_minor) / 100 == Decimal(settling["balance"])
        plan = session.get(PlanRow, plan_id)
        assert plan is not None
        assert plan.status == "active"
        reopened = session.get(AccountRow, paying["id"])
        assert reopened is not None
        assert reopened.status == "open"
    # paid off again (a new reference): a new letter, the first one stands no more
    pay(fresh.url, tmp_path, capsys, paying, paying["balance"], back, ref="RET-PIF-2")
    run_daily(fresh.sessions, back)
    with fresh.sessions() as session:
        letters = session.scalars(
            select(EventRow.payload["document_reference"].as_string()).where(
                EventRow.account_id == paying["id"],
                EventRow.type == "document",
                EventRow.payload["kind"].as_string() == LETTER,
            )
        ).all()
    assert len(letters) == 2
