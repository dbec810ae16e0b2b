"""Backend under load: 200 simulated workstations syncing for 60 s against PostgreSQL.

Setup: a fresh PostgreSQL schema seeded with a realistic organisation (10 teams × 19 agents +
1 field collector = 200 collectors, 10,000 accounts with history), and
``workstation-server serve --workers 2`` as a subprocess on a loopback port.

The load generator runs in its OWN process (``python -m tests.perf.bench_server load``,
asyncio + httpx, one connection per client), so its GIL and CPU never sit inside the
server's latency figures; its CPU time is reported next to the server's.

Each simulated client is one device of one real seeded collector (client ``i`` signs in as
collector ``i % collectors``). Ramp-up (not part of the 60 s window, but its failures count as
errors and its snapshot times are printed): each client starts at a uniformly random moment
in the first 20 s (3 s with ``--quick``), as a floor's workstations are switched on over a
minute rather than in the same second, signs in once and downloads the snapshot of its
portfolio; the window opens when all of them have. Then, like the desktop's sync timer, a **sync cycle every
5-15 s** (uniform jitter, first cycle at a random offset so the clients don't march in
step): with probability 0.5 push one batch of 1-3 new contact-attempt events (with an
``Idempotency-Key``), then pull ``/sync/changes`` from its cursor until ``has_more`` is
false (every call carries ``X-Outbox-Pending``). A collector's workstation syncs on a timer,
not in a tight loop; ``WORKSTATION_BENCH_INTERVAL=lo,hi`` changes the interval.

Figures: p50/p95/p99 latency of every request that started in the 60 s window, throughput,
errors (any non-200, any push result other than ``applied``, any client crash, in the window
or in the ramp-up), CPU seconds over the window of the server processes, of PostgreSQL (every
``postgres`` process: the instance may serve others too), of the load generator, and of the
whole machine (others may be using it: read the latencies with that in mind). Target: p99 ≤ 250 ms,
zero errors. Needs ``WORKSTATION_TEST_PG``; ``WORKSTATION_PERF_QUICK=1`` → 20 clients, 10 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.loopback import free_port
from tests.perf.harness import Measurement, benchmark
from tests.pg_schema import drop_pg_schema, new_pg_schema

DISPOSITIONS = ("NA", "BUSY", "VM", "RPC_NC", "CB", "WRONG")


def _interval() -> tuple[float, float]:
    raw = os.environ.get("WORKSTATION_BENCH_INTERVAL", "5,15")
    lo, hi = (float(x) for x in raw.split(","))
    return lo, hi


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _tree_cpu(pid: int) -> float:
    """User+system CPU seconds of a process and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(int(c) for c in children)
    return total


