"""``kill -9`` at random moments: local writes and pulls are all-or-nothing.

The writer is a forked child (cheap, so hundreds of trials fit in seconds) SIGKILLed after a
random delay; the parent then opens the store and checks the invariants.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from select import select as wait_readable

import pytest
from sqlalchemy import func, select

from tests.server.conftest import Backend
from tests.sync.conftest import DeviceFactory
from workstation.domain.enums import EventType
from workstation.domain.model import Event, new_id, utcnow
from workstation.server.models import AccountRow, EventRow
from workstation.store import CURSOR, Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL"),
]
KEY = "ab" * 32


def _fork(child: Callable[[], None]) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with server threads alive
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            child()
        finally:
            os._exit(0)
    return pid


def _kill(pid: int, delay: float) -> None:
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_kill_during_local_writes_keeps_change_and_outbox_together(
    backend: Backend, make_device: DeviceFactory, tmp_path: Path
) -> None:
    device = make_device(backend.of_role("agent")[0].username, key=KEY)
    device.sync()
    accounts = device.accounts()[:5]
    customers = {a: device.store.load_account(a).account.customer_id for a in accounts}  # type: ignore[union-attr]
    device.store.close()
    path = device.path
    rng = random.Random(5)

    def writer(ready: int) -> Callable[[], None]:
        def run() -> None:
            store = Store.open(path, key=KEY)
            i = 0
            while True:
                account = accounts[i % len(accounts)]
                store.record_event(
                    Event(id=new_id(), type=EventType.NOTE, account_id=account,
                          customer_id=customers[account], occurred_at=utcnow(),
                          recorded_by="crash", payload={"text": f"note {i}"}),
                    device_id="crash-test",
                )  # fmt: skip
                if i == 0:
                    os.write(ready, b"1")  # writing has begun: the kill lands mid-stream
                i += 1

        return run

    trials = 100  # a count, not a time budget: a busy machine takes longer, never fewer
    done = 0
    for _ in range(trials):
        read_end, write_end = os.pipe()
        pid = _fork(writer(write_end))
        os.close(write_end)
        try:
            # Opening an encrypted store can take longer than the kill window on a busy
            # machine; wait until the child writes, so every trial kills during writes.
            wait_readable([read_end], [], [], 10)
        finally:
            os.close(read_end)
            _kill(pid, rng.uniform(0.0, 0.05))  # never leave a writer running
        done += 1
    store = Store.open(path, key=KEY)
    try:
        with store.read() as connection:
            events = {
                r[0]
                for r in connection.exec_driver_sql(
                    "SELECT id FROM events WHERE recorded_by = 'crash'"
                )
            }
            outbox = {
                r[0]
                for r in connection.exec_driver_sql(
                    "SELECT json_extract(payload, '$.id') FROM outbox WHERE device_id = 'crash-test'"
                )
            }
            seqs = [r[0] for r in connection.exec_driver_sql("SELECT client_seq FROM outbox")]
    finally:
        store.close()
    assert done == trials
    assert events, "the writer never got to write"
    assert events == outbox  # every change has its outbox row and vice versa
    assert seqs == sorted(seqs)
    assert len(seqs) == len(set(seqs))


def test_kill_during_pull_never_moves_cursor_ahead_of_data(
    backend: Backend, make_device: DeviceFactory
) -> None:
    username = backend.of_role("agent")[1].username
    device = make_device(username, key=KEY, pull_limit=7)
    device.sync()
    writer = backend.login(username)
    account_ids = device.accounts()
    for i in range(120):
        writer.push(writer.mutation("event.create", {"id": new_id(), "type": "note",
            "account_id": account_ids[i % len(account_ids)], "occurred_at": utcnow().isoformat(),
            "payload": {"text": f"desk note {i}"}}))  # fmt: skip
    device.store.close()
    path = device.path
    rng = random.Random(9)
    base, http_settings = device.api.server_url, device.api.http.settings
    token = device.api.http.access_token  # the device's session: no sign-in per trial

    def puller(ready: int) -> Callable[[], None]:
        def run() -> None:
            from workstation.sync.engine import Phase, ProgressView, SyncEngine, SyncProgress
            from workstation.sync.http import HttpClient
            from workstation.sync.session import ApiSession

            store = Store.open(path, key=KEY)
            api = ApiSession(base, device.api.device_id, http=HttpClient(base, http_settings))
            api.http.access_token = token
            api._expires_at = float("inf")

            told = []

            def pulling(view: ProgressView) -> None:
                if view.phase is Phase.PULL and view.done >= 1 and not told:  # a page applied
                    told.append(os.write(ready, b"1"))

            engine = SyncEngine(store, api, staging_path=path.with_suffix(".stage"))
            engine.sync(SyncProgress(pulling))

        return run

    previous = -1
    for _ in range(8):
        read_end, write_end = os.pipe()
        pid = _fork(puller(write_end))
        os.close(write_end)
        try:
            # kill while pages are being fetched and applied, not while the child starts up
            wait_readable([read_end], [], [], 15)
        finally:
            os.close(read_end)
            _kill(pid, rng.uniform(0.0, 0.3))
        store = Store.open(path, key=KEY)
        try:
            cursor = int(store.get_state(CURSOR))
            with store.read() as connection:
                local = {r[0] for r in connection.exec_driver_sql("SELECT id FROM events")}
        finally:
            store.close()
        with backend.sessions() as session:
            owner = backend.users[username].user_id
            expected = set(
                session.scalars(
                    select(EventRow.id)
                    .join(AccountRow, AccountRow.id == EventRow.account_id)
                    .where(AccountRow.owner_id == owner, EventRow.server_version <= cursor)
                )
            )
            top = session.scalar(select(func.max(EventRow.server_version)))
        assert expected <= local, f"cursor {cursor} ran ahead of {len(expected - local)} events"
        assert cursor >= previous
        previous = cursor
        if top is not None and cursor >= top:
            break
