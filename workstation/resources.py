"""Find files in `resources/` from a source checkout, an installed wheel or the frozen app.

The wheel carries the folder as `workstation/_resources` (see pyproject's force-include);
PyInstaller unpacks it as `resources/` beside the executable's bundle (`sys._MEIPASS`).
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.text import Text


class ResourceNotFoundError(WorkstationError, FileNotFoundError):
    """A resource the application ships is missing from this installation."""

    summary = Text("A file this installation needs is missing", "本安装缺少所需的文件")


@cache
def resources_root() -> Path:
    candidates: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    package_dir = Path(__file__).resolve().parent
    candidates.append(package_dir / "_resources")
    candidates.append(package_dir.parent / "resources")
    for candidate in candidates:
        if (candidate / "dispositions.toml").is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise ResourceNotFoundError(f"the resources folder was not found (looked in: {tried})")


def resource_path(*parts: str) -> Path:
    """Path of one shipped resource, e.g. ``resource_path("rules", "us-regf.toml")``."""
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise ResourceNotFoundError(f"resource not found: {'/'.join(parts)} (in {path.parent})")
    return path


def resource_dir(kind: str) -> Path:
    """A folder of resources of one kind: rules, fonts, icons, styles, translations, templates."""
    return resource_path(kind)


def read_data(path: Path, error: Callable[[str], Exception]) -> Any:
    """A data file (``.json``, else TOML) parsed; ``error(message)`` raised, naming the
    file, when it cannot be read or is not valid. The loaders of shipped (or an operator's)
    rules, tables and models check what it holds."""
    kind = "JSON" if path.suffix == ".json" else "TOML"
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if kind == "JSON" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{path}: not valid {kind}: {exc}") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc}") from None
