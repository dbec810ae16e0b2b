"""The QA rubric as data (``resources/qa_rubric.toml``) and the one way a review is scored.

The server scores a submitted review with ``score`` (it never trusts a client's figure), and
the lead's form shows the same figure live while the lead answers; the weekly sample reads
its policy (``SamplingPolicy``) from the same file. Scores are tenths of a percent as
integers (867 is 86.7 %), computed exactly with half-up rounding: no float anywhere.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.resources import resource_path
from workstation.text import Text


class RubricError(WorkstationError, ValueError):
    """The rubric file, or a review's answers, do not fit the rubric; the message says where."""

    summary = Text("The quality rubric does not fit", "质检评分表不匹配")


class Answer(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NA = "na"  # not applicable: only where the item allows it


@dataclass(frozen=True, slots=True)
class RubricItem:
    id: str
    label: Text
    guidance: Text
    weight: int
    critical: bool = False
    allow_na: bool = False


@dataclass(frozen=True, slots=True)
class SamplingPolicy:
    """What the weekly sample takes (see ``workstation.server.quality.sampling``)."""

    share: Decimal  # of each agent's other conversations, at random
    min_per_agent: int
    incident_days: int  # a complaint or dispute this many days after a call samples it


@dataclass(frozen=True, slots=True)
class ReviewScore:
    """A scored review: the percent in tenths, whether a critical item failed, the verdict."""

    score_tenths: int
    critical_failed: bool
    passed: bool
    failed_items: tuple[str, ...] = ()

    @property
    def percent(self) -> Decimal:
        return Decimal(self.score_tenths) / 10


@dataclass(frozen=True, slots=True)
class Rubric:
    version: int
    pass_mark: int  # percent
    items: tuple[RubricItem, ...]
    sampling: SamplingPolicy

    def item(self, item_id: str) -> RubricItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def check(self, answers: Mapping[str, str]) -> dict[str, Answer]:
        """Every item answered once with an answer it allows; unknown items refused."""
        unknown = sorted(set(answers) - set(self.ids))
        if unknown:
            raise RubricError(f"not items of the rubric: {', '.join(unknown)}")
        missing = [i.id for i in self.items if i.id not in answers]
        if missing:
            raise RubricError(
                Text(
                    f"answer every item: {', '.join(missing)}",
                    f"请回答每一项：{', '.join(missing)}",
                )
            )
        out: dict[str, Answer] = {}
        for item in self.items:
            raw = answers[item.id]
            try:
                answer = Answer(raw)
            except ValueError:
                raise RubricError(f"{item.id}: {raw!r} is not one of met, not_met, na") from None
            if answer is Answer.NA and not item.allow_na:
                raise RubricError(
                    Text(
                        f"{item.id} always applies: answer met or not met",
                        f"{item.label.zh}始终适用：请选择达标或未达标",
                    )
                )
            out[item.id] = answer
        return out

    def score(self, answers: Mapping[str, str]) -> ReviewScore:
        """The review's score: weight met ÷ weight that applied, as tenths of a percent."""
        checked = self.check(answers)
        applied = sum(i.weight for i in self.items if checked[i.id] is not Answer.NA)
        met = sum(i.weight for i in self.items if checked[i.id] is Answer.MET)
        failed = tuple(i.id for i in self.items if checked[i.id] is Answer.NOT_MET)
        if applied == 0:  # every item n/a cannot happen (some never allow it); be safe
            tenths = 0
        else:
            tenths = int(
                (Decimal(met) * 1000 / Decimal(applied)).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP
                )
            )
        critical = any(i.critical for i in self.items if i.id in failed)
        return ReviewScore(
            score_tenths=tenths,
            critical_failed=critical,
            passed=not critical and tenths >= self.pass_mark * 10,
            failed_items=failed,
        )


def _text(raw: Mapping[str, Any], key: str, where: str) -> Text:
    en, zh = raw.get(f"{key}_en"), raw.get(f"{key}_zh")
    if not isinstance(en, str) or not en.strip() or not isinstance(zh, str) or not zh.strip():
        raise RubricError(f"{where}: {key}_en and {key}_zh are both needed")
    return Text(en, zh)


def parse_rubric(data: Mapping[str, Any], source: str = "qa_rubric.toml") -> Rubric:
    """Read the rubric, every problem named with the item it is in."""
    items: list[RubricItem] = []
    seen: set[str] = set()
    raw_items = data.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise RubricError(f"{source}: no [[item]]")
    for index, raw in enumerate(raw_items, 1):
        where = f"{source} item {index}"
        if not isinstance(raw, dict):
            raise RubricError(f"{where}: not a table")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id.isidentifier():
            raise RubricError(f"{where}: id must be a plain name")
        if item_id in seen:
            raise RubricError(f"{where}: id {item_id!r} appears twice")
        seen.add(item_id)
        weight = raw.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
            raise RubricError(f"{where} ({item_id}): weight must be a whole number 1-100")
        items.append(
            RubricItem(
                id=item_id,
                label=_text(raw, "label", f"{where} ({item_id})"),
                guidance=_text(raw, "guidance", f"{where} ({item_id})"),
                weight=weight,
                critical=bool(raw.get("critical", False)),
                allow_na=bool(raw.get("allow_na", False)),
            )
        )
    pass_mark = data.get("pass_mark")
    if not isinstance(pass_mark, int) or not 0 < pass_mark <= 100:
        raise RubricError(f"{source}: pass_mark must be a percent 1-100")
    sampling = data.get("sampling") or {}
    try:
        share = Decimal(str(sampling.get("share", "0.05")))
        policy = SamplingPolicy(
            share=share,
            min_per_agent=int(sampling.get("min_per_agent", 1)),
            incident_days=int(sampling.get("incident_days", 14)),
        )
    except (ArithmeticError, TypeError, ValueError):
        raise RubricError(f"{source}: [sampling] values must be numbers") from None
    if not 0 <= policy.share <= 1 or policy.min_per_agent < 0 or policy.incident_days < 0:
        raise RubricError(f"{source}: [sampling] share is 0-1, the counts are not negative")
    return Rubric(int(data.get("version", 1)), pass_mark, tuple(items), policy)


def load_rubric(path: Path | None = None) -> Rubric:
    path = path or resource_path("qa_rubric.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{path.name}: {exc}") from None
    return parse_rubric(data, path.name)


@cache
def default_rubric() -> Rubric:
    return load_rubric()
