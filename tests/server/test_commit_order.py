"""The cursor follows COMMIT order: a change committed late is never skipped by a reader.

Two writers on PostgreSQL commit in the reverse order of their start while a reader polls
``/sync/changes`` over loopback. The reader must end up with both events, and the late
committer must get the higher version even though it started first.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from tests.server.conftest import Backend, fresh_database, start_backend
from workstation.domain.model import new_id
from workstation.server.models import AccountRow, EventRow
from workstation.server.versioning import allocate, committed_version


@pytest.fixture(scope="module")
def pg_backend(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with fresh_database("pg", tmp_path_factory) as url:
        backend = start_backend(url, "pg", accounts=30)
        try:
            yield backend
        finally:
            backend.server.stop()
            backend.sessions.kw["bind"].dispose()


def _write_event(  # noqa: PLR0917
    backend: Backend,
    account: AccountRow,
    ready: threading.Event,
    go: threading.Event,
    allocate_first: bool,
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
        if allocate_first:
            event.server_version = allocate(session, 1)
        ready.set()
        go.wait(10)
        if not allocate_first:
            event.server_version = allocate(session, 1)
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
@pytest.mark.parametrize("allocate_first", [False, True], ids=["late-version", "early-version"])
def test_reader_never_skips_a_late_commit(pg_backend: Backend, allocate_first: bool) -> None:
    backend = pg_backend
    owner = backend.users["li.na"]
    with backend.sessions() as session:
        account = session.scalars(
            select(AccountRow).where(AccountRow.owner_id == owner.user_id).limit(1)
        ).one()
    versions: dict[str, int] = {}
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
        target=_write_event,
        args=(backend, account, first_ready, first_go, allocate_first, versions),
    )
    second = threading.Thread(
        target=_write_event,
        args=(backend, account, second_ready, second_go, allocate_first, versions),
    )
    first.start()
    assert first_ready.wait(10)  # writer 1 has started and written its row
    second.start()
    # with an early version, writer 2 is blocked on the counter lock until writer 1 commits
    assert second_ready.wait(0.5 if allocate_first else 10) or allocate_first
    second_go.set()  # writer 2, which started later, tries to commit first
    time.sleep(0.3)
    first_go.set()
    first.join(10)
    second.join(10)
    stop.set()
    reader.join(30)
    assert not reader.is_alive()
    assert len(versions) == 2
    assert set(versions) <= seen, "the reader skipped a change committed late"
    if not allocate_first:
        # started first, committed last → the higher version: versions follow commits
        first_id = min(versions, key=lambda k: versions[k])
        assert versions[first_id] < max(versions.values())
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
