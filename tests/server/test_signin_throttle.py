"""Nobody can lock another user out: the throttle counts per (user, address) and per address,
a known device waits a short progressive delay instead of a lock, and concurrent tries
cannot outrun the limit. Each client binds its own loopback source address (127.0.0.x)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.server.conftest import BACKENDS, Backend, running_backend
from workstation.server.models import AuditEntry, LoginAttempt
from workstation.server.settings import Settings

LIMIT_PAIR, LIMIT_ADDRESS = 3, 8


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def login_from(
    backend: Backend, address: str, username: str, password: str, client_id: str
) -> Answer:
    """POST /auth/login over a connection whose source address is ``address``."""
    url = urlsplit(backend.base)
    assert url.hostname is not None
    connection = http.client.HTTPConnection(
        url.hostname, url.port, timeout=60, source_address=(address, 0)
    )
    try:
        body = {"username": username, "password": password, "client_id": client_id}
        connection.request(
            "POST",
            "/api/v1/auth/login",
            body=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            json.loads(response.read()),
        )
    finally:
        connection.close()


@pytest.fixture(scope="module", params=BACKENDS)
def strict(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    def settings(url: str) -> Settings:
        return Settings(
            db_url=url,
            login_max_failures_user=LIMIT_PAIR,
            login_max_failures_address=LIMIT_ADDRESS,
        )

    with running_backend(
        request.param, tmp_path_factory, accounts=10, settings=settings
    ) as backend:
        yield backend


def _collectors(backend: Backend) -> list[str]:
    return [u.username for u in backend.report.users if u.role in ("agent", "field", "lead")]


def _age_failures(backend: Backend, username: str, by: timedelta) -> None:
    """Time passes for this user's recorded attempts (instead of sleeping)."""
    with backend.sessions.begin() as session:
        for attempt in session.scalars(
            select(LoginAttempt).where(LoginAttempt.username == username)
        ):
            attempt.at = attempt.at - by


def test_wrong_passwords_from_elsewhere_do_not_lock_the_user_out(strict: Backend) -> None:
    victim = _collectors(strict)[0]
    for _ in range(LIMIT_PAIR + 2):
        login_from(strict, "127.0.0.11", victim, "guess", "attacker-device-1")
    refused = login_from(strict, "127.0.0.11", victim, "demo", "attacker-device-1")
    assert refused.status == 429, "the guesser's own address is throttled"
    mine = login_from(strict, "127.0.0.12", victim, "demo", f"{victim}-laptop-1")
    assert mine.status == 200, mine.body


def test_a_known_device_waits_a_progressive_delay_instead_of_a_lock(strict: Backend) -> None:
    user = _collectors(strict)[1]
    device, address = f"{user}-desk-1", "127.0.0.21"
    assert login_from(strict, address, user, "demo", device).status == 200
    for _ in range(LIMIT_PAIR):
        assert login_from(strict, address, user, "typo", device).status == 401
    delayed = login_from(strict, address, user, "demo", device)
    assert delayed.status == 429
    first_wait = int(delayed.headers["retry-after"])
    assert 1 <= first_wait <= 2, "a short delay, not the 15-minute window"
    # an unknown device from the same address gets the lock
    stranger = login_from(strict, address, user, "demo", "never-seen-device")
    assert stranger.status == 429
    assert int(stranger.headers["retry-after"]) > 60
    # the delay passes; one more typo doubles it
    _age_failures(strict, user, timedelta(seconds=first_wait))
    assert login_from(strict, address, user, "typo", device).status == 401
    second = login_from(strict, address, user, "demo", device)
    assert second.status == 429
    assert int(second.headers["retry-after"]) >= 2 * first_wait - 1
    _age_failures(strict, user, timedelta(seconds=int(second.headers["retry-after"])))
    assert login_from(strict, address, user, "demo", device).status == 200
    # a success resets the pair: a typo now is just a 401
    assert login_from(strict, address, user, "typo", device).status == 401


def test_concurrent_wrong_passwords_get_exactly_the_limit(strict: Backend) -> None:
    user = _collectors(strict)[2]
    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(
            pool.map(
                lambda i: login_from(strict, "127.0.0.31", user, f"wrong-{i}", f"burst-{i:04d}"),
                range(30),
            )
        )
    statuses = sorted(a.status for a in answers)
    assert statuses.count(401) == LIMIT_PAIR, statuses
    assert statuses.count(429) == 30 - LIMIT_PAIR, statuses


def test_the_address_limit_stops_a_sprayer(strict: Backend) -> None:
    users = _collectors(strict)
    sprayed = 0
    for index in range(LIMIT_ADDRESS):
        sprayed += (
            login_from(
                strict, "127.0.0.41", users[index % len(users)], "Spring2026!", "spray-device-1"
            ).status
            == 401
        )
    assert sprayed == LIMIT_ADDRESS
    refused = login_from(strict, "127.0.0.41", users[-1], "demo", "spray-device-2")
    assert refused.status == 429
    assert "address" in refused.body["message"]


def test_lock_outs_are_audited(strict: Backend) -> None:
    user = _collectors(strict)[3]
    for _ in range(LIMIT_PAIR):
        login_from(strict, "127.0.0.51", user, "nope", "audit-dev-1")
    assert login_from(strict, "127.0.0.51", user, "nope", "audit-dev-1").status == 429
    with strict.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "auth.login_throttled", AuditEntry.entity_id == user
            )
        ).all()
    assert len(entries) == 1
    assert entries[0].detail["address"] == "127.0.0.51"


def test_forwarded_for_from_loopback_does_not_change_the_address(strict: Backend) -> None:
    """The embedded server is nobody's proxy: X-Forwarded-For must not pick the address."""
    user = _collectors(strict)[4]
    url = urlsplit(strict.base)
    for index in range(LIMIT_PAIR + 1):
        connection = http.client.HTTPConnection(
            url.hostname or "", url.port, timeout=60, source_address=("127.0.0.61", 0)
        )
        connection.request(
            "POST",
            "/api/v1/auth/login",
            body=json.dumps({"username": user, "password": "x", "client_id": "fwd-device-1"}),
            headers={"Content-Type": "application/json", "X-Forwarded-For": f"10.9.9.{index}"},
        )
        status = connection.getresponse().status
        connection.close()
    assert status == 429
    with strict.sessions() as session:
        addresses = set(
            session.scalars(select(LoginAttempt.address).where(LoginAttempt.username == user))
        )
    assert "127.0.0.61" in addresses
    assert not any(a.startswith("10.9.9.") for a in addresses)
