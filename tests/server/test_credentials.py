"""Credentials: a password change or a disable ends every session (re-enabling revives none),
each user has a hash of their own, unknown user names cost as much as known ones, and the
token-signing secret can live outside the database."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import delete, select

from tests.server.conftest import Backend, running_backend
from workstation.server import security
from workstation.server.app import create_app
from workstation.server.db import make_engine, upgrade
from workstation.server.deps import AppState
from workstation.server.embedded import start_embedded
from workstation.server.models import ServerState, User
from workstation.server.settings import Settings


def _sign_in(base: str, username: str, password: str, client_id: str) -> requests.Response:
    return requests.post(
        base + "/api/v1/auth/login",
        json={"username": username, "password": password, "client_id": client_id},
        timeout=30,
    )


def _me(base: str, access: str) -> int:
    return requests.get(
        base + "/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"}, timeout=30
    ).status_code


def _refresh(base: str, refresh: str, client_id: str) -> int:
    return requests.post(
        base + "/api/v1/auth/refresh",
        json={"refresh_token": refresh, "client_id": client_id},
        timeout=30,
    ).status_code


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with running_backend("sqlite", tmp_path_factory, accounts=10) as backend:
        yield backend


def _agents(backend: Backend) -> list[str]:
    return [u.username for u in backend.report.users if u.role == "agent"]


@pytest.mark.parametrize("change", ["password", "disable"])
def test_a_password_change_or_disable_ends_every_session(small: Backend, change: str) -> None:
    username = _agents(small)[0 if change == "password" else 1]
    sessions = [
        _sign_in(small.base, username, "demo", f"{username}-{change}-{n}").json() for n in range(2)
    ]
    admin = small.login("admin")
    user_id = small.users[username].user_id
    patch = {"password": "a-new-password-1"} if change == "password" else {"active": False}
    assert (
        admin.http.patch(
            f"{small.base}/api/v1/admin/users/{user_id}", json=patch, timeout=30
        ).status_code
        == 200
    )
    for tokens, n in zip(sessions, range(2), strict=True):
        assert _me(small.base, tokens["access_token"]) == 401
        assert _refresh(small.base, tokens["refresh_token"], f"{username}-{change}-{n}") == 401
    if change == "disable":  # re-enabling revives none of the old sessions
        assert (
            admin.http.patch(
                f"{small.base}/api/v1/admin/users/{user_id}", json={"active": True}, timeout=30
            ).status_code
            == 200
        )
        for tokens, n in zip(sessions, range(2), strict=True):
            assert _me(small.base, tokens["access_token"]) == 401
            assert _refresh(small.base, tokens["refresh_token"], f"{username}-{change}-{n}") == 401
        assert _sign_in(small.base, username, "demo", f"{username}-{change}-0").status_code == 200
    else:
        assert _sign_in(small.base, username, "demo", f"{username}-{change}-0").status_code == 401
        again = _sign_in(small.base, username, "a-new-password-1", f"{username}-{change}-0")
        assert again.status_code == 200


def test_a_display_name_change_leaves_sessions_alone(small: Backend) -> None:
    username = _agents(small)[2]
    tokens = _sign_in(small.base, username, "demo", f"{username}-rename-1").json()
    admin = small.login("admin")
    user_id = small.users[username].user_id
    assert (
        admin.http.patch(
            f"{small.base}/api/v1/admin/users/{user_id}",
            json={"display_name": "Renamed"},
            timeout=30,
        ).status_code
        == 200
    )
    assert _me(small.base, tokens["access_token"]) == 200


def test_every_seeded_user_has_a_hash_of_their_own(small: Backend) -> None:
    with small.sessions() as session:
        hashes = list(session.scalars(select(User.password_hash)))
    assert len(hashes) == len(small.report.users) > 3
    assert len(set(hashes)) == len(hashes)
    # and every one of them has the cost of the stand-in an unknown user is checked against
    assert not any(security.needs_rehash(h) for h in hashes)


def test_unknown_user_names_take_as_long_as_known_ones(small: Backend) -> None:
    """Interleaved, median of many: a cheap hash for known users and a costly stand-in for
    unknown names (the old behaviour) differ ~20x; the same cost differs by noise only."""
    known, unknown = [], []
    username = _agents(small)[3] if len(_agents(small)) > 3 else _agents(small)[-1]
    for n in range(12):
        for name, into in ((username, known), (f"nobody-{n}", unknown)):
            started = time.perf_counter()
            answer = _sign_in(small.base, name, "wrong password", f"timing-device-{n:03d}")
            into.append(time.perf_counter() - started)
            assert answer.status_code in (401, 429)
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.33 < ratio < 3, (statistics.median(known), statistics.median(unknown))


def test_standard_profile_hashes_cost_the_same_for_known_and_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(security.PASSWORD_HASH_ENV, "standard")
    stored = security.hash_password("correct horse")
    assert not security.needs_rehash(stored)
    monkeypatch.setenv(security.PASSWORD_HASH_ENV, "fast")
    assert security.needs_rehash(stored), "a sign-in under another profile rehashes"
    monkeypatch.setenv(security.PASSWORD_HASH_ENV, "bogus")
    with pytest.raises(ValueError, match="must be one of"):
        security.hash_password("x")


def test_the_token_secret_can_come_from_a_file_outside_the_database(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path_factory.mktemp("secret")
    secret_file = folder / "token-secret"
    secret_file.write_text("s" * 48 + "\n")
    secret_file.chmod(0o600)
    url = f"sqlite:///{folder / 'server.db'}"
    monkeypatch.setenv("WORKSTATION_SERVER_TOKEN_SECRET_FILE", str(secret_file))
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            held = connection.execute(
                select(ServerState.value).where(ServerState.key == "token_secret")
            ).scalar()
        assert held is None, "a database made with an outside secret holds none"
        state = AppState.open(Settings.from_env(db_url=url), engine)
        assert state.token_secret == "s" * 48
    finally:
        engine.dispose()


def test_an_outside_secret_signs_tokens_and_the_database_copy_no_longer_works(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_backend("sqlite", tmp_path_factory, accounts=5) as backend:
        username = _agents(backend)[0]
        with backend.sessions() as session:
            in_database = session.get(ServerState, "token_secret")
            assert in_database is not None
            old_secret = in_database.value
        # a token the server signed under the database's secret, before the outside one
        before = _sign_in(backend.base, username, "demo", "database-secret-1").json()
        assert _me(backend.base, before["access_token"]) == 200
        monkeypatch.setenv("WORKSTATION_SERVER_TOKEN_SECRET", "e" * 40)
        server = start_embedded(
            backend.url, settings=Settings.from_env(db_url=backend.url), promise_interval=0
        )
        try:
            # ... is refused once the outside secret is set: the database copy signs nothing
            assert _me(server.url, before["access_token"]) == 401
            tokens = _sign_in(server.url, username, "demo", "outside-secret-1").json()
            assert _me(server.url, tokens["access_token"]) == 200
            assert (
                security.read_access_token("e" * 40, tokens["access_token"], security_now())
                is not None
            )
            assert (
                security.read_access_token(old_secret, tokens["access_token"], security_now())
                is None
            )
        finally:
            server.stop()
        # with the outside secret set, the database copy can go
        with backend.sessions.begin() as session:
            session.execute(delete(ServerState).where(ServerState.key == "token_secret"))
        assert create_app(Settings.from_env(db_url=backend.url), promise_interval=0) is not None


def test_a_short_outside_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSTATION_SERVER_TOKEN_SECRET", "short")
    with pytest.raises(ValueError, match="at least 32"):
        Settings.from_env().outside_token_secret()


def security_now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)
