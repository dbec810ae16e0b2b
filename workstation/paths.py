"""Every on-disk location the application uses, in one place.

`WORKSTATION_HOME=DIR` moves all of them under DIR (tests always set it), so nothing ever
touches a real profile by accident.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "CollectorWorkstation"
HOME_ENV = "WORKSTATION_HOME"


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Local replica, blobs, server database of the embedded demo backend."""
    home = _home_override()
    return _ensure(home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME)))


def config_dir() -> Path:
    home = _home_override()
    return _ensure(home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME)))


def cache_dir() -> Path:
    home = _home_override()
    return _ensure(home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME)))


def log_dir() -> Path:
    home = _home_override()
    return _ensure(home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME)))


def store_path() -> Path:
    """The local replica database file."""
    return data_dir() / "workstation.db"


def blob_dir() -> Path:
    """Content-addressed documents (agreement PDFs), named by SHA-256."""
    return _ensure(data_dir() / "blobs")


def settings_path() -> Path:
    return config_dir() / "settings.json"


def server_data_dir() -> Path:
    """Where the embedded/reference backend keeps its SQLite database by default."""
    return _ensure(data_dir() / "server")
