"""Approvals, with the real backend: a settlement outside policy becomes a request to the
team lead — recorded at a desk offline, it waits in the outbox; the lead's review item has
the numbers and the policy breached; a refusal says why and the desk cannot agree that plan;
an approval lets the desk agree it (the plan names the approval) and print its agreement. A
device that agrees such a settlement without one is refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.desk import DeskService
from workstation.desk.approvals import NeedsApproval, approvals_of, request
from workstation.domain.enums import ApprovalStatus
from workstation.server.approvals.models import ApprovalRow
from workstation.server.models import PlanRow, ReviewItem
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, OfflineError, SyncEngine

FAST = HttpSettings(connect_timeout=1.0, read_timeout=30.0, retries=0, backoff_factor=0.01)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=80) as started:
        yield started


def _desk(backend: Backend, tmp_path: Path) -> tuple[DeskService, SyncEngine, ApiSession, Store]:
    device = f"desk-{uuid.uuid4().hex[:6]}"
    store = Store.open(tmp_path / f"{device}.db")
    api = ApiSession(backend.base, device, settings=FAST)
    api.sign_in("li.na", PASSWORD)
    engine = SyncEngine(store, api, staging_path=tmp_path / f"{device}.st.db")
    engine.sync()
    return DeskService(store, device, "li.na"), engine, api, store


def _settlement_outside_policy(desk: DeskService):  # type: ignore[no-untyped-def]
    for row in desk.store.queue_rows():
        if str(row.status) != "open":
            continue
        comparison = desk.compare_plans(row.account_id, settlement_percent="30")
        option = next(o for o in comparison.options if o.kind == "settlement")
        if option.warnings:
            return row.account_id, option
    raise AssertionError("no open account for a settlement outside policy")


def test_a_settlement_outside_policy_waits_for_the_lead(backend: Backend, tmp_path: Path) -> None:
    desk, engine, api, store = _desk(backend, tmp_path)
    account_id, option = _settlement_outside_policy(desk)
    with pytest.raises(NeedsApproval):
        desk.agree_plan(account_id, option)

    # offline: the request waits in the outbox
    base = api.http.base_url
    api.http.base_url = "http://127.0.0.1:9"  # nothing listens there
    view = desk.account(account_id)
    request(desk, view, option, "the family can raise 30 % now, nothing later")
    with pytest.raises(OfflineError):
        engine.sync()
    assert store.pending_outbox_count() == 1
    api.http.base_url = base
    engine.sync()
    assert store.pending_outbox_count() == 0

    lead_api = ApiSession(backend.base, "console-zhao", settings=FAST)
    lead_api.sign_in("zhao.min", PASSWORD)
    waiting = lead_api.call("GET", "/api/v1/approvals")["approvals"]
    (asked,) = [a for a in waiting if a["account_id"] == account_id]
    assert asked["total"] == option.total.wire()
    assert asked["issues"]  # the policy breached, in words
    with backend.sessions() as session:
        item = session.scalar(
            select(ReviewItem).where(
                ReviewItem.kind == "approval_request", ReviewItem.event_id == asked["id"]
            )
        )
        assert item is not None
        assert item.detail["total"] == option.total.wire()
        assert item.detail["policy_breached"] == asked["issues"]
        assert "30 %" in item.detail["justification"]
    # the agent may not answer; the lead refuses only with a reason
    agent_answer = api.http.session.post(
        f"{backend.base}/api/v1/approvals/{asked['id']}/approve",
        json={},
        headers={"Authorization": f"Bearer {api.http.access_token}"},
        timeout=30,
    )
    assert agent_answer.status_code == 403
    from workstation.sync.errors import ServerError

    with pytest.raises(ServerError) as silent:
        lead_api.call(
            "POST", f"/api/v1/approvals/{asked['id']}/refuse", body={}, idempotency_key="r0"
        )
    assert silent.value.status == 422
    lead_api.call(
        "POST",
        f"/api/v1/approvals/{asked['id']}/refuse",
        body={"reason": "offer 50 %: the floor for this bucket is 70 %"},
        idempotency_key="r1",
    )

    # the agent sees why, and still cannot agree that plan
    engine.sync()
    view = desk.account(account_id)
    (answered,) = approvals_of(view.events)
    assert answered.status is ApprovalStatus.REFUSED
    assert "floor" in answered.reason
    assert answered.decided_by == "zhao.min"
    with pytest.raises(NeedsApproval):
        desk.agree_plan(account_id, option)

    # asked again, approved: the plan is agreed under the approval and the server takes it
    request(desk, view, option, "the customer's doctor's letter attached to the file")
    engine.sync()
    second = next(
        a
        for a in lead_api.call("GET", "/api/v1/approvals")["approvals"]
        if a["account_id"] == account_id
    )
    lead_api.call(
        "POST", f"/api/v1/approvals/{second['id']}/approve", body={}, idempotency_key="a1"
    )
    engine.sync()
    agreed = desk.agree_plan(account_id, option)
    assert agreed.document.pdf.startswith(b"%PDF")
    engine.sync()
    assert store.pending_outbox_count() == 0
    assert not store.needs_attention()
    with backend.sessions() as session:
        plan = session.scalar(select(PlanRow).where(PlanRow.account_id == account_id))
        assert plan is not None
        assert plan.status == "active"
        row = session.get(ApprovalRow, second["id"])
        assert row is not None
        assert row.status == "approved"
    lead_api.close()
    api.close()
    store.close()


def test_a_device_may_not_agree_a_settlement_below_the_floor_alone(backend: Backend) -> None:
    from tests.server.workflow_helpers import push_event

    agent = backend.login("li.na")
    desk_view = agent.snapshot()
    account = next(a for a in desk_view["accounts"] if a["status"] == "open")
    payload = {
        "instalments": 1, "instalment_amount": "10.00", "currency": account["currency"],
        "first_due": desk_view["server_time"][:10], "kind": "settlement",
        "terms": {"settlement_percent": "10"}, "total": "10.00",
        "schedule": [{"n": 1, "due_on": desk_view["server_time"][:10], "amount": "10.00"}],
    }  # fmt: skip
    result = push_event(agent, account["id"], "plan_agreement", payload)
    assert (result["status"], result["reason"]) == ("rejected", "needs_approval")
    named = push_event(agent, account["id"], "plan_agreement", {**payload, "approval_id": "nope"})
    assert (named["status"], named["reason"]) == ("rejected", "approval_not_found")
    # nor answer a request itself
    answer = push_event(
        agent, account["id"], "approval", {"kind": "settlement", "status": "approved"}
    )
    assert (answer["status"], answer["reason"]) == ("rejected", "approval_answer_not_from_device")


def test_a_field_collectors_settlement_outside_policy_goes_to_the_lead_offline(
    backend: Backend, tmp_path: Path
) -> None:
    """At the door, offline: the laptop refuses to agree a settlement below the floor, the
    request waits in the outbox; once the lead approved it, the agreement names the
    approval and the server takes the plan (without the name it would refuse it)."""
    from sqlalchemy import select as sql_select

    from workstation.field import FieldService
    from workstation.field.uploads import sync_field_device
    from workstation.server.models import User

    (collector,) = [u for u in backend.of_role("field") if u.team == "sh-field"] or [
        backend.of_role("field")[0]
    ]
    device = f"laptop-{uuid.uuid4().hex[:6]}"
    store = Store.open(tmp_path / f"{device}.db")
    api = ApiSession(backend.base, device, settings=FAST)
    api.sign_in(collector.username, PASSWORD)
    engine = SyncEngine(store, api, staging_path=tmp_path / f"{device}.st.db")
    engine.sync()
    field = FieldService(store, device, collector.username)
    account_id, option = _settlement_outside_policy(field.desk)

    api.http.base_url = "http://127.0.0.1:9"  # on the road: no network
    with pytest.raises(NeedsApproval):
        field.agree_plan(account_id, option, "signed at the door")
    assert store.pending_outbox_count() == 0  # nothing recorded, no blob kept for it
    request(field.desk, field.desk.account(account_id), option, "he sells the van on Friday")
    with pytest.raises(OfflineError):
        engine.sync()
    assert store.pending_outbox_count() == 1

    api.http.base_url = backend.base  # back at the branch
    engine.sync()
    with backend.sessions() as session:
        team = session.scalar(sql_select(User.team_id).where(User.username == collector.username))
        lead = session.scalar(
            sql_select(User.username).where(User.team_id == team, User.role == "lead")
        )
    assert lead is not None
    lead_api = ApiSession(backend.base, f"console-{lead}", settings=FAST)
    lead_api.sign_in(lead, PASSWORD)
    asked = next(
        a
        for a in lead_api.call("GET", "/api/v1/approvals")["approvals"]
        if a["account_id"] == account_id
    )
    assert asked["total"] == option.total.wire()
    assert asked["issues"]
    lead_api.call("POST", f"/api/v1/approvals/{asked['id']}/approve", body={}, idempotency_key="f1")
    engine.sync()

    api.http.base_url = "http://127.0.0.1:9"  # the next visit, offline again
    agreed = field.agree_plan(account_id, option, "signed at the door")
    plan_event = store.load_account(account_id).events
    named = [e for e in plan_event if e.id in agreed.changes.event_ids]
    assert named[0].payload["approval_id"] == asked["id"]
    api.http.base_url = backend.base
    _report, _uploads = sync_field_device(engine)
    assert store.pending_outbox_count() == 0
    assert not store.needs_attention()
    with backend.sessions() as session:
        plan = session.scalar(select(PlanRow).where(PlanRow.account_id == account_id))
        assert plan is not None
        assert plan.status == "active"
    lead_api.close()
    api.close()
    store.close()
