"""The call guide: openings, disclosures and suggested wording (``resources/call_guide.toml``)."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from workstation.desk.types import CallGuide, GuideSection
from workstation.errors import WorkstationError
from workstation.resources import resource_path
from workstation.text import Text


class CallGuideError(WorkstationError, ValueError):
    """The call-guide file is malformed; the message names the section."""

    summary = Text("The call guide file is not valid", "通话指引文件无效")


@cache
def _raw() -> dict[str, Any]:
    return tomllib.loads(resource_path("call_guide.toml").read_text(encoding="utf-8"))


def _section(data: dict[str, Any], key: str) -> tuple[Text, tuple[Text, ...], tuple[str, ...]]:
    try:
        opening = Text(str(data["opening_en"]), str(data["opening_zh"]))
        en = [str(x) for x in data.get("disclosures_en", [])]
        zh = [str(x) for x in data.get("disclosures_zh", [])]
        ids = [str(x) for x in data.get("disclosure_ids", [])]
    except KeyError as exc:
        raise CallGuideError(f"call_guide.toml [{key}]: missing {exc.args[0]}") from None
    if not len(en) == len(zh) == len(ids):
        raise CallGuideError(
            f"call_guide.toml [{key}]: disclosures_en, disclosures_zh and disclosure_ids "
            "differ in length"
        )
    if len(set(ids)) != len(ids) or not all(i.isidentifier() for i in ids):
        raise CallGuideError(f"call_guide.toml [{key}]: disclosure_ids are plain, distinct names")
    return opening, tuple(Text(a, b) for a, b in zip(en, zh, strict=True)), tuple(ids)


@cache
def call_guide(jurisdiction: str) -> CallGuide:
    """The guide for a jurisdiction (``US``, ``UK-ENG`` → ``UK``, …), or the default one."""
    data = _raw()
    key = jurisdiction.split("-", maxsplit=1)[0].upper()
    section = data.get(key) if isinstance(data.get(key), dict) else None
    if section is None:
        key = "default"
        section = data["default"]
    opening, disclosures, ids = _section(section, key)
    wording = {
        name: GuideSection(
            Text(str(entry["title_en"]), str(entry["title_zh"])),
            Text(str(entry["body_en"]), str(entry["body_zh"])),
        )
        for name, entry in data.get("wording", {}).items()
    }
    return CallGuide(key, opening, disclosures, wording, ids)
