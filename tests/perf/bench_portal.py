"""The customer's portal under 50 concurrent customers: server time per page, p99 ≤ 50 ms.

A backend on loopback (SQLite in a temporary folder; PostgreSQL when ``WORKSTATION_TEST_PG``
is set), seeded with 2,000 accounts; 50 customers with a verified visit each (their session
rows written directly: the code and its SMS are not what is measured). The load runs in its
OWN process (``python -m tests.perf.bench_portal load``: asyncio + httpx, one connection per
customer), each customer going round its pages (account, plan offers, promise, callback,
hardship, complaint, pay, the link's code page) as a person does, reading each page for
1-3 s (uniform; ``WORKSTATION_PORTAL_THINK=lo,hi`` changes it, ``0,0`` is no pause at all),
for 30 s (8 s with ``WORKSTATION_PERF_QUICK``). Server time is measured inside the server process by an ASGI
wrapper around the app (the benchmark's own instrument): from the request reaching the app
to the last byte of the answer handed to uvicorn. Figures: p50/p95/p99 server time per page
and over all, throughput, and the client-side p99 beside it (queueing in the 2-core machine
included). Every non-200 is an error."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.perf.harness import Measurement, benchmark

CUSTOMERS = 50
PAGES = (
    "/portal/account",
    "/portal/plan",
    "/portal/promise",
    "/portal/callback",
    "/portal/hardship",
    "/portal/complaint",
    "/portal/pay",
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Timed:
    """ASGI wrapper: the server time of every portal request, by page."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/portal"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        elapsed = time.perf_counter() - started
        page = "/portal/l" if scope["path"].startswith("/portal/l/") else scope["path"]
        with self.lock:
            self.times[page].append(elapsed)


def _prepare(url: str) -> tuple[list[str], list[str]]:
    """50 verified visits: (session cookies, link tokens)."""
    from sqlalchemy import select

    from workstation.server.db import make_engine, make_sessionmaker
    from workstation.server.models import AccountRow, ServerState
    from workstation.server.portal.access import issue_link
    from workstation.server.portal.models import PortalLink, PortalSession
    from workstation.server.portal.tokens import PortalKeys

    engine = make_engine(url, pool_size=2)
    sessions = make_sessionmaker(engine)
    now = datetime.now(UTC)
    cookies: list[str] = []
    tokens: list[str] = []
    with sessions.begin() as session:
        secret = session.get(ServerState, "token_secret")
        assert secret is not None
        keys = PortalKeys(secret.value)
        accounts = session.scalars(
            select(AccountRow)
            .where(AccountRow.status == "open")
            .order_by(AccountRow.id)
            .limit(CUSTOMERS)
        ).all()
        for account in accounts:
            token = issue_link(session, keys, account, now)
            session.flush()
            link = session.get(PortalLink, keys.read(token))
            assert link is not None
            cookie = keys.new_session()
            session.add(
                PortalSession(
                    id=keys.session_id(cookie),
                    link_id=link.id,
                    account_id=account.id,
                    created_at=now,
                    expires_at=now + timedelta(hours=2),
                )
            )
            cookies.append(cookie)
            tokens.append(token)
    engine.dispose()
    return cookies, tokens


@benchmark("portal pages, 50 concurrent customers (server time p99)")
def bench_portal() -> list[Measurement]:
    import uvicorn

    from workstation.server.app import create_app
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.seed import seed
    from workstation.server.settings import Settings

    quick = os.environ.get("WORKSTATION_PERF_QUICK") == "1"
    seconds = 8.0 if quick else 30.0
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    pg = os.environ.get("WORKSTATION_TEST_PG", "")
    schema = None
    if pg:
        from tests.pg_schema import new_pg_schema

        schema, url = new_pg_schema(pg)
    else:
        url = f"sqlite:///{work / 'server.db'}"
    upgrade(url)
    engine = make_engine(url, pool_size=4)
    seed(
        make_sessionmaker(engine),
        accounts=500 if quick else 2000,
        teams=2,
        agents=3,
        seed=5,
        password="demo",
    )
    engine.dispose()
    cookies, tokens = _prepare(url)
    os.environ["WORKSTATION_MESSAGING_WORKER"] = "0"
    app = create_app(Settings(db_url=url, pool_size=10), promise_interval=0)
    timed = Timed(app)
    config = uvicorn.Config(timed, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    plan = work / "plan.json"
    plan.write_text(
        json.dumps({"base": base, "cookies": cookies, "tokens": tokens, "seconds": seconds})
    )
    try:
        # one warm-up round (imports, the first PDF-free render of each template)
        subprocess.run(
            [sys.executable, "-m", "tests.perf.bench_portal", "load", str(plan), "3"], check=True
        )
        timed.times.clear()
        done = subprocess.run(
            [sys.executable, "-m", "tests.perf.bench_portal", "load", str(plan), str(seconds)],
            check=True,
            capture_output=True,
            text=True,
        )
        client = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if schema:
            from tests.pg_schema import drop_pg_schema

            drop_pg_schema(pg, schema)
    every = [t for values in timed.times.values() for t in values]
    where = "PostgreSQL" if pg else "SQLite"
    out = [
        Measurement(
            f"server time p99, all portal pages ({where})",
            _percentile(every, 0.99),
            0.050,
            note=(
                f"{len(every)} requests in {seconds:.0f} s ({len(every) / seconds:.0f}/s), "
                f"p50 {_percentile(every, 0.5) * 1000:.1f} ms, p95 {_percentile(every, 0.95) * 1000:.1f} ms; "
                f"client p99 {client['p99'] * 1000:.1f} ms, errors {client['errors']}"
            ),
        )
    ]
    for page, values in sorted(timed.times.items()):
        out.append(
            Measurement(
                f"server time p99, {page}",
                _percentile(values, 0.99),
                0.050,
                note=f"{len(values)} requests, p50 {_percentile(values, 0.5) * 1000:.1f} ms",
            )
        )
    out.append(Measurement("portal load errors", float(client["errors"]), None, unit="errors"))
    return out


async def _customer(
    base: str, cookie: str, token: str, *, until: float, latencies: list[float], errors: list[str]
) -> None:
    import httpx

    pages = [*PAGES, f"/portal/l/{token}"]
    raw = os.environ.get("WORKSTATION_PORTAL_THINK", "1,3")
    think = tuple(float(x) for x in raw.split(","))
    await asyncio.sleep(random.uniform(0, think[1]))  # customers do not arrive in step
    async with httpx.AsyncClient(
        base_url=base, cookies={"portal_session": cookie}, timeout=30
    ) as http:
        index = 0
        while time.monotonic() < until:
            path = pages[index % len(pages)]
            index += 1
            started = time.perf_counter()
            answer = await http.get(path)
            latencies.append(time.perf_counter() - started)
            if answer.status_code != 200:
                errors.append(f"{path}: {answer.status_code}")
            low, high = think
            await asyncio.sleep(random.uniform(low, high))


async def _load(plan: dict[str, Any], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(
            _customer(plan["base"], cookie, token, until=until, latencies=latencies, errors=errors)
            for cookie, token in zip(plan["cookies"], plan["tokens"], strict=True)
        )
    )
    return {
        "p99": _percentile(latencies, 0.99),
        "requests": len(latencies),
        "errors": len(errors),
        "first": errors[:3],
    }


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "load":
    loaded = json.loads(Path(sys.argv[2]).read_text())
    print(json.dumps(asyncio.run(_load(loaded, float(sys.argv[3])))))
