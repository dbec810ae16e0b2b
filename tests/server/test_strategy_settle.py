"""Raised agent tasks settle on the server as they do on the desk: an outcome answers one, a
stop condition of its strategy stops it, a newer task supersedes it; the rest stay raised.

Days move only through the strategy room's daily step for chosen days
(``run_strategy_day``); the outcome is a real push from the owner's device.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.server.conftest import Backend
from tests.server.strategy_helpers import pick, quiet_others, quiet_since, set_account, strategy_day
from tests.server.workflow_helpers import push_event
from workstation.server.strategy.models import StrategyAction
from workstation.server.strategy.service import account_strategy

# the tasks' day: today (UTC), so the owner's call, logged now, falls on it (the server
# takes no outcome dated in the future); the accounts chosen have none logged today yet
DAY = datetime.now(UTC).date()


def _actions(backend: Backend, account_id: str) -> list[tuple[date, str, str]]:
    with backend.sessions() as session:
        return [
            (a.day, a.step_id, a.status)
            for a in session.scalars(
                select(StrategyAction)
                .where(StrategyAction.account_id == account_id)
                .order_by(StrategyAction.day)
            )
        ]


def test_raised_tasks_are_answered_stopped_or_superseded(fresh: Backend) -> None:
    agent = fresh.login("li.na")
    answered, promised, standing, twice = accounts = quiet_since(
        fresh, pick(fresh, 12, agent.user_id), DAY, 4
    )
    quiet_others(fresh, accounts)
    for account_id in accounts:  # able and unwilling, day 3 past due: a firm call each
        set_account(fresh, account_id, days_past_due=3, score="0.20", segment="able_unwilling")
    assert strategy_day(fresh, DAY).get("strategy_raised") == 4
    assert {_actions(fresh, a)[0][2] for a in accounts} == {"raised"}

    # the owner calls one; another promises; one waits; one falls due for its next call
    result = push_event(
        agent, answered, "contact_attempt", {"channel": "phone", "disposition": "NA"}
    )
    assert result["status"] == "applied", result
    set_account(fresh, promised, status="promise")
    for account_id in (answered, promised, standing):
        set_account(fresh, account_id, days_past_due=4)  # no step falls on day 4
    set_account(fresh, twice, days_past_due=15)
    later = DAY + timedelta(days=12)
    counts = strategy_day(fresh, later)
    assert counts.get("strategy_answered") == 1
    assert counts.get("strategy_stopped") == 1
    assert counts.get("strategy_raised") == 1  # the second call, day 15
    assert _actions(fresh, answered) == [(DAY, "au-call-3", "answered")]
    assert _actions(fresh, promised) == [(DAY, "au-call-3", "stopped")]
    assert _actions(fresh, standing) == [(DAY, "au-call-3", "raised")]
    assert _actions(fresh, twice) == [(DAY, "au-call-3", "raised"), (later, "au-call-15", "raised")]

    # the next day the first call of that account is superseded by the second; nothing else
    set_account(fresh, twice, days_past_due=16)
    counts = strategy_day(fresh, later + timedelta(days=1))
    assert counts.get("strategy_superseded") == 1
    assert not counts.get("strategy_answered")
    assert not counts.get("strategy_stopped")
    assert _actions(fresh, twice) == [
        (DAY, "au-call-3", "superseded"),
        (later, "au-call-15", "raised"),
    ]
    assert _actions(fresh, standing) == [(DAY, "au-call-3", "raised")]  # still work to do

    # the account's strategy view (desk and console) says what happened and why
    with fresh.sessions() as session:
        steps = account_strategy(session, promised)["steps"]
        row = session.get(StrategyAction, (promised, "au-call-3", DAY))
        assert row is not None
        assert row.detail["settled"] == "stop condition: promise"
        assert row.detail["settled_on"] == later.isoformat()
    assert [s["status"] for s in steps] == ["stopped"]
    # settling again changes nothing
    assert not strategy_day(fresh, later + timedelta(days=2)).get("strategy_superseded")
