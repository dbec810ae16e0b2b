"""Several server nodes on one PostgreSQL (issue 19): three real ``workstation-server serve``
processes on their own loopback ports, standing in for hosts behind a load balancer, share
one schema. Clients rotate nodes on every request.

- the commit-order cursor: writers push through every node while readers pull through every
  node; each reader ends up with every event, each exactly once, cursors only growing;
- idempotency: one batch sent to the three nodes at the same moment is applied once;
- background work: the three nodes start together and each tries the maintenance round and
  the daily run — each runs once; three ``daily --as-of`` processes race for the same days
  and the days are processed once; SMS pushed through any node reach the gateway once;
- a node killed mid-run: a node killed while its SMS is at the gateway, and a daily run killed
  inside a day's transaction — another node or process finishes the work, nothing is lost
  and nothing is done twice.

The SMS gateway is a real HTTP server in the test process that de-duplicates on the message
id (``idempotent = true``), as the gateways that promise it do; it records every request,
so "sent twice" is a fact it can see.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.loopback import JsonHandler, free_port
from tests.server.conftest import PASSWORD, fresh_database
from workstation.compliance import default_policy
from workstation.contract.mutations import event_create
from workstation.domain import Channel, EventType, Language
from workstation.domain.model import Event, new_id
from workstation.messages import compose, message_event
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.lifecycle.daily import run_daily
from workstation.server.lifecycle.models import DailyRun
from workstation.server.messaging.models import MessageJob
from workstation.server.messaging.rows import load_for_decision
from workstation.server.models import AccountRow, ContactRow, CustomerRow, EventRow, ServerState
from workstation.server.retention import LAST_RUN_KEY
from workstation.server.seed import SeedReport, seed

pytestmark = pytest.mark.pg

NODES = 3
LEASE_S = 3


# --- the SMS gateway (real HTTP, in this process) ------------------------------------------------


@dataclass
class Gateway:
    """Records every request; de-duplicates on the Idempotency-Key; may hold requests."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)  # message id → gateway id
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)
    held: list[int] = field(default_factory=list)  # source ports of requests waiting

    def sent(self, message_id: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["key"] == message_id]


def _gateway_server(gateway: Gateway) -> ThreadingHTTPServer:
    gateway.released.set()

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.read_json()
            key = self.headers.get("Idempotency-Key", "")
            port = self.client_address[1]
            with gateway.lock:
                gateway.held.append(port)
            gateway.released.wait(60)
            with gateway.lock:
                gateway.held.remove(port)
                gateway.requests.append({"key": key, "body": body, "port": port})
                first = key not in gateway.accepted
                if first:
                    gateway.accepted[key] = f"gw-{len(gateway.accepted) + 1}"
                answer = {"id": gateway.accepted[key], "status": "accepted", "replay": not first}
            self.send_json(200, answer)

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


# --- the cluster ---------------------------------------------------------------------------------


@dataclass
class Node:
    process: subprocess.Popen[bytes]
    base: str
    log: Path


@dataclass
class Cluster:
    url: str
    env: dict[str, str]
    nodes: list[Node]
    sessions: Any
    report: SeedReport
    gateway: Gateway
    work: Path
    rotation: Iterator[int] = field(default_factory=lambda: itertools.cycle(range(NODES)))
    rotate_lock: threading.Lock = field(default_factory=threading.Lock)

    def alive(self) -> list[Node]:
        return [n for n in self.nodes if n.process.poll() is None]

    def next_base(self) -> str:
        """The next live node, round-robin: a load balancer that spreads every request."""
        with self.rotate_lock:
            for _ in range(len(self.nodes)):
                node = self.nodes[next(self.rotation)]
                if node.process.poll() is None:
                    return node.base
        raise AssertionError("no node is alive")

    def start_node(self) -> Node:
        port = free_port()
        log = self.work / f"node-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "workstation.server.cli", "serve", "--db", self.url,
                 "--port", str(port), "--log-level", "info"],
                env=self.env, stdout=subprocess.DEVNULL, stderr=out,
            )  # fmt: skip
        node = Node(process, f"http://127.0.0.1:{port}", log)
        self.nodes.append(node)
        return node


