"""Corrections on SQLite and PostgreSQL: an agent voids their own records on the day, the
lead any record of the team, with a reason; the backend's own records, a void and an event
already voided are refused with nothing changed; a void undoes what the record started
(a complaint, a dispute, a plan, a promise, a flag) and is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from tests.server.conftest import Api, Backend
from tests.server.lifecycle_helpers import plan_payload
from tests.server.workflow_helpers import open_account, push_event, world
from workstation.domain.model import new_id
from workstation.server.complaints.models import ComplaintRow
from workstation.server.disputes.models import DisputeRow
from workstation.server.models import (
    AccountRow,
    AuditEntry,
    CustomerRow,
    EventRow,
    PlanRow,
    PromiseRow,
)

__all__ = ["world"]  # the module's shared backend (a fixture)


def people(world: Backend, team: str = "sh-desk") -> tuple[Api, Api, Api]:
    agents = world.of_role("agent", team)
    return (
        world.login(agents[0].username),
        world.login(agents[1].username),
        world.login(world.of_role("lead", team)[0].username),
    )


def fact(api: Api, account_id: str, kind: str, payload: dict[str, Any], **kw: Any) -> str:
    event_id = new_id()
    result = push_event(api, account_id, kind, payload, event_id=event_id, **kw)
    assert result["status"] == "applied", result
    return event_id


def void(api: Api, account_id: str, target: str, reason: str = "logged on the wrong account"):
    return push_event(api, account_id, "void", {"target_event_id": target, "reason": reason})


def status(world: Backend, account_id: str) -> str:
    with world.sessions() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        return row.status


def test_an_agent_voids_own_records_of_the_day_the_lead_any(world: Backend) -> None:
    agent, colleague, lead = people(world)
    account = open_account(world, agent, "cn-nifa")
    attempt = fact(agent, account.id, "contact_attempt", {"channel": "phone", "disposition": "NA"})
    # someone else's record, an old one, no reason: refused, nothing recorded
    refused = void(colleague, account.id, attempt)
    assert refused["status"] == "rejected"
    yesterday = fact(
        agent,
        account.id,
        "contact_attempt",
        {"channel": "phone", "disposition": "BUSY"},
        at=datetime.now(UTC) - timedelta(days=2),
    )
    with world.sessions.begin() as session:  # a record the server received two days ago
        row = session.get(EventRow, yesterday)
        assert row is not None
        row.received_at = datetime.now(UTC) - timedelta(days=2)
    old = void(agent, account.id, yesterday)
    assert (old["status"], old["reason"]) == ("rejected", "void_refused")
    assert "team lead" in old["message"]
    silent = void(agent, account.id, attempt, reason="  ")
    assert (silent["status"], silent["reason"]) == ("rejected", "void_needs_reason")
    done = void(agent, account.id, attempt)
    assert done["status"] == "applied", done
    twice = void(agent, account.id, attempt)
    assert (twice["status"], twice["reason"]) == ("rejected", "void_refused")
    assert "already voided" in twice["message"]
    of_a_void = void(lead, account.id, done["result"]["event_id"])
    assert "cannot be voided" in of_a_void["message"]
    # the lead voids the old one from the console, with a reason
    answer = lead.post(f"/api/v1/events/{yesterday}/void", {"reason": "duplicate entry"})
    assert answer.status_code == 200, answer.text
    again = lead.post(f"/api/v1/events/{yesterday}/void", {"reason": "again"})
    assert again.status_code == 422
    assert lead.post(f"/api/v1/events/{yesterday}/void", {"reason": ""}).status_code == 422
    other_lead = world.login(world.of_role("lead", "ny-desk")[0].username)
    assert other_lead.post(f"/api/v1/events/{attempt}/void", {"reason": "x"}).status_code == 404
    with world.sessions() as session:
        audited = [
            (e.user_id, e.detail.get("reason"))
            for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "event.void"))
            if e.entity_id in (attempt, yesterday)
        ]
    assert sorted(audited, key=str) == sorted(
        [(agent.user_id, "logged on the wrong account"), (lead.user_id, "duplicate entry")],
        key=str,
    )


def test_a_void_undoes_what_the_record_started(world: Backend) -> None:
    agent, _colleague, lead = people(world)
    # a dispute: resumed, the account open again
    disputed = open_account(world, agent, "cn-nifa", skip=1)
    dispute = fact(agent, disputed.id, "dispute", {"reason": "not_mine"})
    assert status(world, disputed.id) == "dispute"
    assert void(agent, disputed.id, dispute)["status"] == "applied"
    assert status(world, disputed.id) == "open"
    with world.sessions() as session:
        row = session.get(DisputeRow, dispute)
        assert row is not None
        assert row.status == "resumed"
    # a complaint: closed, out of the KPIs; its registration is the backend's, not voidable
    complained = open_account(world, agent, "cn-nifa", skip=2)
    complaint = fact(agent, complained.id, "complaint", {"category": "other", "details": "x"})
    with world.sessions() as session:
        registered = session.scalar(
            select(ComplaintRow.reference).where(ComplaintRow.id == complaint)
        )
    steps = [
        e
        for e in agent.changes(0, limit=5000)["events"]
        if e["payload"].get("complaint_id") == complaint
    ]
    refused = void(lead, complained.id, steps[0]["id"])
    assert "backend's own record" in refused["message"]
    assert void(lead, complained.id, complaint)["status"] == "applied"
    with world.sessions() as session:
        row = session.get(ComplaintRow, complaint)
        assert row is not None
        assert (row.status, row.reference) == ("closed", registered)
        assert row.voided_at is not None
    kpis = lead.get(
        "/api/v1/complaints/kpis",
        params={
            "from": (date.today() - timedelta(days=1)).isoformat(),
            "to": date.today().isoformat(),
        },
    ).json()
    assert complaint not in {c["id"] for c in lead.get("/api/v1/complaints").json()["complaints"]}
    assert kpis["team"]["received"] >= 0
    # a plan: cancelled, the account open again
    planned = open_account(world, agent, "cn-nifa", skip=3)
    lines = [(date.today() + timedelta(days=30 * n), 10_000) for n in range(1, 4)]
    plan = fact(agent, planned.id, "plan_agreement", plan_payload(planned.currency, lines))
    assert status(world, planned.id) == "plan"
    assert void(agent, planned.id, plan)["status"] == "applied"
    assert status(world, planned.id) == "open"
    with world.sessions() as session:
        row = session.get(PlanRow, plan)
        assert row is not None
        assert (row.status, row.reason) == ("cancelled", "voided")
    # a promise: cancelled
    promised = open_account(world, agent, "cn-nifa", skip=4)
    promise = fact(
        agent,
        promised.id,
        "promise",
        {"amount": "100.00", "currency": promised.currency,
         "due_date": (date.today() + timedelta(days=5)).isoformat()},
    )  # fmt: skip
    assert void(agent, promised.id, promise)["status"] == "applied"
    with world.sessions() as session:
        row = session.get(PromiseRow, promise)
        assert row is not None
        assert row.status == "cancelled"
    assert status(world, promised.id) == "open"
    # a flag set by mistake: cleared
    flagged = open_account(world, agent, "cn-nifa", skip=5)
    flag = fact(
        agent, flagged.id, "flag_change", {"flag": "hardship", "value": True, "details": "x"}
    )
    assert void(agent, flagged.id, flag)["status"] == "applied"
    with world.sessions() as session:
        customer = session.get(CustomerRow, flagged.customer_id)
        assert customer is not None
        assert "hardship" not in customer.flags
