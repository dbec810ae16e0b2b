"""Team lead: overview, queue moves (dry run = real run), rebalancing, review queue, KPIs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Backend
from tests.server.money import pay
from workstation.domain.model import new_id
from workstation.kpi import KpiCounts, compute
from workstation.server.lead import kpi_counts
from workstation.server.models import AccountRow, AuditEntry, PromiseRow
from workstation.server.promises import evaluate_due


def _queue_sizes(backend: Backend, user_ids: list[str]) -> dict[str, int]:
    with backend.sessions() as session:
        rows = session.execute(
            select(AccountRow.owner_id, func.count())
            .where(AccountRow.owner_id.in_(user_ids))
            .group_by(AccountRow.owner_id)
        ).all()
    sizes = dict.fromkeys(user_ids, 0)
    sizes.update({owner: int(n) for owner, n in rows})
    return sizes


def test_overview_lists_the_team(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    body = lead.get("/api/v1/team/overview").json()
    names = {a["username"] for a in body["agents"]}
    assert {"li.na", "chen.jie", "wang.qiang"} <= names
    assert "maria.lopez" not in names
    for agent in body["agents"]:
        assert agent["accounts"] >= 0
        assert all(isinstance(v, str) for v in agent["balances"].values())


def test_move_queue_and_rebalance_dry_run_match_the_real_run(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    li, chen = backend.users["li.na"].user_id, backend.users["chen.jie"].user_id
    field = backend.users["wang.qiang"].user_id
    before = _queue_sizes(backend, [li, chen, field])
    move = {"from_user_id": chen, "to_user_id": li}
    dry = lead.post("/api/v1/team/move-queue", {**move, "dry_run": True}).json()
    assert dry["summary"]["count"] == before[chen]
    real = lead.post("/api/v1/team/move-queue", move).json()
    assert real["moves"] == dry["moves"]
    assert real["batch_id"]
    after = _queue_sizes(backend, [li, chen, field])
    assert after[chen] == 0
    assert after[li] == before[li] + before[chen]
    # rebalance by count across the three: sizes differ by at most one afterwards
    body = {"user_ids": [li, chen, field], "by": "count"}
    dry = lead.post("/api/v1/team/rebalance", {**body, "dry_run": True}).json()
    real = lead.post("/api/v1/team/rebalance", body).json()
    assert real["moves"] == dry["moves"]
    sizes = _queue_sizes(backend, [li, chen, field])
    assert max(sizes.values()) - min(sizes.values()) <= 1
    assert sum(sizes.values()) == sum(after.values())
    # by balance: the spread shrinks
    with backend.sessions() as session:

        def spread() -> int:
            totals = [
                int(
                    session.scalar(
                        select(func.coalesce(func.sum(AccountRow.balance_minor), 0)).where(
                            AccountRow.owner_id == uid
                        )
                    )
                    or 0
                )
                for uid in (li, chen, field)
            ]
            session.rollback()
            return max(totals) - min(totals)

        lead.post("/api/v1/team/move-queue", {"from_user_id": field, "to_user_id": li})
        wide = spread()
        moved = lead.post("/api/v1/team/rebalance", {**body, "by": "balance"}).json()
        assert moved["summary"]["count"] > 0
        assert spread() < wide
    with backend.sessions() as session:
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("lead.%"))).all()
        )
    assert {"lead.move_queue", "lead.rebalance"} <= actions


def test_a_visit_logged_against_a_block_reaches_the_review_queue(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    field = backend.login("wang.qiang")
    account = field.snapshot()["accounts"][0]
    visit = field.mutation(
        "event.create",
        {"id": new_id(), "type": "visit", "account_id": account["id"],
         "occurred_at": datetime.now(UTC).isoformat(),
         "payload": {"address_id": "a1", "outcome": "met_debtor", "notes": "",
                     "evidence": {"id_shown": True, "recording_on": False},
                     "override_reason": "recorder broke; second collector present",
                     "missing_evidence": ["recording_on"]}},
    )  # fmt: skip
    assert field.push(visit).json()["results"][0]["status"] == "applied"
    item = next(
        i for i in lead.get("/api/v1/review").json() if i["event_id"] == visit["payload"]["id"]
    )
    assert item["kind"] == "compliance_override"
    assert "recorder broke" in item["summary"]
    # and in Chinese for a lead working in Chinese (it was English only)
    assert (
        item["summary_zh"] == "wang.qiang越过了合规限制：recorder broke; second collector present"
    )
    assert item["detail"]["missing_evidence"] == ["recording_on"]
    assert item["detail"]["channel"] == "visit"


def test_review_queue_acknowledge(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    agent = backend.login("li.na")
    snap = agent.snapshot()
    account = snap["accounts"][0]
    override = agent.mutation(
        "event.create",
        {"id": new_id(), "type": "contact_attempt", "account_id": account["id"],
         "occurred_at": datetime.now(UTC).isoformat(),
         "payload": {"channel": "phone", "disposition": "NA",
                     "override_reason": "customer asked to be called now"}},
    )  # fmt: skip
    assert agent.push(override).json()["results"][0]["status"] == "applied"
    items = lead.get("/api/v1/review").json()
    item = next(i for i in items if i["event_id"] == override["payload"]["id"])
    assert item["kind"] == "compliance_override"
    assert lead.post(f"/api/v1/review/{item['id']}/ack").status_code == 200
    remaining = lead.get("/api/v1/review").json()
    assert item["id"] not in [i["id"] for i in remaining]
    seen_all = lead.get("/api/v1/review", params={"include_acknowledged": True}).json()
    assert item["id"] in [i["id"] for i in seen_all]


def _event(agent_api: object, account: dict[str, object], kind: str, payload: dict[str, object],
           when: datetime) -> dict[str, object]:  # fmt: skip
    return {"id": new_id(), "type": kind, "account_id": account["id"],
            "occurred_at": when.isoformat(), "payload": payload}  # fmt: skip


def test_kpis_are_computed_in_sql_and_exact(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quiet future week with known activity → exact KPI values on both databases.

    Only confirmed money is recovery and keeps a promise; what the agent reported stands
    beside it until the bank's payment confirms it; a voided call counts nowhere."""
    agent = backend.login("liu.yang") if "liu.yang" in backend.users else backend.login("li.na")
    lead = backend.login("zhao.min")
    snap = agent.snapshot()
    accounts = [a for a in snap["accounts"] if a["status"] not in ("paid", "settled", "closed")]
    account = accounts[0]
    currency = account["currency"]
    # a Monday long before the seeded history (at most ~140 days back) yet inside the window
    # of 400 days the server accepts a fact's date in
    today = datetime.now(UTC).date()
    day = today - timedelta(days=today.weekday(), weeks=43)
    at = datetime.combine(day, time(10), tzinfo=UTC)
    evs = [
        ("contact_attempt", {"channel": "phone", "disposition": "NA"}),
        ("contact_attempt", {"channel": "phone", "disposition": "VM"}),
        ("contact_attempt", {"channel": "phone", "disposition": "RPC_NC"}),
        ("contact_attempt", {"channel": "phone", "disposition": "PTP"}),
        (
            "promise",
            {
                "amount": "100.00",
                "currency": currency,
                "due_date": (day + timedelta(days=1)).isoformat(),
            },
        ),
        ("visit", {"address_id": "x", "outcome": "met_debtor", "evidence": {}}),
        ("satisfaction", {"score": 4}),
        ("satisfaction", {"score": 5}),
        ("complaint", {"category": "workplace_contact", "details": "calls at work"}),
        ("payment", {"amount": "100.00", "currency": currency, "source": "reported",
                     "paid_on": day.isoformat(), "method": "bank_transfer"}),
        ("payment", {"amount": "40.00", "currency": currency, "source": "reported",
                     "paid_on": (day + timedelta(days=1)).isoformat()}),
        ("contact_attempt", {"channel": "phone", "disposition": "RPC_NC"}),  # voided below
    ]  # fmt: skip
    mutations = [
        agent.mutation("event.create", _event(agent, account, kind, payload,
                                              at + timedelta(minutes=i)))
        for i, (kind, payload) in enumerate(evs)
    ]  # fmt: skip
    void = agent.mutation("event.create", _event(agent, account, "void", {
        "target_event_id": mutations[-1]["payload"]["id"], "reason": "logged on the wrong account"},
        at + timedelta(minutes=30)))  # fmt: skip
    results = agent.push(*mutations, void).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * (len(evs) + 1), results
    promise_id = mutations[4]["payload"]["id"]
    with backend.sessions() as session:
        # reported money decides nothing
        assert session.get(PromiseRow, promise_id).status == "open"  # type: ignore[union-attr]
    # the bank's file confirms the 100.00 (same amount, same day): the promise is kept
    report = pay(backend.url, tmp_path, capsys, account, "100.00", day)
    assert report["reported_confirmed"] == 1
    with backend.sessions() as session:
        assert session.get(PromiseRow, promise_id).status == "kept"  # type: ignore[union-attr]
    response = lead.get("/api/v1/team/kpis", params={"from": day.isoformat(),
                                                     "to": (day + timedelta(days=6)).isoformat(),
                                                     "weekly": "true"})  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    mine = next(a for a in body["agents"] if a["username"] == agent.username)
    counts = mine["counts"]
    assert counts["attempts"] == 5  # 4 calls + 1 visit
    assert counts["right_party_contacts"] == 3  # RPC_NC, PTP, met_debtor
    assert counts["promises"] == 1
    assert counts["promises_due"] == 1
    assert counts["promises_kept"] == 1
    assert counts["complaints"] == 1
    assert counts["satisfaction_count"] == 2
    kpis = mine["kpis"]
    assert kpis["rpc_rate"] == "60.00"
    assert kpis["ptp_rate"] == "33.33"
    assert kpis["kept_rate"] == "100.00"
    assert kpis["mean_satisfaction"] == "4.50"
    accounts_held = counts["accounts"]
    expected = (Decimal(1000) / Decimal(accounts_held)).quantize(Decimal("0.01"))
    assert Decimal(kpis["complaints_per_1000"]) == expected
    assert counts["collected"] == {currency: "100.00"}  # confirmed only
    assert counts["reported_unconfirmed"] == {currency: "40.00"}  # the 100.00 is confirmed
    # recovery, by hand: confirmed 100.00 ÷ the placed amount of the accounts she holds
    with backend.sessions() as session:
        placed = sum(
            session.scalars(
                select(AccountRow.placed_minor).where(
                    AccountRow.owner_id == agent.user_id, AccountRow.currency == currency
                )
            )
        )
    assert counts["placed"][currency] == f"{Decimal(placed) / 100:.2f}"
    by_hand = (Decimal(10_000) * 100 / Decimal(placed)).quantize(Decimal("0.01"))
    assert mine["recovery_by_currency"][currency] == str(by_hand)
    assert body["team"]["counts"]["attempts"] >= 5
    assert len(body["weeks"]) == 1
    # the same numbers straight from the service
    with backend.sessions() as session:
        direct = kpi_counts(session, [agent.user_id], day, day + timedelta(days=6))
    assert direct[agent.user_id].attempts == 5
    # a period with nothing: ratios are null, never 0 %
    # (years before any fact the server accepts, yet inside the reports' window)
    quiet = today - timedelta(days=3000)
    empty = lead.get(
        "/api/v1/team/kpis",
        params={"from": quiet.isoformat(), "to": (quiet + timedelta(days=1)).isoformat()},
    )
    assert empty.json()["team"]["kpis"]["rpc_rate"] is None