def _postgres_cpu() -> float:
    """User+system CPU seconds of every live ``postgres`` process (the whole instance)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.endswith("(postgres"):
            fields = tail.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _machine_cpu() -> float:
    """CPU seconds the whole machine spent busy (not idle / iowait) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _profile_workers(pid: int, duration: float) -> list[subprocess.Popen[bytes]]:
    """``WORKSTATION_BENCH_PYSPY=DIR``: py-spy (collapsed stacks, idle included) per worker."""
    target = os.environ.get("WORKSTATION_BENCH_PYSPY")
    if not target:
        return []
    spy = Path(sys.executable).with_name("py-spy")
    workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        subprocess.Popen(
            [
                str(spy),
                "record",
                "--idle",
                "--threads",
                "--format",
                "raw",
                "-d",
                str(int(duration)),
                "-r",
                "50",
                "-p",
                worker,
                "-o",
                str(Path(target) / f"worker-{worker}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for worker in workers
    ]


# --- the load generator (a separate process) ----------------------------------------------------


async def _client(cfg: dict[str, Any], index: int, out: dict[str, Any]) -> None:
    import httpx

    rng = random.Random(index)
    base = cfg["base"]
    username = cfg["users"][index % len(cfg["users"])]
    client_id = f"bench-{index}-{uuid.uuid4().hex[:8]}"
    lo, hi = cfg["interval"]
    window: list[float] = out["window"]
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as http:
        await asyncio.sleep(rng.uniform(0, cfg["ramp"]))
        t0 = time.perf_counter()
        login = await http.post("/api/v1/auth/login", json={
            "username": username, "password": "demo", "client_id": client_id,
            "device_name": f"bench {index}"})  # fmt: skip
        out["ramp"].append(("login", time.perf_counter() - t0, login.status_code))
        if login.status_code != 200:
            out["errors"].append(f"login {login.status_code}")
            return
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        accounts: list[str] = []
        token = None
        t0 = time.perf_counter()
        while True:
            params: dict[str, Any] = {"page_size": 1000}
            if token:
                params["page_token"] = token
            snap = await http.get("/api/v1/sync/snapshot", params=params)
            if snap.status_code != 200:
                out["errors"].append(f"snapshot {snap.status_code}")
                return
            page = snap.json()
            accounts.extend(a["id"] for a in page["accounts"])
            if page["complete"]:
                cursor = page["cursor"]
                break
            token = page["next_page_token"]
        out["ramp"].append(("snapshot", time.perf_counter() - t0, 200))
        seq = 0
        while not window:  # wait for the measurement window to open
            await asyncio.sleep(0.05)
        start, stop = window
        await asyncio.sleep(max(0.0, start + rng.uniform(0, hi) - time.time()))

        async def timed(method: str, url: str, what: str, **kw: Any) -> httpx.Response:
            began = time.time()
            t = time.perf_counter()
            response = await http.request(method, url, **kw)
            if start <= began < stop:
                out["lat"].append((what, time.perf_counter() - t))
                if response.status_code != 200:
                    out["errors"].append(f"{what} {response.status_code}")
            return response

        headers = {"X-Outbox-Pending": "0"}
        while time.time() < stop:
            if accounts and rng.random() < 0.5:
                now = datetime.now(UTC).isoformat()
                mutations = []
                for _ in range(rng.randint(1, 3)):
                    seq += 1
                    event_id = str(uuid.uuid4())
                    mutations.append({
                        "mutation_id": event_id, "client_seq": seq, "type": "event.create",
                        "base_version": None, "device_time": now,
                        "payload": {"id": event_id, "type": "contact_attempt",
                                    "account_id": rng.choice(accounts), "occurred_at": now,
                                    "payload": {"channel": "phone", "direction": "outbound",
                                                "disposition": rng.choice(DISPOSITIONS),
                                                "duration_s": rng.randint(5, 300)}}})  # fmt: skip
                pushed = await timed(
                    "POST", "/api/v1/sync/push", "push",
                    json={"client_id": client_id, "mutations": mutations},
                    headers={"Idempotency-Key": uuid.uuid4().hex, **headers},
                )  # fmt: skip
                if pushed.status_code == 200:
                    bad = [
                        r["status"] for r in pushed.json()["results"] if r["status"] != "applied"
                    ]
                    if bad and time.time() < stop:
                        out["errors"].append("push " + ",".join(bad))
            while True:
                pulled = await timed("GET", "/api/v1/sync/changes", "pull",
                                     params={"cursor": cursor}, headers=headers)  # fmt: skip
                if pulled.status_code != 200:
                    break
                body = pulled.json()
                cursor = body["cursor"]
                if not body["has_more"]:
                    break
            out["cycles"] += 1
            await asyncio.sleep(rng.uniform(lo, hi))


async def _load(cfg: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"lat": [], "errors": [], "ramp": [], "cycles": 0, "window": []}

    async def guarded(index: int) -> None:
        try:
            await _client(cfg, index, out)
        except Exception as exc:  # a crashed client is an error, not a silent gap
            out["errors"].append(f"crash {type(exc).__name__}: {exc}"[:120])

    tasks = [asyncio.create_task(guarded(i)) for i in range(cfg["clients"])]
    await asyncio.sleep(cfg["ramp"])
    # everyone signed in and downloaded (or failed) before the window opens
    while sum(1 for r in out["ramp"] if r[0] == "snapshot") + len(out["errors"]) < cfg["clients"]:
        await asyncio.sleep(0.1)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.time() + 0.5
    out["window"].extend([start, start + cfg["duration"]])
    Path(cfg["window_file"]).write_text(json.dumps([start, start + cfg["duration"]]))
    await asyncio.gather(*tasks)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    out["client_cpu"] = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return out


def _load_main(config_path: str, result_path: str) -> None:
    cfg = json.loads(Path(config_path).read_text())
    result = asyncio.run(_load(cfg))
    Path(result_path).write_text(json.dumps(result))


# --- the benchmark (parent process) -------------------------------------------------------------


@benchmark("backend server: 200 clients syncing on PostgreSQL")
def bench_backend_load() -> list[Measurement]:
    import requests

    base_url = os.environ.get("WORKSTATION_TEST_PG")
    if not base_url:
        return [Measurement("backend p99 latency (200 clients)", 0.0, None,
                            note="skipped: set WORKSTATION_TEST_PG")]  # fmt: skip
    quick = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
    clients, duration, ramp = (20, 10.0, 3.0) if quick else (200, 60.0, 20.0)

    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.seed import seed

    schema, url = new_pg_schema(base_url, "ws_bench_")
    process = loader = None
    work = Path(tempfile.mkdtemp(prefix="ws-bench-server-"))
    try:
        upgrade(url)
        engine = make_engine(url, pool_size=2)
        teams, agents = (3, 3) if quick else (10, 19)
        report = seed(make_sessionmaker(engine), accounts=2000 if quick else 10000,
                      teams=teams, agents=agents, seed=3)  # fmt: skip
        engine.dispose()
        collectors = [u.username for u in report.users if u.role in ("agent", "field")]
        port = free_port()
        # the server's log goes to a file (a never-read pipe would fill and stall the server)
        server_log = (work / "server.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "workstation.server.cli", "serve", "--db", url,
             "--port", str(port), "--workers", "2", "--log-level", "warning"],
            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=server_log,
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
        cfg = {
            "base": base, "users": collectors, "clients": clients, "duration": duration,
            "ramp": ramp, "interval": list(_interval()),
            "window_file": str(work / "window.json"),
        }  # fmt: skip
        (work / "config.json").write_text(json.dumps(cfg))
        loader = subprocess.Popen(
            [sys.executable, "-m", "tests.perf.bench_server", "load",
             str(work / "config.json"), str(work / "result.json")],
        )  # fmt: skip
        while not (work / "window.json").exists():
            if loader.poll() is not None:
                raise RuntimeError("the load generator stopped during ramp-up")
            time.sleep(0.1)
        start, stop = json.loads((work / "window.json").read_text())
        time.sleep(max(0.0, start - time.time()))
        server_cpu0 = _tree_cpu(process.pid)
        pg_cpu0, machine_cpu0 = _postgres_cpu(), _machine_cpu()
        spies = _profile_workers(process.pid, duration)
        time.sleep(max(0.0, stop - time.time()))
        server_cpu = _tree_cpu(process.pid) - server_cpu0
        pg_cpu = _postgres_cpu() - pg_cpu0
        machine_cpu = _machine_cpu() - machine_cpu0
        loader.wait(duration + 120)
        for spy in spies:
            spy.wait(60)
        out = json.loads((work / "result.json").read_text())
        latencies = [t for _, t in out["lat"]]
        pulls = [t for w, t in out["lat"] if w == "pull"]
        pushes = [t for w, t in out["lat"] if w == "push"]
        snaps = [t for w, t, _ in out["ramp"] if w == "snapshot"]
        errors = out["errors"]
        log = (work / "server.log").read_text(errors="replace")
        if "Traceback" in log:
            print(f"server log ({work / 'server.log'}), first error:")
            print(log[log.index("Traceback") :][:3000])
        n = len(latencies)
        lo, hi = _interval()
        note = (f"{clients} clients ({len(collectors)} collectors), {duration:.0f} s, cycle every "
                f"{lo:g}-{hi:g} s, {n} requests, {out['cycles']} cycles; ramp-up: sign-ins "
                f"spread over {ramp:g} s")  # fmt: skip
        detail = (f"pull p99 {_percentile(pulls, 0.99) * 1000:.0f} ms, push p99 "
                  f"{_percentile(pushes, 0.99) * 1000:.0f} ms, snapshot (ramp) p50 "
                  f"{_percentile(snaps, 0.5) * 1000:.0f} ms, p99 "
                  f"{_percentile(snaps, 0.99) * 1000:.0f} ms")  # fmt: skip
        return [
            Measurement(f"backend p50 latency ({clients} clients)", _percentile(latencies, 0.5),
                        None, note=note),
            Measurement(f"backend p95 latency ({clients} clients)", _percentile(latencies, 0.95),
                        None),
            Measurement(f"backend p99 latency ({clients} clients)", _percentile(latencies, 0.99),
                        0.25, note=detail),
            Measurement("backend throughput", n / duration, None, unit="req/s",
                        lower_is_better=False),
            Measurement("backend errors", float(len(errors)), None,
                        unit="errors", note=", ".join(sorted(set(errors)))[:200]),
            Measurement("backend server CPU (2 workers)", server_cpu / duration, None,
                        unit="cores", note=f"{server_cpu:.1f} CPU-s in the window"),
            Measurement("backend PostgreSQL CPU (whole instance)", pg_cpu / duration, None,
                        unit="cores", note=f"{pg_cpu:.1f} CPU-s in the window"),
            Measurement("backend machine CPU busy (everything)", machine_cpu / duration, None,
                        unit="cores", note=f"of {os.cpu_count()} cores; others may be running"),
            Measurement("backend load generator CPU", out["client_cpu"] / duration, None,
                        unit="cores", note=f"{out['client_cpu']:.1f} CPU-s, separate process"),
        ]  # fmt: skip
    finally:
        for proc in (loader, process):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        drop_pg_schema(base_url, schema)


def _main() -> Any:  # pragma: no cover - manual run helper
    if len(sys.argv) == 4 and sys.argv[1] == "load":
        _load_main(sys.argv[2], sys.argv[3])
        return
    for m in bench_backend_load():
        print(m)


if __name__ == "__main__":  # pragma: no cover
    _main()
