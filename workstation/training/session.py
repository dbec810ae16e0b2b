"""A trainee's run through one pack's practice: the scenarios one at a time, the quiz, and
what is submitted for certification. Plain Python over the training store; the training
screen (``ui.training``) drives it from its op runner, and the tests drive it directly.

While a scenario runs, the desk's clock is the scenario's (``now``): the customer's local
time is the scenario's, moving on as real time passes, so the engine's verdicts, the
calculators and the forms behave as on a live call at that hour. ``finish`` reads what the
trainee recorded on the scenario's account since it began and scores it with the
dialogue's path; a failed scenario can be tried again on a fresh customer.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from workstation.domain import Event, utcnow
from workstation.errors import WorkstationError
from workstation.text import Text
from workstation.training.data import Scenario, Step, TrainingPack, training_pack
from workstation.training.portfolio import (
    Practice,
    PracticePortfolio,
    as_portfolio,
    practice_for,
    scenario_instant,
)
from workstation.training.scoring import (
    Assessment,
    QuizResult,
    RecordedEvent,
    ScenarioResult,
    Transcript,
    assess,
    grade_quiz,
    score_scenario,
)


class TrainingStore(Protocol):
    def bulk_load(self, portfolio: Any) -> None: ...

    def apply_changes(
        self, customers: Any = ..., accounts: Any = ..., events: Any = ...
    ) -> Any: ...

    def load_account(self, account_id: str) -> Any: ...


class TrainingError(WorkstationError):
    summary = Text("This training step is not possible now", "当前无法进行此培训步骤")


@dataclass
class _Running:
    practice: Practice
    started_real: float
    start_instant: datetime
    path: list[tuple[str, int]] = field(default_factory=list)


class TrainingSession:
    def __init__(
        self,
        pack: TrainingPack,
        store: TrainingStore,
        *,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = _time.monotonic,
    ) -> None:
        self.pack = pack
        self.store = store
        self.clock = clock
        self.monotonic = monotonic
        self.practices: dict[str, Practice] = {}  # the latest practice account per scenario
        self.attempts: dict[str, list[ScenarioResult]] = {}
        self.transcripts: dict[str, list[Transcript]] = {}
        self.answers: dict[str, int] = {}
        self.running: _Running | None = None

    # -- setting up ----------------------------------------------------------------------------

    @classmethod
    def start(
        cls, pack_id: str, store: TrainingStore, *, clock: Callable[[], datetime] = utcnow
    ) -> TrainingSession:
        """A session over an empty training store, filled with the practice portfolio."""
        session = cls(training_pack(pack_id), store, clock=clock)
        now = clock()
        practices = [
            practice_for(session.pack, s, 1, scenario_instant(session.pack, s, now))
            for s in session.pack.scenarios
        ]
        store.bulk_load(as_portfolio(practices))
        session.practices = {p.scenario.id: p for p in practices}
        return session

    # -- a scenario --------------------------------------------------------------------------------

    def account_id(self, scenario_id: str) -> str:
        return self.practices[scenario_id].account.id

    def begin(self, scenario_id: str) -> Practice:
        """Start (or retry) a scenario: its practice account and its clock. A retry after an
        attempt gets a fresh customer and account."""
        scenario = self.pack.scenario(scenario_id)
        if scenario is None:
            raise TrainingError(Text("No such scenario", "没有该场景"))
        instant = scenario_instant(self.pack, scenario, self.clock())
        practice = self.practices[scenario_id]
        tried = len(self.attempts.get(scenario_id, []))
        if tried:
            practice = practice_for(self.pack, scenario, tried + 1, instant)
            portfolio: PracticePortfolio = as_portfolio([practice])
            self.store.apply_changes(
                customers=portfolio.customers,
                accounts=portfolio.accounts,
                events=portfolio.events,
            )
            self.practices[scenario_id] = practice
        self.running = _Running(practice, self.monotonic(), instant)
        return practice

    def now(self) -> datetime:
        """The desk's clock: the running scenario's time, moving on; real time otherwise."""
        running = self.running
        if running is None:
            return self.clock()
        return running.start_instant + timedelta(seconds=self.monotonic() - running.started_real)

    @property
    def scenario(self) -> Scenario | None:
        return self.running.practice.scenario if self.running else None

    def step(self) -> Step:
        """Where the dialogue is now."""
        running = self._running()
        scenario = running.practice.scenario
        current = scenario.start
        for _step_id, index in running.path:
            current = scenario.steps[current.replies[index].next]
        return current

    def reply(self, index: int) -> Step:
        """The trainee says reply ``index`` of the current step; the customer's answer."""
        running = self._running()
        current = self.step()
        if current.end or not 0 <= index < len(current.replies):
            raise TrainingError(Text("That reply is not offered here", "此处没有该回复"))
        running.path.append((current.id, index))
        return self.step()

    def finish(self) -> ScenarioResult:
        """Score what the trainee said and recorded; the feedback is in the result."""
        running = self._running()
        practice = running.practice
        detail = self.store.load_account(practice.account.id)
        generated = {e.id for e in practice.history}
        events: list[Event] = [] if detail is None else list(detail.events)
        recorded = tuple(
            RecordedEvent(str(e.type), dict(e.payload))
            for e in sorted(events, key=lambda e: e.occurred_at)
            if e.id not in generated
        )
        transcript = Transcript(practice.scenario.id, tuple(running.path), recorded)
        result = score_scenario(practice.scenario, transcript, self.pack.pass_mark)
        self.transcripts.setdefault(practice.scenario.id, []).append(transcript)
        self.attempts.setdefault(practice.scenario.id, []).append(result)
        self.running = None
        return result

    def _running(self) -> _Running:
        if self.running is None:
            raise TrainingError(Text("Start a scenario first", "请先开始一个场景"))
        return self.running

    def passed(self, scenario_id: str) -> bool:
        tries = self.attempts.get(scenario_id) or []
        return bool(tries) and tries[-1].passed

    @property
    def scenarios_done(self) -> bool:
        return all(self.passed(s.id) for s in self.pack.scenarios)

    # -- the quiz and the submission ------------------------------------------------------------

    def answer(self, question_id: str, choice: int) -> bool:
        """Record an answer; whether it is right (the explanation then shows)."""
        question = self.pack.question(question_id)
        if question is None or not 0 <= choice < len(question.choices):
            raise TrainingError(Text("No such answer", "没有该答案"))
        self.answers[question_id] = choice
        return choice == question.answer

    def quiz(self) -> QuizResult:
        return grade_quiz(self.pack, self.answers)

    def assessment(self) -> Assessment:
        return assess(
            self.pack, self.transcripts, self.answers, self.clock().astimezone(UTC).date()
        )

    def submission(self) -> dict[str, Any]:
        """What the server re-scores: every attempt's transcript and the quiz answers."""
        return {
            "pack": self.pack.pack,
            "attempts": [t.wire() for ts in self.transcripts.values() for t in ts],
            "quiz": dict(self.answers),
        }
