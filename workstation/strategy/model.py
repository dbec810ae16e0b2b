"""A contact strategy as data: ``resources/strategies/<id>.toml``, validated whole on load.

A strategy says, per segment (the 2×2 of ability and willingness) and delinquency bucket,
which steps to take on which day, and when to stop. The file format::

    schema = 1
    id = "standard-v1"
    name_en = "Standard"
    name_zh = "标准策略"
    stop_when = ["promise", "plan", "paid", "hold"]

    [early_intervention]          # optional: current accounts likely to miss the due date
    risk_at_least = 0.6

    [field]                       # which accounts a visit step may send to a field collector
    min_days_past_due = 60
    min_balance = "5000.00"

    [[cadence]]
    segments = ["able_willing"]   # or ["*"] for every segment
    buckets = ["1-29"]            # Bucket values ("current" holds the pre-due steps)
    [[cadence.steps]]
    id = "aw-sms-1"
    anchor = "delinquency"        # day counted from delinquency start (days past due)
    day = 1                       # … or anchor = "due": days from the next due date (-3 = 3 before)
    channel = "sms"               # sms / email: a message from ``template``
    template = "payment_reminder"
    [[cadence.steps]]
    id = "aw-call-5"
    anchor = "delinquency"
    day = 5
    task = "call"                 # call / visit / hardship_review: an agent task

Every problem in a file is collected (with the file and the key) before one
``StrategyError`` names them all, so a lead's edit gets one clear answer, not a first typo.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from workstation.domain.enums import Bucket, Channel
from workstation.errors import WorkstationError
from workstation.resources import resource_dir
from workstation.text import Text

SCHEMA = 1

#: the 2×2 of ability and willingness (``workstation.domain.enums.Segment``'s values)
SEGMENTS: tuple[str, ...] = ("able_willing", "able_unwilling", "unable_willing", "unable_unwilling")
ANY_SEGMENT = "*"
#: a step may not reach further from its anchor than this (a cadence is weeks, not years)
MAX_DAY = 720


class StrategyError(WorkstationError, ValueError):
    """A strategy file that cannot be used; the message lists every problem with its key."""

    summary = Text("A contact strategy is not valid", "催收策略无效")


class Anchor(StrEnum):
    DUE = "due"  # days from the account's next due date (negative: before it)
    DELINQUENCY = "delinquency"  # days from delinquency start: the day days past due equals it


class Task(StrEnum):
    CALL = "call"
    VISIT = "visit"
    HARDSHIP_REVIEW = "hardship_review"


class Stop(StrEnum):
    """What ends a cadence for an account: no further step is taken while it holds."""

    PROMISE = "promise"  # an open promise to pay
    PLAN = "plan"  # an active repayment plan
    PAID = "paid"  # paid, settled or closed
    HOLD = "hold"  # on hold or in dispute


MESSAGE_CHANNELS = (Channel.SMS, Channel.EMAIL)
TASK_LABELS: Mapping[Task, Text] = {
    Task.CALL: Text("call", "致电"),
    Task.VISIT: Text("field visit", "外访"),
    Task.HARDSHIP_REVIEW: Text("hardship review", "困难评估"),
}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a cadence: a message (``channel`` + ``template``) or an agent ``task``."""

    id: str
    anchor: Anchor
    day: int
    channel: Channel | None = None
    template: str | None = None
    task: Task | None = None

    @property
    def is_message(self) -> bool:
        return self.task is None

    def describe(self) -> Text:
        """The step in words, as the queue and the timeline give it as a reason."""
        what = (
            TASK_LABELS[self.task]
            if self.task is not None
            else Text(f"{self.channel} '{self.template}'", f"{self.channel}「{self.template}」")
        )
        if self.anchor is Anchor.DUE:
            if self.day < 0:
                when = Text(f"{-self.day} days before the due date", f"到期日前{-self.day}天")
            elif self.day == 0:
                when = Text("on the due date", "到期日当天")
            else:
                when = Text(f"{self.day} days after the due date", f"到期日后{self.day}天")
        else:
            when = Text(f"day {self.day} past due", f"逾期第{self.day}天")
        return Text(f"{what.en}, {when.en}", f"{what.zh}，{when.zh}")


