"""Sync fixtures: the REAL backend on a loopback port (SQLite), and device factories.

A ``Device`` is one collector's laptop: its own store file, its own ``ApiSession`` with its
own device id, and a ``SyncEngine``. Fault injection wraps the transport AROUND the real
server (``tests/sync/faults.py``); the server is never mocked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import PASSWORD, Backend, running_backend
from tests.sync.faults import FaultProxy
from workstation.domain.model import Event, new_id, utcnow
from workstation.store import Store
from workstation.sync.engine import SyncEngine, SyncProgress, SyncReport
from workstation.sync.http import HttpSettings
from workstation.sync.session import ApiSession

FAST = HttpSettings(connect_timeout=2.0, read_timeout=20.0, retries=2, backoff_factor=0.01,
                    backoff_max=0.05, retry_after_cap=0.2)  # fmt: skip


@dataclass
class Device:
    username: str
    store: Store
    api: ApiSession
    engine: SyncEngine
    path: Path

    def sync(self, progress: SyncProgress | None = None) -> SyncReport:
        return self.engine.sync(progress)

    def accounts(self) -> list[str]:
        return sorted(r.account_id for r in self.store.queue_rows(include_closed=True))

    def note(self, account_id: str, text: str = "visited, nobody home") -> Event:
        detail = self.store.load_account(account_id)
        assert detail is not None
        event = Event(
            id=new_id(), type="note", account_id=account_id,  # type: ignore[arg-type]
            customer_id=detail.account.customer_id, occurred_at=utcnow(),
            recorded_by=self.username, payload={"text": text},
        )  # fmt: skip
        from workstation.domain.enums import EventType

        event.type = EventType.NOTE
        self.store.record_event(event, device_id=self.api.device_id)
        return event

    def close(self) -> None:
        self.api.close()
        self.store.close()


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=120) as started:
        yield started


DeviceFactory = Callable[..., Device]


@pytest.fixture
def make_device(tmp_path: Path, backend: Backend) -> Iterator[DeviceFactory]:
    made: list[Device] = []

    def make(
        username: str,
        *,
        http_session: Any = None,
        settings: HttpSettings = FAST,
        sign_in: bool = True,
        device_id: str | None = None,
        key: str | None = None,
        **engine_kw: Any,
    ) -> Device:
        from workstation.sync.http import HttpClient

        device_id = device_id or f"dev-{username}-{uuid.uuid4().hex[:8]}"
        path = tmp_path / f"{device_id}.db"
        store = Store.open(path, key=key)
        http = HttpClient(backend.base, settings, session=http_session)
        api = ApiSession(backend.base, device_id, http=http)
        if sign_in:
            api.sign_in(username, PASSWORD)
        engine = SyncEngine(store, api, staging_path=tmp_path / f"{device_id}.staging.db",
                            staging_key=key, **engine_kw)  # fmt: skip
        device = Device(username, store, api, engine, path)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()


@pytest.fixture
def proxy(backend: Backend) -> Iterator[FaultProxy]:
    """A fault proxy in front of the module's backend (``via_proxy`` routes a device by it)."""
    started = FaultProxy(backend.base)
    yield started
    started.stop()


def via_proxy(make_device: DeviceFactory, proxy: FaultProxy, username: str, **kw: Any) -> Device:
    """A device whose sync calls go through ``proxy``; its sign-in and token renewals do not
    (a fault meant for sync must not end the session)."""
    device = make_device(username, **kw)
    device.api.http.base_url = proxy.url  # same server, reached through the proxy
    device.api.http.session.mount(
        proxy.url + "/api/v1/auth/",
        device.api.http.session.get_adapter(proxy.url + "/api/v1/auth/x"),
    )
    return device
