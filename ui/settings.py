"""User settings: a versioned JSON file at ``paths.settings_path()``. Never holds secrets.

Plain Python (no Qt). ``SCHEMA_VERSION`` rises when a field changes meaning; ``_MIGRATIONS``
turns each older shape into the next, so an old profile keeps working after an upgrade.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from workstation import paths

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
LANGUAGES = ("en", "zh_CN")
THEMES = ("light", "dark")
_SECRET_WORDS = ("password", "token", "secret", "passphrase")


@dataclass
class Settings:
    schema_version: int = SCHEMA_VERSION
    server_url: str = "https://collect.example.com"
    ca_bundle: str = ""
    proxy: str = ""
    language: str = "en"
    theme: str = "light"
    tel_uri: str = "tel:{number}"
    last_user: str = ""
    device_id: str = ""
    creditor: str = ""  # the creditor's name, if not the shipped one (domain.creditor)
    splitter_state: str = ""
    sync_interval_minutes: int = 5  # background sync; 0 turns the timer off
    last_role: str = "agent"  # the window a signed-out start opens (agent, field, lead)

    def ensure_device_id(self) -> str:
        if not self.device_id:
            self.device_id = str(uuid.uuid4())
        return self.device_id

    def dial_uri(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
        return self.tel_uri.replace("{number}", digits)


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    # v1 called the click-to-call template "softphone" and stored language as "zh".
    data = dict(data)
    if "softphone" in data:
        data["tel_uri"] = data.pop("softphone")
    if data.get("language") == "zh":
        data["language"] = "zh_CN"
    data["schema_version"] = 2
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    # v2's window layout was saved when the desk's panes were wider than the window (every
    # pane at its minimum, the queue's Local and Now columns behind a scroll bar): restoring
    # it would keep the queue that narrow. The layout starts afresh once.
    data = dict(data)
    data["splitter_state"] = ""
    data["schema_version"] = 3
    return data


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = int(data.get("schema_version", 1))
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version = int(data["schema_version"])
    return data


def load(path: Path | None = None) -> Settings:
    path = path or paths.settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        settings = Settings()
        settings.ensure_device_id()
        return settings
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings(device_id=str(uuid.uuid4()))
    data = migrate(data)
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in data.items() if k in known})
    if settings.language not in LANGUAGES:
        settings.language = "en"
    if settings.theme not in THEMES:
        settings.theme = "light"
    settings.ensure_device_id()
    return settings


def save(settings: Settings, path: Path | None = None) -> None:
    path = path or paths.settings_path()
    data = asdict(settings)
    assert not any(word in key for key in data for word in _SECRET_WORDS)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
