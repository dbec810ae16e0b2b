"""One town whatever its name's spelling: the key towns are compared by, and the name shown.

Addresses name a town as their writer spells it: "上海市", "上海", "Shanghai", "shanghai ".
Wherever towns are compared (a field collector's territory, the accounts dealt to him, the
town a field day keeps to) they are compared by ``town_key``: the name in Unicode NFKC,
trimmed, inner whitespace collapsed, case ignored, a trailing 市 or " City" dropped, and
the names of one city in ``resources/towns.toml`` ("Shanghai" and "上海") made one. A name
the table does not list is its own town, by that normalised spelling.

The key is for comparing, never for showing: a person reads a real spelling
(``shown_name``: the most common among the accounts, or the customer's own).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.resources import read_data, resource_path
from workstation.text import Text

# a trailing administrative word that does not make another town: 上海市 is 上海
_SUFFIXES = ("市", " city")
# what the table's names are matched without: "Xi'an" / "Xian", "Stoke-on-Trent" / "Stoke on
# Trent", "St. Louis" / "St Louis", "Washington, DC" / "Washington DC"
_IGNORED = str.maketrans("", "", " -'‘’.,")


class TownTableError(WorkstationError, ValueError):
    """The towns file is malformed; the message names the file and the entry."""

    summary = Text("The towns file is not valid", "城市名称文件无效")


@dataclass(frozen=True, slots=True)
class TownNames:
    """One town of the table: its key, whose town it is, and the names it goes by."""

    key: str
    jurisdiction: str
    names: tuple[str, ...]


def normalise(name: str | None) -> str:
    """``name`` in Unicode NFKC, trimmed, inner whitespace collapsed, case folded."""
    if not name:
        return ""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _bare(name: str | None) -> str:
    """``normalise``, less a trailing 市 or " City" (a name that is only the suffix stays)."""
    text = normalise(name)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)].rstrip()
    return text


def _compact(bare: str) -> str:
    """How the table matches a name: tone marks, spaces and punctuation left out."""
    decomposed = unicodedata.normalize("NFKD", bare)
    unmarked = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", unmarked).translate(_IGNORED)


def town_key(name: str | None) -> str:
    """The key a town is compared by: the table's town for a name it lists, else the
    normalised name without its 市 / " City"; "" for a blank name."""
    bare = _bare(name)
    if not bare:
        return ""
    return town_table().get(_compact(bare), bare)


def shown_name(spellings: Iterable[str | None]) -> str:
    """The name to show for one town among ``spellings`` of it: the most common as written
    (trimmed, inner whitespace collapsed), ties to the first; "" when none is given."""
    counted = Counter(" ".join(s.split()) for s in spellings if s and s.strip())
    return max(counted, key=counted.__getitem__, default="")


def load_towns(path: Path) -> tuple[TownNames, ...]:
    """Read and check a towns file; raise TownTableError naming the file and the entry."""
    data = read_data(path, TownTableError)
    if not isinstance(data.get("version"), int):
        raise TownTableError(f"{path}: 'version' must be a whole number")
    entries = data.get("town")
    if not isinstance(entries, list) or not entries:
        raise TownTableError(f"{path}: no [[town]] entries")
    towns: list[TownNames] = []
    owner: dict[str, str] = {}  # a matched name → the key of its town
    for index, raw in enumerate(entries, start=1):
        town = _entry(raw, f"{path}: town #{index}")
        for name in town.names:
            matched = _compact(_bare(name))
            if owner.setdefault(matched, town.key) != town.key:
                raise TownTableError(
                    f"{path}: town #{index} ({town.names[0]}): {name!r} is already a name "
                    f"of {owner[matched]!r}; a name may belong to one town only"
                )
        towns.append(town)
    return tuple(towns)


def _entry(raw: Any, where: str) -> TownNames:
    if not isinstance(raw, dict):
        raise TownTableError(f"{where}: must be a table")
    unknown = set(raw) - {"jurisdiction", "names"}
    if unknown:
        raise TownTableError(f"{where}: unknown key(s) {sorted(unknown)}")
    jurisdiction = raw.get("jurisdiction")
    if not isinstance(jurisdiction, str) or not jurisdiction.strip():
        raise TownTableError(f"{where}: 'jurisdiction' must be a non-empty string")
    names = raw.get("names")
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) and _bare(n) for n in names)
    ):
        raise TownTableError(f"{where}: 'names' must be a list of non-empty strings")
    return TownNames(key=_bare(names[0]), jurisdiction=jurisdiction, names=tuple(names))


@cache
def shipped_towns() -> tuple[TownNames, ...]:
    return load_towns(resource_path("towns.toml"))


@cache
def town_table() -> dict[str, str]:
    """The shipped table as ``town_key`` reads it: a matched name → its town's key."""
    return {_compact(_bare(name)): town.key for town in shipped_towns() for name in town.names}
