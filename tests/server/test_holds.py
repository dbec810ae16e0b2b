"""Holds on the server, on SQLite and PostgreSQL: each lifted only by its lifting event,
by someone whose role may, with a reason, audited; breathing space placed from a desk where
the pack has it; a customer recorded as vulnerable gets the lead's review with its due date,
and the review done lifts the pack's vulnerable rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.server.conftest import Backend
from tests.server.workflow_helpers import open_account, push_event, world
from workstation.server.models import AccountRow, AuditEntry, CustomerRow, ReviewItem

__all__ = ["world"]  # the module's backend (a fixture)


def flags(world: Backend, customer_id: str) -> list[str]:
    with world.sessions() as session:
        customer = session.get(CustomerRow, customer_id)
        assert customer is not None
        return list(customer.flags)


def agent_of(world: Backend, team: str) -> str:
    return world.of_role("agent", team)[0].username


def test_breathing_space_is_placed_at_a_uk_desk_and_lifted_only_by_the_lead(
    world: Backend,
) -> None:
    desk = world.login(agent_of(world, "ldn-desk"))
    account = open_account(world, desk, "uk-conc")
    placed = push_event(
        desk,
        account.id,
        "flag_change",
        {"flag": "breathing_space", "value": True, "since": date.today().isoformat(),
         "details": "debt adviser notified the start"},
    )  # fmt: skip
    assert placed["status"] == "applied", placed
    assert "breathing_space" in flags(world, account.customer_id)
    # the agent may not end it: only the lead (or the 60 days, the daily run)
    refused = push_event(
        desk,
        account.id,
        "flag_change",
        {"flag": "breathing_space", "value": False, "reason": "breathing_space_ended",
         "details": "customer says it ended"},
    )  # fmt: skip
    assert refused["status"] == "rejected"
    assert refused["reason"] == "hold_lift_refused"
    assert "team lead" in refused["message"]
    assert "breathing_space" in flags(world, account.customer_id)
    lead = world.login(world.of_role("lead", "ldn-desk")[0].username)
    answer = lead.post(
        f"/api/v1/holds/{account.id}/lift",
        {"flag": "breathing_space", "details": "the debt adviser ended it early"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["reason"] == "breathing_space_ended"
    assert "breathing_space" not in flags(world, account.customer_id)
    again = lead.post(
        f"/api/v1/holds/{account.id}/lift", {"flag": "breathing_space", "details": "again"}
    )
    assert again.status_code == 409
    with world.sessions() as session:
        actions = [
            (e.action, e.user_id, e.detail.get("details"))
            for e in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id == account.customer_id)
                .order_by(AuditEntry.id)
            )
            if e.action.startswith("hold.")
        ]
    assert actions == [
        ("hold.place", desk.user_id, "debt adviser notified the start"),
        ("hold.lift", lead.user_id, "the debt adviser ended it early"),
    ]


def test_a_hardship_review_done_at_the_desk_needs_its_lifting_event_and_a_reason(
    world: Backend,
) -> None:
    desk = world.login(agent_of(world, "sh-desk"))
    account = open_account(world, desk, "cn-nifa", skip=1)
    assert (
        push_event(
            desk, account.id, "flag_change", {"flag": "hardship", "value": True, "details": "job"}
        )["status"]
        == "applied"
    )
    wrong = push_event(
        desk,
        account.id,
        "flag_change",
        {"flag": "hardship", "value": False, "reason": "dispute_resumed", "details": "x"},
    )
    assert (wrong["status"], wrong["reason"]) == ("rejected", "hold_lift_refused")
    silent = push_event(
        desk,
        account.id,
        "flag_change",
        {"flag": "hardship", "value": False, "reason": "hardship_review_done"},
    )
    assert (silent["status"], silent["reason"]) == ("rejected", "hold_lift_refused")
    assert "hardship" in flags(world, account.customer_id)
    done = push_event(
        desk,
        account.id,
        "flag_change",
        {"flag": "hardship", "value": False, "reason": "hardship_review_done",
         "details": "new job from next month; plan agreed"},
    )  # fmt: skip
    assert done["status"] == "applied", done
    assert "hardship" not in flags(world, account.customer_id)


def test_a_vulnerable_customer_gets_the_leads_review_until_it_is_done(world: Backend) -> None:
    desk = world.login(agent_of(world, "ldn-desk"))
    account = open_account(world, desk, "uk-conc", skip=1)
    attempt = push_event(
        desk,
        account.id,
        "contact_attempt",
        {"channel": "phone", "disposition": "VULN", "notes": "recently bereaved"},
    )
    assert attempt["status"] == "applied", attempt
    assert {"vulnerable", "vulnerability_review"} <= set(flags(world, account.customer_id))
    with world.sessions() as session:
        items = list(
            session.scalars(
                select(ReviewItem).where(
                    ReviewItem.kind == "vulnerability_review",
                    ReviewItem.customer_id == account.customer_id,
                )
            )
        )
        status = session.get(AccountRow, account.id)
        assert status is not None
        assert status.status == "open"  # no account hold: the pack's review hold applies
    assert len(items) == 1
    due = date.fromisoformat(items[0].detail["due_on"])
    assert due.isoweekday() <= 5  # five business days on
    # a second record while the review is pending adds no second item
    push_event(desk, account.id, "contact_attempt", {"channel": "phone", "disposition": "VULN"})
    lead = world.login(world.of_role("lead", "ldn-desk")[0].username)
    review = [i for i in lead.get("/api/v1/review").json() if i["kind"] == "vulnerability_review"]
    assert [i["customer_id"] for i in review].count(account.customer_id) == 1
    # the agent may not mark the review done; the lead may, with a reason
    refused = desk.post(
        f"/api/v1/holds/{account.id}/lift",
        {"flag": "vulnerability_review", "details": "spoke to her"},
    )
    assert refused.status_code == 403
    assert "vulnerability_review" in flags(world, account.customer_id)
    no_reason = lead.post(f"/api/v1/holds/{account.id}/lift", {"flag": "vulnerability_review"})
    assert no_reason.status_code == 422
    done = lead.post(
        f"/api/v1/holds/{account.id}/lift",
        {"flag": "vulnerability_review", "details": "calls only after 10:00, no visits"},
    )
    assert done.status_code == 200, done.text
    assert set(flags(world, account.customer_id)) >= {"vulnerable"}
    assert "vulnerability_review" not in flags(world, account.customer_id)
    with world.sessions() as session:
        item = session.get(ReviewItem, items[0].id)
        assert item is not None
        assert item.acknowledged_by == lead.user_id


def test_lifting_the_last_holding_flag_reopens_a_held_account(world: Backend) -> None:
    desk = world.login(agent_of(world, "ny-desk"))
    account = open_account(world, desk, "us-regf")
    fraud = push_event(
        desk, account.id, "contact_attempt", {"channel": "phone", "disposition": "FRAUD"}
    )
    assert fraud["status"] == "applied", fraud
    with world.sessions() as session:
        held = session.get(AccountRow, account.id)
        assert held is not None
        assert held.status == "hold"
    lead = world.login(world.of_role("lead", "ny-desk")[0].username)
    done = lead.post(
        f"/api/v1/holds/{account.id}/lift",
        {"flag": "fraud_review", "details": "identity confirmed by the bank"},
    )
    assert done.status_code == 200, done.text
    with world.sessions() as session:
        reopened = session.get(AccountRow, account.id)
        assert reopened is not None
        assert reopened.status == "open"
        assert reopened.version > held.version
