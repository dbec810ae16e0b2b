"""The cursor follows COMMIT order: a change committed late is never skipped by a reader.

Two writers on PostgreSQL commit in the reverse order of their start while a reader polls
``/sync/changes`` over loopback. The reader must end up with both events, and the late
committer must get the higher version even though it started first. Writers take their
versions either with ``allocate`` (late or early in the transaction) or at commit
(``versions`` + ``versioning.commit``, the push path).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tests.server.conftest import Backend, running_backend
from workstation.domain.enums import PromiseStatus
from workstation.domain.model import new_id
from workstation.server.models import (
    AccountRow,
    AuditEntry,
    ContactRow,
    CustomerRow,
    EventRow,
    IdempotencyRecord,
    PromiseRow,
)
from workstation.server.promises import evaluate_due
from workstation.server.versioning import (
    allocate,
    commit,
    committed_version,
    new_account_versions,
    versions,
)


@pytest.fixture(scope="module")
def pg_backend(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with running_backend("pg", tmp_path_factory, accounts=30) as backend:
        yield backend


def _write_event(  # noqa: PLR0917
    backend: Backend,
    account: AccountRow,
    ready: threading.Event,
    go: threading.Event,
    mode: str,
    out: dict[str, int],
) -> None:
    """Open a transaction, write an event, wait for ``go``, then take a version and commit."""
    with backend.sessions.begin() as session:
        event = EventRow(
            id=new_id(), type="note", account_id=account.id, customer_id=account.customer_id,
            occurred_at=datetime.now(UTC), received_at=datetime.now(UTC), recorded_by="test",
            payload={"text": "writer"}, server_version=0,
        )  # fmt: skip
        session.add(event)
        session.flush()  # the row is written (uncommitted) before the other writer starts
        if mode == "early-version":
            event.server_version = allocate(session, 1)
        elif mode == "at-commit":
            plan = versions(session)
            plan.assign(event, "server_version", plan.reserve(session))
        ready.set()
        go.wait(10)
        if mode == "late-version":
            event.server_version = allocate(session, 1)
        elif mode == "at-commit":
            commit(session)
        out[threading.current_thread().name] = event.server_version
        out[event.id] = event.server_version


def _poll(
    backend: Backend,
    username: str,
    started: threading.Event,
    stop: threading.Event,
    seen: set[str],
) -> int:
    api = backend.login(username)
    cursor = api.changes(0)["cursor"]
    started.set()
    while True:
        page = api.changes(cursor)
        seen.update(e["id"] for e in page["events"])
        assert page["cursor"] >= cursor
        cursor = page["cursor"]
        if stop.is_set() and not page["has_more"]:
            # one more round after the writers finished, then stop
            final = api.changes(cursor)
            seen.update(e["id"] for e in final["events"])
            return int(final["cursor"])
        time.sleep(0.005)


@pytest.mark.pg
@pytest.mark.parametrize("mode", ["late-version", "early-version", "at-commit"])
def test_reader_never_skips_a_late_commit(pg_backend: Backend, mode: str) -> None:
    backend = pg_backend
    owner = backend.users["li.na"]
    with backend.sessions() as session:
        account = session.scalars(
            select(AccountRow).where(AccountRow.owner_id == owner.user_id).limit(1)
        ).one()
    taken: dict[str, int] = {}
    seen: set[str] = set()
    stop = threading.Event()
    reader_result: list[int] = []
    polling = threading.Event()
    reader = threading.Thread(
        target=lambda: reader_result.append(_poll(backend, "li.na", polling, stop, seen))
    )
    reader.start()
    assert polling.wait(30)
    first_ready, first_go = threading.Event(), threading.Event()
    second_ready, second_go = threading.Event(), threading.Event()
    first = threading.Thread(
        name="first",
        target=_write_event,
        args=(backend, account, first_ready, first_go, mode, taken),
    )
    second = threading.Thread(
        name="second",
        target=_write_event,
        args=(backend, account, second_ready, second_go, mode, taken),
    )
    first.start()
    assert first_ready.wait(10)  # writer 1 has started and written its row
    second.start()
    # with an early version, writer 2 is blocked on the counter lock until writer 1 commits
    allocate_first = mode == "early-version"
    assert second_ready.wait(0.5 if allocate_first else 10) or allocate_first
    second_go.set()  # writer 2, which started later, tries to commit first
    time.sleep(0.3)
    first_go.set()
    first.join(10)
    second.join(10)
    stop.set()
    reader.join(30)
    assert not reader.is_alive()
    started_first, started_second = taken.pop("first"), taken.pop("second")
    assert len(taken) == 2
    assert set(taken) <= seen, "the reader skipped a change committed late"
    if allocate_first:  # writer 2 waited for writer 1's commit at the counter
        assert started_first < started_second
    else:  # started first, committed last → the higher version: versions follow commits
        assert started_first > started_second
    with backend.sessions() as session:
        assert reader_result[0] <= committed_version(session)


def test_versions_are_unique_and_increasing_under_concurrency(backend: Backend) -> None:
    """Many writers at once (SQLite and PostgreSQL): every version handed out exactly once."""
    got: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(10):
            with backend.sessions.begin() as session:
                first = allocate(session, 3)
            with lock:
                got.extend([first, first + 1, first + 2])

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == len(set(got)) == 180


def test_answers_records_and_rows_carry_the_same_versions(backend: Backend) -> None:
    """Versions taken at commit (PostgreSQL) reach the answer, the stored result, the audit
    entry and the rows alike, with no placeholder left anywhere (SQLite: taken at once)."""
    agent = backend.login("li.na")
    snap = agent.snapshot()
    account = next(a for a in snap["accounts"] if a["status"] in ("open", "promise"))
    customer = next(c for c in snap["customers"] if c["phones"])
    phone = customer["phones"][0]
    now = datetime.now(UTC)
    promise = agent.mutation("event.create", {
        "id": new_id(), "type": "promise", "account_id": account["id"],
        "occurred_at": now.isoformat(),
        "payload": {"amount": "10.00", "currency": account["currency"],
                    "due_date": (now + timedelta(days=5)).date().isoformat()}})  # fmt: skip
    patch = agent.mutation("contact.patch", {"customer_id": customer["id"], "kind": "phone",
                                             "id": phone["id"],
                                             "fields": {"number": "+86 138 5555 0101"}},
                           base_version=phone["version"])  # fmt: skip
    # a note has no row that refers to it: its INSERT carries its version (a promise's
    # event joins the flush, its promise row refers to it)
    note = agent.mutation("event.create", {
        "id": new_id(), "type": "note", "account_id": account["id"],
        "occurred_at": now.isoformat(), "payload": {"text": "stamped on insert"}})  # fmt: skip
    results = agent.push(promise, patch, note).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied"]
    cancel = agent.mutation("promise.cancel", {"promise_event_id": promise["payload"]["id"]})
    cancelled = agent.push(cancel).json()["results"][0]
    assert cancelled["status"] == "applied"
    event_version = results[0]["result"]["server_version"]
    patch_version = results[1]["result"]["version"]
    assert isinstance(event_version, int)
    assert isinstance(patch_version, int)
    note_version = results[2]["result"]["server_version"]
    assert event_version < patch_version < note_version < cancelled["result"]["account_version"]
    with backend.sessions() as session:
        event = session.get(EventRow, promise["payload"]["id"])
        assert event is not None
        assert event.server_version == event_version
        noted = session.get(EventRow, note["payload"]["id"])
        assert noted is not None
        assert noted.server_version == note_version
        row = session.get(AccountRow, account["id"])
        assert row is not None
        assert row.version == cancelled["result"]["account_version"]
        stored_customer = session.get(CustomerRow, customer["id"])
        assert stored_customer is not None
        assert stored_customer.version == patch_version
        assert stored_customer.field_versions[f"phone:{phone['id']}.number"] == patch_version
        contact = session.get(ContactRow, phone["id"])
        assert contact is not None
        assert contact.version == patch_version
        for answer in (*results, cancelled):
            record = session.get(IdempotencyRecord, (agent.client_id, answer["mutation_id"]))
            assert record is not None
            assert record.result == answer
            detail = session.scalars(
                select(AuditEntry.detail).where(AuditEntry.entity_id == answer["mutation_id"])
            ).one()
            assert detail["result"] == answer["result"]
    # a duplicate answers from the stored record: the same numbers
    again = agent.push(promise).json()["results"][0]
    assert again["status"] == "duplicate"
    assert again["result"]["server_version"] == event_version


def _job_against_a_writer(
    backend: Backend,
    account_id: str,
    job: Callable[[Session], object],
    writer_step: Callable[[Session], None],
) -> tuple[int, dict[str, Any]]:
    """A writer (standing in for a push) locks the account's row; ``job`` starts in another
    transaction and must come to wait for a lock; then the writer does ``writer_step``, takes
    a version and commits. Return the writer's version and what the job left: ``error``, or
    the account's ``version`` after it."""
    job_pid: dict[str, int] = {}
    left: dict[str, Any] = {}

    def run_job() -> None:
        try:
            with backend.sessions.begin() as session:
                job_pid["pid"] = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
                job(session)
            with backend.sessions() as session:
                left["version"] = session.get_one(AccountRow, account_id).version
        except Exception as exc:
            left["error"] = exc

    with backend.sessions.begin() as writer:
        writer.execute(select(AccountRow.id).where(AccountRow.id == account_id).with_for_update())
        thread = threading.Thread(target=run_job, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        waiting = None
        while time.monotonic() < deadline and waiting != "Lock":
            time.sleep(0.05)
            if "pid" in job_pid:
                waiting = writer.execute(
                    text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": job_pid["pid"]},
                ).scalar()
        assert waiting == "Lock", "the job never waited for the writer's row"
        writer_step(writer)
        mine = allocate(writer, 1)  # as a push: after its rows, before its commit
        writer.get_one(AccountRow, account_id).version = mine
    thread.join(20)
    assert not thread.is_alive()
    return mine, left


@pytest.mark.pg
def test_a_job_giving_accounts_new_versions_takes_their_rows_before_the_counter(
    pg_backend: Backend,
) -> None:
    """Every writer locks its rows before it bumps the counter (a push: the account, then
    the counter at its commit). A job that bumped first and then waited for an account a
    push held, while the push waited for the counter, deadlocked with it: PostgreSQL aborted
    one of them (seen as a failed daily run at a two-worker start). The job
    (``new_account_versions``, as the promise sweep and an experiment's announcement use it)
    must wait for the row without holding the counter, so the writer's version and commit
    go through and the job follows with a higher version."""
    with pg_backend.sessions() as session:
        account_id = session.scalars(select(AccountRow.id).order_by(AccountRow.id)).first()
    assert account_id is not None
    mine, left = _job_against_a_writer(
        pg_backend,
        account_id,
        lambda session: new_account_versions(session, [account_id]),
        lambda _writer: None,
    )
    assert "error" not in left, left.get("error")
    assert left["version"] > mine


@pytest.mark.pg
def test_the_promise_sweep_takes_the_account_before_its_promises(pg_backend: Backend) -> None:
    """A push that decides a promise holds the account, then writes the promise row. The
    sweep wrote the promise rows first and then waited for their accounts: against such a
    push, a deadlock. It now locks the accounts first; the push's decision stands and the
    sweep, finding the promise decided, leaves it."""
    with pg_backend.sessions.begin() as session:
        promise = session.scalars(
            select(PromiseRow)
            .where(PromiseRow.status == PromiseStatus.OPEN.value)
            .order_by(PromiseRow.event_id)
        ).first()
        assert promise is not None, "the seeded book has open promises"
        promise.due_date = date(2020, 1, 2)  # long past: the sweep decides it
        account_id, promise_id = promise.account_id, promise.event_id

    def push_decides(writer: Session) -> None:
        writer.execute(
            update(PromiseRow)
            .where(PromiseRow.event_id == promise_id)
            .values(status=PromiseStatus.KEPT.value, decided_at=datetime.now(UTC))
        )

    mine, left = _job_against_a_writer(
        pg_backend,
        account_id,
        lambda session: evaluate_due(session, datetime.now(UTC), grace_days=0),
        push_decides,
    )
    assert "error" not in left, left.get("error")
    assert left["version"] > mine  # the sweep followed the push
    with pg_backend.sessions() as session:
        assert session.get_one(PromiseRow, promise_id).status == PromiseStatus.KEPT.value
