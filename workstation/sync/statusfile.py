"""The plain status file beside the store: what ``workstation status`` may show while the
local data is locked (when the last sync finished, how many changes were waiting then).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any


def status_path(store_path: Path) -> Path:
    """Where the non-secret sync status of the store at ``store_path`` is kept (beside it).

    It holds only what ``workstation status`` may show while the local data is locked —
    when the last sync finished and how many changes were still waiting then — never
    customer data, tokens or keys. It is removed with the store (same file-name prefix).
    """
    return store_path.with_name(store_path.name + ".status.json")


def write_status(path: Path, values: dict[str, Any]) -> None:
    """Replace the status file atomically; a failure to write it never fails a sync."""
    temporary = path.with_name(path.name + ".part")
    with contextlib.suppress(OSError):
        temporary.write_text(json.dumps(values, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)


def read_status(path: Path) -> dict[str, Any]:
    """The status file's values, or ``{}`` when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
