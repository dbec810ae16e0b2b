"""Training content as data (``resources/training/``): the scripted scenarios with their
branching dialogue and their checks, and per rule pack the scenarios it needs, the practice
customers and the quiz.

Everything is validated when read, every problem named with its file, scenario and step (or
question): a reply leading to no step, a check reading a mark no reply makes, a question
citing a rule its pack does not have, a Chinese text missing. The desk, the server (which
re-scores what a trainee submits) and the tests read the same objects.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from workstation.resources import resource_path
from workstation.text import Text
from workstation.training.errors import TrainingDataError

SPEAKERS = ("customer", "third_party", "narrator")
EVENT_PATTERNS = (
    "contact_attempt",
    "flag_change",
    "promise",
    "dispute",
    "complaint",
    "plan_agreement",
)
PLAN_DETAILS = ("affordable", "not_affordable")
ATTEMPT_DETAILS = ("right_party", "override", "disclosures_missing")


@dataclass(frozen=True, slots=True)
class Reply:
    text: Text
    next: str
    marks: frozenset[str]


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    speaker: str
    say: Text
    hint: Text | None
    replies: tuple[Reply, ...]
    end: bool


@dataclass(frozen=True, slots=True)
class Check:
    """One scored expectation: every condition it names must hold for it to pass."""

    id: str
    weight: int
    critical: bool
    label: Text
    feedback: Text
    said_any: frozenset[str] = frozenset()
    said_none: frozenset[str] = frozenset()
    recorded_any: tuple[str, ...] = ()
    recorded_none: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryItem:
    days_before: int
    type: str
    disposition: str


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: Text
    brief: Text
    local_time: tuple[int, int]  # hour, minute in the customer's zone when it starts
    balance: Decimal
    past_due: Decimal
    days_past_due: int
    flags: tuple[str, ...]
    history: tuple[HistoryItem, ...]
    steps: Mapping[str, Step]
    checks: tuple[Check, ...]

    @property
    def start(self) -> Step:
        return self.steps["start"]


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    rule: str  # a rule of the pack: "hours.phone", "limit.<code>", "hold.<code>", …
    text: Text
    choices: tuple[Text, ...]
    answer: int
    explain: Text


@dataclass(frozen=True, slots=True)
class PracticeCustomer:
    name: str
    name_alt: str
    phone: str


@dataclass(frozen=True, slots=True)
class TrainingPack:
    """What certifies a collector for one rule pack."""

    pack: str
    jurisdiction: str
    currency: str
    timezone: str
    language: str
    pass_mark: int
    quiz_pass_mark: int
    scenarios: tuple[Scenario, ...]
    customers: tuple[PracticeCustomer, ...]
    questions: tuple[Question, ...]

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, message: str) -> TrainingDataError:
        return TrainingDataError(f"{self.where}: {message}")

    def text(self, raw: Mapping[str, Any], key: str, *, required: bool = True) -> Text | None:
        en, zh = raw.get(f"{key}_en"), raw.get(f"{key}_zh")
        if en is None and zh is None and not required:
            return None
        if not isinstance(en, str) or not en.strip() or not isinstance(zh, str) or not zh.strip():
            raise self.fail(f"{key}_en and {key}_zh are both needed")
        return Text(en.strip(), zh.strip())

    def must_text(self, raw: Mapping[str, Any], key: str) -> Text:
        found = self.text(raw, key)
        assert found is not None
        return found

    def strings(self, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key} must be a list of strings")
        return tuple(value)

    def integer(self, raw: Mapping[str, Any], key: str, low: int, high: int) -> int:
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"{key} must be a whole number {low}-{high}")
        return value

    def amount(self, raw: Mapping[str, Any], key: str) -> Decimal:
        try:
            value = Decimal(str(raw.get(key)))
        except InvalidOperation:
            raise self.fail(f'{key} must be an amount such as "1200.00"') from None
        if not value.is_finite() or value < 0:
            raise self.fail(f'{key} must be an amount such as "1200.00"')
        return value


def _pattern(reader: _Reader, pattern: str) -> str:
    kind, _, detail = pattern.partition(":")
    if kind not in EVENT_PATTERNS:
        raise reader.fail(f"{pattern!r}: not one of {', '.join(EVENT_PATTERNS)}")
    if kind == "plan_agreement" and detail and detail not in PLAN_DETAILS:
        raise reader.fail(f"{pattern!r}: a plan is affordable or not_affordable")
    if kind in ("promise", "dispute", "complaint") and detail:
        raise reader.fail(f"{pattern!r}: {kind} takes no detail")
    if kind == "contact_attempt" and detail and detail not in ATTEMPT_DETAILS:
        from workstation.domain.dispositions import default_catalogue

        if detail not in default_catalogue():
            raise reader.fail(f"{pattern!r}: {detail} is not a disposition code")
    return pattern


def _scenario(raw: Mapping[str, Any], source: str) -> Scenario:
    scenario_id = raw.get("id")
    reader = _Reader(f"{source} scenario {scenario_id!r}")
    if not isinstance(scenario_id, str) or not scenario_id.isidentifier():
        raise reader.fail("id must be a plain name")
    clock = str(raw.get("local_time", ""))
    try:
        hour, minute = (int(part) for part in clock.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise reader.fail(f"local_time {clock!r} is not HH:MM") from None
    steps: dict[str, Step] = {}
    for index, step_raw in enumerate(raw.get("step") or [], 1):
        step_reader = _Reader(f"{reader.where} step {index}")
        step_id = step_raw.get("id")
        if not isinstance(step_id, str) or not step_id:
            raise step_reader.fail("id is needed")
        if step_id in steps:
            raise step_reader.fail(f"step {step_id!r} appears twice")
        speaker = step_raw.get("speaker", "customer")
        if speaker not in SPEAKERS:
            raise step_reader.fail(f"speaker must be one of {', '.join(SPEAKERS)}")
        replies = []
        for reply_raw in step_raw.get("reply") or []:
            replies.append(
                Reply(
                    step_reader.must_text(reply_raw, "text"),
                    str(reply_raw.get("next", "")),
                    frozenset(step_reader.strings(reply_raw, "marks")),
                )
            )
        end = bool(step_raw.get("end", False))
        if end == bool(replies):
            raise step_reader.fail("a step either ends the dialogue or offers replies")
        steps[step_id] = Step(
            step_id,
            speaker,
            step_reader.must_text(step_raw, "say"),
            step_reader.text(step_raw, "hint", required=False),
            tuple(replies),
            end,
        )
    if "start" not in steps:
        raise reader.fail('no step "start"')
    marks: set[str] = set()
    for step in steps.values():
        for reply in step.replies:
            if reply.next not in steps:
                raise reader.fail(f"step {step.id!r}: a reply leads to no step {reply.next!r}")
            marks |= reply.marks
    checks = []
    seen: set[str] = set()
    for index, check_raw in enumerate(raw.get("check") or [], 1):
        check_reader = _Reader(f"{reader.where} check {index}")
        check_id = str(check_raw.get("id") or "")
        if not check_id or check_id in seen:
            raise check_reader.fail("id is needed, once per scenario")
        seen.add(check_id)
        said_any = frozenset(check_reader.strings(check_raw, "said_any"))
        said_none = frozenset(check_reader.strings(check_raw, "said_none"))
        unknown = (said_any | said_none) - marks
        if unknown:
            raise check_reader.fail(f"no reply makes the marks {sorted(unknown)}")
        check = Check(
            check_id,
            check_reader.integer(check_raw, "weight", 1, 100),
            bool(check_raw.get("critical", False)),
            check_reader.must_text(check_raw, "label"),
            check_reader.must_text(check_raw, "feedback"),
            said_any,
            said_none,
            tuple(
                _pattern(check_reader, p) for p in check_reader.strings(check_raw, "recorded_any")
            ),
            tuple(
                _pattern(check_reader, p) for p in check_reader.strings(check_raw, "recorded_none")
            ),
        )
        if not (said_any or said_none or check.recorded_any or check.recorded_none):
            raise check_reader.fail("a check needs a condition")
        checks.append(check)
    if not checks:
        raise reader.fail("no [[scenario.check]]")
    history = tuple(
        HistoryItem(
            reader.integer(h, "days_before", 1, 365),
            str(h.get("type", "contact_attempt")),
            str(h.get("disposition", "")),
        )
        for h in raw.get("history") or []
    )
    return Scenario(
        id=scenario_id,
        title=reader.must_text(raw, "title"),
        brief=reader.must_text(raw, "brief"),
        local_time=(hour, minute),
        balance=reader.amount(raw, "balance"),
        past_due=reader.amount(raw, "past_due"),
        days_past_due=reader.integer(raw, "days_past_due", 0, 10_000),
        flags=reader.strings(raw, "flags"),
        history=history,
        steps=steps,
        checks=tuple(checks),
    )


def parse_scenarios(data: Mapping[str, Any], source: str = "scenarios.toml") -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for raw in data.get("scenario") or []:
        scenario = _scenario(raw, source)
        if scenario.id in found:
            raise TrainingDataError(f"{source}: scenario {scenario.id!r} appears twice")
        found[scenario.id] = scenario
    if not found:
        raise TrainingDataError(f"{source}: no [[scenario]]")
    return found


def parse_pack(
    data: Mapping[str, Any], scenarios: Mapping[str, Scenario], source: str
) -> TrainingPack:
    from workstation.training.citations import cite

    reader = _Reader(source)
    pack_id = data.get("pack")
    if not isinstance(pack_id, str) or not pack_id:
        raise reader.fail("pack (the rule pack's id) is needed")
    chosen = []
    for scenario_id in reader.strings(data, "scenarios"):
        if scenario_id not in scenarios:
            raise reader.fail(f"scenario {scenario_id!r} is not in scenarios.toml")
        chosen.append(scenarios[scenario_id])
    customers_raw = data.get("customers") or []
    customers = []
    for index, row in enumerate(customers_raw, 1):
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row)):
            raise reader.fail(f"customer {index} must be [name, alternative name, phone]")
        customers.append(PracticeCustomer(row[0], row[1], row[2]))
    if len(customers) < len(chosen):
        raise reader.fail(f"{len(chosen)} scenarios need as many customers")
    questions: list[Question] = []
    for index, raw in enumerate(data.get("question") or [], 1):
        question_reader = _Reader(f"{source} question {index} ({raw.get('id')!r})")
        en = question_reader.strings(raw, "choices_en")
        zh = question_reader.strings(raw, "choices_zh")
        if len(en) < 2 or len(en) != len(zh):
            raise question_reader.fail("choices_en and choices_zh: two or more, as many of each")
        rule = str(raw.get("rule") or "")
        question = Question(
            id=str(raw.get("id") or ""),
            rule=rule,
            text=question_reader.must_text(raw, "text"),
            choices=tuple(Text(a, b) for a, b in zip(en, zh, strict=True)),
            answer=question_reader.integer(raw, "answer", 0, len(en) - 1),
            explain=question_reader.must_text(raw, "explain"),
        )
        if not question.id or any(q.id == question.id for q in questions):
            raise question_reader.fail("id is needed, once per pack")
        try:
            cite(pack_id, rule)
        except TrainingDataError as exc:
            raise question_reader.fail(exc.message_en) from None
        questions.append(question)
    if not questions:
        raise reader.fail("no [[question]]")
    return TrainingPack(
        pack=pack_id,
        jurisdiction=str(data.get("jurisdiction") or ""),
        currency=str(data.get("currency") or ""),
        timezone=str(data.get("timezone") or "UTC"),
        language=str(data.get("language") or "en"),
        pass_mark=reader.integer(data, "pass_mark", 1, 100),
        quiz_pass_mark=reader.integer(data, "quiz_pass_mark", 1, 100),
        scenarios=tuple(chosen),
        customers=tuple(customers),
        questions=tuple(questions),
    )


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TrainingDataError(f"{path.name}: {exc}") from None


@cache
def default_scenarios() -> dict[str, Scenario]:
    return parse_scenarios(_toml(resource_path("training", "scenarios.toml")))


@cache
def training_pack(pack_id: str) -> TrainingPack:
    """The training of one rule pack (``cn-nifa``…); ``TrainingDataError`` if there is none."""
    if pack_id not in training_packs():
        raise TrainingDataError(
            Text(f"No training for the rule pack {pack_id!r}", f"规则 {pack_id} 没有培训内容")
        )
    path = resource_path("training", f"{pack_id}.toml")
    return parse_pack(_toml(path), default_scenarios(), path.name)


@cache
def training_packs() -> tuple[str, ...]:
    """The rule packs that have training, by id."""
    folder = resource_path("training", "scenarios.toml").parent
    return tuple(sorted(p.stem for p in folder.glob("*.toml") if p.stem != "scenarios"))
