"""The daily run on SQLite and PostgreSQL: time passes only through it, for chosen days.

Aging and bucket rolls, promises, plans instalment by instalment, holds that end, the
paid-in-full letter, idempotency per day, catch-up, the one-runner guard, one bad row not
stopping the run, and devices hearing of the day's changes incrementally.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text, update

from tests.server.conftest import BACKENDS, Api, Backend, running_backend
from tests.server.lifecycle_helpers import bank_pays, plan_payload
from workstation.domain.enums import Bucket
from workstation.domain.model import new_id
from workstation.lifecycle.aging import age
from workstation.lifecycle.policy import load_lifecycle_policy
from workstation.server.cli import main as server_main
from workstation.server.lifecycle.daily import ADVISORY_LOCK_KEY, DailyError, run_daily
from workstation.server.lifecycle.models import DailyRun, PlanInstalment
from workstation.server.lifecycle.plans import _to_monitor
from workstation.server.models import (
    AccountRow,
    BucketHistory,
    CustomerRow,
    EventRow,
    PlanRow,
    PromiseRow,
    ReviewItem,
)
from workstation.server.retention import SCHEMA_LOCK

TODAY = datetime.now(UTC).date()


@pytest.fixture(params=BACKENDS)
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """A backend of its own per test: the processed days are the database's."""
    with running_backend(request.param, tmp_path_factory, accounts=80) as started:
        yield started


def _event(account_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new_id(),
        "type": kind,
        "account_id": account_id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": payload,
    }


def _push(api: Api, account_id: str, kind: str, payload: dict[str, Any]) -> str:
    event = _event(account_id, kind, payload)
    response = api.push(api.mutation("event.create", event))
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["status"] == "applied", result
    return str(event["id"])


def _agent_account(
    backend: Backend, api: Api, status: str = "open", min_balance: int = 0
) -> dict[str, Any]:
    with backend.sessions() as session:
        row = session.scalar(
            select(AccountRow)
            .where(
                AccountRow.owner_id == api.user_id,
                AccountRow.status == status,
                AccountRow.past_due_minor > 0,
                AccountRow.balance_minor >= min_balance,
            )
            .order_by(AccountRow.id)
        )
        assert row is not None
        return {"id": row.id, "currency": row.currency, "customer_id": row.customer_id}


def _accounts(backend: Backend) -> dict[str, tuple[int, int, int, str]]:
    with backend.sessions() as session:
        return {
            r.id: (r.days_past_due, r.version, r.past_due_minor, r.status)
            for r in session.execute(
                select(
                    AccountRow.id,
                    AccountRow.days_past_due,
                    AccountRow.version,
                    AccountRow.past_due_minor,
                    AccountRow.status,
                )
            )
        }


# --- aging, idempotency, catch-up ---------------------------------------------------------------


def test_aging_rolls_buckets_once_per_day_and_catches_up_missed_days(fresh: Backend) -> None:
    with fresh.sessions.begin() as session:
        # one account a day from 30 days, one with nothing past due any more
        ids = list(session.scalars(select(AccountRow.id).where(
            AccountRow.status == "open", AccountRow.past_due_minor > 0).order_by(AccountRow.id)))  # fmt: skip
        rolling, cured = ids[0], ids[1]
        session.execute(update(AccountRow).where(AccountRow.id == rolling).values(days_past_due=29))
        session.execute(
            update(AccountRow)
            .where(AccountRow.id == cured)
            .values(past_due_minor=0, days_past_due=45)
        )
    before = _accounts(fresh)
    report = run_daily(fresh.sessions, TODAY)
    assert [d.day for d in report.processed] == [TODAY]
    after = _accounts(fresh)
    for account_id, (dpd, version, past_due, status) in before.items():
        closed = status in ("paid", "settled", "closed")
        expected = age(dpd, past_due, _status(status), TODAY - timedelta(days=1), TODAY)
        assert after[account_id][0] == expected.days_past_due, account_id  # the core's rule
        if expected.rolled:
            assert after[account_id][1] > version  # a roll is a change devices hear of
        elif not closed and account_id not in _touched(fresh, TODAY):
            assert after[account_id][1] == version  # a day older within its bucket: no version
    assert after[rolling][0] == 30
    assert after[cured][0] == 0
    with fresh.sessions() as session:
        history = {
            r.account_id: r.bucket
            for r in session.scalars(select(BucketHistory).where(BucketHistory.day == TODAY))
        }
    assert history[rolling] == Bucket.DPD_30_59.value
    assert history[cured] == Bucket.CURRENT.value

    # the same day again changes nothing
    again = run_daily(fresh.sessions, TODAY)
    assert again.already
    assert not again.processed
    assert _accounts(fresh) == after

    # three days later: the two missed days first, in order, each once
    later = run_daily(fresh.sessions, TODAY + timedelta(days=3))
    assert [d.day for d in later.processed] == [TODAY + timedelta(days=n) for n in (1, 2, 3)]
    assert _accounts(fresh)[rolling][0] == 33
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DailyRun)) == 4
    # an earlier day that was never processed is refused, not backfilled
    with pytest.raises(DailyError, match="in order"):
        run_daily(fresh.sessions, TODAY - timedelta(days=5))


