"""Test-wide setup: offscreen Qt, a temporary profile and an in-memory keyring for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import HealthCheck, settings

from tests.keyring_memory import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# argon2's cheap profile for every user and unknown name (hundreds of sign-ins and seeded
# users); tests of the production cost set the variable themselves
os.environ.setdefault("WORKSTATION_SERVER_PASSWORD_HASH", "fast")

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def workstation_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own WORKSTATION_HOME; nothing reads or writes the real profile."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WORKSTATION_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def pg_url() -> str | None:
    """PostgreSQL URL for tests, or None (tests marked ``pg`` then skip)."""
    return os.environ.get("WORKSTATION_TEST_PG") or None


@pytest.fixture
def postgres_url() -> str:
    url = pg_url()
    if not url:
        pytest.skip("PostgreSQL not configured (set WORKSTATION_TEST_PG)")
    return url
