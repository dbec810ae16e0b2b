"""Strategies that run themselves: the daily run takes each due step once, messages through
the compliance engine and the messaging worker's queue, agent tasks to the owner, visits only
where the field rule sends an account, and experiments draw their arms once.

Time moves only through the daily run's day (``run_daily(as_of=…)``) or the strategy step
called for a chosen day; nothing sleeps and nothing reads the clock to decide.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from tests.server.conftest import Backend
from tests.server.strategy_helpers import pick, quiet_others, run_day, set_account
from workstation.domain.model import new_id
from workstation.server.lifecycle.daily import run_daily
from workstation.server.messaging.models import MessageJob
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.strategy.models import Experiment, ExperimentAssignment, StrategyAction
from workstation.server.strategy.run import send_instant
from workstation.strategy.assign import CHALLENGER

DAY = date(2030, 6, 3)  # a fixed business day: nothing here depends on the machine's today


def test_due_steps_are_taken_once_messages_queued_and_tasks_raised(fresh: Backend) -> None:
    sms, call, held = pick(fresh, 3)
    quiet_others(fresh, [sms, call, held])
    # able and willing (score 0.8) on day 1 past due: the SMS reminder
    set_account(fresh, sms, days_past_due=1, score="0.80", segment="able_willing", status="open")
    # able and unwilling (score 0.2) on day 3: a firm call, raised to the owner
    set_account(fresh, call, days_past_due=3, score="0.20", segment="able_unwilling", status="open")
    # on day 1 too, but the customer asked to cease communication: not sent, reason kept
    set_account(fresh, held, days_past_due=1, score="0.80", segment="able_willing", status="open")
    with fresh.sessions.begin() as session:
        account = session.get(AccountRow, held)
        assert account is not None
        customer = session.get(CustomerRow, account.customer_id)
        assert customer is not None
        customer.flags = ["cease_communication"]
    assert run_day(fresh, DAY) == 3
    with fresh.sessions() as session:
        actions = {a.account_id: a for a in session.scalars(select(StrategyAction))}
        assert actions[sms].step_id == "aw-sms-1"
        assert actions[sms].status in ("queued", "deferred")
        job = session.get(MessageJob, actions[sms].event_id)
        assert job is not None
        assert job.status == "queued"
        assert job.template == "payment_reminder"
        assert job.channel == "sms"
        customer_row = session.get(CustomerRow, job.customer_id)
        assert customer_row is not None
        assert job.next_attempt_at >= datetime.combine(DAY, datetime.min.time(), UTC) - timedelta(
            hours=14
        )
        message = session.get(EventRow, job.message_id)
        assert message is not None
        assert message.payload["template"] == "payment_reminder"
        assert message.server_version > 0  # devices hear of it
        # the call: a note naming the step and the strategy on the owner's account
        assert actions[call].step_id == "au-call-3"
        assert actions[call].status == "raised"
        note = session.get(EventRow, actions[call].event_id)
        assert note is not None
        assert note.type == "note"
        assert "call, day 3 past due (Standard)" in note.payload["text"]
        assert actions[call].detail["strategy_id"] == "standard-v1"
        # blocked: no message at all, and why
        assert actions[held].status == "blocked"
        assert actions[held].event_id is None
        assert "stop communicating" in actions[held].detail["reason"]
        jobs = session.scalar(select(func.count()).select_from(MessageJob))
    # the same day again sends nothing twice
    assert run_day(fresh, DAY) == 0
    with fresh.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MessageJob)) == jobs
        assert session.scalar(select(func.count()).select_from(StrategyAction)) == 3


def test_field_visits_go_only_to_late_large_accounts(fresh: Backend) -> None:
    small, large = pick(fresh, 2)
    quiet_others(fresh, [small, large])
    set_account(
        fresh,
        small,
        days_past_due=60,
        balance_minor=30_000,
        score="0.5",
        segment="unable_unwilling",
        status="open",
    )
    set_account(
        fresh,
        large,
        days_past_due=60,
        balance_minor=2_000_000,
        score="0.5",
        segment="unable_unwilling",
        status="open",
    )
    run_day(fresh, DAY)
    with fresh.sessions() as session:
        kinds = {(a.account_id, a.kind) for a in session.scalars(select(StrategyAction))}
    assert (large, "visit") in kinds
    assert not any(account == small for account, _ in kinds)


def test_an_experiment_draws_its_arms_once_and_the_challenger_takes_its_steps(
    fresh: Backend,
) -> None:
    experiment_id = new_id()
    with fresh.sessions.begin() as session:
        session.execute(
            update(AccountRow)
            .where(AccountRow.status.not_in(["paid", "settled", "closed"]))
            .values(days_past_due=2, score="0.80", segment="able_willing", status="open")
        )
        session.add(
            Experiment(
                id=experiment_id, name="early call", segment="able_willing",
                champion_id="standard-v1", challenger_id="early-call-v1", share=0.5,
                confidence=0.95, complaints_guard=2.0, status="running", started_on=DAY,
                created_at=datetime.now(UTC), note="",
            )
        )  # fmt: skip
    run_day(fresh, DAY)
    with fresh.sessions() as session:
        arms = dict(
            session.execute(select(ExperimentAssignment.account_id, ExperimentAssignment.arm)).all()
        )
        open_accounts = session.scalar(
            select(func.count()).select_from(AccountRow).where(AccountRow.status == "open")
        )
        calls = {
            a.account_id
            for a in session.scalars(select(StrategyAction).where(StrategyAction.kind == "call"))
        }
    assert len(arms) == open_accounts
    challengers = {a for a, arm in arms.items() if arm == CHALLENGER}
    assert 0.3 < len(challengers) / len(arms) < 0.7
    # the challenger's day-2 call, and only for its arm
    assert calls == challengers
    run_day(fresh, DAY + timedelta(days=1))
    with fresh.sessions() as session:
        again = dict(
            session.execute(select(ExperimentAssignment.account_id, ExperimentAssignment.arm)).all()
        )
    assert again == arms


def test_the_daily_run_takes_the_strategy_steps(fresh: Backend) -> None:
    sms, _ = pick(fresh, 2)
    quiet_others(fresh, [sms])
    set_account(
        fresh,
        sms,
        days_past_due=0,
        past_due_minor=10_000,
        score="0.80",
        segment="able_willing",
        status="open",
    )
    report = run_daily(fresh.sessions, DAY)
    counts = report.processed[0].counts
    assert counts.get("strategy_failed") is None
    with fresh.sessions() as session:
        action = session.scalar(select(StrategyAction).where(StrategyAction.account_id == sms))
        account = session.get(AccountRow, sms)
        assert account is not None
        customer = session.get(CustomerRow, account.customer_id)
    assert account.days_past_due == 1  # aged first, then the strategy saw day 1
    assert action is not None
    assert action.step_id == "aw-sms-1"
    assert counts.get("strategy_queued", 0) + counts.get("strategy_deferred", 0) >= 1
    assert customer is not None
    assert run_daily(fresh.sessions, DAY).already


def test_send_instant_is_ten_in_the_customers_morning() -> None:
    from workstation.domain.model import Customer

    customer = Customer(id="c", name="n", timezone="Asia/Shanghai", jurisdiction="CN")
    assert send_instant(customer, DAY) == datetime(2030, 6, 3, 2, 0, tzinfo=UTC)