def _status(value: str) -> Any:
    from workstation.domain.enums import AccountStatus

    return AccountStatus(value)


def _touched(backend: Backend, day: date) -> set[str]:
    """Accounts the day's other steps (events, decisions) wrote."""
    with backend.sessions() as session:
        return set(
            session.scalars(select(EventRow.account_id).where(EventRow.recorded_by == "daily-run"))
        ) | set(session.scalars(select(PromiseRow.account_id).where(PromiseRow.status != "open")))


def test_devices_hear_of_the_days_changes_incrementally(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    snapshot = agent.snapshot()
    cursor = snapshot["cursor"]
    mine = {a["id"]: a for a in snapshot["accounts"]}
    with fresh.sessions.begin() as session:
        target = next(a for a in mine.values() if a["status"] == "open" and a["past_due"] != "0.00")
        session.execute(
            update(AccountRow).where(AccountRow.id == target["id"]).values(days_past_due=59)
        )
    run_daily(fresh.sessions, TODAY)
    page = agent.changes(cursor)
    changed = {a["id"]: a for a in page["accounts"]}
    assert target["id"] in changed
    assert changed[target["id"]]["bucket"] == "60-89"
    assert changed[target["id"]]["days_past_due"] == 60
    # incremental: only what moved, not the agent's whole portfolio again
    assert len(changed) < len(mine)
    assert not page.get("resync_required")


# --- promises ------------------------------------------------------------------------------------


def test_promises_are_decided_on_confirmed_money_only(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    with fresh.sessions() as session:
        held = list(session.scalars(select(AccountRow).where(
            AccountRow.owner_id == agent.user_id, AccountRow.status == "open",
            AccountRow.past_due_minor > 0).order_by(AccountRow.id)))  # fmt: skip
    # the three promises are in one currency, so the three accounts are too: the currency
    # the agent holds most of (which one depends on how the seed deals the book)
    currency = Counter(a.currency for a in held).most_common(1)[0][0]
    accounts = [a for a in held if a.currency == currency]
    kept_acc = {"id": accounts[0].id}
    broken_acc, partly_acc = accounts[1], accounts[2]
    due = (TODAY + timedelta(days=5)).isoformat()
    kept = _push(agent, kept_acc["id"], "promise", {"amount": "100.00", "currency": currency, "due_date": due})  # fmt: skip
    broken = _push(agent, broken_acc.id, "promise", {"amount": "100.00", "currency": currency, "due_date": due})  # fmt: skip
    partly = _push(agent, partly_acc.id, "promise", {"amount": "100.00", "currency": currency, "due_date": due})  # fmt: skip
    # the customer of "broken" says they paid: a reported payment never keeps a promise
    _push(agent, broken_acc.id, "payment", {"amount": "100.00", "currency": currency,
                                            "source": "reported"})  # fmt: skip
    with fresh.sessions.begin() as session:
        bank_pays(session, kept_acc["id"], 10_000, TODAY + timedelta(days=2))
        bank_pays(session, partly_acc.id, 4_000, TODAY + timedelta(days=7))  # within grace (3)
    run_daily(fresh.sessions, TODAY + timedelta(days=2))
    assert _promise(fresh, kept) == "kept"  # kept before it fell due
    assert _promise(fresh, broken) == "open"
    run_daily(fresh.sessions, TODAY + timedelta(days=8))  # due + grace: still open
    assert (_promise(fresh, broken), _promise(fresh, partly)) == ("open", "open")
    run_daily(fresh.sessions, TODAY + timedelta(days=9))
    assert _promise(fresh, broken) == "broken"
    assert _promise(fresh, partly) == "partly_kept"
    with fresh.sessions() as session:
        account = session.get(AccountRow, broken_acc.id)
        assert account is not None
        assert account.status == "open"  # no promise left open: back to open


def _promise(backend: Backend, event_id: str) -> str:
    with backend.sessions() as session:
        promise = session.get(PromiseRow, event_id)
        assert promise is not None
        return promise.status


def test_a_promise_due_9999_12_31_does_not_stop_promise_evaluation(fresh: Backend) -> None:
    """Issue 20, item 1: POST /admin/promises/evaluate answered 500 for everyone."""
    agent = fresh.login("li.na")
    with fresh.sessions() as session:
        accounts = list(session.scalars(select(AccountRow).where(
            AccountRow.owner_id == agent.user_id, AccountRow.status == "open").order_by(AccountRow.id)))  # fmt: skip
    # both promises are in the first account's currency: the second account must be in it too
    odd = accounts[0]
    other = next(a for a in accounts[1:] if a.currency == odd.currency)
    currency = odd.currency
    long_ago = (TODAY - timedelta(days=30)).isoformat()
    # a push cannot carry that date any more (the contract's window answers 422); one stored
    # before pushes were bounded must still not stop the evaluation
    far = agent.push(agent.mutation("event.create", _event(odd.id, "promise", {
        "amount": "5.00", "currency": currency, "due_date": "9999-12-31"})))  # fmt: skip
    assert far.status_code == 422, far.text
    stored = _push(agent, odd.id, "promise", {"amount": "5.00", "currency": currency, "due_date": (TODAY + timedelta(days=30)).isoformat()})  # fmt: skip
    with fresh.sessions.begin() as session:
        row = session.get(PromiseRow, stored)
        event = session.get(EventRow, stored)
        assert row is not None
        assert event is not None
        row.due_date = date(9999, 12, 31)
        event.payload = {**event.payload, "due_date": "9999-12-31"}
    overdue_same = _push(agent, odd.id, "promise", {"amount": "5.00", "currency": currency, "due_date": long_ago})  # fmt: skip
    overdue_other = _push(agent, other.id, "promise", {"amount": "5.00", "currency": currency, "due_date": long_ago})  # fmt: skip
    admin = fresh.login("admin")
    response = admin.post("/api/v1/admin/promises/evaluate")
    assert response.status_code == 200, response.text
    assert response.json()["changed"] == 2
    assert _promise(fresh, overdue_same) == "broken"
    assert _promise(fresh, overdue_other) == "broken"
    # a payment on that account still answers (it decides the account's promises)
    pay = agent.push(agent.mutation("event.create", _event(odd.id, "payment", {
        "amount": "1.00", "currency": currency, "source": "reported"})))  # fmt: skip
    assert pay.status_code == 200, pay.text
    # and the daily run far in the future leaves it open, deciding the rest (this test's
    # promises: the seed may have left promises of its own on the account)
    run_daily(fresh.sessions, TODAY + timedelta(days=1))
    with fresh.sessions() as session:
        statuses = set(
            session.scalars(
                select(PromiseRow.status).where(PromiseRow.event_id.in_([stored, overdue_same]))
            )
        )
    assert statuses == {"open", "broken"}


# --- plans ---------------------------------------------------------------------------------------


def _plan_events(backend: Backend, account_id: str) -> list[dict[str, Any]]:
    with backend.sessions() as session:
        return [
            {"type": e.type, **e.payload}
            for e in session.scalars(
                select(EventRow)
                .where(
                    EventRow.account_id == account_id,
                    EventRow.type.in_(("instalment", "plan_status")),
                )
                .order_by(EventRow.server_version)
            )
        ]


def test_a_plan_is_monitored_instalment_by_instalment(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    # owing more than the plan's four 300.00 instalments: the seeded book changes with the
    # day it is made, and on 2026-12-08 the first account owed 106.00, so the first
    # instalment paid it off (the account closed as paid, no instalment to monitor)
    account = _agent_account(fresh, agent, min_balance=150_000)
    cur = account["currency"]
    lines = [(TODAY + timedelta(days=d), 30_000) for d in (10, 40, 70, 100)]
    plan_id = _push(agent, account["id"], "plan_agreement", plan_payload(cur, lines))
    run_daily(fresh.sessions, TODAY)
    with fresh.sessions.begin() as session:
        bank_pays(session, account["id"], 30_000, TODAY + timedelta(days=9))
    run_daily(fresh.sessions, TODAY + timedelta(days=16))
    assert [(e["n"], e["status"]) for e in _plan_events(fresh, account["id"])] == [(1, "paid")]
    # nothing for #2 (due day 40): missed once its 5 grace days are over
    run_daily(fresh.sessions, TODAY + timedelta(days=45))
    assert len(_plan_events(fresh, account["id"])) == 1
    run_daily(fresh.sessions, TODAY + timedelta(days=46))
    missed = _plan_events(fresh, account["id"])[-1]
    assert (missed["n"], missed["status"]) == (2, "missed")
    # caught up (and #3 paid early) on day 50: late, not missed; the plan is intact
    with fresh.sessions.begin() as session:
        bank_pays(session, account["id"], 60_000, TODAY + timedelta(days=50))
    run_daily(fresh.sessions, TODAY + timedelta(days=50))
    events = _plan_events(fresh, account["id"])
    assert [(e["n"], e["status"]) for e in events[-2:]] == [(2, "late"), (3, "paid")]
    with fresh.sessions() as session:
        plan = session.get(PlanRow, plan_id)
        assert plan is not None
        assert plan.status == "active"
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert row.status == "plan"
        states = dict(session.execute(select(PlanInstalment.number, PlanInstalment.status).where(
            PlanInstalment.plan_event_id == plan_id)).all())  # fmt: skip
    assert states == {1: "paid", 2: "late", 3: "paid", 4: "pending"}
    # the last one paid: completed
    with fresh.sessions.begin() as session:
        bank_pays(session, account["id"], 30_000, TODAY + timedelta(days=99))
    run_daily(fresh.sessions, TODAY + timedelta(days=99))
    last = _plan_events(fresh, account["id"])[-1]
    assert (last["type"], last["status"]) == ("plan_status", "completed")


def test_plans_to_monitor_with_more_new_money_than_one_statement_can_bind(fresh: Backend) -> None:
    # at 1M accounts a day's new money touched ~257,000 accounts; binding them all in one
    # statement passes PostgreSQL's 65,535 parameters and the whole day rolled back
    agent = fresh.login("li.na")
    account = _agent_account(fresh, agent)
    lines = [(TODAY + timedelta(days=d), 30_000) for d in (10, 40)]
    plan_id = _push(
        agent, account["id"], "plan_agreement", plan_payload(account["currency"], lines)
    )
    run_daily(fresh.sessions, TODAY)  # monitored once: only money or a deadline brings it back
    strangers = {f"no-such-account-{n:06d}" for n in range(70_000)}
    policy = load_lifecycle_policy()
    with fresh.sessions() as session:
        assert _to_monitor(session, TODAY + timedelta(days=1), policy, strangers) == []
        found = _to_monitor(session, TODAY + timedelta(days=1), policy, strangers | {account["id"]})
    assert found == [(plan_id, account["id"])]


def test_a_plan_breaks_after_two_missed_instalments_and_the_account_reopens(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    account = _agent_account(fresh, agent)
    lines = [(TODAY + timedelta(days=d), 20_000) for d in (5, 35, 65)]
    plan_id = _push(
        agent, account["id"], "plan_agreement", plan_payload(account["currency"], lines)
    )
    cursor = agent.changes(0)["cursor"]
    run_daily(fresh.sessions, TODAY + timedelta(days=40))
    with fresh.sessions() as session:
        plan = session.get(PlanRow, plan_id)
        assert plan is not None
        assert plan.status == "active"
    run_daily(fresh.sessions, TODAY + timedelta(days=41))
    with fresh.sessions() as session:
        plan = session.get(PlanRow, plan_id)
        row = session.get(AccountRow, account["id"])
        assert plan is not None
        assert row is not None
        assert plan.status == "broken"
        assert "#1" in (plan.reason or "")
        assert "#2" in (plan.reason or "")
        assert row.status == "open"
    last = _plan_events(fresh, account["id"])[-1]
    assert last["status"] == "broken"
    assert last["reason"] == "missed_instalments"
    assert last["missed"] == [1, 2]
    # the agent's device hears of it: the account (open again) and the events saying why
    page = agent.changes(cursor)
    assert account["id"] in {a["id"] for a in page["accounts"]}
    kinds = {e["type"] for e in page["events"] if e["account_id"] == account["id"]}
    assert {"instalment", "plan_status"} <= kinds


def test_one_bad_plan_does_not_stop_the_run(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    good = _agent_account(fresh, agent)
    lines = [(TODAY + timedelta(days=1), 10_000)]
    _push(agent, good["id"], "plan_agreement", plan_payload(good["currency"], lines))
    with fresh.sessions.begin() as session:
        bad = session.scalars(select(AccountRow).where(
            AccountRow.owner_id == agent.user_id, AccountRow.status == "open",
            AccountRow.id != good["id"]).order_by(AccountRow.id)).first()  # fmt: skip
        assert bad is not None
        bad_id = bad.id
        event_id = new_id()
        # an agreement from an old import whose schedule cannot be read
        session.add(EventRow(id=event_id, type="plan_agreement", account_id=bad.id,
                             customer_id=bad.customer_id, occurred_at=datetime.now(UTC),
                             received_at=datetime.now(UTC), recorded_by="import",
                             payload={"currency": bad.currency, "schedule": [{"n": 1,
                                      "due_on": "soon", "amount": "1.00"}]},
                             server_version=1))  # fmt: skip
        session.flush()
        session.add(PlanRow(event_id=event_id, account_id=bad.id, status="active",
                            changed_at=datetime.now(UTC)))  # fmt: skip
    report = run_daily(fresh.sessions, TODAY + timedelta(days=10))
    assert report.processed  # the day was processed
    assert _plan_events(fresh, good["id"])[-1]["status"] == "missed"
    with fresh.sessions() as session:
        items = list(
            session.scalars(select(ReviewItem).where(ReviewItem.kind == "lifecycle_error"))
        )
    assert [i.account_id for i in items] == [bad_id]
    assert "monitor its plan" in items[0].summary
    assert "due_on" in items[0].summary
    # the next days do not raise it again while it is unacknowledged
    run_daily(fresh.sessions, TODAY + timedelta(days=12))
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).where(ReviewItem.kind == "lifecycle_error")) == 1


# --- holds ---------------------------------------------------------------------------------------


def test_hardship_and_breathing_space_end_with_an_event(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    account = _agent_account(fresh, agent)
    with fresh.sessions.begin() as session:
        customer = session.get(CustomerRow, account["customer_id"])
        assert customer is not None
        customer.jurisdiction = "UK"  # the breathing space is the UK pack's (60 days)
    started = TODAY - timedelta(days=10)
    _push(agent, account["id"], "flag_change", {"flag": "hardship", "value": True,
                                                "since": started.isoformat()})  # fmt: skip
    _push(agent, account["id"], "flag_change", {"flag": "breathing_space", "value": True,
                                                "since": started.isoformat()})  # fmt: skip
    with fresh.sessions() as session:
        customer = session.get(CustomerRow, account["customer_id"])
        assert customer is not None
        assert {"hardship", "breathing_space"} <= set(customer.flags)
        version = customer.version
    run_daily(fresh.sessions, started + timedelta(days=29))
    assert {"hardship", "breathing_space"} <= set(_flags(fresh, account["customer_id"]))
    run_daily(fresh.sessions, started + timedelta(days=30))  # hardship: 30 days
    flags = _flags(fresh, account["customer_id"])
    assert "hardship" not in flags
    assert "breathing_space" in flags
    with fresh.sessions() as session:
        customer = session.get(CustomerRow, account["customer_id"])
        assert customer is not None
        assert customer.version > version
        ended = session.scalars(select(EventRow).where(
            EventRow.account_id == account["id"], EventRow.recorded_by == "daily-run",
            EventRow.type == "flag_change")).all()  # fmt: skip
    assert [(e.payload["flag"], e.payload["value"], e.payload["reason"]) for e in ended] == [
        ("hardship", False, "hold_ended")
    ]
    run_daily(fresh.sessions, started + timedelta(days=60))  # breathing space: 60 days
    assert "breathing_space" not in _flags(fresh, account["customer_id"])


def _flags(backend: Backend, customer_id: str) -> list[str]:
    with backend.sessions() as session:
        customer = session.get(CustomerRow, customer_id)
        assert customer is not None
        return list(customer.flags)


# --- the paid-in-full letter ---------------------------------------------------------------------


def test_a_paid_account_gets_its_paid_in_full_letter_once(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    account = _agent_account(fresh, agent)
    with fresh.sessions.begin() as session:
        row = session.get(AccountRow, account["id"])
        assert row is not None
        bank_pays(session, account["id"], row.balance_minor, TODAY)
    cursor = agent.changes(0)["cursor"]
    run_daily(fresh.sessions, TODAY)
    with fresh.sessions() as session:
        letters = session.scalars(select(EventRow).where(
            EventRow.account_id == account["id"], EventRow.type == "document")).all()  # fmt: skip
    assert len(letters) == 1
    payload = letters[0].payload
    assert payload["kind"] == "paid_in_full"
    assert payload["document_reference"].startswith("PIF-")
    # the owner's device hears of it and may fetch the PDF by its hash
    page = agent.changes(cursor)
    assert letters[0].id in {e["id"] for e in page["events"]}
    pdf = agent.get(f"/api/v1/blobs/{payload['document_sha256']}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    # someone who may not see the account may not fetch it
    other = next(u for u in fresh.report.users if u.role == "agent" and u.username != "li.na")
    assert fresh.login(other.username).get(
        f"/api/v1/blobs/{payload['document_sha256']}").status_code == 404  # fmt: skip
    run_daily(fresh.sessions, TODAY + timedelta(days=1))
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).where(
            EventRow.account_id == account["id"], EventRow.type == "document")) == 1  # fmt: skip


def test_a_client_cannot_push_a_server_only_event(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    account = _agent_account(fresh, agent)
    fake = _event(account["id"], "document", {"kind": "paid_in_full", "document_sha256": "0" * 64})
    response = agent.push(agent.mutation("event.create", fake))
    assert response.status_code == 422
    assert "server only" in response.text


# --- guard and the command -----------------------------------------------------------------------


def test_a_second_runner_skips_while_one_holds_the_guard(fresh: Backend) -> None:
    if fresh.kind != "pg":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite has one writer by construction")
    engine = create_engine(fresh.url)
    with engine.connect() as other:
        assert other.scalar(
            text(f"SELECT pg_try_advisory_lock({SCHEMA_LOCK})"), {"key": ADVISORY_LOCK_KEY}
        )
        report = run_daily(fresh.sessions, TODAY)
        assert report.busy
        assert not report.processed
        other.execute(text(f"SELECT pg_advisory_unlock({SCHEMA_LOCK})"), {"key": ADVISORY_LOCK_KEY})
    engine.dispose()
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DailyRun)) == 0
    assert [d.day for d in run_daily(fresh.sessions, TODAY).processed] == [TODAY]


def test_the_daily_command(fresh: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    day = TODAY + timedelta(days=2)
    assert server_main(["daily", "--db", fresh.url, "--as-of", day.isoformat(), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["day"] for d in report["processed"]] == [day.isoformat()]
    assert report["processed"][0]["counts"].get("bucket_rolls", 0) >= 0
    assert server_main(["daily", "--db", fresh.url, "--as-of", day.isoformat()]) == 0
    assert "already processed" in capsys.readouterr().out
    assert server_main(["daily", "--db", fresh.url, "--as-of", "31/12/2025"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert server_main(["daily", "--db", fresh.url, "--as-of",
                        (day - timedelta(days=9)).isoformat()]) == 2  # fmt: skip
    assert "in order" in capsys.readouterr().err


# --- interest ------------------------------------------------------------------------------------


def test_interest_is_posted_monthly_and_nothing_accrues_under_a_freezing_hold(
    fresh: Backend,
) -> None:
    import calendar

    from workstation.lifecycle.interest import monthly_interest

    agent = fresh.login("li.na")
    with fresh.sessions.begin() as session:
        rows = session.scalars(select(AccountRow).where(
            AccountRow.owner_id == agent.user_id, AccountRow.status == "open").order_by(
            AccountRow.id)).all()[:3]  # fmt: skip
        plain, held, planned = (r.id for r in rows)
        session.execute(update(AccountRow).values(annual_rate="0"))  # only these three bear it
        session.execute(
            update(AccountRow)
            .where(AccountRow.id.in_([plain, held, planned]))
            .values(annual_rate="12", balance_minor=1_000_000, past_due_minor=100_000)
        )
        held_customer = session.get(AccountRow, held).customer_id  # type: ignore[union-attr]
        session.execute(update(CustomerRow).where(CustomerRow.id == held_customer).values(flags=[]))
        plain_customer = session.get(AccountRow, plain).customer_id  # type: ignore[union-attr]
        session.execute(
            update(CustomerRow).where(CustomerRow.id == plain_customer).values(flags=[])
        )
    # a breathing space (60 days) that ends on the 20th of next month
    first = (TODAY.replace(day=1) + timedelta(days=32)).replace(day=1)
    hold_from = first + timedelta(days=19) - timedelta(days=60)
    _push(agent, held, "flag_change", {"flag": "breathing_space", "value": True,
                                        "since": hold_from.isoformat()})  # fmt: skip
    with fresh.sessions.begin() as session:
        customer = session.get(CustomerRow, held_customer)
        assert customer is not None
        customer.jurisdiction = "UK"
    lines = [(first + timedelta(days=40), 100_000)]
    _push(agent, planned, "plan_agreement", plan_payload(rows[2].currency, lines))
    run_daily(fresh.sessions, first)  # a 1st: the month before is posted, seen or not
    before = _balances(fresh, plain, held, planned)
    days = calendar.monthrange(first.year, first.month)[1]
    next_first = first + timedelta(days=days)
    run_daily(fresh.sessions, next_first - timedelta(days=1))
    assert _balances(fresh, plain, held, planned) == before  # nothing until the month is over
    run_daily(fresh.sessions, next_first)
    after = _balances(fresh, plain, held, planned)
    assert after[plain] == before[plain] + monthly_interest(before[plain], "12", days)
    # the hold froze the 1st to the 19th; it ended on the 20th, from which interest accrued
    frozen = 19
    assert after[held] == before[held] + monthly_interest(before[held], "12", days - frozen)
    assert after[held] < after[plain]
    assert after[planned] == before[planned]  # an agreed plan fixes what is owed


def _balances(backend: Backend, *ids: str) -> dict[str, int]:
    with backend.sessions() as session:
        return dict(
            session.execute(
                select(AccountRow.id, AccountRow.balance_minor).where(AccountRow.id.in_(ids))
            ).all()
        )


def test_serve_runs_the_daily_run_for_the_last_whole_day_once(fresh: Backend) -> None:
    from workstation.server.maintenance import MaintenanceLoop

    now = datetime.combine(TODAY + timedelta(days=3), datetime.min.time(), UTC) + timedelta(hours=2)
    loop = MaintenanceLoop(
        fresh.sessions, timedelta(days=90), timedelta(hours=24), clock=lambda: now, daily=True
    )
    loop.tick()
    loop.tick()  # the next check the same day: nothing more
    with fresh.sessions() as session:
        days = list(session.scalars(select(DailyRun.day).order_by(DailyRun.day)))
    assert days == [TODAY + timedelta(days=2)]


def test_a_reported_payment_no_bank_money_matched_goes_to_review(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    account = _agent_account(fresh, agent)
    said = TODAY - timedelta(days=1)
    _push(agent, account["id"], "payment", {"amount": "50.00", "currency": account["currency"],
                                            "source": "reported", "paid_on": said.isoformat()})  # fmt: skip
    run_daily(fresh.sessions, said + timedelta(days=7), match_days=7)
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).where(
            ReviewItem.account_id == account["id"], ReviewItem.kind != "lifecycle_error")) == 0  # fmt: skip
    report = run_daily(fresh.sessions, said + timedelta(days=9), match_days=7)
    assert sum(d.counts.get("reported_unmatched", 0) for d in report.processed) == 1
    with fresh.sessions() as session:
        items = session.scalars(select(ReviewItem).where(
            ReviewItem.account_id == account["id"], ReviewItem.kind != "lifecycle_error")).all()  # fmt: skip
    assert len(items) == 1
    assert "50.00" in items[0].summary
