"""Sync: first sync of 5,000 accounts + 50,000 events over loopback, and an incremental sync.

Targets (DESIGN §9): first sync ≤ 15 s and ≤ 2× the time to download the same bytes and
bulk-insert them; incremental sync of 100 changes ≤ 0.3 s. The real backend runs in-process
on a loopback port over SQLite; the client store is SQLCipher-encrypted as in production.
``WORKSTATION_PERF_QUICK=1`` → 10 % sizes. The incremental figure is the median of
``ROUNDS`` syncs (100 new events on 100 accounts each); ``WORKSTATION_PERF_PROFILE=FILE``
writes a cProfile of those syncs (client side; the server runs in other threads).
"""

from __future__ import annotations

import cProfile
import os
import statistics
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import func, select, update

from tests.perf.harness import Measurement, benchmark
from workstation.domain.model import new_id, utcnow
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.embedded import start_embedded
from workstation.server.models import AccountRow, EventRow, User
from workstation.server.seed import seed
from workstation.server.settings import Settings
from workstation.store import Store
from workstation.sync.engine import SyncEngine
from workstation.sync.session import ApiSession
from workstation.sync.wire import account_from_wire, customer_from_wire, event_from_wire

KEY = "5a" * 32
PAGE = 5000
ROUNDS = 5  # incremental syncs measured; the median is reported


def _portfolio_server(root: Path, accounts: int, events: int) -> tuple[str, object, str]:
    url = f"sqlite:///{root / 'server.db'}"
    upgrade(url)
    sessions = make_sessionmaker(make_engine(url, pool_size=2))
    report = seed(sessions, accounts=accounts, teams=1, agents=1, seed=11, password="demo")
    agent = next(u for u in report.users if u.role == "agent")
    with sessions.begin() as session:
        session.execute(update(AccountRow).values(owner_id=agent.user_id))
        have = session.scalar(select(func.count()).select_from(EventRow)) or 0
        ids = list(session.scalars(select(AccountRow.id)))
        customers = dict(session.execute(select(AccountRow.id, AccountRow.customer_id)).all())
        top = session.scalar(select(func.max(EventRow.server_version))) or 0
        user = session.get(User, agent.user_id)
        assert user is not None
        extra = [
            {"id": new_id(), "type": "note", "account_id": ids[i % len(ids)],
             "customer_id": customers[ids[i % len(ids)]], "occurred_at": utcnow(),
             "received_at": utcnow(), "recorded_by": user.username,
             "recorded_by_id": user.id, "payload": {"text": f"history {i}"},
             "server_version": top, "device_id": None}
            for i in range(max(0, events - have))
        ]  # fmt: skip
        if extra:
            session.execute(EventRow.__table__.insert(), extra)
    server = start_embedded(url, settings=Settings(db_url=url), promise_interval=0)
    return agent.username, server, url


@benchmark("sync: first sync 5,000 accounts + 50,000 events; incremental 100 changes")
def bench_sync() -> list[Measurement]:
    quick = bool(os.environ.get("WORKSTATION_PERF_QUICK"))
    accounts, events = (500, 5_000) if quick else (5_000, 50_000)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        username, server, _url = _portfolio_server(root, accounts, events)
        base = server.url  # type: ignore[attr-defined]
        try:
            # baseline: the same bytes downloaded, then parsed and bulk-inserted
            api = ApiSession(base, "bench-baseline-0001")
            api.sign_in(username, "demo")
            raw = requests.Session()
            raw.headers["Authorization"] = f"Bearer {api.http.access_token}"
            started = time.perf_counter()
            pages, token, total_bytes = [], None, 0
            while True:
                params: dict[str, object] = {"page_size": PAGE}
                if token:
                    params["page_token"] = token
                response = raw.get(base + "/api/v1/sync/snapshot", params=params, timeout=120)
                total_bytes += len(response.content)
                page = response.json()
                pages.append(page)
                if page["complete"]:
                    break
                token = page["next_page_token"]
            download = time.perf_counter() - started
            started = time.perf_counter()

            class P:
                customers = [customer_from_wire(c) for p in pages for c in p["customers"]]
                accounts = [account_from_wire(a) for p in pages for a in p["accounts"]]
                events = [event_from_wire(e) for p in pages for e in p["events"]]

            with Store.open(root / "baseline.db", key=KEY) as store:
                store.bulk_load(P)
            insert = time.perf_counter() - started
            baseline = download + insert
            counts = pages[0]["counts"]

            # the engine: staged, verified, loaded
            device = ApiSession(base, "bench-device-0001")
            device.sign_in(username, "demo")
            store = Store.open(root / "client.db", key=KEY)
            engine = SyncEngine(store, device, staging_path=root / "stage.db", staging_key=KEY,
                                snapshot_page=PAGE)  # fmt: skip
            started = time.perf_counter()
            engine.sync()
            first = time.perf_counter() - started

            # incremental: 100 changes made elsewhere, then one sync — several rounds, median
            writer = ApiSession(base, "bench-writer-0001")
            writer.sign_in(username, "demo")
            ids = [r.account_id for r in store.queue_rows(include_closed=True)]
            profiler = cProfile.Profile() if os.environ.get("WORKSTATION_PERF_PROFILE") else None
            rounds: list[float] = []
            for round_no in range(ROUNDS):
                chosen = ids[round_no * 100 : (round_no + 1) * 100]
                mutations = [
                    {"mutation_id": new_id(), "client_seq": round_no * 100 + i,
                     "type": "event.create",
                     "payload": {"id": new_id(), "type": "note", "account_id": a,
                                 "occurred_at": utcnow().isoformat(),
                                 "payload": {"text": "desk"}}}
                    for i, a in enumerate(chosen)
                ]  # fmt: skip
                writer.call("POST", "/api/v1/sync/push", idempotency_key=new_id(),
                            body={"client_id": "bench-writer-0001", "mutations": mutations})  # fmt: skip
                if profiler is not None:
                    profiler.enable()
                started = time.perf_counter()
                report = engine.sync()
                rounds.append(time.perf_counter() - started)
                if profiler is not None:
                    profiler.disable()
                assert report.events >= 100, report
            incremental = statistics.median(rounds)
            if profiler is not None:
                profiler.dump_stats(os.environ["WORKSTATION_PERF_PROFILE"])
            store.close()
        finally:
            server.stop()  # type: ignore[attr-defined]
    note = (
        f"{counts['accounts']} accounts, {counts['events']} events, {total_bytes / 1e6:.1f} MB; "
        f"download {download:.2f} s + bulk insert {insert:.2f} s = {baseline:.2f} s"
    )
    ratio = first / baseline
    spread = ", ".join(f"{r * 1000:.0f}" for r in rounds)
    print(f"first sync {first:.2f} s; baseline {baseline:.2f} s; ratio {ratio:.2f}; "
          f"incremental {incremental * 1000:.0f} ms (median of {spread} ms)")  # fmt: skip
    return [
        Measurement("first sync (loopback)", first, 15.0, note=note),
        Measurement("first sync ÷ (download + bulk insert)", ratio, 2.0, unit="×"),
        Measurement(
            "incremental sync, 100 changes",
            incremental,
            0.3,
            note=f"median of {ROUNDS} rounds: {spread} ms",
        ),
    ]


if __name__ == "__main__":  # pragma: no cover
    for m in bench_sync():
        print(m)
