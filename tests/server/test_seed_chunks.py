"""A seed writes its book chunk by chunk with Python's cycle collector paused, collecting each
chunk's garbage once between chunks; the book across chunk boundaries is whole, and the
collector is handed back as the seed found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.server.conftest import BACKENDS, PASSWORD, migrated_database
from workstation.server import seed as seed_module
from workstation.server.models import AccountRow, CustomerRow, EventRow
from workstation.server.scoring import CLOSED

ACCOUNTS = 400
CHUNK = 150  # three chunks, the last one short


@pytest.fixture(params=BACKENDS)
def sessions(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    with migrated_database(request.param, tmp_path_factory) as (_url, sessions):
        yield sessions


def _seed_watching_the_collector(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> list[tuple[bool, int]]:
    """Seed in chunks of ``CHUNK``; the collector's state (enabled, frozen objects) as each
    chunk's write began."""
    monkeypatch.setattr(seed_module, "CHUNK", CHUNK)
    seen: list[tuple[bool, int]] = []
    write = seed_module._Writer.write

    def watched(self: Any, portfolio: Any) -> None:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        write(self, portfolio)

    monkeypatch.setattr(seed_module._Writer, "write", watched)
    seed_module.seed(sessions, accounts=ACCOUNTS, teams=2, agents=2, seed=5, password=PASSWORD)
    return seen


def test_the_chunks_are_written_with_the_collector_paused_and_it_is_handed_back(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    seen = _seed_watching_the_collector(sessions, monkeypatch)
    assert len(seen) == 3
    assert not any(enabled for enabled, _ in seen), "the collector ran during a chunk"
    first, second, third = (frozen for _, frozen in seen)
    # each chunk's survivors are set aside once collected: the next chunk's passes skip them
    # (how many more the second chunk adds depends on what the collector still tracks)
    assert first == 0 < second
    assert third > 0
    assert gc.isenabled(), "the seed left the collector off"
    assert gc.get_freeze_count() == 0, "the seed left objects frozen"

    with sessions() as session:
        accounts = session.execute(
            select(
                AccountRow.account_ref,
                AccountRow.customer_id,
                AccountRow.status,
                AccountRow.score,
                AccountRow.version,
            )
        ).all()
        assert len(accounts) == ACCOUNTS
        assert len({a.account_ref for a in accounts}) == ACCOUNTS
        # every open account was scored in its chunk, the last short chunk's too
        assert all(a.score is not None for a in accounts if a.status not in CLOSED)
        refs = session.scalars(select(CustomerRow.customer_ref)).all()
        assert len(refs) == len(set(refs)) == session.scalar(select(func.count(CustomerRow.id)))
        events = session.scalars(select(EventRow.server_version)).all()
        versions = [a.version for a in accounts] + list(events)
        assert len(versions) == len(set(versions)), "a version was handed out twice"


def test_a_caller_s_own_collector_settings_are_left_alone(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.disable()
    gc.freeze()  # a caller that froze its own objects (as a pre-forking server does)
    try:
        frozen = gc.get_freeze_count()
        seen = _seed_watching_the_collector(sessions, monkeypatch)
        # nothing frozen (or unfrozen) by the seed: the caller's set stays its own
        # (frozen objects the caller lets go of leave the count; none join it)
        assert all(0 < count <= frozen for _, count in seen)
        assert 0 < gc.get_freeze_count() <= frozen
        assert not gc.isenabled(), "the seed turned on a collector its caller had off"
    finally:
        gc.unfreeze()
        gc.enable()
