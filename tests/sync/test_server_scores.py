"""A device's queue shows the tier and score the server computed, and follows a rescore."""

from __future__ import annotations

from sqlalchemy import select

from tests.server.conftest import Backend
from tests.sync.conftest import DeviceFactory
from workstation.domain.enums import AccountStatus
from workstation.server.models import AccountRow
from workstation.server.scoring import rescore
from workstation.server.versioning import allocate

CLOSED = [s.value for s in AccountStatus if s.is_closed]


def _server_scores(backend: Backend, owner_id: str) -> dict[str, tuple[str | None, str | None]]:
    with backend.sessions() as session:
        rows = session.execute(
            select(AccountRow.id, AccountRow.risk_tier, AccountRow.score).where(
                AccountRow.owner_id == owner_id, AccountRow.status.not_in(CLOSED)
            )
        ).all()
    return {r.id: (r.risk_tier, r.score) for r in rows}


def test_the_device_queue_shows_the_server_tier_and_follows_a_rescore(
    backend: Backend, make_device: DeviceFactory
) -> None:
    username = "li.na"
    owner_id = backend.users[username].user_id
    device = make_device(username)
    device.sync()
    expected = _server_scores(backend, owner_id)
    assert expected
    local = {r.account_id: r for r in device.store.queue_rows()}
    for account_id, (tier, score) in expected.items():
        assert tier is not None
        assert score is not None
        assert local[account_id].risk_tier == tier
        assert local[account_id].score == float(score)
    # the account moves to 180+ days past due on the server; the rescore tells the device
    target = next(
        a for a, (tier, _) in sorted(expected.items()) if tier in ("A", "B") and a in local
    )
    with backend.sessions.begin() as session:
        row = session.get(AccountRow, target)
        assert row is not None
        row.days_past_due = 400
        row.version = allocate(session, 1)
    report = rescore(backend.sessions)
    assert report.changed >= 1
    device.sync()
    tier, score = _server_scores(backend, owner_id)[target]
    assert tier in ("C", "D")
    row_after = next(r for r in device.store.queue_rows() if r.account_id == target)
    assert row_after.risk_tier == tier
    assert score is not None
    assert row_after.score == float(score)
    assert row_after.days_past_due == 400
