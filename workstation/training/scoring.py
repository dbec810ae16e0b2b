"""Scoring practice: one scenario attempt, the quiz, and whether a pack's practice certifies.

Pure functions over plain data, so the desk (feedback after each attempt) and the server
(which re-scores whatever a trainee submits, never trusting a client's figure) agree:

- a ``Transcript`` is what the trainee did in one attempt: the replies chosen in the dialogue
  (step by step from "start") and the events they recorded at the desk on the practice
  account (type and payload, as the store holds them);
- ``score_scenario`` runs the scenario's checks: the weight of the checks met over the total,
  in tenths of a percent; a critical check failed fails the attempt whatever the score;
- ``grade_quiz`` marks the answers; ``assess`` decides certification: every scenario of the
  pack passed on its last attempt, and the quiz passed. A certificate runs a year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workstation.domain.dispositions import default_catalogue
from workstation.errors import WorkstationError
from workstation.text import Text
from workstation.training.data import Check, Question, Scenario, TrainingPack

CERTIFICATE_DAYS = 365
MAX_ATTEMPTS = 20  # per scenario in one submission
MAX_EVENTS = 50  # per attempt
MAX_PATH = 50


class TranscriptError(WorkstationError, ValueError):
    """A transcript that does not fit its scenario (a reply that is not there, say)."""

    summary = Text("This practice record does not fit the scenario", "练习记录与场景不符")


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    type: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Transcript:
    scenario_id: str
    path: tuple[tuple[str, int], ...]  # (step id, index of the reply chosen)
    events: tuple[RecordedEvent, ...]

    def wire(self) -> dict[str, Any]:
        return {
            "scenario_id": self.scenario_id,
            "path": [[step, reply] for step, reply in self.path],
            "events": [{"type": e.type, "payload": dict(e.payload)} for e in self.events],
        }

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> Transcript:
        try:
            path = tuple((str(step), int(reply)) for step, reply in raw.get("path") or [])
            events = tuple(
                RecordedEvent(str(e["type"]), dict(e.get("payload") or {}))
                for e in raw.get("events") or []
            )
        except (KeyError, TypeError, ValueError):
            raise TranscriptError(
                "a path is [[step, reply], …], an event {type, payload}"
            ) from None
        if len(path) > MAX_PATH or len(events) > MAX_EVENTS:
            raise TranscriptError("too many steps or events in one attempt")
        return cls(str(raw.get("scenario_id") or ""), path, events)


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: Check
    passed: bool


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    scenario: Scenario
    score_tenths: int
    passed: bool
    critical_failed: bool
    checks: tuple[CheckResult, ...]
    said: frozenset[str]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.passed)


def _tenths(part: int | Decimal, whole: int | Decimal) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * 1000 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def said(scenario: Scenario, path: Sequence[tuple[str, int]]) -> frozenset[str]:
    """The marks of the replies chosen, walking the dialogue from "start"; an attempt may
    stop before the end. A path that leaves the dialogue is refused."""
    marks: set[str] = set()
    current = scenario.start
    for position, (step_id, index) in enumerate(path, 1):
        if step_id != current.id:
            raise TranscriptError(
                f"{scenario.id}: reply {position} is at step {step_id!r}, the dialogue is at "
                f"{current.id!r}"
            )
        if not 0 <= index < len(current.replies):
            raise TranscriptError(f"{scenario.id}: step {step_id!r} has no reply {index}")
        reply = current.replies[index]
        marks |= reply.marks
        current = scenario.steps[reply.next]
    return frozenset(marks)


def matches(pattern: str, event: RecordedEvent) -> bool:
    kind, _, detail = pattern.partition(":")
    if event.type != kind:
        return False
    payload = event.payload
    if not detail:
        return True
    if kind == "contact_attempt":
        code = str(payload.get("disposition") or "")
        if detail == "right_party":
            disposition = default_catalogue().get(code)
            return disposition is not None and disposition.is_right_party
        if detail == "override":
            return bool(str(payload.get("override_reason") or "").strip())
        if detail == "disclosures_missing":
            return bool(payload.get("disclosures_missing"))
        return code == detail
    if kind == "flag_change":
        return str(payload.get("flag") or "") == detail and bool(payload.get("value", True))
    if kind == "plan_agreement":
        affordable = payload.get("affordable") is True
        return affordable if detail == "affordable" else not affordable
    return False


def _check(check: Check, marks: frozenset[str], events: Sequence[RecordedEvent]) -> bool:
    if check.said_any and not check.said_any & marks:
        return False
    if check.said_none & marks:
        return False
    if check.recorded_any and not any(matches(p, e) for p in check.recorded_any for e in events):
        return False
    return not any(matches(p, e) for p in check.recorded_none for e in events)


def score_scenario(scenario: Scenario, transcript: Transcript, pass_mark: int) -> ScenarioResult:
    if transcript.scenario_id != scenario.id:
        raise TranscriptError(f"a transcript of {transcript.scenario_id!r}, not {scenario.id!r}")
    marks = said(scenario, transcript.path)
    results = tuple(CheckResult(c, _check(c, marks, transcript.events)) for c in scenario.checks)
    total = sum(c.weight for c in scenario.checks)
    met = sum(r.check.weight for r in results if r.passed)
    tenths = _tenths(met, total)
    critical = any(r.check.critical and not r.passed for r in results)
    return ScenarioResult(
        scenario, tenths, not critical and tenths >= pass_mark * 10, critical, results, marks
    )


@dataclass(frozen=True, slots=True)
class QuizResult:
    score_tenths: int
    passed: bool
    answers: tuple[tuple[Question, int | None], ...]  # the question, the choice made

    def right(self, question: Question) -> bool:
        return any(q is question and a == q.answer for q, a in self.answers)


def grade_quiz(pack: TrainingPack, answers: Mapping[str, int]) -> QuizResult:
    unknown = set(answers) - {q.id for q in pack.questions}
    if unknown:
        raise TranscriptError(f"not questions of {pack.pack}: {', '.join(sorted(unknown))}")
    marked = tuple((q, answers.get(q.id)) for q in pack.questions)
    right = sum(1 for q, a in marked if a == q.answer)
    tenths = _tenths(right, len(pack.questions))
    return QuizResult(tenths, tenths >= pack.quiz_pass_mark * 10, marked)


@dataclass(frozen=True, slots=True)
class Assessment:
    """A submitted practice of one pack, as scored: certified when ``passed``."""

    pack: TrainingPack
    scenarios: tuple[tuple[ScenarioResult, ...], ...]  # every attempt, per scenario in order
    quiz: QuizResult
    scenario_score_tenths: int
    score_tenths: int
    passed: bool
    certified_until: date | None
    missing: tuple[str, ...]  # scenarios of the pack with no attempt

    def detail(self) -> dict[str, Any]:
        """What the server keeps of it (the checks failed, attempt by attempt)."""
        return {
            "scenarios": [
                {
                    "id": attempts[-1].scenario.id,
                    "attempts": len(attempts),
                    "passed": attempts[-1].passed,
                    "score_tenths": attempts[-1].score_tenths,
                    "failed_checks": [[c.check.id for c in a.failed] for a in attempts],
                }
                for attempts in self.scenarios
            ],
            "missing": list(self.missing),
            "quiz": {q.id: a for q, a in self.quiz.answers},
        }


def assess(
    pack: TrainingPack,
    attempts: Mapping[str, Sequence[Transcript]],
    answers: Mapping[str, int],
    today: date,
) -> Assessment:
    unknown = set(attempts) - {s.id for s in pack.scenarios}
    if unknown:
        raise TranscriptError(f"not scenarios of {pack.pack}: {', '.join(sorted(unknown))}")
    results: list[tuple[ScenarioResult, ...]] = []
    missing: list[str] = []
    for scenario in pack.scenarios:
        tries = list(attempts.get(scenario.id) or ())
        if len(tries) > MAX_ATTEMPTS:
            raise TranscriptError(f"{scenario.id}: at most {MAX_ATTEMPTS} attempts")
        if not tries:
            missing.append(scenario.id)
            continue
        results.append(tuple(score_scenario(scenario, t, pack.pass_mark) for t in tries))
    quiz = grade_quiz(pack, answers)
    finals = [r[-1] for r in results]
    # the scenarios' mean over every scenario of the pack (a missing one scores 0)
    scenario_tenths = int(
        (Decimal(sum(r.score_tenths for r in finals)) / len(pack.scenarios)).quantize(
            Decimal(1), ROUND_HALF_UP
        )
    )
    overall = int(
        (Decimal(scenario_tenths + quiz.score_tenths) / 2).quantize(Decimal(1), ROUND_HALF_UP)
    )
    passed = not missing and all(r.passed for r in finals) and quiz.passed
    return Assessment(
        pack=pack,
        scenarios=tuple(results),
        quiz=quiz,
        scenario_score_tenths=scenario_tenths,
        score_tenths=overall,
        passed=passed,
        certified_until=today + timedelta(days=CERTIFICATE_DAYS) if passed else None,
        missing=tuple(missing),
    )


def transcripts_from_wire(raw: Iterable[Mapping[str, Any]]) -> dict[str, list[Transcript]]:
    out: dict[str, list[Transcript]] = {}
    for item in raw:
        transcript = Transcript.from_wire(item)
        out.setdefault(transcript.scenario_id, []).append(transcript)
    return out
