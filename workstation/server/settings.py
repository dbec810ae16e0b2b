"""Server settings: plain values with defaults, overridable from ``WORKSTATION_SERVER_*``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from workstation.paths import server_data_dir

TOKEN_SECRET_ENV = "WORKSTATION_SERVER_TOKEN_SECRET"
TOKEN_SECRET_FILE_ENV = "WORKSTATION_SERVER_TOKEN_SECRET_FILE"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def default_db_url() -> str:
    """The embedded server's SQLite file in the server's data directory."""
    return f"sqlite:///{server_data_dir() / 'server.db'}"


def cli_db_url(given: str | None) -> str:
    """The database a ``workstation-server`` command works on: ``--db``, else
    ``WORKSTATION_SERVER_DB``, else the embedded default."""
    return given or os.environ.get("WORKSTATION_SERVER_DB") or default_db_url()


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=30)
    # failed sign-ins before 429 (see ``throttle``): per (user name, remote address) since
    # that pair's last success, and per remote address, inside the window
    login_window: timedelta = timedelta(minutes=15)
    login_max_failures_user: int = 5
    login_max_failures_address: int = 20
    # a known device past a limit waits this after the latest failure, doubling, up to the max
    login_delay_base: timedelta = timedelta(seconds=1)
    login_delay_max: timedelta = timedelta(seconds=60)
    max_body_bytes: int = 1_000_000
    max_blob_bytes: int = 20_000_000
    max_push_mutations: int = 500
    # per-user quotas (``quota``): bytes of documents stored, mutations pushed
    blob_quota_bytes: int = 1_000_000_000
    push_per_minute: int = 3000
    push_burst: int = 5000
    # device clock further than this from the server's → a warning, never a refusal
    clock_skew_warning: timedelta = timedelta(minutes=5)
    # a device that reported within this long counts as online in the team overview
    online_window: timedelta = timedelta(minutes=5)
    promise_grace_days: int = 3
    # a confirmed payment confirms a reported one of the same amount within this many days of
    # its date; a reported payment unmatched this long after its date goes to review
    payment_match_days: int = 7
    # removals/tombstones older than this are pruned; older cursors → resync required
    change_retention: timedelta = timedelta(days=90)
    pool_size: int = 10
    # a connection whose request line and headers are not complete by then is closed
    header_timeout: float = 10.0
    # the interactive API docs (/docs, /redoc); the schema (/openapi.json) is always served
    api_docs: bool = False
    # a bearer token Prometheus must send for /metrics (empty: loopback callers only)
    metrics_token: str = ""
    # the access-token signing secret from outside the database (``outside_token_secret``)
    token_secret: str = ""
    token_secret_file: str = ""

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then ``WORKSTATION_SERVER_*`` variables, then ``overrides``."""
        values: dict[str, Any] = {}
        db = os.environ.get("WORKSTATION_SERVER_DB")
        if db:
            values["db_url"] = db
        for key, env in (
            ("max_body_bytes", "WORKSTATION_SERVER_MAX_BODY"),
            ("pool_size", "WORKSTATION_SERVER_POOL"),
            ("login_max_failures_user", "WORKSTATION_SERVER_LOGIN_MAX_USER"),
            ("login_max_failures_address", "WORKSTATION_SERVER_LOGIN_MAX_ADDRESS"),
            ("payment_match_days", "WORKSTATION_SERVER_PAYMENT_MATCH_DAYS"),
        ):
            if os.environ.get(env):
                values[key] = _env_int(env, 0)
        if os.environ.get("WORKSTATION_SERVER_API_DOCS"):
            values["api_docs"] = os.environ["WORKSTATION_SERVER_API_DOCS"].lower() in (
                "1",
                "true",
                "yes",
                "on",
            )
        for key, env in (
            ("metrics_token", "WORKSTATION_SERVER_METRICS_TOKEN"),
            ("token_secret", TOKEN_SECRET_ENV),
            ("token_secret_file", TOKEN_SECRET_FILE_ENV),
        ):
            if os.environ.get(env):
                values[key] = os.environ[env]
        values.update(overrides)
        return cls(**values)

    def outside_token_secret(self) -> str | None:
        """The signing secret kept outside the database, or None (then the database's).

        ``WORKSTATION_SERVER_TOKEN_SECRET`` or, better (environments leak into process
        listings and crash reports), ``WORKSTATION_SERVER_TOKEN_SECRET_FILE`` naming a file
        readable by the server only. Every process of one deployment must use the same one.
        """
        secret = self.token_secret
        if not secret and self.token_secret_file:
            secret = Path(self.token_secret_file).read_text(encoding="utf-8").strip()
        if not secret:
            return None
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters (256 random bits)")
        return secret
