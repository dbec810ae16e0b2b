"""Reported payments (an agent heard of one) move nothing, decide nothing and cannot break
the lead's numbers (issue 20, security item 2).

Found by probing: a *reported* 999999999999999.99 on a 590.00 balance was applied, marked the
promise kept and added to the agent's "collected today"; 95 of them overflowed SQLite's
integer sum, and /team/overview and /team/kpis answered 500 for good.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from tests.server.conftest import Backend
from tests.server.money import event_body
from workstation.server.models import AccountRow, PromiseRow, ReviewItem

HUGE = "999999999999999.99"


def test_a_huge_reported_payment_is_flagged_and_never_counted(backend: Backend) -> None:
    agent = backend.login("li.na")
    lead = backend.login("zhao.min")
    snap = agent.snapshot()
    account = next(a for a in snap["accounts"] if a["status"] == "open")
    currency = account["currency"]
    due = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    promise = agent.mutation("event.create", event_body(account, "promise", {
        "amount": "100.00", "currency": currency, "due_date": due}))  # fmt: skip
    huge = agent.mutation("event.create", event_body(account, "payment", {
        "amount": HUGE, "currency": currency, "source": "reported"}))  # fmt: skip
    modest = agent.mutation("event.create", event_body(account, "payment", {
        "amount": "30.00", "currency": currency, "source": "reported"}))  # fmt: skip
    results = agent.push(promise, huge, modest).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3, results
    assert any("over_balance" in w for w in results[1]["warnings"])
    with backend.sessions() as session:
        kept = session.get(PromiseRow, promise["payload"]["id"])
        assert kept is not None
        assert kept.status == "open"  # reported money never decides a promise
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert row.balance_minor == int(Decimal(account["balance"]) * 100)  # nothing moved
        flagged = session.scalars(
            select(ReviewItem).where(ReviewItem.event_id == huge["payload"]["id"])
        ).one()
        assert flagged.kind == "reported_payment_over_balance"
        assert flagged.team_id == account["team_id"]
    overview = lead.get("/api/v1/team/overview")
    assert overview.status_code == 200, overview.text
    mine = next(a for a in overview.json()["agents"] if a["username"] == "li.na")
    assert mine["today"]["collected"] == {}  # nothing confirmed
    assert mine["today"]["reported"] == {currency: "30.00"}  # the huge one is not counted
    # 95 more: the sums that used to overflow stay exact and the lead's pages keep working
    huge_payload = {"amount": HUGE, "currency": currency, "source": "reported"}
    more = [
        agent.mutation("event.create", event_body(account, "payment", huge_payload))
        for _ in range(95)
    ]
    assert {r["status"] for r in agent.push(*more).json()["results"]} == {"applied"}
    for path, params in (
        ("/api/v1/team/overview", {}),
        ("/api/v1/team/kpis", {"from": datetime.now(UTC).date().isoformat(),
                               "to": datetime.now(UTC).date().isoformat()}),
    ):  # fmt: skip
        response = lead.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
    kpis = lead.get("/api/v1/team/kpis", params={"from": datetime.now(UTC).date().isoformat(),
                                                  "to": datetime.now(UTC).date().isoformat()})  # fmt: skip
    li = next(a for a in kpis.json()["agents"] if a["username"] == "li.na")
    assert li["counts"]["collected"] == {}
    assert li["counts"]["reported_unconfirmed"] == {currency: "30.00"}
    with backend.sessions() as session:
        flags = session.scalar(
            select(func.count())
            .select_from(ReviewItem)
            .where(
                ReviewItem.account_id == account["id"],
                ReviewItem.kind == "reported_payment_over_balance",
            )
        )
        assert flags == 96
