"""An agent moved to another team leaves their old team's accounts behind, unowned: no longer
readable by them (their devices drop them), back in their old lead's hands to reassign."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from workstation.server.models import AccountRow, Team


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory, accounts=40) as started:
        yield started


def test_a_moved_agent_leaves_the_old_accounts_to_the_old_lead(backend: Backend) -> None:
    agent_user = backend.of_role("agent")[0]
    old_lead_user = backend.of_role("lead", agent_user.team)[0]
    new_team_name = next(t for t in backend.report.teams if t != agent_user.team)
    new_lead_user = backend.of_role("lead", new_team_name)[0]
    agent = backend.login(agent_user.username)
    mine = agent.snapshot()
    cursor = mine["cursor"]
    owned = sorted(a["id"] for a in mine["accounts"])
    assert owned
    with backend.sessions() as session:
        new_team_id = session.scalar(select(Team.id).where(Team.name == new_team_name))
    admin = backend.login("admin")
    moved = admin.http.patch(
        f"{backend.base}/api/v1/admin/users/{agent_user.user_id}",
        json={"team_id": new_team_id},
        timeout=30,
    )
    assert moved.status_code == 200, moved.text

    # the agent (same session: the move ends none) reads none of them any more …
    assert agent.get(f"/api/v1/accounts/{owned[0]}").status_code == 404
    assert agent.snapshot()["accounts"] == []
    # … and the next pull removes every one from their devices
    changes = agent.changes(cursor, limit=5000)
    removed = {r["id"]: r["reason"] for r in changes["removals"]}
    assert sorted(removed) == owned
    assert set(removed.values()) == {"owner_changed_team"}

    # the old lead still has them, unowned, and a review item says so
    old_lead = backend.login(old_lead_user.username)
    record = old_lead.get(f"/api/v1/accounts/{owned[0]}")
    assert record.status_code == 200
    assert record.json()["account"]["owner_id"] is None
    items = [i for i in old_lead.get("/api/v1/review").json() if i["kind"] == "owner_left_team"]
    assert len(items) == 1
    assert sorted(items[0]["detail"]["account_ids"]) == owned
    # the new lead gets the agent, not the old team's accounts
    new_lead = backend.login(new_lead_user.username)
    assert new_lead.get(f"/api/v1/accounts/{owned[0]}").status_code == 404
    with backend.sessions() as session:
        assert not session.scalars(
            select(AccountRow.id).where(AccountRow.owner_id == agent_user.user_id)
        ).all()
    # the old lead can hand them to someone of the team
    colleague = next(
        u for u in backend.of_role("agent", agent_user.team) if u.username != agent_user.username
    )
    handed = old_lead.post(
        "/api/v1/team/reassign", {"account_ids": owned, "to_user_id": colleague.user_id}
    )
    assert handed.status_code == 200, handed.text
