"""Server settings: plain values with defaults, overridable from ``WORKSTATION_SERVER_*``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from workstation.server.db import default_db_url


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=30)
    # failed sign-ins before 429: per user name and per remote address, inside the window
    login_window: timedelta = timedelta(minutes=15)
    login_max_failures_user: int = 5
    login_max_failures_address: int = 20
    max_body_bytes: int = 1_000_000
    max_blob_bytes: int = 20_000_000
    max_push_mutations: int = 500
    # device clock further than this from the server's → a warning, never a refusal
    clock_skew_warning: timedelta = timedelta(minutes=5)
    # a device that reported within this long counts as online in the team overview
    online_window: timedelta = timedelta(minutes=5)
    promise_grace_days: int = 3
    # removals/tombstones older than this are pruned; older cursors → resync required
    change_retention: timedelta = timedelta(days=90)
    pool_size: int = 10

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
        ):
            if os.environ.get(env):
                values[key] = _env_int(env, 0)
        values.update(overrides)
        return cls(**values)
