"""The root causes a resolved complaint is traced to: a data list
(``resources/workflows/complaint_root_causes.toml``), bilingual, read once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workstation.errors import WorkstationError
from workstation.resources import resource_path
from workstation.text import Text

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class RootCauseListError(WorkstationError, ValueError):
    """The shipped list of root causes is malformed (the message names the entry)."""

    summary = Text("The list of complaint root causes is not valid", "投诉根本原因列表无效")


@dataclass(frozen=True, slots=True)
class RootCause:
    code: str
    label: Text


def load_root_causes(path: Path) -> tuple[RootCause, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RootCauseListError(f"{path}: {exc}") from None
    causes: list[RootCause] = []
    for index, entry in enumerate(data.get("cause") or [], start=1):
        code = entry.get("code") if isinstance(entry, dict) else None
        en = entry.get("en") if isinstance(entry, dict) else None
        zh = entry.get("zh") if isinstance(entry, dict) else None
        if not (isinstance(code, str) and _CODE.match(code)):
            raise RootCauseListError(f"{path}: cause {index}: code must be lower_snake_case")
        if not (isinstance(en, str) and en.strip() and isinstance(zh, str) and zh.strip()):
            raise RootCauseListError(f"{path}: cause {index} ({code}): needs en and zh labels")
        if any(c.code == code for c in causes):
            raise RootCauseListError(f"{path}: cause {index}: duplicate code {code!r}")
        causes.append(RootCause(code, Text(en, zh)))
    if not causes:
        raise RootCauseListError(f"{path}: no [[cause]] entries")
    return tuple(causes)


@cache
def root_causes() -> tuple[RootCause, ...]:
    return load_root_causes(resource_path("workflows", "complaint_root_causes.toml"))


def root_cause_label(code: str) -> Text:
    """The cause's words (an unknown code reads as itself)."""
    for cause in root_causes():
        if cause.code == code:
            return cause.label
    return Text(code, code)
