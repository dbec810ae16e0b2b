"""The disposition catalogue: coded outcomes of a contact, loaded from ``resources/``.

The file is data so compliance staff can change labels and suppression days without a
release; it is validated strictly at start so a typo is a clear message, not a wrong count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.resources import read_data, resource_path
from workstation.text import Text, is_chinese

GROUPS = ("no_contact", "third_party", "right_party", "special")
REQUIREMENTS = frozenset(
    {
        "promise_amount",
        "promise_date",
        "callback_at",
        "dispute_reason",
        "complaint_category",
        "hardship_details",
        "plan",
        "payment_amount",
        "settlement_amount",
    }
)
EFFECTS = frozenset(
    {
        "hold",
        "dispute",
        "complaint",
        "hardship",
        "vulnerable",
        "vulnerability_review",
        "bankrupt",
        "deceased",
        "cease_communication",
        "channel_opt_out",
        "number_invalid",
        "moved",
        "callback",
        "promise",
        "plan",
        "payment",
        "settlement",
        "fraud_review",
        "abusive",
    }
)
_BOOL_KEYS = ("counts_as_attempt", "counts_as_conversation", "is_right_party")
_KNOWN_KEYS = frozenset(
    {"code", "group", "label_en", "label_zh", "suppress_days", "requires", "sets", "hotkey"}
    | set(_BOOL_KEYS)
)


class CatalogueError(WorkstationError, ValueError):
    """The disposition file is malformed; the message names the file and the entry."""

    summary = Text("The outcome codes file is not valid", "通话结果代码文件无效")


@dataclass(frozen=True, slots=True)
class Disposition:
    code: str
    group: str
    label_en: str
    label_zh: str
    counts_as_attempt: bool
    counts_as_conversation: bool
    is_right_party: bool
    suppress_days: int
    requires: frozenset[str] = frozenset()
    sets: frozenset[str] = frozenset()
    hotkey: int | None = None

    def label(self, language: str) -> str:
        return self.label_zh if is_chinese(language) else self.label_en


class DispositionCatalogue:
    def __init__(self, dispositions: list[Disposition], version: int) -> None:
        self.version = version
        self._by_code = {d.code: d for d in dispositions}

    def __getitem__(self, code: str) -> Disposition:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown disposition code {code!r}") from None

    def get(self, code: str) -> Disposition | None:
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Disposition]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def by_hotkey(self, key: int) -> Disposition | None:
        return next((d for d in self if d.hotkey == key), None)


def _entry(raw: Any, where: str) -> Disposition:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: must be a table")
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {sorted(unknown)}")
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise CatalogueError(f"{where}: 'code' must be a non-empty string")
    where = f"{where} ({code})"
    group = raw.get("group")
    if group not in GROUPS:
        raise CatalogueError(f"{where}: 'group' must be one of {', '.join(GROUPS)}, got {group!r}")
    for key in ("label_en", "label_zh"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CatalogueError(f"{where}: '{key}' must be a non-empty string")
    for key in _BOOL_KEYS:
        if not isinstance(raw.get(key), bool):
            raise CatalogueError(f"{where}: '{key}' must be true or false")
    suppress = raw.get("suppress_days")
    if not isinstance(suppress, int) or isinstance(suppress, bool) or not 0 <= suppress <= 365:
        raise CatalogueError(f"{where}: 'suppress_days' must be a whole number 0-365")
    requires = raw.get("requires", [])
    sets = raw.get("sets", [])
    for key, values, allowed in (("requires", requires, REQUIREMENTS), ("sets", sets, EFFECTS)):
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CatalogueError(f"{where}: '{key}' must be a list of strings")
        bad = sorted(set(values) - allowed)
        if bad:
            raise CatalogueError(f"{where}: '{key}' has unknown value(s) {bad}")
    hotkey = raw.get("hotkey")
    if hotkey is not None and (not isinstance(hotkey, int) or not 1 <= hotkey <= 9):
        raise CatalogueError(f"{where}: 'hotkey' must be 1-9")
    if raw["is_right_party"] and not raw["counts_as_attempt"]:
        raise CatalogueError(f"{where}: a right-party contact must count as an attempt")
    return Disposition(
        code=code,
        group=group,
        label_en=raw["label_en"],
        label_zh=raw["label_zh"],
        counts_as_attempt=raw["counts_as_attempt"],
        counts_as_conversation=raw["counts_as_conversation"],
        is_right_party=raw["is_right_party"],
        suppress_days=suppress,
        requires=frozenset(requires),
        sets=frozenset(sets),
        hotkey=hotkey,
    )


def load_catalogue(path: Path) -> DispositionCatalogue:
    """Load and validate a catalogue file; raise CatalogueError naming file and entry."""
    data = read_data(path, CatalogueError)
    version = data.get("version")
    if not isinstance(version, int):
        raise CatalogueError(f"{path}: 'version' must be a whole number")
    entries = data.get("disposition")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{path}: no [[disposition]] entries")
    result: list[Disposition] = []
    seen: set[str] = set()
    hotkeys: dict[int, str] = {}
    for index, raw in enumerate(entries, start=1):
        disposition = _entry(raw, f"{path}: disposition #{index}")
        if disposition.code in seen:
            raise CatalogueError(
                f"{path}: disposition #{index}: duplicate code {disposition.code!r}"
            )
        if disposition.hotkey is not None:
            if disposition.hotkey in hotkeys:
                raise CatalogueError(
                    f"{path}: disposition #{index} ({disposition.code}): hotkey "
                    f"{disposition.hotkey} already used by {hotkeys[disposition.hotkey]}"
                )
            hotkeys[disposition.hotkey] = disposition.code
        seen.add(disposition.code)
        result.append(disposition)
    return DispositionCatalogue(result, version)


@cache
def default_catalogue() -> DispositionCatalogue:
    return load_catalogue(resource_path("dispositions.toml"))
