"""Sign-in, rotating refresh tokens, sign-out, device revocation (wipe), throttling, audit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select

from tests.server.conftest import Backend, running_backend
from workstation.server.models import AuditEntry, RefreshToken
from workstation.server.security import token_hash
from workstation.server.settings import Settings


def _login(base: str, username: str, password: str, client_id: str) -> requests.Response:
    return requests.post(
        base + "/api/v1/auth/login",
        json={"username": username, "password": password, "client_id": client_id,
              "device_name": "laptop"},
        timeout=30,
    )  # fmt: skip


def _refresh(base: str, token: str, client_id: str) -> requests.Response:
    return requests.post(
        base + "/api/v1/auth/refresh",
        json={"refresh_token": token, "client_id": client_id},
        timeout=30,
    )


def _me(base: str, access: str) -> requests.Response:
    return requests.get(
        base + "/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"}, timeout=30
    )


def test_login_returns_short_access_and_device_bound_refresh(backend: Backend) -> None:
    response = _login(backend.base, "li.na", "demo", "client-aaaa-1")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 3600
    assert body["device_id"] == "client-aaaa-1"
    assert body["user"]["role"] == "agent"
    assert _me(backend.base, body["access_token"]).json()["username"] == "li.na"
    with backend.sessions() as session:  # only a hash of the refresh token is stored
        stored = session.scalars(
            select(RefreshToken).where(RefreshToken.device_id == "client-aaaa-1")
        ).all()
        assert stored
        assert all(t.token_hash != body["refresh_token"] for t in stored)
        assert any(t.token_hash == token_hash(body["refresh_token"]) for t in stored)
        assert session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "auth.login", AuditEntry.device_id == "client-aaaa-1"
            )
        )


def test_wrong_password_and_unknown_user_look_the_same(backend: Backend) -> None:
    wrong = _login(backend.base, "li.na", "nope", "client-bbbb-1")
    nobody = _login(backend.base, "no.such.user", "nope", "client-bbbb-1")
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()


def test_refresh_rotates_and_reuse_ends_the_chain(backend: Backend) -> None:
    body = _login(backend.base, "chen.jie", "demo", "client-cccc-1").json()
    first = body["refresh_token"]
    rotated = _refresh(backend.base, first, "client-cccc-1")
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first
    assert _me(backend.base, second["access_token"]).status_code == 200
    # someone replays the old refresh token: the whole device chain ends
    replay = _refresh(backend.base, first, "client-cccc-1")
    assert replay.status_code == 401
    assert replay.json()["error"] == "refresh_token_reused"
    assert _refresh(backend.base, second["refresh_token"], "client-cccc-1").status_code == 401
    ended = _me(backend.base, second["access_token"])
    assert ended.status_code == 401
    assert ended.json()["error"] == "signed_out"
    # a refresh token presented for another device is refused
    other = _login(backend.base, "chen.jie", "demo", "client-cccc-2").json()
    assert _refresh(backend.base, other["refresh_token"], "client-cccc-1").status_code == 401


def test_logout_ends_tokens(backend: Backend) -> None:
    body = _login(backend.base, "li.na", "demo", "client-dddd-1").json()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    out = requests.post(backend.base + "/api/v1/auth/logout", headers=headers, timeout=30)
    assert out.status_code == 200
    assert _me(backend.base, body["access_token"]).status_code == 401
    assert _refresh(backend.base, body["refresh_token"], "client-dddd-1").status_code == 401
    # signing in again on the same device works
    assert _login(backend.base, "li.na", "demo", "client-dddd-1").status_code == 200


def test_admin_revocation_tells_the_device_to_wipe(backend: Backend) -> None:
    body = _login(backend.base, "li.na", "demo", "client-eeee-1").json()
    admin = backend.login("admin")
    assert admin.post("/api/v1/admin/devices/client-eeee-1/revoke").status_code == 200
    for response in (
        _me(backend.base, body["access_token"]),
        requests.get(backend.base + "/api/v1/sync/changes", params={"cursor": 0},
                     headers={"Authorization": f"Bearer {body['access_token']}"}, timeout=30),
        _refresh(backend.base, body["refresh_token"], "client-eeee-1"),
        _login(backend.base, "li.na", "demo", "client-eeee-1"),
    ):  # fmt: skip
        assert response.status_code == 401
        assert response.json()["error"] == "device_revoked"
        assert response.json()["wipe"] is True


def test_garbage_and_missing_tokens(backend: Backend) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic x"}):
        response = requests.get(backend.base + "/api/v1/auth/me", headers=headers, timeout=30)
        assert response.status_code == 401
        assert response.json()["error"] in ("not_authenticated", "invalid_token")


def test_device_of_another_user_is_refused(backend: Backend) -> None:
    assert _login(backend.base, "li.na", "demo", "client-ffff-1").status_code == 200
    clash = _login(backend.base, "chen.jie", "demo", "client-ffff-1")
    assert clash.status_code == 409


@pytest.fixture(scope="module")
def strict_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    def settings(url: str) -> Settings:
        return Settings(db_url=url, login_max_failures_user=3, login_max_failures_address=6)

    with running_backend("sqlite", tmp_path_factory, accounts=10, settings=settings) as backend:
        yield backend


def test_failed_sign_ins_are_throttled_per_user_and_per_address(strict_backend: Backend) -> None:
    base = strict_backend.base
    for _ in range(3):
        assert _login(base, "li.na", "wrong", "client-gggg-1").status_code == 401
    blocked = _login(base, "li.na", "demo", "client-gggg-1")  # even the right password
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.json()["error"] == "too_many_attempts"
    # another user from the same address still may, until the address limit
    assert _login(base, "chen.jie", "demo", "client-gggg-2").status_code == 200
    for _ in range(3):
        _login(base, "liu.yang", "wrong", "client-gggg-3")
    by_address = _login(base, "zhao.min", "demo", "client-gggg-4")
    assert by_address.status_code == 429
    assert "address" in by_address.json()["message"]
