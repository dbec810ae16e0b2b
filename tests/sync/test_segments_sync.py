"""Ability, willingness, the segment and their reasons reach the device, and follow a new model."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.server.conftest import Backend
from tests.sync.conftest import DeviceFactory
from workstation.domain.enums import AccountStatus, Segment
from workstation.segments import classify, default_models, reason_of
from workstation.server.models import AccountRow, SegmentModelRow
from workstation.server.scoring import rescore

CLOSED = [s.value for s in AccountStatus if s.is_closed]


def _server_rows(backend: Backend, owner_id: str) -> dict[str, AccountRow]:
    with backend.sessions() as session:
        rows = session.scalars(
            select(AccountRow).where(
                AccountRow.owner_id == owner_id, AccountRow.status.not_in(CLOSED)
            )
        ).all()
        session.expunge_all()
    return {r.id: r for r in rows}


def test_the_segment_and_both_scores_reach_the_device_and_follow_a_promoted_model(
    backend: Backend, make_device: DeviceFactory
) -> None:
    username = "li.na"
    owner_id = backend.users[username].user_id
    device = make_device(username)
    device.sync()
    server = _server_rows(backend, owner_id)
    assert server
    segments_seen = set()
    for account_id, row in server.items():
        detail = device.store.load_account(account_id)
        assert detail is not None
        account = detail.account
        assert row.ability is not None
        assert row.willingness is not None
        assert account.ability == row.ability
        assert account.willingness == row.willingness
        assert account.segment == Segment(row.segment)
        assert account.segment is classify(row.ability, row.willingness)
        assert list(account.ability_reasons) == row.ability_reasons
        assert list(account.willingness_reasons) == row.willingness_reasons
        assert all(reason_of(code) is not None for code in account.ability_reasons)
        assert account.segment_model == row.segment_model
        segments_seen.add(account.segment)
    assert len(segments_seen) >= 2  # the demo book is not all one quadrant

    # a promoted willingness model that thinks everyone unwilling: every account moves
    ability, willingness = default_models()
    doc = willingness.to_json() | {"version": "test-grim", "intercept": -30.0}
    with backend.sessions.begin() as session:
        session.add(
            SegmentModelRow(
                kind="willingness",
                model=doc,
                metrics={},
                promoted=True,
                trained_at=datetime.now(UTC),
            )
        )
    report = rescore(backend.sessions)
    assert report.changed >= len(server)
    device.sync()
    for account_id in server:
        detail = device.store.load_account(account_id)
        assert detail is not None
        assert detail.account.segment_model == f"A{ability.version}/Wtest-grim"
        assert detail.account.willingness == 0
        assert detail.account.segment in (Segment.ABLE_UNWILLING, Segment.UNABLE_UNWILLING)
