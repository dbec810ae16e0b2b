"""The lead's queue explorer shows the strategy task standing on each row: the daily run
raises a call on three of the agent's accounts, the lead sees them on the explorer's page
with the step in words; the owner calls one, another promises, and after the next daily run
only the one still to do is shown.

Days move only through the strategy room's daily step for chosen days; the outcome is a
real push from the owner's device; the lead reads the real explorer endpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.server.conftest import Backend
from tests.server.strategy_helpers import pick, quiet_others, quiet_since, set_account, strategy_day
from tests.server.workflow_helpers import push_event
from workstation.server.queue_explorer import standing_tasks
from workstation.server.strategy.models import StrategyAction
from workstation.strategy.model import default_book

# today (UTC): the owner's call, logged now, answers a task of this day
DAY = datetime.now(UTC).date()
LEAD, AGENT = "zhao.min", "li.na"  # the seed's lead of li.na's team


def _explorer(lead: Any, **params: str) -> dict[str, Any]:
    response = lead.get("/api/v1/team/accounts", params={"limit": "500"} | params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert set(page["tasks"]) <= {a["id"] for a in page["accounts"]}  # the page's rows only
    return page


def _walk_standing(lead: Any) -> tuple[set[str], int]:
    """Every account the "has a standing task" filter keeps, two a page (by balance), and
    the first page's count; each row kept carries its task."""
    seen: list[str] = []
    params = {"standing_task": "true", "sort": "balance", "order": "desc", "limit": "2"}
    page = _explorer(lead, **params)
    total = page["total"]
    while True:
        assert set(page["tasks"]) == {a["id"] for a in page["accounts"]}
        seen.extend(a["id"] for a in page["accounts"])
        if page["next_cursor"] is None:
            break
        page = _explorer(lead, **params, cursor=page["next_cursor"])
    assert len(seen) == len(set(seen))
    return set(seen), total


def test_the_lead_sees_standing_tasks_until_the_desk_clears_them(fresh: Backend) -> None:
    agent = fresh.login(AGENT)
    lead = fresh.login(LEAD)
    answered, promised, standing = accounts = quiet_since(
        fresh, pick(fresh, 12, agent.user_id), DAY, 3
    )
    quiet_others(fresh, accounts)
    for account_id in accounts:  # able and unwilling, day 3 past due: a firm call each
        set_account(fresh, account_id, days_past_due=3, score="0.20", segment="able_unwilling")
    assert strategy_day(fresh, DAY).get("strategy_raised") == 3

    page = _explorer(lead, owner_id=agent.user_id)
    assert set(page["tasks"]) == set(accounts)
    task = page["tasks"][standing]
    step = default_book().get(task["strategy_id"]).step("au-call-3")
    assert step is not None
    assert task["task"] == "call"
    assert task["step_id"] == "au-call-3"
    assert task["day"] == DAY.isoformat()
    assert (task["step_en"], task["step_zh"]) == (step.describe().en, step.describe().zh)
    assert task["strategy_en"]  # the strategy's name, not only its id
    assert task["arm"] is None  # no experiment runs
    # every page of the team, in any order, carries the same task for the row
    by_balance = _explorer(lead, sort="balance", order="desc")
    assert by_balance["tasks"][standing] == task
    # the filter keeps exactly the accounts with one, page after page
    assert _walk_standing(lead) == (set(accounts), 3)

    # the owner calls one; another promises; the third waits
    result = push_event(
        agent, answered, "contact_attempt", {"channel": "phone", "disposition": "NA"}
    )
    assert result["status"] == "applied", result
    set_account(fresh, promised, status="promise")
    for account_id in accounts:
        set_account(fresh, account_id, days_past_due=4)  # no step falls on day 4
    counts = strategy_day(fresh, DAY + timedelta(days=1))
    assert (counts.get("strategy_answered"), counts.get("strategy_stopped")) == (1, 1)

    page = _explorer(lead, owner_id=agent.user_id)
    assert set(page["tasks"]) == {standing}
    assert page["tasks"][standing] == task
    assert _walk_standing(lead) == ({standing}, 1)


def test_the_latest_raised_task_of_an_account_is_the_one_shown(fresh: Backend) -> None:
    """Two raised on one account (the daily run has not superseded the older yet): the
    latest day's; a strategy no longer on file is shown by its ids."""
    agent = fresh.login(AGENT)
    account_id = pick(fresh, 1, agent.user_id)[0]
    older, newer = DAY - timedelta(days=12), DAY
    with fresh.sessions.begin() as session:
        for day, step_id, kind in ((older, "au-call-3", "call"), (newer, "gone-visit", "visit")):
            session.add(
                StrategyAction(
                    account_id=account_id, step_id=step_id, day=day, strategy_id="retired-v0",
                    experiment_id=None, arm=None, kind=kind, status="raised", detail={},
                )
            )  # fmt: skip
    with fresh.sessions() as session:
        tasks = standing_tasks(session, [account_id, "no-such-account"])
    assert list(tasks) == [account_id]
    task = tasks[account_id]
    assert (task.task, task.step_id, task.day) == ("visit", "gone-visit", newer)
    assert (task.step.en, task.strategy.en) == ("gone-visit", "retired-v0")
