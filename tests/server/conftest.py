"""Backend fixtures: a real uvicorn server on a loopback port over a real database.

``backend`` is module-scoped and parametrised: SQLite always, PostgreSQL when
``WORKSTATION_TEST_PG`` is set. Each PostgreSQL use gets its own schema (dropped after), so
test runs of several engineers on one database never see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import pg_url
from tests.pg_schema import drop_pg_schema, new_pg_schema
from workstation.domain.model import new_id
from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.embedded import EmbeddedServer, start_embedded
from workstation.server.seed import SeededUser, SeedReport, seed
from workstation.server.settings import Settings

PASSWORD = "demo"
BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


class Api:
    """A signed-in client: one ``requests.Session`` against the real server."""

    def __init__(self, base: str, username: str, client_id: str, tokens: dict[str, Any]) -> None:
        self.base = base
        self.username = username
        self.client_id = client_id
        self.tokens = tokens
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        self.seq = 0

    @property
    def user_id(self) -> str:
        return str(self.tokens["user"]["id"])

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self._send("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self._send("POST", path, json=body, **kw)

    def _send(self, method: str, path: str, **kw: Any) -> requests.Response:
        """One request; sent once more if the connection was reset, when that is safe as
        the product's client has it (DESIGN §5): a GET, or a POST with an Idempotency-Key.
        The server closes a keep-alive connection idle for 5 s, and a request sent on it
        just then is reset (a test that waited on a browser met it)."""
        try:
            return self.http.request(method, self.base + path, timeout=30, **kw)
        except requests.ConnectionError:
            if method != "GET" and "Idempotency-Key" not in kw.get("headers", {}):
                raise
            return self.http.request(method, self.base + path, timeout=30, **kw)

    def push(self, *mutations: dict[str, Any], key: str | None = None) -> requests.Response:
        body = {"client_id": self.client_id, "mutations": list(mutations)}
        return self.post(
            "/api/v1/sync/push", body, headers={"Idempotency-Key": key or uuid.uuid4().hex}
        )

    def mutation(
        self, kind: str, payload: dict[str, Any], base_version: int | None = None
    ) -> dict[str, Any]:
        self.seq += 1
        return {
            "mutation_id": new_id(),
            "client_seq": self.seq,
            "type": kind,
            "payload": payload,
            "base_version": base_version,
            "device_time": None,
        }

    def snapshot(self, page_size: int = 1000) -> dict[str, Any]:
        """Download the whole snapshot; return merged lists plus the last page's fields."""
        merged: dict[str, list[Any]] = {"customers": [], "accounts": [], "events": []}
        token = None
        while True:
            params: dict[str, Any] = {"page_size": page_size}
            if token:
                params["page_token"] = token
            response = self.get("/api/v1/sync/snapshot", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            for key, rows in merged.items():
                rows.extend(page[key])
            if page["complete"]:
                return {**page, **merged}
            token = page["next_page_token"]

    def changes(self, cursor: int, limit: int = 500) -> dict[str, Any]:
        response = self.get("/api/v1/sync/changes", params={"cursor": cursor, "limit": limit})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


@dataclass
class Backend:
    kind: str
    url: str
    server: EmbeddedServer
    sessions: sessionmaker[Session]
    report: SeedReport
    users: dict[str, SeededUser] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.server.url

    def login(self, username: str, password: str = PASSWORD, client_id: str | None = None) -> Api:
        client_id = client_id or f"dev-{username}-{uuid.uuid4().hex[:8]}"
        response = requests.post(
            self.base + "/api/v1/auth/login",
            json={
                "username": username,
                "password": password,
                "client_id": client_id,
                "device_name": "test laptop",
            },
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return Api(self.base, username, client_id, response.json())

    def of_role(self, role: str, team: str | None = None) -> list[SeededUser]:
        return [u for u in self.report.users if u.role == role and (team is None or u.team == team)]


@contextmanager
def fresh_database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database URL of the given kind (SQLite file or a new PG schema)."""
    if kind == "pg":
        base = pg_url()
        if not base:
            pytest.skip("PostgreSQL not configured (set WORKSTATION_TEST_PG)")
        name, url = new_pg_schema(base)
        try:
            yield url
        finally:
            drop_pg_schema(base, name)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "server.db"
        yield f"sqlite:///{path}"


@contextmanager
def migrated_database(
    kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """A fresh database of the given kind (``fresh_database``) with the schema, and its
    sessions (the engine disposed of afterwards): the URL and the sessionmaker."""
    with fresh_database(kind, tmp_path_factory) as url:
        upgrade(url)
        engine = make_engine(url, pool_size=2)
        try:
            yield url, make_sessionmaker(engine)
        finally:
            engine.dispose()


def start_backend(
    url: str,
    kind: str,
    *,
    accounts: int = 120,
    settings: Settings | None = None,
    teams: int = 2,
    as_of: datetime | None = None,
) -> Backend:
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    sessions = make_sessionmaker(engine)
    report = seed(sessions, accounts=accounts, teams=teams, agents=2, seed=7, password=PASSWORD,
                  as_of=as_of)  # fmt: skip
    settings = settings or Settings(db_url=url, login_max_failures_address=10_000)
    server = start_embedded(url, settings=settings, promise_interval=0)
    backend = Backend(kind, url, server, sessions, report)
    backend.users = {u.username: u for u in report.users}
    return backend


@contextmanager
def running_backend(
    kind: str,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    accounts: int = 120,
    settings: Callable[[str], Settings] | None = None,
    teams: int = 2,
    as_of: datetime | None = None,
) -> Iterator[Backend]:
    """A fresh ``kind`` database, seeded and served on loopback; stopped and disposed after.

    ``settings`` makes the server's settings from the database URL (default: the tests').
    ``as_of``: the instant the book is seeded as of (default: this hour), for a test whose
    result depends on the book's state (which accounts go to the field, their order).
    """
    with fresh_database(kind, tmp_path_factory) as url:
        started = start_backend(
            url,
            kind,
            accounts=accounts,
            settings=settings(url) if settings else None,
            teams=teams,
            as_of=as_of,
        )
        try:
            yield started
        finally:
            started.server.stop()
            started.sessions.kw["bind"].dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    with running_backend(request.param, tmp_path_factory) as started:
        yield started


@pytest.fixture(params=BACKENDS)
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """A backend of its own per test (60 accounts): for tests that move days or raise and
    settle strategy steps, whose traces a shared backend would carry into the next test. A
    module needing another size defines its own ``fresh``."""
    with running_backend(request.param, tmp_path_factory, accounts=60) as started:
        yield started
