"""Backend under load: 200 simulated clients pulling and pushing for 60 s against PostgreSQL.

A seeded database in a fresh PostgreSQL schema, ``workstation-server serve --workers 2`` as a
subprocess on a loopback port, and one thread per client in this process. Each client signs
in once (own device), then loops: pull changes since its cursor, push one small batch (a
contact attempt with an idempotency key), wait ``THINK`` seconds. Figures: p50/p99 request
latency, requests per second, errors. Target: p99 ≤ 250 ms, zero errors.

Needs ``WORKSTATION_TEST_PG``; ``WORKSTATION_PERF_QUICK=1`` → 20 clients for 10 s.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import requests

from tests.perf.harness import Measurement, benchmark

THINK = float(os.environ.get("WORKSTATION_BENCH_THINK", "1.0"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@benchmark("backend: 200 clients pull/push on PostgreSQL")
def bench_backend_load() -> list[Measurement]:
    base_url = os.environ.get("WORKSTATION_TEST_PG")
    if not base_url:
        return [Measurement("backend p99 latency (200 clients)", 0.0, None,
                            note="skipped: set WORKSTATION_TEST_PG")]  # fmt: skip
    quick = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
    clients, duration = (20, 10.0) if quick else (200, 60.0)
    from sqlalchemy import create_engine

    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.seed import seed

    schema = "ws_bench_" + uuid.uuid4().hex[:10]
    admin_engine = create_engine(base_url)
    with admin_engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base_url else "?"
    url = f"{base_url}{sep}options=-csearch_path%3D{schema}"
    process = None
    try:
        upgrade(url)
        engine = make_engine(url, pool_size=2)
        report = seed(make_sessionmaker(engine), accounts=2000, teams=3, agents=3, seed=3)
        engine.dispose()
        collectors = [u.username for u in report.users if u.role in ("agent", "field")]
        port = _free_port()
        env = {**os.environ, "WORKSTATION_SERVER_POOL": "15"}
        process = subprocess.Popen(
            [sys.executable, "-m", "workstation.server.cli", "serve", "--db", url,
             "--port", str(port), "--workers", "2", "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        start_gate = threading.Barrier(clients + 1)
        stop_at: list[float] = []

        def client(index: int) -> None:
            try:
                run_client(index)
            except Exception as exc:  # a crashed client is an error, not a silent gap
                with lock:
                    errors.append(type(exc).__name__)
                if not start_gate.broken:
                    start_gate.abort()

        def run_client(index: int) -> None:
            http = requests.Session()
            username = collectors[index % len(collectors)]
            client_id = f"bench-{index}-{uuid.uuid4().hex[:8]}"
            login = http.post(base + "/api/v1/auth/login", timeout=30, json={
                "username": username, "password": "demo", "client_id": client_id})  # fmt: skip
            tokens = login.json()
            http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
            snap = http.get(base + "/api/v1/sync/snapshot", params={"page_size": 5000},
                            timeout=60).json()  # fmt: skip
            cursor = snap["cursor"]
            accounts = [a["id"] for a in snap["accounts"]] or [None]
            seq = 0
            with contextlib.suppress(threading.BrokenBarrierError):
                start_gate.wait()
            while time.monotonic() < stop_at[0]:
                seq += 1
                t0 = time.perf_counter()
                pulled = http.get(base + "/api/v1/sync/changes", params={"cursor": cursor},
                                  headers={"X-Outbox-Pending": "1"}, timeout=30)  # fmt: skip
                t1 = time.perf_counter()
                ok = pulled.status_code == 200
                if ok:
                    cursor = pulled.json()["cursor"]
                account = accounts[seq % len(accounts)]
                pushed_ok = True
                t2 = t3 = t1
                if account:
                    body = {"client_id": client_id, "mutations": [{
                        "mutation_id": str(uuid.uuid4()), "client_seq": seq,
                        "type": "event.create", "device_time": datetime.now(UTC).isoformat(),
                        "payload": {"id": str(uuid.uuid4()), "type": "contact_attempt",
                                    "account_id": account,
                                    "occurred_at": datetime.now(UTC).isoformat(),
                                    "payload": {"channel": "phone", "disposition": "NA",
                                                "duration_s": 15}}}]}  # fmt: skip
                    t2 = time.perf_counter()
                    pushed = http.post(base + "/api/v1/sync/push", json=body, timeout=30,
                                       headers={"Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
                    t3 = time.perf_counter()
                    pushed_ok = pushed.status_code == 200 and pushed.json()["results"][0][
                        "status"] == "applied"  # fmt: skip
                with lock:
                    latencies.append(t1 - t0)
                    if account:
                        latencies.append(t3 - t2)
                    if not ok:
                        errors.append(f"pull {pulled.status_code}")
                    if not pushed_ok:
                        errors.append("push")
                time.sleep(THINK)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        stop_at.append(time.monotonic() + 10**6)
        with contextlib.suppress(threading.BrokenBarrierError):
            start_gate.wait(timeout=300)
        began = time.monotonic()
        stop_at[0] = began + duration
        for t in threads:
            t.join(duration + 60)
        elapsed = time.monotonic() - began
        n = len(latencies)
        p50 = statistics.median(latencies) if latencies else 0.0
        p99 = _percentile(latencies, 0.99) if latencies else 0.0
        note = f"{clients} clients, {duration:.0f} s, think {THINK} s, {n} requests"
        return [
            Measurement(f"backend p50 latency ({clients} clients)", p50, None, note=note),
            Measurement(f"backend p99 latency ({clients} clients)", p99, 0.25, note=note),
            Measurement("backend throughput", n / elapsed, None, unit="req/s",
                        lower_is_better=False),
            Measurement("backend errors", float(len(errors)), None, unit="errors",
                        note=", ".join(sorted(set(errors)))[:200]),
        ]  # fmt: skip
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        with admin_engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin_engine.dispose()


def _main() -> Any:  # pragma: no cover - manual run helper
    for m in bench_backend_load():
        print(m)


if __name__ == "__main__":  # pragma: no cover
    _main()