def test_kpi_ratios_never_divide_by_zero() -> None:
    values = compute(KpiCounts())
    assert all(v is None for v in values.values())
    mixed = KpiCounts(collected={"CNY": 100, "USD": 5}, placed={"CNY": 1000, "USD": 50})
    assert compute(mixed)["recovery_rate"] is None
    single = KpiCounts(collected={"CNY": 250}, placed={"CNY": 1000})
    assert compute(single)["recovery_rate"] == Decimal("25.00")


def test_promise_lifecycle_from_payments(
    backend: Backend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = backend.login("li.na")
    snap = agent.snapshot()
    account = next(a for a in snap["accounts"] if a["status"] not in ("paid", "settled",
                                                                       "closed"))  # fmt: skip
    currency = account["currency"]
    long_ago = datetime.now(UTC) - timedelta(days=40)
    due = (long_ago + timedelta(days=7)).date().isoformat()
    broken = agent.mutation("event.create", _event(agent, account, "promise", {
        "amount": "500.00", "currency": currency, "due_date": due}, long_ago))  # fmt: skip
    future_due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    pending = agent.mutation("event.create", _event(agent, account, "promise", {
        "amount": "300.00", "currency": currency, "due_date": future_due},
        datetime.now(UTC)))  # fmt: skip
    results = agent.push(broken, pending).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 2
    pay(backend.url, tmp_path, capsys, account, "100.00", (long_ago + timedelta(days=1)).date())
    with backend.sessions.begin() as session:
        evaluate_due(session, datetime.now(UTC), grace_days=3)
    with backend.sessions.begin() as session:
        assert evaluate_due(session, datetime.now(UTC), grace_days=3) == 0  # idempotent
    with backend.sessions() as session:
        first = session.get(PromiseRow, broken["payload"]["id"])
        second = session.get(PromiseRow, pending["payload"]["id"])
        assert first is not None
        assert second is not None
        assert first.status == "partly_kept"  # 100 of 500 by the deadline
        assert second.status == "open"  # not due yet (the earlier payment predates it)
    # the customer says she paid the rest: a reported payment keeps nothing
    cursor = agent.changes(0)["cursor"]
    said = agent.mutation("event.create", _event(agent, account, "payment", {
        "amount": "300.00", "currency": currency, "source": "reported"},
        datetime.now(UTC)))  # fmt: skip
    assert agent.push(said).json()["results"][0]["status"] == "applied"
    with backend.sessions() as session:
        assert session.get(PromiseRow, pending["payload"]["id"]).status == "open"  # type: ignore[union-attr]
    # the bank's money keeps the pending promise at once, and the device hears of it: paid
    # on the customer's today, the day the promise was made there (in Shanghai after 16:00
    # UTC that is tomorrow in UTC, and money on the UTC date would predate the promise)
    customer = next(c for c in snap["customers"] if c["id"] == account["customer_id"])
    today_there = datetime.now(ZoneInfo(customer["timezone"])).date()
    pay(backend.url, tmp_path, capsys, account, "300.00", today_there)
    page = agent.changes(cursor)
    moved = next(a for a in page["accounts"] if a["id"] == account["id"])
    statuses = {p["event_id"]: p["status"] for p in moved["promises"]}
    assert statuses[pending["payload"]["id"]] == "kept"
    assert statuses[broken["payload"]["id"]] == "partly_kept"
    # a kept promise cannot be cancelled; the reason says why
    cancel = agent.mutation("promise.cancel", {"promise_event_id": pending["payload"]["id"]})
    answer = agent.push(cancel).json()["results"][0]
    assert answer["status"] == "rejected"
    assert answer["reason"] == "promise_not_open"


def _phone_conflict(backend: Backend, index: int) -> tuple[dict[str, Any], Any, str, str]:
    """li.na's desk changes a phone number; her laptop (offline since) changed it too.

    Returns the customer, the laptop's session and cursor, and the conflict's review item id."""
    desk = backend.login("li.na")
    laptop = backend.login("li.na")
    snap = laptop.snapshot()
    customers = [c for c in snap["customers"] if c["phones"]]
    customer = customers[-1 - index]
    phone = customer["phones"][0]
    base = phone["version"]
    online = desk.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                             "id": phone["id"],
                                             "fields": {"number": f"+86 138 5555 00{index}1"}},
                           base_version=base)  # fmt: skip
    assert desk.push(online).json()["results"][0]["status"] == "applied"
    offline = laptop.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                                "id": phone["id"],
                                                "fields": {"number": f"+86 138 5555 00{index}2"}},
                              base_version=base)  # fmt: skip
    result = laptop.push(offline).json()["results"][0]
    assert result["status"] == "conflict"
    cursor = laptop.changes(snap["cursor"], limit=5000)["cursor"]
    return customer, (laptop, cursor), phone["id"], result["result"]["review_item_id"]