def _wait_up(node: Node) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(node.base + "/api/v1/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert node.process.poll() is None, node.log.read_text()
        assert time.monotonic() < deadline, node.log.read_text()
        time.sleep(0.1)


class RotatingApi:
    """A signed-in device whose every request goes to the next node."""

    def __init__(self, cluster: Cluster, username: str) -> None:
        self.cluster = cluster
        self.client_id = f"dev-{username}-{uuid.uuid4().hex[:8]}"
        answer = requests.post(
            cluster.next_base() + "/api/v1/auth/login",
            json={"username": username, "password": PASSWORD, "client_id": self.client_id,
                  "device_name": "multi-node test"},
            timeout=30,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        self.username = username
        self.user_id = str(answer.json()["user"]["id"])
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        self.seq = 0

    def mutation(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {"mutation_id": new_id(), "client_seq": self.seq, "type": "event.create",
                "payload": payload, "base_version": None, "device_time": None}  # fmt: skip

    def push(self, mutations: list[dict[str, Any]], key: str, base: str | None = None) -> Any:
        answer = self.http.post(
            (base or self.cluster.next_base()) + "/api/v1/sync/push",
            json={"client_id": self.client_id, "mutations": mutations},
            headers={"Idempotency-Key": key},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]

    def changes(self, cursor: int) -> dict[str, Any]:
        answer = self.http.get(
            self.cluster.next_base() + "/api/v1/sync/changes",
            params={"cursor": cursor, "limit": 50},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def cursor(self) -> int:
        page = self.http.get(
            self.cluster.next_base() + "/api/v1/sync/snapshot",
            params={"page_size": 1000},
            timeout=30,
        )
        assert page.status_code == 200, page.text
        body = page.json()
        while not body["complete"]:
            page = self.http.get(
                self.cluster.next_base() + "/api/v1/sync/snapshot",
                params={"page_size": 1000, "page_token": body["next_page_token"]},
                timeout=30,
            )
            body = page.json()
        return int(body["cursor"])


def _yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    gateway = Gateway()
    http = _gateway_server(gateway)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    work = tmp_path_factory.mktemp("cluster")
    config = work / "gateway.toml"
    config.write_text(
        f'url = "http://127.0.0.1:{http.server_address[1]}/v1/messages"\n'
        "idempotent = true\ntimeout = 60\n",
        encoding="utf-8",
    )
    with fresh_database("pg", tmp_path_factory) as url:
        upgrade(url)
        engine = make_engine(url, pool_size=4)
        sessions = make_sessionmaker(engine)
        report = seed(sessions, accounts=60, teams=2, agents=2, seed=11, password=PASSWORD)
        env = {
            **os.environ,
            "WORKSTATION_SMS_GATEWAY": "http",
            "WORKSTATION_SMS_HTTP_CONFIG": str(config),
            "WORKSTATION_MESSAGING_POLL": "0.1",
            "WORKSTATION_MESSAGING_BACKOFF": "0.1",
            "WORKSTATION_MESSAGING_LEASE": str(LEASE_S),
            "WORKSTATION_MESSAGING_MAX_ATTEMPTS": "5",
        }
        made = Cluster(url, env, [], sessions, report, gateway, work)
        try:
            for _ in range(NODES):  # started together: they race for the start-up jobs
                made.start_node()
            for node in made.nodes:
                _wait_up(node)
            yield made
        finally:
            for node in made.nodes:
                if node.process.poll() is None:
                    node.process.terminate()
            for node in made.nodes:
                try:
                    node.process.wait(30)
                except subprocess.TimeoutExpired:
                    node.process.kill()
            logs = "".join(n.log.read_text(errors="replace") for n in made.nodes)
            engine.dispose()
            http.shutdown()
            assert "Traceback" not in logs, logs[logs.find("Traceback") :][:4000]


# --- helpers -------------------------------------------------------------------------------------


def _agents(cluster: Cluster) -> list[str]:
    return [u.username for u in cluster.report.users if u.role == "agent"]


def _own_accounts(cluster: Cluster, user_id: str) -> list[tuple[str, str]]:
    with cluster.sessions() as session:
        rows = session.execute(
            select(AccountRow.id, AccountRow.customer_id)
            .where(AccountRow.owner_id == user_id)
            .order_by(AccountRow.id)
        ).all()
    return [(r[0], r[1]) for r in rows]


def _note(account: tuple[str, str], words: str) -> dict[str, Any]:
    event = Event(new_id(), EventType.NOTE, account[0], account[1], datetime.now(UTC), "test",
                  {"text": words})  # fmt: skip
    return event_create(event)


def _wait_for(what: str, check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# --- start-up: three nodes, the maintenance round and the daily run once -------------------------


def test_the_nodes_start_up_jobs_ran_once_between_them(cluster: Cluster) -> None:
    """Each node runs maintenance (prune, history, rescore) and the daily run for yesterday
    at start; the three started together, and the day and the round were done once."""

    def settled() -> bool:
        with cluster.sessions() as session:
            return session.get(DailyRun, _yesterday()) is not None and (
                session.get(ServerState, LAST_RUN_KEY) is not None
            )

    _wait_for("the start-up jobs", settled)
    with cluster.sessions() as session:
        days = session.scalars(select(DailyRun.day)).all()
        last_run = session.get(ServerState, LAST_RUN_KEY)
    assert days == [_yesterday()]
    assert last_run is not None
    # each node logs the rounds it ran: the day and the maintenance round, once in all
    logs = [n.log.read_text(errors="replace") for n in cluster.nodes[:NODES]]
    assert sum(log.count(f"daily run for {_yesterday()}") for log in logs) == 1, logs
    assert sum(log.count("maintenance: pruned") for log in logs) == 1, logs


# --- the cursor and idempotency across nodes ---------------------------------------------------


def test_readers_rotating_nodes_see_every_change_once_while_writers_rotate_too(
    cluster: Cluster,
) -> None:
    agents = _agents(cluster)[:2]
    writers = [RotatingApi(cluster, name) for name in agents]
    readers = [RotatingApi(cluster, name) for name in agents]
    cursors = [reader.cursor() for reader in readers]
    pushed: list[set[str]] = [set(), set()]
    seen: list[list[str]] = [[], []]
    done = threading.Event()
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            api = writers[index]
            accounts = _own_accounts(cluster, api.user_id)
            for round_ in range(20):
                batch = [api.mutation(_note(accounts[(round_ + k) % len(accounts)], f"r{round_}"))
                         for k in range(2)]  # fmt: skip
                results = api.push(batch, uuid.uuid4().hex)
                assert [r["status"] for r in results] == ["applied", "applied"], results
                pushed[index].update(m["payload"]["id"] for m in batch)
        except BaseException as exc:
            errors.append(exc)

    def pull(index: int, until: threading.Event) -> None:
        try:
            while True:
                finishing = until.is_set()
                while True:
                    page = readers[index].changes(cursors[index])
                    assert page["cursor"] >= cursors[index]
                    cursors[index] = page["cursor"]
                    seen[index].extend(e["id"] for e in page["events"])
                    if not page["has_more"]:
                        break
                if finishing:
                    return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    pullers = [threading.Thread(target=pull, args=(i, done)) for i in range(2)]
    for t in threads + pullers:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    for t in pullers:
        t.join(120)
    assert not errors, errors
    for index in range(2):
        assert len(pushed[index]) == 40
        mine = set(seen[index])
        assert pushed[index] <= mine, f"skipped: {sorted(pushed[index] - mine)[:5]}"
        assert len(seen[index]) == len(mine), "an event came twice"


def test_one_batch_sent_to_every_node_at_once_is_applied_once(cluster: Cluster) -> None:
    api = RotatingApi(cluster, _agents(cluster)[0])
    account = _own_accounts(cluster, api.user_id)[0]
    batch = [api.mutation(_note(account, f"same {k}")) for k in range(3)]
    key = uuid.uuid4().hex
    start = threading.Barrier(NODES)
    answers: list[Any] = [None] * NODES

    def send(index: int) -> None:
        start.wait()
        answers[index] = api.push(batch, key, base=cluster.nodes[index].base)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(NODES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [m["payload"]["id"] for m in batch]
    with cluster.sessions() as session:
        stored = session.scalars(select(EventRow.id).where(EventRow.id.in_(ids))).all()
    assert sorted(stored) == sorted(ids)  # each event once
    for position in range(3):
        statuses = sorted(a[position]["status"] for a in answers)
        assert statuses.count("applied") <= 1
        assert set(statuses) <= {"applied", "duplicate"}
        results = {json.dumps(a[position]["result"], sort_keys=True) for a in answers}
        assert len(results) == 1, answers  # every node answers with the one stored result


# --- messages: once, also when the node sending one is killed --------------------------------


def _daytime_zone(now: datetime) -> str:
    offset = (13 - now.hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


_serial = itertools.count()


def _messages(cluster: Cluster, api: RotatingApi, count: int) -> list[dict[str, Any]]:
    """``count`` SMS mutations for customers of ``api``'s user that may be texted now."""
    now = datetime.now(UTC)
    out: list[dict[str, Any]] = []
    with cluster.sessions.begin() as session:
        used = set(session.scalars(select(MessageJob.account_id)))
        for account_id, customer_id in _own_accounts(cluster, api.user_id):
            if len(out) == count:
                break
            if account_id in used:
                continue
            customer = session.get(CustomerRow, customer_id)
            phone = session.scalars(
                select(ContactRow).where(
                    ContactRow.customer_id == customer_id, ContactRow.kind == "phone"
                )
            ).first()
            if customer is None or phone is None:
                continue
            customer.jurisdiction, customer.language = "us-regf", "en"
            customer.timezone, customer.flags = _daytime_zone(now), []
            phone.data = {**phone.data, "number": f"+1 415 555 {3000 + next(_serial):04d}",
                          "type": "mobile", "consent": True, "opted_out": False}  # fmt: skip
            session.flush()
            loaded = load_for_decision(session, account_id)
            assert loaded is not None
            cust, account, events = loaded
            if not default_policy().decide(cust, account, Channel.SMS, now, events).allowed:
                continue
            preview = compose("payment_reminder", cust, account, Channel.SMS, Language.EN, now,
                              history=events)  # fmt: skip
            if not preview.sendable:
                continue
            event = message_event(preview, account, recorded_by=api.username, now=now)
            out.append(api.mutation(event_create(event)))
    assert len(out) == count, "not enough customers may be texted now"
    return out


def _final_jobs(cluster: Cluster, ids: list[str]) -> list[MessageJob] | None:
    with cluster.sessions() as session:
        jobs = session.scalars(select(MessageJob).where(MessageJob.message_id.in_(ids))).all()
        if len(jobs) == len(ids) and all(j.status in ("sent", "delivered", "failed") for j in jobs):
            for job in jobs:
                session.expunge(job)
            return list(jobs)
    return None


def test_messages_pushed_through_any_node_reach_the_gateway_once(cluster: Cluster) -> None:
    api = RotatingApi(cluster, _agents(cluster)[1])
    mutations = _messages(cluster, api, 6)
    for mutation in mutations:  # one per request: each lands on another node
        assert api.push([mutation], uuid.uuid4().hex)[0]["status"] == "applied"
    ids = [m["payload"]["id"] for m in mutations]
    jobs = _wait_for("the messages to go out", lambda: _final_jobs(cluster, ids))
    assert {j.status for j in jobs} == {"sent"}
    for message_id in ids:
        assert len(cluster.gateway.sent(message_id)) == 1, message_id


def _pid_of_port(port: int) -> int | None:
    """The process owning the local TCP socket bound to ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(fd_dir.parent.name)
        except OSError:
            continue
    return None


def test_a_node_killed_while_sending_leaves_its_messages_to_another_node(
    cluster: Cluster,
) -> None:
    api = RotatingApi(cluster, _agents(cluster)[0])
    mutations = _messages(cluster, api, 4)
    ids = [m["payload"]["id"] for m in mutations]
    cluster.gateway.released.clear()  # the gateway holds every request: sends are in flight
    try:
        for mutation in mutations:
            assert api.push([mutation], uuid.uuid4().hex)[0]["status"] == "applied"
        ports = _wait_for("a send at the gateway", lambda: list(cluster.gateway.held))
        pid = _pid_of_port(ports[0])
        victim = next(n for n in cluster.nodes if n.process.pid == pid)
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait(10)
    finally:
        cluster.gateway.released.set()
    # the killed node's request reached the gateway (its answer went nowhere); its claim
    # lapses after the lease and another node sends again with the same message id, which
    # the gateway de-duplicates: every message out once, every job recorded as sent
    jobs = _wait_for("the messages to go out", lambda: _final_jobs(cluster, ids), timeout=90)
    assert {j.status for j in jobs} == {"sent"}, [(j.status, j.reason) for j in jobs]
    assert len(cluster.gateway.accepted.keys() & set(ids)) == len(ids)
    retried = [j for j in jobs if j.attempts > 1]
    assert retried, "no job of the killed node was taken over"
    with cluster.sessions() as session:
        for message_id in ids:  # one 'sent' record per message on the timeline
            sent = session.scalar(
                select(func.count())
                .select_from(EventRow)
                .where(
                    EventRow.type == EventType.MESSAGE.value,
                    EventRow.payload["message_id"].as_string() == message_id,
                    EventRow.payload["status"].as_string() == "sent",
                )
            )
            assert sent == 1, message_id
    replacement = cluster.start_node()  # the cluster is whole again for the tests after
    _wait_up(replacement)


# --- the daily run: once per day across processes, also when one is killed mid-day -------------


def _daily_cli(cluster: Cluster, as_of: date) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "workstation.server.cli", "daily", "--db", cluster.url,
         "--as-of", as_of.isoformat()],
        env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _aging_state(cluster: Cluster) -> dict[str, tuple[int, int, str]]:
    with cluster.sessions() as session:
        rows = session.execute(
            select(AccountRow.id, AccountRow.days_past_due, AccountRow.past_due_minor,
                   AccountRow.status)
        ).all()  # fmt: skip
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_racing_daily_runs_and_a_killed_one_age_each_day_once(cluster: Cluster) -> None:
    _wait_for("the start-up daily run", lambda: _daily_days(cluster))
    first = max(_daily_days(cluster))
    days = 6
    as_of = first + timedelta(days=days)
    before = _aging_state(cluster)
    # a test transaction holds an aged account's row: the run that gets the guard stops
    # inside its first day's transaction, and is killed there
    blocker = cluster.sessions()
    overdue = next(k for k, (_, past_due, status) in before.items()
                   if past_due > 0 and status == "open")  # fmt: skip
    blocker.execute(select(AccountRow).where(AccountRow.id == overdue).with_for_update())
    runs = [_daily_cli(cluster, as_of) for _ in range(3)]
    try:
        busy = _wait_for("two runs to find the guard taken",
                         lambda: [r for r in runs if r.poll() is not None][:2] if sum(
                             r.poll() is not None for r in runs) >= 2 else None)  # fmt: skip
        assert [r.returncode for r in busy] == [3, 3], [r.stdout and r.stdout.read() for r in busy]
        holder = next(r for r in runs if r.poll() is None)
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    finally:
        blocker.rollback()
        blocker.close()
    assert _daily_days(cluster)[-1] == first  # the killed day left nothing behind
    # another process takes over (the killed one's backend lets go of the guard when it
    # notices its client is gone)
    report = _wait_for("the takeover", lambda: _not_busy(run_daily(cluster.sessions, as_of)))
    assert [d.day for d in report.processed] == [first + timedelta(days=n)
                                                 for n in range(1, days + 1)]  # fmt: skip
    assert _daily_days(cluster)[-days - 1 :] == [first + timedelta(days=n)
                                                 for n in range(days + 1)]  # fmt: skip
    again = run_daily(cluster.sessions, as_of)
    assert again.already
    assert not again.processed
    after = _aging_state(cluster)
    aged = 0
    for account_id, (dpd, past_due, status) in before.items():
        now_dpd, now_past_due, now_status = after[account_id]
        if past_due > 0 and status == "open" and now_past_due > 0 and now_status == "open":
            assert now_dpd == max(dpd, 0) + days, (account_id, dpd, now_dpd)
            aged += 1
    assert aged > 10


def _daily_days(cluster: Cluster) -> list[date]:
    with cluster.sessions() as session:
        return list(session.scalars(select(DailyRun.day).order_by(DailyRun.day)))


def _not_busy(report: Any) -> Any:
    return None if report.busy else report
