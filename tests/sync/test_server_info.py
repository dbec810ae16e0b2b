"""The server's change retention (``GET /sync/info``) reaches the local store and the field
banner, against the REAL backend on loopback — configured to keep 30 days, not the default
90, so a client that never asked (or stored the wrong thing) fails these tests.

"A server without the endpoint" is the real server asked for a path it does not have (the
transport renames the request), so its answer is the backend's own 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.server.conftest import Backend, running_backend
from tests.sync.conftest import Device, DeviceFactory
from tests.sync.faults import FaultProxy, Rule, session_with
from workstation.field.banner import DEFAULT_RETENTION, RETENTION_STATE_KEY, offline_facts
from workstation.server.retention import prune
from workstation.server.settings import Settings
from workstation.store import LAST_SYNC_AT
from workstation.sync import info
from workstation.sync.errors import DeviceRevokedError, ServerError

RETENTION_DAYS = 30  # the server under test; the client's default is 90
INFO = "/api/v1/sync/info"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The real backend, keeping (and announcing) 30 days of change history."""

    def settings(url: str) -> Settings:
        return Settings(
            db_url=url,
            login_max_failures_address=10_000,
            change_retention=timedelta(days=RETENTION_DAYS),
        )

    with running_backend("sqlite", tmp_path_factory, accounts=40, settings=settings) as started:
        yield started


class Transport(HTTPAdapter):
    """Counts the ``/sync/info`` requests; ``hide_info`` plays a server without the route."""

    def __init__(self, *, hide_info: bool = False) -> None:
        super().__init__(max_retries=0)
        self.hide_info = hide_info
        self.info_calls = 0
        self.info_statuses: list[int] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        asks = (request.path_url or "").startswith(INFO)
        if asks:
            self.info_calls += 1
            if self.hide_info:
                request.url = (request.url or "").replace(INFO, "/api/v1/sync/no-such-route")
        response = super().send(request, *args, **kwargs)
        if asks:
            self.info_statuses.append(response.status_code)
        return response


def _agent(backend: Backend, index: int = 0) -> str:
    return backend.of_role("agent", "sh-desk")[index].username


def _device(make_device: DeviceFactory, backend: Backend, transport: Transport) -> Device:
    return make_device(_agent(backend), http_session=session_with(transport))


def _last_sync(device: Device) -> datetime:
    return datetime.fromisoformat(device.store.get_state(LAST_SYNC_AT))


def test_sync_stores_the_servers_retention_and_the_banner_uses_it(
    backend: Backend, make_device: DeviceFactory
) -> None:
    transport = Transport()
    device = _device(make_device, backend, transport)
    assert device.store.get_state(RETENTION_STATE_KEY) is None
    report = device.sync()
    assert transport.info_statuses == [200]
    assert report.change_retention_days == RETENTION_DAYS
    assert device.store.get_state(info.RETENTION_KEY) == RETENTION_DAYS
    assert device.store.get_state(info.CHECKED_KEY)

    synced = _last_sync(device)
    warned = offline_facts(device.store, synced + timedelta(days=RETENTION_DAYS - 3))
    assert warned.retention == timedelta(days=RETENTION_DAYS)
    assert warned.level == "warning"  # with the 90-day default this would be "info"
    assert "sync within 3 days" in warned.text.en
    assert f"keeps changes {RETENTION_DAYS} days" in warned.text.en
    assert f"保留变更{RETENTION_DAYS}天" in warned.text.zh
    gone = offline_facts(device.store, synced + timedelta(days=RETENTION_DAYS + 1))
    assert gone.level == "danger"
    assert f"({RETENTION_DAYS} days)" in gone.text.en
    assert f"（{RETENTION_DAYS}天）" in gone.text.zh


def test_asked_at_most_daily_and_a_shortened_retention_is_picked_up(
    backend: Backend, make_device: DeviceFactory
) -> None:
    transport = Transport()
    device = _device(make_device, backend, transport)
    device.sync()
    assert transport.info_calls == 1
    again = device.sync()
    assert transport.info_calls == 1  # the answer is less than a day old: not asked
    assert again.change_retention_days is None
    assert device.store.get_state(RETENTION_STATE_KEY) == RETENTION_DAYS

    now = datetime.now(UTC)
    with backend.sessions.begin() as session:  # the operator: prune --keep-days 12
        prune(session, timedelta(days=12), now)
    try:
        device.sync()
        assert transport.info_calls == 1  # still cached: a day-old value is good enough
        day_old = (now - info.REFRESH_AFTER - timedelta(minutes=1)).isoformat()
        device.store.set_state(info.CHECKED_KEY, day_old)
        report = device.sync()
        assert transport.info_calls == 2
        assert report.change_retention_days == 12
        assert device.store.get_state(RETENTION_STATE_KEY) == 12
        assert offline_facts(device.store, now + timedelta(days=13)).level == "danger"
    finally:
        with backend.sessions.begin() as session:  # back to the configured 30 days
            prune(session, timedelta(days=RETENTION_DAYS), now)