def test_accept_the_other_value_reaches_the_device_that_lost(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    customer, (laptop, cursor), phone_id, item_id = _phone_conflict(backend, 0)
    item = next(i for i in lead.get("/api/v1/review").json() if i["id"] == item_id)
    assert item["kind"] == "contact_conflict"
    detail = item["detail"]
    assert detail["entity"] == "phone"
    assert detail["customer_id"] == customer["id"]
    assert detail["path"] == f"phones[{phone_id}].number"
    assert detail["server_value"] == "+86 138 5555 0001"
    assert detail["client_value"] == "+86 138 5555 0002"
    assert isinstance(detail["base_version"], int)

    response = lead.post(f"/api/v1/review/{item_id}/accept-client-value")
    assert response.status_code == 200, response.text
    resolved = response.json()
    assert resolved["acknowledged_by"] == lead.user_id
    assert resolved["detail"]["resolution"]["action"] == "accept_client_value"
    assert resolved["detail"]["resolution"]["new_value"] == "+86 138 5555 0002"
    # the device that had the conflict pulls the accepted value
    pulled = laptop.changes(cursor, limit=5000)
    mine = next(c for c in pulled["customers"] if c["id"] == customer["id"])
    assert next(p for p in mine["phones"] if p["id"] == phone_id)["number"] == "+86 138 5555 0002"
    # a second call changes nothing
    again = lead.post(f"/api/v1/review/{item_id}/accept-client-value")
    assert again.status_code == 409
    assert again.json()["error"] == "already_resolved"
    with backend.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == customer["id"])
        ).all()
    assert "review.accept_client_value" in actions


