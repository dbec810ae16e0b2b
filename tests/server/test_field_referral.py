"""A strategy's field visit on an account a desk agent holds goes to the team's lead (a
``field_referral`` review item naming the field collector of the customer's town), not to the
desk agent as a task nobody would carry out; the lead moves it from the review queue, and a
field collector's own accounts still get the visit. Real backend (SQLite and PostgreSQL);
the strategy step run for a fixed day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.server.conftest import Backend
from tests.server.strategy_helpers import quiet_others, run_day, set_account
from workstation.server.lifecycle.changes import end_of
from workstation.server.lifecycle.daily import run_daily
from workstation.server.lifecycle.territory import customer_towns, territories
from workstation.server.models import (
    AccountRow,
    ContactRow,
    CustomerRow,
    EventRow,
    ReviewItem,
    User,
)
from workstation.server.strategy.models import StrategyAction

DAY = date(2030, 6, 3)
LATER = date(2030, 7, 3)
# late and large: the champion's unable-and-unwilling cadence visits on day 60
VISIT = {"days_past_due": 60, "balance_minor": 2_000_000, "score": "0.5",
         "segment": "unable_unwilling", "status": "open"}  # fmt: skip


def _team_with_field(fresh: Backend) -> tuple[User, User, str, str]:
    """A field collector with a territory, a desk agent of his team, an open account the
    agent holds, and one the field collector holds; the agent's customer moved into the
    field collector's town (spelt another way: the town is the same)."""
    with fresh.sessions.begin() as session:
        for field in session.scalars(select(User).where(User.role == "field").order_by(User.id)):
            town = territories(session, [field.id])[field.id]
            agent = session.scalar(
                select(User)
                .where(User.team_id == field.team_id, User.role == "agent")
                .order_by(User.username)
            )
            mine = session.scalar(
                select(AccountRow.id).where(
                    AccountRow.owner_id == field.id, AccountRow.status == "open"
                )
            )
            if town is None or agent is None or mine is None:
                continue
            desk = session.scalar(
                select(AccountRow)
                .join(CustomerRow, CustomerRow.id == AccountRow.customer_id)
                .where(
                    AccountRow.owner_id == agent.id,
                    AccountRow.status == "open",
                    CustomerRow.jurisdiction == town[0],
                )
                .order_by(AccountRow.id)
            )
            if desk is None:
                continue
            address = session.scalar(
                select(ContactRow).where(
                    ContactRow.customer_id == desk.customer_id, ContactRow.kind == "address"
                )
            )
            assert address is not None
            city = town[1] if town[1] != "上海" else "Shanghai"
            address.data = {**address.data, "city": city}
            session.flush()
            assert customer_towns(session, {desk.customer_id: town[0]})[desk.customer_id] == town
            session.expunge_all()
            return field, agent, desk.id, mine
    raise AssertionError("no team with a field collector, a territory and a desk agent")


def test_a_desk_agents_account_sent_to_the_field_goes_to_the_lead(fresh: Backend) -> None:
    field, agent, desk, mine = _team_with_field(fresh)
    quiet_others(fresh, [desk, mine])
    set_account(fresh, desk, **VISIT)
    set_account(fresh, mine, **VISIT)
    run_day(fresh, DAY)
    with fresh.sessions() as session:
        actions = {a.account_id: a for a in session.scalars(select(StrategyAction))}
        # the field collector's own account: his visit task, as before
        assert actions[mine].kind == "visit"
        assert actions[mine].status == "raised"
        # the desk agent's: no task for him (he makes no visits); the lead is asked
        assert actions[desk].kind == "visit"
        assert actions[desk].status == "referred"
        assert actions[desk].event_id is None
        notes = session.scalars(
            select(EventRow).where(EventRow.account_id == desk, EventRow.type == "note")
        ).all()
        assert not any("strategy_task" in (note.payload or {}) for note in notes)
        (item,) = session.scalars(
            select(ReviewItem).where(ReviewItem.kind == "field_referral")
        ).all()
        assert item.account_id == desk
        assert item.team_id == field.team_id
        assert item.from_user_id == agent.id
        assert item.detail["field_collector_id"] == field.id
        assert (field.display_name or field.username) in item.summary
        assert "策略要求外访" in item.summary_zh

    # another visit step while it waits in the lead's queue: not referred twice
    set_account(fresh, desk, days_past_due=90)
    set_account(fresh, mine, days_past_due=4)
    run_day(fresh, LATER)
    with fresh.sessions() as session:
        items = session.scalars(select(ReviewItem).where(ReviewItem.kind == "field_referral"))
        assert len(items.all()) == 1

    # the lead gives it to the field collector from the review queue
    lead = fresh.login(
        next(
            u.username
            for u in fresh.of_role("lead")
            if u.user_id and _team(fresh, u.user_id) == field.team_id
        )
    )
    laptop = fresh.login(field.username)
    cursor = laptop.snapshot()["snapshot_version"]
    moved = lead.post(f"/api/v1/review/{item.id}/reassign", {"agent": field.id})
    assert moved.status_code == 200, moved.text
    with fresh.sessions() as session:
        account = session.get(AccountRow, desk)
        assert account is not None
        assert account.owner_id == field.id
        # and the visit is his task from today: the note his queue ranks it by, the action
        # raised (the lead's explorer shows it standing)
        action = session.scalars(
            select(StrategyAction).where(StrategyAction.account_id == desk)
        ).first()
        assert action is not None
        assert action.status == "raised"
        assert action.owner_id == field.id
        note = session.get(EventRow, action.event_id)
        assert note is not None
        task = note.payload["strategy_task"]
        assert task["task"] == "visit"
        assert task["day"] == datetime.now(UTC).date().isoformat()
        assert note.server_version > 0  # his laptop hears of it
    # his next pull carries the account and its visit
    pulled = laptop.changes(cursor)
    assert desk in {a["id"] for a in pulled["accounts"]}
    assert action.event_id in {e["id"] for e in pulled["events"]}


def test_the_daily_run_dates_a_referral_on_its_day_not_the_clocks(fresh: Backend) -> None:
    """``daily --as-of 2030-06-03`` (a catch-up, or a test moving time) refers the visit as
    of that day, like the run's task notes: the lead's queue ages it from then."""
    _, _, desk, _ = _team_with_field(fresh)
    quiet_others(fresh, [desk])
    set_account(fresh, desk, **{**VISIT, "days_past_due": 59, "past_due_minor": 2_000_000})
    report = run_daily(fresh.sessions, DAY)  # aged to day 60 first, then the visit step
    assert report.processed[0].counts.get("strategy_referred") == 1
    with fresh.sessions() as session:
        (item,) = session.scalars(
            select(ReviewItem).where(ReviewItem.kind == "field_referral")
        ).all()
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones
    created = item.created_at.replace(tzinfo=item.created_at.tzinfo or UTC)
    assert created == end_of(DAY)
    assert item.detail["day"] == DAY.isoformat()


def _team(fresh: Backend, user_id: str) -> str | None:
    with fresh.sessions() as session:
        return session.scalar(select(User.team_id).where(User.id == user_id))