def test_a_server_without_the_endpoint_keeps_the_default(
    backend: Backend, make_device: DeviceFactory
) -> None:
    transport = Transport(hide_info=True)
    device = _device(make_device, backend, transport)
    report = device.sync()  # completes
    assert transport.info_statuses == [404]  # the real server's own "no such route"
    assert report.change_retention_days is None
    assert report.cursor is not None
    assert device.accounts()
    assert device.store.get_state(RETENTION_STATE_KEY) is None
    facts = offline_facts(device.store, _last_sync(device) + timedelta(days=RETENTION_DAYS + 1))
    assert facts.retention == DEFAULT_RETENTION
    assert facts.level == "info"  # 31 days is fine under the 90-day default
    device.sync()
    assert transport.info_calls == 1  # an older server is asked again tomorrow, not each sync


def test_a_server_without_the_endpoint_keeps_the_last_known_value(
    backend: Backend, make_device: DeviceFactory
) -> None:
    transport = Transport()
    device = _device(make_device, backend, transport)
    device.sync()
    assert device.store.get_state(RETENTION_STATE_KEY) == RETENTION_DAYS
    transport.hide_info = True  # the server was rolled back to a version without it
    device.store.set_state(info.CHECKED_KEY, None)
    report = device.sync()
    assert transport.info_statuses == [200, 404]
    assert report.change_retention_days is None
    assert device.store.get_state(RETENTION_STATE_KEY) == RETENTION_DAYS


@pytest.fixture
def proxy(backend: Backend) -> Iterator[FaultProxy]:
    started = FaultProxy(backend.base)
    yield started
    started.stop()


@pytest.mark.parametrize(
    "rule",
    [
        Rule("GET", INFO, "status", times=10, status=503, retry_after="0"),
        Rule("GET", INFO, "status", times=10, status=500),
        Rule("GET", INFO, "truncate"),
        Rule("GET", INFO, "drop_response", times=10),
        Rule("GET", INFO, "rewrite", rewrite=lambda d: {**d, "change_retention_days": "ninety"}),
        Rule("GET", INFO, "rewrite", rewrite=lambda d: {**d, "change_retention_days": 0}),
        Rule("GET", INFO, "rewrite", rewrite=lambda d: {**d, "change_retention_days": True}),
        Rule("GET", INFO, "rewrite", rewrite=lambda d: {"retained_from": 0}),
    ],
    ids=["busy", "error", "truncated", "lost", "text", "zero", "bool", "missing"],
)
def test_a_bad_answer_keeps_the_last_known_value_and_the_sync_completes(
    backend: Backend, make_device: DeviceFactory, proxy: FaultProxy, rule: Rule
) -> None:
    device = make_device(_agent(backend, 1))
    device.api.http.base_url = proxy.url  # same server, reached through the proxy
    device.store.set_state(RETENTION_STATE_KEY, 45)  # from an earlier sync
    proxy.add(rule)
    report = device.sync()
    assert rule.hits >= 1
    assert report.cursor is not None
    assert report.finished_at is not None
    assert report.change_retention_days is None
    assert device.store.get_state(RETENTION_STATE_KEY) == 45


# --- the rules of asking, without a server ---------------------------------------------------


class _State:
    def __init__(self, **values: Any) -> None:
        self.values = dict(values)

    def get_state(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_state(self, key: str, value: Any) -> None:
        self.values[key] = value

    def set_states(self, values: dict[str, Any]) -> None:
        self.values.update(values)


def test_due_when_missing_old_or_from_the_future() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    at = lambda delta: _State(**{info.CHECKED_KEY: (now + delta).isoformat()})  # noqa: E731
    assert info.due(_State(), now)  # type: ignore[arg-type]
    assert info.due(_State(**{info.CHECKED_KEY: "yesterday"}), now)  # type: ignore[arg-type]
    assert not info.due(at(-timedelta(hours=23)), now)  # type: ignore[arg-type]
    assert info.due(at(-timedelta(days=1)), now)  # type: ignore[arg-type]
    assert info.due(at(timedelta(hours=2)), now)  # type: ignore[arg-type]  # clock moved back


def test_a_revoked_device_is_not_hidden_by_the_info_call() -> None:
    class Revoked:
        def call(self, method: str, path: str, **_kw: Any) -> dict[str, Any]:
            raise DeviceRevokedError("revoked")

    class Missing:
        def call(self, method: str, path: str, **_kw: Any) -> dict[str, Any]:
            raise ServerError(404, "not_found", "Not Found", {})

    state = _State(**{info.RETENTION_KEY: 60})
    with pytest.raises(DeviceRevokedError):
        info.refresh(state, Revoked(), datetime.now(UTC))  # type: ignore[arg-type]
    assert info.refresh(state, Missing(), datetime.now(UTC)) is None  # type: ignore[arg-type]
    assert state.values[info.RETENTION_KEY] == 60