@dataclass(frozen=True, slots=True)
class Cadence:
    segments: frozenset[str]
    buckets: frozenset[Bucket]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """A visit step sends an account to the field only when it is this late and this large."""

    min_days_past_due: int = 60
    min_balance: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class Strategy:
    id: str
    name: Text
    stop_when: frozenset[Stop]
    cadences: tuple[Cadence, ...]
    field_rule: FieldRule = FieldRule()
    early_risk_at_least: float | None = None  # None: no pre-due steps for current accounts
    source: str = ""
    _index: dict[tuple[str, Bucket], tuple[Step, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for segment in SEGMENTS:
            for bucket in Bucket:
                steps: list[Step] = []
                for cadence in self.cadences:
                    if bucket in cadence.buckets and (
                        segment in cadence.segments or ANY_SEGMENT in cadence.segments
                    ):
                        steps.extend(cadence.steps)
                self._index[(segment, bucket)] = tuple(steps)

    @property
    def stop_names(self) -> frozenset[str]:
        """The names of the stop conditions (what a raised task carries: ``StrategyTask``)."""
        return frozenset(s.value for s in self.stop_when)

    def steps_for(self, segment: str, bucket: Bucket) -> tuple[Step, ...]:
        """Every step the strategy takes for accounts of ``segment`` in ``bucket``."""
        return self._index.get((segment, bucket), ())

    def step(self, step_id: str) -> Step | None:
        for cadence in self.cadences:
            for step in cadence.steps:
                if step.id == step_id:
                    return step
        return None

    @property
    def all_steps(self) -> tuple[Step, ...]:
        return tuple(step for cadence in self.cadences for step in cadence.steps)


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(f"{key}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            listed = "\n  ".join(self.items)
            raise StrategyError(
                f"{self.source}: {len(self.items)} problem(s):\n  {listed}",
                zh=f"{self.source}：{len(self.items)} 处错误：\n  {listed}",
            )


_E = TypeVar("_E", Anchor, Task, Stop, Bucket, Channel)


def _enum(kind: type[_E], value: Any, key: str, problems: _Problems) -> _E | None:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        problems.add(key, f"{value!r} is not one of: {allowed}")
        return None


def _step(data: Any, key: str, problems: _Problems) -> Step | None:
    if not isinstance(data, dict):
        problems.add(key, "a step is a table")
        return None
    known = {"id", "anchor", "day", "channel", "template", "task"}
    for extra in sorted(set(data) - known):
        problems.add(f"{key}.{extra}", "unknown key")
    step_id = data.get("id")
    if not isinstance(step_id, str) or not step_id.strip():
        problems.add(f"{key}.id", "every step needs an id (text)")
        step_id = ""
    anchor = _enum(Anchor, data.get("anchor"), f"{key}.anchor", problems)
    day = data.get("day")
    if not isinstance(day, int) or isinstance(day, bool) or abs(day) > MAX_DAY:
        problems.add(f"{key}.day", f"a whole number of days within ±{MAX_DAY}")
        day = 0
    elif anchor is Anchor.DELINQUENCY and day < 1:
        problems.add(f"{key}.day", "counted from delinquency start, the first day is 1")
    channel_value, task_value = data.get("channel"), data.get("task")
    channel = task = None
    template = data.get("template")
    if (channel_value is None) == (task_value is None):
        problems.add(key, "a step has either a channel (a message) or a task, not both or neither")
    elif channel_value is not None:
        channel = _enum(Channel, channel_value, f"{key}.channel", problems)
        if channel is not None and channel not in MESSAGE_CHANNELS:
            problems.add(
                f"{key}.channel",
                f"messages go by sms or email; a {channel_value} is a task (task = ...)",
            )
        if not isinstance(template, str) or not template:
            problems.add(f"{key}.template", "a message step names its template")
    else:
        task = _enum(Task, task_value, f"{key}.task", problems)
        if template is not None:
            problems.add(f"{key}.template", "a task has no template")
    if anchor is None:
        return None
    return Step(step_id, anchor, day, channel, template if channel else None, task)


def _cadence(data: Any, key: str, problems: _Problems) -> Cadence | None:
    if not isinstance(data, dict):
        problems.add(key, "a cadence is a table")
        return None
    for extra in sorted(set(data) - {"segments", "buckets", "steps"}):
        problems.add(f"{key}.{extra}", "unknown key")
    segments = data.get("segments")
    if not isinstance(segments, list) or not segments:
        problems.add(f"{key}.segments", f"a list of segments ({', '.join(SEGMENTS)}) or ['*']")
        segments = []
    for value in segments:
        if value not in (*SEGMENTS, ANY_SEGMENT):
            problems.add(f"{key}.segments", f"{value!r} is not a segment ({', '.join(SEGMENTS)})")
    raw_buckets = data.get("buckets")
    if not isinstance(raw_buckets, list) or not raw_buckets:
        problems.add(f"{key}.buckets", "a list of buckets (current, 1-29, …, 180+)")
        raw_buckets = []
    buckets = [_enum(Bucket, b, f"{key}.buckets", problems) for b in raw_buckets]
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.add(f"{key}.steps", "a cadence has at least one step")
        raw_steps = []
    steps = [_step(s, f"{key}.steps[{n}]", problems) for n, s in enumerate(raw_steps)]
    kept = tuple(s for s in steps if s is not None)
    if Bucket.CURRENT in buckets:
        for step in kept:
            if step.anchor is not Anchor.DUE or step.day > 0:
                problems.add(
                    f"{key}.steps",
                    f"step {step.id!r}: a current account's steps come before its due date "
                    "(anchor = 'due', day ≤ 0)",
                )
    return Cadence(
        frozenset(str(s) for s in segments),
        frozenset(b for b in buckets if b is not None),
        kept,
    )


def parse_strategy(data: Mapping[str, Any], source: str = "<strategy>") -> Strategy:
    """A ``Strategy`` from a parsed TOML document, or a ``StrategyError`` naming every problem."""
    problems = _Problems(source)
    known = {"schema", "id", "name_en", "name_zh", "stop_when", "early_intervention", "field",
             "cadence", "description_en", "description_zh"}  # fmt: skip
    for extra in sorted(set(data) - known):
        problems.add(extra, "unknown key")
    if data.get("schema") != SCHEMA:
        problems.add("schema", f"must be {SCHEMA}")
    strategy_id = data.get("id")
    if not isinstance(strategy_id, str) or not strategy_id.strip():
        problems.add("id", "the strategy needs an id (text)")
        strategy_id = ""
    name_en, name_zh = data.get("name_en"), data.get("name_zh")
    if not isinstance(name_en, str) or not name_en or not isinstance(name_zh, str) or not name_zh:
        problems.add("name_en/name_zh", "a strategy is named in English and Chinese")
    stop_raw = data.get("stop_when", [])
    if not isinstance(stop_raw, list):
        problems.add("stop_when", "a list (promise, plan, paid, hold)")
        stop_raw = []
    stops = [_enum(Stop, s, "stop_when", problems) for s in stop_raw]
    early = data.get("early_intervention")
    risk: float | None = None
    if early is not None:
        value = early.get("risk_at_least") if isinstance(early, dict) else None
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < 1:
            problems.add("early_intervention.risk_at_least", "a probability between 0 and 1")
        else:
            risk = float(value)
    field_rule = FieldRule()
    field_data = data.get("field")
    if field_data is not None:
        if not isinstance(field_data, dict):
            problems.add("field", "a table (min_days_past_due, min_balance)")
        else:
            dpd = field_data.get("min_days_past_due", 60)
            balance = field_data.get("min_balance", "0")
            if not isinstance(dpd, int) or isinstance(dpd, bool) or dpd < 0:
                problems.add("field.min_days_past_due", "a whole number of days ≥ 0")
                dpd = 60
            try:
                amount = Decimal(str(balance))
                if not amount.is_finite() or amount < 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.add("field.min_balance", 'an amount as text, e.g. "5000.00"')
                amount = Decimal(0)
            field_rule = FieldRule(dpd, amount)
    raw_cadences = data.get("cadence")
    if not isinstance(raw_cadences, list) or not raw_cadences:
        problems.add("cadence", "at least one [[cadence]]")
        raw_cadences = []
    cadences = [_cadence(c, f"cadence[{n}]", problems) for n, c in enumerate(raw_cadences)]
    kept = tuple(c for c in cadences if c is not None)
    seen: set[str] = set()
    for cadence in kept:
        for step in cadence.steps:
            if step.id and step.id in seen:
                problems.add("cadence", f"step id {step.id!r} is used twice")
            seen.add(step.id)
    problems.raise_if_any()
    return Strategy(
        id=str(strategy_id),
        name=Text(str(name_en), str(name_zh)),
        stop_when=frozenset(s for s in stops if s is not None),
        cadences=kept,
        field_rule=field_rule,
        early_risk_at_least=risk,
        source=source,
    )


def load_strategy(path: Path) -> Strategy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StrategyError(f"{path.name}: cannot be read: {exc}") from exc
    strategy = parse_strategy(data, path.name)
    if strategy.id != path.stem:
        raise StrategyError(f"{path.name}: id {strategy.id!r} must match the file name")
    return strategy


@dataclass(frozen=True, slots=True)
class StrategyBook:
    """Every strategy on file, and which one is each segment's champion by default."""

    strategies: Mapping[str, Strategy]
    default_champion: str

    def get(self, strategy_id: str) -> Strategy:
        try:
            return self.strategies[strategy_id]
        except KeyError:
            known = ", ".join(sorted(self.strategies))
            raise StrategyError(f"no strategy {strategy_id!r} (on file: {known})") from None

    def find(self, strategy_id: str) -> Strategy | None:
        """The strategy, or ``None`` when it is no longer on file (an old task may name it)."""
        return self.strategies.get(strategy_id)

    def ids(self) -> Sequence[str]:
        return sorted(self.strategies)


def check_templates(strategy: Strategy, known: Iterable[str]) -> None:
    """Every message step names a template on file (``resources/templates/messages``)."""
    ids = frozenset(known)
    wrong = [
        f"step {step.id!r}: no message template {step.template!r} (templates: "
        f"{', '.join(sorted(ids))})"
        for step in strategy.all_steps
        if step.template is not None and step.template not in ids
    ]
    if wrong:
        raise StrategyError(f"{strategy.source}: " + "; ".join(wrong))


def load_book(directory: Path | None = None, strategies: Iterable[Strategy] = ()) -> StrategyBook:
    """Every ``*.toml`` of ``directory`` (default ``resources/strategies``). ``champion.txt``
    there names the default champion (the strategy a segment follows without an experiment
    or a promotion). Message steps must name templates on file."""
    from workstation.messages.templates import default_templates

    folder = directory or resource_dir("strategies")
    found = {s.id: s for s in strategies}
    template_ids = default_templates().ids()
    for path in sorted(folder.glob("*.toml")):
        strategy = load_strategy(path)
        check_templates(strategy, template_ids)
        found[strategy.id] = strategy
    marker = folder / "champion.txt"
    champion = marker.read_text(encoding="utf-8").strip() if marker.is_file() else ""
    if champion not in found:
        raise StrategyError(
            f"{folder.name}/champion.txt must name one of the strategies on file "
            f"({', '.join(sorted(found))}), not {champion!r}"
        )
    return StrategyBook(found, champion)


@cache
def default_book() -> StrategyBook:
    return load_book()
