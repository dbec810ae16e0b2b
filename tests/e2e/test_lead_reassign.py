"""Zhao Min moves ten of Li Na's accounts to Chen Jie while Li Na is offline with unsynced
outcomes on two of them (SCENARIOS 5). When Li Na syncs, her outcomes reach the backend and
are flagged to Chen and the lead; the ten accounts leave her laptop only then; Chen's next
sync holds all ten with Li Na's history. The backend is the real server on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.server.conftest import PASSWORD, Backend, running_backend
from workstation.domain import Event, EventType, new_id, utcnow
from workstation.lead import AccountFilter, LeadClient
from workstation.server.models import EventRow, ReviewItem
from workstation.store import Store
from workstation.sync import ApiSession, HttpSettings, SyncEngine

FAST = HttpSettings(connect_timeout=2.0, read_timeout=20.0, retries=1, backoff_factor=0.01)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=160) as started:
        yield started


class Laptop:
    def __init__(self, backend: Backend, username: str, tmp_path: Path) -> None:
        self.username = username
        self.device_id = f"laptop-{username}-{uuid.uuid4().hex[:6]}"
        self.store = Store.open(tmp_path / f"{self.device_id}.db")
        self.api = ApiSession(backend.base, self.device_id, settings=FAST)
        self.api.sign_in(username, PASSWORD)
        self.engine = SyncEngine(
            self.store, self.api, staging_path=tmp_path / f"{self.device_id}.staging.db"
        )

    def accounts(self) -> set[str]:
        return {r.account_id for r in self.store.queue_rows(include_closed=True)}

    def outcome(self, account_id: str) -> str:
        detail = self.store.load_account(account_id)
        assert detail is not None
        event = Event(
            id=new_id(),
            type=EventType.VISIT,
            account_id=account_id,
            customer_id=detail.account.customer_id,
            occurred_at=utcnow(),
            recorded_by=self.username,
            payload={"address_id": "", "outcome": "nobody", "notes": "nobody home",
                     "evidence": {"id_shown": True}},
        )  # fmt: skip
        self.store.record_event(event, device_id=self.device_id)
        return event.id

    def close(self) -> None:
        self.api.close()
        self.store.close()


def test_lead_moves_ten_accounts_from_an_offline_agent(backend: Backend, tmp_path: Path):
    li = Laptop(backend, "li.na", tmp_path)
    chen = Laptop(backend, "chen.jie", tmp_path)
    li.engine.sync()
    chen.engine.sync()
    lead_api = ApiSession(backend.base, "lead-desk", settings=FAST)
    lead_api.sign_in("zhao.min", PASSWORD)
    lead = LeadClient(lead_api)
    team = lead.overview()
    li_id = next(a.user_id for a in team.agents if a.username == "li.na")
    chen_id = next(a.user_id for a in team.agents if a.username == "chen.jie")

    ten = sorted(a.account_id for a in lead.accounts(AccountFilter(owner_id=li_id)).accounts)[:10]
    assert len(ten) == 10
    assert set(ten) <= li.accounts()
    assert not set(ten) & chen.accounts()

    # Li Na is offline on a visit: two outcomes recorded, not synced
    unsynced = [li.outcome(ten[0]), li.outcome(ten[1])]
    assert li.store.pending_outbox_count() == 2

    # the lead previews, then moves exactly those ten
    preview = lead.reassign(ten, chen_id, dry_run=True)
    assert preview.account_ids == set(ten)
    moved = lead.reassign(ten, chen_id, dry_run=False)
    assert moved.count == 10
    assert moved.same_moves(preview)
    assert set(ten) <= li.accounts()  # still on Li's laptop: she has not synced

    # Li Na comes back and syncs
    report = li.engine.sync()
    assert report.acked == 2
    assert li.store.pending_outbox_count() == 0
    with backend.sessions() as session:
        landed = session.scalars(select(EventRow.id).where(EventRow.id.in_(unsynced))).all()
        assert sorted(landed) == sorted(unsynced)
        flags = session.scalars(select(ReviewItem).where(ReviewItem.event_id.in_(unsynced))).all()
        assert len(flags) == 2
        assert {f.kind for f in flags} == {"fact_after_reassignment"}
        assert {f.assignee_id for f in flags} == {chen_id}
        assert {f.from_user_id for f in flags} == {li_id}
    lead_flags = [i for i in lead.review() if i.event_id in unsynced]
    assert len(lead_flags) == 2  # the lead sees them in the review queue
    # only now, with her outcomes acknowledged, have the ten left Li Na's laptop
    assert not set(ten) & li.accounts()

    # Chen's next sync holds all ten, with Li Na's history
    chen.engine.sync()
    assert set(ten) <= chen.accounts()
    for account_id, event_id in zip(ten[:2], unsynced, strict=True):
        detail = chen.store.load_account(account_id)
        assert detail is not None
        assert event_id in {e.id for e in detail.events}
    chen_api_flags = [
        i for i in LeadClient(chen.api).review() if i.event_id in unsynced
    ]  # the agent's own review list holds what was flagged to him
    assert len(chen_api_flags) == 2

    # the lead acknowledges one; it leaves the open list
    lead.acknowledge(lead_flags[0].id)
    assert lead_flags[0].id not in {i.id for i in lead.review()}
    lead_api.close()
    li.close()
    chen.close()
