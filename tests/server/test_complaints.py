"""Complaints as a server-side workflow, on SQLite and PostgreSQL, through the real API.

A desk's complaint is registered at once (reference, owner, the pack's deadlines in the
customer's calendar); the lead's console walks it (assign, acknowledge, extend, resolve with
the final letter, close); bad input is refused with a clear message and nothing changed; a
device may not push a step; references are unique across concurrent intakes; the daily run
raises a missed deadline once; every endpoint answers only inside the caller's scope.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.server.conftest import Api, Backend
from tests.server.workflow_helpers import open_account, push_event, world
from workstation.domain.model import new_id
from workstation.server.complaints.models import ComplaintRow
from workstation.server.complaints.workflow import next_reference
from workstation.server.lifecycle.daily import run_daily

__all__ = ["world"]  # the module's shared backend (a fixture)
from workstation.server.models import (
    AccountRow,
    AuditEntry,
    CustomerRow,
    EventRow,
    ReviewItem,
)
from workstation.workflows.references import parse_reference


def user_id(backend: Backend, username: str) -> str:
    return backend.users[username].user_id


def push_complaint(
    api: Api,
    account_id: str,
    *,
    at: datetime | None = None,
    **extra: Any,
) -> tuple[str, dict[str, Any]]:
    event_id = new_id()
    payload = {"category": "staff_conduct", "details": "the collector shouted", **extra}
    return event_id, push_event(api, account_id, "complaint", payload, at=at, event_id=event_id)


def account_of(world: Backend, desk: Api) -> AccountRow:
    return open_account(world, desk, "cn-nifa", statuses=("open", "promise", "plan"))


def people(backend: Backend, team: str) -> tuple[str, list[str]]:
    lead = backend.of_role("lead", team)[0].username
    agents = [u.username for u in backend.of_role("agent", team)]
    return lead, agents


def test_a_complaint_from_the_desk_is_registered_with_reference_owner_and_deadlines(
    world: Backend,
) -> None:
    lead, (agent, _other) = people(world, "sh-desk")
    desk = world.login(agent)
    account = account_of(world, desk)
    received = datetime.now(UTC)
    complaint_id, result = push_complaint(desk, account.id, at=received)
    assert result["status"] == "applied", result
    reference = result["result"]["complaint_reference"]
    year, number = parse_reference(reference) or (0, 0)
    with world.sessions() as session:  # the year of receipt is the customer's (Shanghai's)
        customer = session.get(CustomerRow, account.customer_id)
        assert customer is not None
        local_year = received.astimezone(ZoneInfo(customer.timezone)).year
    assert year == local_year  # on New Year's Eve after 16:00 UTC: next year's counter
    assert number >= 1

    console = world.login(lead)
    listed = console.get("/api/v1/complaints").json()["complaints"]
    mine = next(c for c in listed if c["id"] == complaint_id)
    assert mine["reference"] == reference
    assert mine["status"] == "received"
    assert mine["owner_id"] == user_id(world, lead)  # the team's lead by default
    assert mine["agent_id"] == desk.user_id  # counted against the account's owner
    received_on = date.fromisoformat(mine["received_on"])
    assert mine["due_on"] == (received_on + timedelta(days=15)).isoformat()  # CN: 15 days
    assert mine["acknowledge_by"] is None
    assert mine["extensions"] == 0

    # the registration reaches the desk with its next pull: a step naming the complaint
    pulled = desk.changes(0, limit=5000)
    steps = [
        e
        for e in pulled["events"]
        if e["type"] == "complaint" and e["payload"].get("complaint_id") == complaint_id
    ]
    assert [s["payload"]["step"] for s in steps] == ["register"]
    assert steps[0]["payload"]["reference"] == reference
    assert steps[0]["payload"]["owner_id"] == user_id(world, lead)


def test_the_cn_workflow_with_refusals_that_change_nothing(world: Backend) -> None:
    lead, (agent, colleague) = people(world, "sh-desk")
    desk = world.login(agent)
    account = account_of(world, desk)
    complaint_id, _ = push_complaint(desk, account.id, about_user_id=desk.user_id)
    console = world.login(lead)
    base = f"/api/v1/complaints/{complaint_id}"

    def state() -> dict[str, Any]:
        answer = console.get(base)
        assert answer.status_code == 200, answer.text
        return answer.json()

    before = state()
    steps = {s["step"] for s in before["steps"]}
    assert steps == {"assign", "acknowledge", "investigate", "extend", "resolve"}
    assert before["extensions_left"] == 2

    # 回避: never the agent complained about
    refused = console.post(f"{base}/assign", {"owner_id": desk.user_id})
    assert refused.status_code == 422, refused.text
    assert "owner_id" in refused.json()["errors"]
    assert "回避" in refused.json()["errors"]["owner_id"]["zh"]
    assert state()["complaint"]["owner_id"] == user_id(world, lead)

    assigned = console.post(f"{base}/assign", {"owner_id": user_id(world, colleague)})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["complaint"]["owner_id"] == user_id(world, colleague)

    # the new owner acknowledges: the acknowledgement letter is a document event + blob
    handler = world.login(colleague)
    acknowledged = handler.post(f"{base}/acknowledge", {})
    assert acknowledged.status_code == 200, acknowledged.text
    letter = acknowledged.json()["letter_sha256"]
    assert letter
    pdf = desk.get(f"/api/v1/blobs/{letter}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")

    # an extension needs a reason; nothing moves without one
    due = date.fromisoformat(state()["complaint"]["due_on"])
    no_reason = handler.post(f"{base}/extend", {"reason": "  "})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    assert state()["complaint"]["due_on"] == due.isoformat()
    extended = handler.post(f"{base}/extend", {"reason": "call recordings requested"})
    assert extended.status_code == 200, extended.text
    assert extended.json()["complaint"]["due_on"] == (due + timedelta(days=15)).isoformat()
    # the pack's second extension needs an approver, not the handler
    no_approver = handler.post(f"{base}/extend", {"reason": "more time"})
    assert no_approver.status_code == 422
    assert "approver_id" in no_approver.json()["errors"]
    self_approved = handler.post(
        f"{base}/extend", {"reason": "more time", "approver_id": handler.user_id}
    )
    assert self_approved.status_code == 422
    assert state()["complaint"]["extensions"] == 1

    # resolving needs an outcome (and the pack's root cause, and the findings)
    bare = handler.post(f"{base}/resolve", {"resolution": "looked into it"})
    assert bare.status_code == 422
    assert {"outcome", "root_cause"} <= set(bare.json()["errors"])
    assert state()["complaint"]["status"] == "acknowledged"

    resolved = handler.post(
        f"{base}/resolve",
        {
            "outcome": "partly_upheld",
            "root_cause": "tone",
            "resolution": "The recording shows a raised voice; 经核查语气不当。",
            "remedy": "Coaching recorded for the collector.",
            "redress": "50.00",
        },
    )
    assert resolved.status_code == 200, resolved.text
    with world.sessions() as session:
        after = session.get(AccountRow, account.id)
        assert after is not None
        # the redress comes off what is owed: a write-off, never recovered money
        assert after.balance_minor == account.balance_minor - 50_00
        assert after.version > account.version
        off = session.scalar(
            select(EventRow).where(EventRow.account_id == account.id, EventRow.type == "write_off")
        )
        assert off is not None
        assert off.payload["reason"] == "complaint_redress"
        assert off.payload["complaint_id"] == complaint_id
        assert off.payload["amount"] == "50.00"
    body = resolved.json()["complaint"]
    assert body["status"] == "resolved"
    assert body["resolved_in_time"] is True
    assert body["redress"] == "50.00"
    assert resolved.json()["letter_sha256"]

    # resolved → closed; a closed complaint takes no more steps (409, nothing changed)
    assert handler.post(f"{base}/close", {}).status_code == 200
    again = handler.post(f"{base}/resolve", {"outcome": "upheld", "resolution": "x"})
    assert again.status_code == 409
    assert state()["complaint"]["status"] == "closed"

    history = [
        e["payload"].get("step") or "intake" for e in state()["history"] if e["type"] == "complaint"
    ]
    assert history == ["intake", "register", "assign", "acknowledge", "extend", "resolve", "close"]
    kinds = [e["payload"]["kind"] for e in state()["history"] if e["type"] == "document"]
    assert kinds == ["complaint_acknowledgement", "complaint_final_response"]
    with world.sessions() as session:
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == complaint_id))
        )
    assert {"complaint.assign", "complaint.resolve", "complaint.close"} <= actions


def test_a_device_may_not_push_a_step_of_the_workflow(world: Backend) -> None:
    _lead, (agent, _) = people(world, "sh-desk")
    desk = world.login(agent)
    account = account_of(world, desk)
    complaint_id, _ = push_complaint(desk, account.id)
    _id, result = push_complaint(desk, account.id, complaint_id=complaint_id, status="resolved")
    assert result["status"] == "rejected"
    assert result["reason"] == "complaint_step_not_from_device"
    with world.sessions() as session:
        row = session.get(ComplaintRow, complaint_id)
        assert row is not None
        assert row.status == "received"


def test_uk_deadlines_count_business_days_and_the_lead_can_take_a_complaint(
    world: Backend,
) -> None:
    lead = world.of_role("lead", "ldn-desk")[0].username
    console = world.login(lead)
    with world.sessions() as session:
        account_id = session.scalar(
            select(AccountRow.id)
            .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
            .where(
                CustomerRow.jurisdiction == "uk-conc",
                AccountRow.team_id == console.tokens["user"]["team_id"],
            )
            .order_by(AccountRow.id)
        )
    assert account_id
    taken = console.post(
        "/api/v1/complaints",
        {"account_id": account_id, "category": "contact_place", "details": "called my office"},
    )
    assert taken.status_code == 201, taken.text
    complaint = taken.json()
    received_on = date.fromisoformat(complaint["received_on"])
    assert complaint["channel"] == "console"
    assert complaint["due_on"] == (received_on + timedelta(days=56)).isoformat()
    acknowledge_by = date.fromisoformat(complaint["acknowledge_by"])
    assert acknowledge_by.isoweekday() <= 5  # a business day
    assert (acknowledge_by - received_on).days >= 3  # three business days after receipt
    assert complaint["next_deadline"] == "acknowledge"


def test_references_count_per_year_and_never_repeat_under_concurrency(world: Backend) -> None:
    year = 2031  # a year nothing else uses
    got: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            with world.sessions.begin() as session:
                got.append(next_reference(session, year))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(got) == [f"CP-{year}-{n:06d}" for n in range(1, 9)]


def test_the_daily_run_raises_a_missed_deadline_once(world: Backend) -> None:
    lead, (agent, _) = people(world, "sh-desk")
    desk = world.login(agent)
    account = account_of(world, desk)
    received = datetime.now(UTC) - timedelta(days=20)
    complaint_id, _ = push_complaint(desk, account.id, at=received)
    with world.sessions() as session:
        row = session.get(ComplaintRow, complaint_id)
        assert row is not None
        due = row.due_on
    # the first run ever processes its as-of day alone: two days after the deadline
    day = due + timedelta(days=2)
    run_daily(world.sessions, day)
    run_daily(world.sessions, day)  # the same day again: nothing more
    run_daily(world.sessions, day + timedelta(days=1))  # the next: still once
    with world.sessions() as session:
        items = list(
            session.scalars(
                select(ReviewItem).where(
                    ReviewItem.kind == "complaint_overdue", ReviewItem.event_id == complaint_id
                )
            )
        )
        row = session.get(ComplaintRow, complaint_id)
        assert row is not None
        assert row.overdue == [f"final:{due.isoformat()}"]
    assert len(items) == 1
    assert items[0].detail["reference"] == row.reference
    # dated by the run's day (the end of it), not by the clock the run happened to run on
    stamped = (
        items[0].created_at.replace(tzinfo=UTC)
        if items[0].created_at.tzinfo is None
        else items[0].created_at
    )
    assert stamped == datetime.combine(day, time(23, 59, 59), UTC)
    console = world.login(lead)
    shown = console.get(f"/api/v1/complaints/{complaint_id}").json()["complaint"]
    assert shown["urgency"] == "overdue"
    review = console.get("/api/v1/review").json()
    assert any(i["kind"] == "complaint_overdue" and i["event_id"] == complaint_id for i in review)


def test_kpis_per_agent_and_team(world: Backend) -> None:
    lead, (agent, _) = people(world, "sh-desk")
    console = world.login(lead)
    today = datetime.now(UTC).date()
    # a complaint's day is the customer's: after 16:00 UTC a Shanghai intake is on tomorrow
    start, end = today - timedelta(days=40), today + timedelta(days=1)
    answer = console.get(
        "/api/v1/complaints/kpis", params={"from": start.isoformat(), "to": end.isoformat()}
    )
    assert answer.status_code == 200, answer.text
    kpis = answer.json()
    with world.sessions() as session:
        team_id = session.scalar(
            select(AccountRow.team_id).where(AccountRow.owner_id == user_id(world, agent)).limit(1)
        )
        rows = list(session.scalars(select(ComplaintRow).where(ComplaintRow.team_id == team_id)))
    rows = [r for r in rows if r.voided_at is None]
    received = [r for r in rows if start <= r.received_on <= end]
    resolved = [r for r in rows if r.resolved_on is not None and start <= r.resolved_on <= end]
    assert kpis["team"]["received"] == len(received)
    assert kpis["team"]["resolved"] == len(resolved)
    if resolved:
        in_time = sum(1 for r in resolved if r.resolved_on and r.resolved_on <= r.due_on)
        assert kpis["team"]["resolved_in_time"] == in_time
        upheld = sum(1 for r in resolved if r.outcome in ("upheld", "partly_upheld"))
        assert kpis["team"]["upheld"] == upheld
        assert {c["code"] for c in kpis["team"]["top_root_causes"]} <= {
            r.root_cause for r in resolved
        }
    assert sum(a["block"]["received"] for a in kpis["agents"]) == kpis["team"]["received"]
    bad = console.get(
        "/api/v1/complaints/kpis", params={"from": today.isoformat(), "to": "2000-01-01"}
    )
    assert bad.status_code == 422


def test_every_complaint_endpoint_answers_only_inside_the_callers_scope(world: Backend) -> None:
    sh_lead, (agent, colleague) = people(world, "sh-desk")
    ny_lead, (ny_agent, _) = people(world, "ny-desk")
    desk = world.login(agent)
    account = account_of(world, desk)
    complaint_id, result = push_complaint(desk, account.id)
    reference = result["result"]["complaint_reference"]
    base = f"/api/v1/complaints/{complaint_id}"
    outsider_lead = world.login(ny_lead)
    outsider_agent = world.login(ny_agent)
    teammate = world.login(colleague)
    admin = world.login("admin")
    own_lead = world.login(sh_lead)

    # reading: the account's owner and the team's lead; nobody else
    assert desk.get(base).status_code == 200
    assert own_lead.get(f"/api/v1/complaints/{reference}").status_code == 200  # by reference
    for outsider in (outsider_lead, outsider_agent, teammate):
        assert outsider.get(base).status_code == 404
        listed = outsider.get("/api/v1/complaints", params={"status": "all"}).json()
        assert complaint_id not in {c["id"] for c in listed["complaints"]}
    assert admin.get(base).status_code == 403
    assert admin.get("/api/v1/complaints").status_code == 403
    assert complaint_id in {c["id"] for c in desk.get("/api/v1/complaints").json()["complaints"]}

    # steps: never the agent whose portfolio it is (unless owner), never another team
    assert desk.post(f"{base}/acknowledge", {}).status_code == 403
    assert outsider_lead.post(f"{base}/acknowledge", {}).status_code == 404
    assert admin.post(f"{base}/acknowledge", {}).status_code == 403
    assert own_lead.post(f"{base}/register", {}).status_code == 403

    # intake at the console: leads, on their team's accounts
    body = {"account_id": account.id, "category": "other", "details": "a letter"}
    assert desk.post("/api/v1/complaints", body).status_code == 403
    assert outsider_lead.post("/api/v1/complaints", body).status_code == 404
    # KPIs: leads only
    params = {"from": "2026-01-01", "to": "2026-01-31"}
    assert desk.get("/api/v1/complaints/kpis", params=params).status_code == 403
    anonymous = world.login(agent)
    anonymous.http.headers.pop("Authorization")
    assert anonymous.get("/api/v1/complaints").status_code == 401
    assert anonymous.post(f"{base}/acknowledge", {}).status_code == 401
    with world.sessions() as session:
        row = session.get(ComplaintRow, complaint_id)
        assert row is not None
        assert row.status == "received"  # none of the refused steps changed anything