def test_accept_the_other_value_only_for_contact_conflicts(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    agent = backend.login("li.na")
    account = agent.snapshot()["accounts"][1]
    override = agent.mutation(
        "event.create",
        {"id": new_id(), "type": "contact_attempt", "account_id": account["id"],
         "occurred_at": datetime.now(UTC).isoformat(),
         "payload": {"channel": "phone", "disposition": "NA",
                     "override_reason": "customer asked to be called now"}},
    )  # fmt: skip
    assert agent.push(override).json()["results"][0]["status"] == "applied"
    item = next(
        i for i in lead.get("/api/v1/review").json() if i["event_id"] == override["payload"]["id"]
    )
    refused = lead.post(f"/api/v1/review/{item['id']}/accept-client-value")
    assert refused.status_code == 409
    assert refused.json()["error"] == "not_applicable"
    # the item is still open
    assert item["id"] in [i["id"] for i in lead.get("/api/v1/review").json()]


def test_reassign_from_a_review_item(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    customer, _laptop, _phone, item_id = _phone_conflict(backend, 1)
    target = backend.users["chen.jie"].user_id
    response = lead.post(f"/api/v1/review/{item_id}/reassign", {"agent": target})
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["acknowledged_at"] is not None
    assert out["assignee_id"] == target
    assert out["detail"]["resolution"]["action"] == "reassign"
    with backend.sessions() as session:
        owners = set(
            session.scalars(
                select(AccountRow.owner_id).where(AccountRow.customer_id == customer["id"])
            )
        )
        actions = set(session.scalars(select(AuditEntry.action)))
    assert owners == {target}
    assert {"lead.reassign", "review.reassign"} <= actions
    again = lead.post(f"/api/v1/review/{item_id}/reassign", {"agent": target})
    assert again.status_code == 409
    unknown = lead.post(f"/api/v1/review/{item_id}/reassign", {"agent": "nobody"})
    assert unknown.status_code in (404, 409)


def test_accept_the_other_value_refuses_when_the_value_moved_on(backend: Backend) -> None:
    lead = backend.login("zhao.min")
    customer, _laptop, phone_id, item_id = _phone_conflict(backend, 2)
    desk = backend.login("li.na")
    fresh = desk.get(f"/api/v1/customers/{customer['id']}").json()["customer"]
    phone = next(p for p in fresh["phones"] if p["id"] == phone_id)
    third = desk.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                            "id": phone_id, "fields": {"number": "+86 1"}},
                          base_version=customer["version"] + 10**9)  # fmt: skip
    assert desk.push(third).json()["results"][0]["status"] == "applied"
    refused = lead.post(f"/api/v1/review/{item_id}/accept-client-value")
    assert refused.status_code == 409
    assert refused.json()["error"] == "changed_since"
    assert item_id in [i["id"] for i in lead.get("/api/v1/review").json()]
    after = desk.get(f"/api/v1/customers/{customer['id']}").json()["customer"]
    assert next(p for p in after["phones"] if p["id"] == phone_id)["number"] == "+86 1"
    assert phone["number"] != "+86 1"
