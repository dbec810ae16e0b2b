"""Randomized multi-device sync (Hypothesis stateful) against the REAL backend.

Three devices of one team record facts and sync through a transport that drops requests,
drops responses (after the server handled them), duplicates requests and replays old ones
late; meanwhile the team lead reassigns accounts between the collectors.

Invariants after the network heals and everyone syncs: every fact recorded on any device is
on the server exactly once, no outbox entry is left pending, and every device holds exactly
the server's view of its user's portfolio (accounts and their events).

Sign-in and token refresh are not faulted: a lost refresh answer legitimately ends the
session (refresh tokens are single-use) and would only test "please sign in again".
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from sqlalchemy import func, select

from tests.server.conftest import PASSWORD, Backend
from tests.sync.conftest import FAST
from tests.sync.faults import FaultyAdapter, session_with
from workstation.domain.enums import EventType
from workstation.domain.model import Event, new_id, utcnow
from workstation.server.models import AccountRow, EventRow
from workstation.store import Store
from workstation.sync.engine import SyncEngine
from workstation.sync.errors import SyncError
from workstation.sync.http import HttpClient
from workstation.sync.session import ApiSession

pytestmark = pytest.mark.slow
FAULTS = ("ok", "drop_request", "drop_response", "duplicate", "replay")


class Net:
    """Per-device fault plan: the next ``budget`` sync requests get ``fault``."""

    def __init__(self, seed: int) -> None:
        self.fault = "ok"
        self.budget = 0
        self.seed = seed

    def decide(self, request: requests.PreparedRequest) -> str:
        if "/api/v1/auth/" in (request.url or "") or self.budget <= 0:
            return "ok"
        self.budget -= 1
        return self.fault


class Laptop:
    template: Path | None = None  # an empty store at the current schema, copied per laptop

    def __init__(self, backend: Backend, username: str, root: Path, index: int) -> None:
        self.username = username
        self.net = Net(index)
        adapter = FaultyAdapter(self.net.decide)
        device_id = f"prop-{username}-{new_id()[-12:]}"
        path = root / f"{device_id}.db"
        if self.template is not None:  # skips running the migrations for every laptop
            shutil.copyfile(self.template, path)
        self.store = Store.open(path)
        http = HttpClient(backend.base, FAST, session=session_with(adapter))
        self.api = ApiSession(backend.base, device_id, http=http)
        self.api.sign_in(username, PASSWORD)
        self.engine = SyncEngine(self.store, self.api, staging_path=root / f"{device_id}.stage")

    def sync(self) -> None:
        with contextlib.suppress(SyncError):  # the durable outbox retries next time
            self.engine.sync()

    def close(self) -> None:
        self.api.close()
        self.store.close()


class SyncMachine(RuleBasedStateMachine):
    backend: Backend

    @initialize()
    def setup(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="syncprop-"))
        team = "sh-desk"
        names = [u.username for u in self.backend.report.users
                 if u.team == team and u.role in ("agent", "field")]  # fmt: skip
        self.laptops = [Laptop(self.backend, n, self.root, i) for i, n in enumerate(names[:3])]
        self.user_ids = {u.username: u.user_id for u in self.backend.report.users}
        self.lead = self.backend.login(self.backend.of_role("lead", team)[0].username)
        self.recorded: set[str] = set()
        for laptop in self.laptops:
            laptop.sync()

    @rule(who=st.integers(0, 2), pick=st.integers(0, 10_000), many=st.integers(1, 3))
    def record_facts(self, who: int, pick: int, many: int) -> None:
        laptop = self.laptops[who]
        rows = laptop.store.queue_rows(include_closed=True)
        if not rows:
            return
        for i in range(many):
            row = rows[(pick + i) % len(rows)]
            event = Event(id=new_id(), type=EventType.NOTE, account_id=row.account_id,
                          customer_id=row.customer_id, occurred_at=utcnow(),
                          recorded_by=laptop.username, payload={"text": f"fact {i}"})  # fmt: skip
            laptop.store.record_event(event, device_id=laptop.api.device_id)
            self.recorded.add(event.id)

    @rule(who=st.integers(0, 2), fault=st.sampled_from(FAULTS), budget=st.integers(0, 3))
    def sync(self, who: int, fault: str, budget: int) -> None:
        laptop = self.laptops[who]
        laptop.net.fault, laptop.net.budget = fault, budget
        laptop.sync()
        laptop.net.budget = 0

    @rule(source=st.integers(0, 2), dest=st.integers(0, 2), pick=st.integers(0, 10_000),
          count=st.integers(1, 3))  # fmt: skip
    def lead_reassigns(self, source: int, dest: int, pick: int, count: int) -> None:
        if source == dest:
            return
        owner = self.user_ids[self.laptops[source].username]
        with self.backend.sessions() as session:
            ids = sorted(session.scalars(select(AccountRow.id).where(AccountRow.owner_id == owner)))
        if not ids:
            return
        chosen = sorted({ids[(pick + k * 7) % len(ids)] for k in range(count)})
        to_user = self.user_ids[self.laptops[dest].username]
        answer = self.lead.post(
            "/api/v1/team/reassign", {"account_ids": chosen, "to_user_id": to_user}
        )
        assert answer.status_code == 200, answer.text

    def teardown(self) -> None:
        try:
            if not hasattr(self, "laptops"):
                return
            for laptop in self.laptops:
                laptop.net.budget = 0
            for _ in range(2):  # a reassignment seen by one device may need the other's push
                for laptop in self.laptops:
                    laptop.engine.sync()
            with self.backend.sessions() as session:
                if self.recorded:
                    found = session.execute(
                        select(EventRow.id, func.count())
                        .where(EventRow.id.in_(sorted(self.recorded)))
                        .group_by(EventRow.id)
                    ).all()
                    assert {i for i, _ in found} == self.recorded, "a fact was lost"
                    assert all(n == 1 for _, n in found), "a fact was duplicated"
                for laptop in self.laptops:
                    assert laptop.store.pending_outbox_count() == 0
                    owner = self.user_ids[laptop.username]
                    accounts = set(
                        session.scalars(select(AccountRow.id).where(AccountRow.owner_id == owner))
                    )
                    events = set(
                        session.scalars(
                            select(EventRow.id)
                            .join(AccountRow, AccountRow.id == EventRow.account_id)
                            .where(AccountRow.owner_id == owner)
                        )
                    )
                    held = {r.account_id for r in laptop.store.queue_rows(include_closed=True)}
                    assert held == accounts, f"{laptop.username}: accounts differ"
                    assert laptop.store.live_event_ids() == events, (
                        f"{laptop.username}: events differ"
                    )
        finally:
            for laptop in getattr(self, "laptops", []):
                laptop.close()
            shutil.rmtree(getattr(self, "root", ""), ignore_errors=True)


@pytest.mark.timeout(300)
def test_randomized_multi_device_sync_loses_and_doubles_nothing(
    backend: Backend, tmp_path: Path
) -> None:
    SyncMachine.backend = backend
    Laptop.template = tmp_path / "empty.db"
    Store.open(Laptop.template).close()
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=10,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


_: Any = None
