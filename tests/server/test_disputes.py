"""Disputes as a server-side workflow, on SQLite and PostgreSQL: a US dispute holds
collection until the validation notice is sent and the pack's wait passes (the daily run
resumes it); where the pack has no notice the lead resumes it with a reason; an upheld
dispute adjusts the balance or closes the account; refusals change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Api, Backend, running_backend
from tests.server.workflow_helpers import open_account, push_event, world
from tests.unit.test_documents_support import pdf_text
from workstation.domain.model import new_id
from workstation.server.disputes.models import DisputeRow
from workstation.server.lifecycle.daily import run_daily
from workstation.server.models import AccountRow, EventRow

__all__ = ["world"]  # the module's shared backend (a fixture)


@pytest.fixture(params=BACKENDS)
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """A backend of its own: the daily run's days are the database's."""
    with running_backend(request.param, tmp_path_factory, accounts=60, teams=3) as started:
        yield started


def desk_and_lead(world: Backend, team: str) -> tuple[Api, Api]:
    return (
        world.login(world.of_role("agent", team)[0].username),
        world.login(world.of_role("lead", team)[0].username),
    )


def dispute(api: Api, account_id: str) -> str:
    event_id = new_id()
    payload = {"reason": "not_mine", "details": "never had this card"}
    result = push_event(api, account_id, "dispute", payload, event_id=event_id)
    assert result["status"] == "applied", result
    return event_id


def status_of(world: Backend, account_id: str) -> str:
    with world.sessions() as session:
        row = session.get(AccountRow, account_id)
        assert row is not None
        return row.status


def step(api: Api, dispute_id: str, name: str, **body: Any) -> Any:
    return api.post(f"/api/v1/disputes/{dispute_id}/{name}", body)


def test_a_us_dispute_waits_for_the_validation_notice_and_the_wait(fresh: Backend) -> None:
    desk, lead = desk_and_lead(fresh, "ny-desk")
    account = open_account(fresh, desk, "us-regf")
    dispute_id = dispute(desk, account.id)
    assert status_of(fresh, account.id) == "dispute"
    listed = desk.get("/api/v1/disputes").json()["disputes"]
    assert [d["id"] for d in listed if d["account_id"] == account.id] == [dispute_id]
    # the lead may not resume a US dispute by hand, nor the agent send anything
    early = step(lead, dispute_id, "resume", note="looks fine")
    assert early.status_code == 422
    assert "validation notice" in early.json()["message"]
    assert step(desk, dispute_id, "send_validation").status_code == 403
    sent = step(lead, dispute_id, "send_validation")
    assert sent.status_code == 200, sent.text
    body = sent.json()
    today = datetime.now(UTC).date()
    resume_on = date.fromisoformat(body["dispute"]["resume_on"])
    assert 29 <= (resume_on - today).days <= 31  # the pack's 30 days, in the customer's day
    assert status_of(fresh, account.id) == "dispute"  # still held until the wait passes
    pdf = desk.get(f"/api/v1/blobs/{body['letter_sha256']}").content
    text = pdf_text(pdf)
    assert "Validation notice" in text
    assert "Itemisation of the debt" in text
    assert "debt collector" in text
    # a second notice: the dispute is no longer pending (409, nothing changed)
    assert step(lead, dispute_id, "send_validation").status_code == 409
    # the daily run: the day before the wait's end changes nothing; that day resumes it
    run_daily(fresh.sessions, resume_on - timedelta(days=1))
    assert status_of(fresh, account.id) == "dispute"
    run_daily(fresh.sessions, resume_on)
    assert status_of(fresh, account.id) == "open"
    with fresh.sessions() as session:
        row = session.get(DisputeRow, dispute_id)
        assert row is not None
        assert row.status == "resumed"
        steps = [
            e.payload.get("step")
            for e in session.scalars(
                select(EventRow)
                .where(EventRow.account_id == account.id, EventRow.type == "dispute")
                .order_by(EventRow.occurred_at)
            )
        ]
    assert steps == [None, "send_validation", "resume"]
    # the desk hears of it: the resume and the account's new status reach its pull
    pulled = desk.changes(0, limit=5000)
    assert any(
        e["type"] == "dispute" and e["payload"].get("status") == "resumed" for e in pulled["events"]
    )


def test_where_the_pack_has_no_notice_the_lead_resumes_with_a_reason(world: Backend) -> None:
    desk, lead = desk_and_lead(world, "sh-desk")
    account = open_account(world, desk, "cn-nifa")
    dispute_id = dispute(desk, account.id)
    refused = step(lead, dispute_id, "send_validation")
    assert refused.status_code == 422
    assert refused.json()["message_zh"]
    assert step(lead, dispute_id, "resume").status_code == 422  # no reason
    assert status_of(world, account.id) == "dispute"
    resumed = step(lead, dispute_id, "resume", note="contract and statements checked")
    assert resumed.status_code == 200, resumed.text
    assert status_of(world, account.id) == "open"


def test_an_upheld_dispute_adjusts_the_balance_or_closes_the_account(world: Backend) -> None:
    desk, lead = desk_and_lead(world, "sh-desk")
    adjusted = open_account(world, desk, "cn-nifa", skip=1)
    first = dispute(desk, adjusted.id)
    assert step(lead, first, "uphold", note="a fee charged twice").status_code == 422
    assert status_of(world, adjusted.id) == "dispute"
    upheld = step(lead, first, "uphold", note="a fee charged twice", adjustment="25.00")
    assert upheld.status_code == 200, upheld.text
    with world.sessions() as session:
        after = session.get(AccountRow, adjusted.id)
        assert after is not None
        assert after.status == "open"
        assert after.balance_minor == adjusted.balance_minor - 25_00
    closed = open_account(world, desk, "cn-nifa", skip=2)
    second = dispute(desk, closed.id)
    done = step(lead, second, "uphold", note="identity theft confirmed", close_account=True)
    assert done.status_code == 200, done.text
    assert status_of(world, closed.id) == "closed"
    # another team's lead sees nothing of it
    other = world.login(world.of_role("lead", "ny-desk")[0].username)
    assert step(other, second, "resume", note="x").status_code == 404
    assert second not in {
        d["id"] for d in other.get("/api/v1/disputes?status=all").json()["disputes"]
    }
