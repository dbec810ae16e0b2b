"""Training mode at the desk (issue 18): the real desk — queue, account, outcome form, plan
calculator, the engine's verdicts — over a practice portfolio generated on the spot in a
store of its own that is never synced, clearly marked (an orange banner and the window's
title), with the practice panel beside it: the scenario's brief, the scripted customer's
lines and the trainee's replies (a branching dialogue), the score and feedback after each
scenario, the pack's quiz with each answer's rule cited, and the submission for
certification (the server re-scores it; ``workstation.server.quality.certification``).

Opened from the desk's Work menu (Practice) or ``workstation train [PACK]``. The desk's
clock is the running scenario's (``TrainingSession.now``): the customer's local time is the
scenario's, so the calling-hours rules and the forms behave as on a live call at that hour.
"""

from __future__ import annotations

import html
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import localize_buttons
from ui.errors import describe
from ui.i18n import pick, tr
from ui.labels import pack_name
from ui.main_window import MainWindow
from workstation.desk import Changes
from workstation.training.citations import cite
from workstation.training.data import Question, training_pack, training_packs
from workstation.training.scoring import ScenarioResult
from workstation.training.session import TrainingSession

if TYPE_CHECKING:
    from ui.context import AppContext
    from workstation.quality.client import QualityClient

BANNER_STYLE = "background:#e8590c;color:white;font-weight:bold;padding:6px 10px;border-radius:3px;"


def result_html(result: ScenarioResult) -> str:
    """The score and, check by check, what the scenario expected and why."""
    verdict = tr("Passed") if result.passed else tr("Not passed")
    if result.critical_failed:
        verdict = tr("Not passed: a critical check failed")
    score = f"{result.score_tenths // 10}.{result.score_tenths % 10} %"
    parts = [f"<h3>{html.escape(pick(result.scenario.title))} — {html.escape(score)}</h3>"]
    parts.append(f"<p><b>{html.escape(verdict)}</b></p><table cellpadding='3'>")
    for check in result.checks:
        mark = "✓" if check.passed else "✗"
        star = " ★" if check.check.critical else ""
        feedback = "" if check.passed else pick(check.check.feedback)
        parts.append(
            f"<tr><td>{mark}</td><td>{html.escape(pick(check.check.label))}{star}</td>"
            f"<td><i>{html.escape(feedback)}</i></td></tr>"
        )
    parts.append("</table>")
    return "".join(parts)


class QuizDialog(QDialog):
    """The pack's questions; choosing an answer shows whether it is right and the rule."""

    answered = Signal(str, bool)  # question id, right

    def __init__(self, session: TrainingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quizDialog")
        self.setWindowTitle(tr("Quiz: %1").replace("%1", pack_name(session.pack.pack)))
        self.session = session
        self.groups: dict[str, QButtonGroup] = {}
        self.explanations: dict[str, QLabel] = {}
        body = QWidget(self)
        column = QVBoxLayout(body)
        for number, question in enumerate(session.pack.questions, 1):
            column.addWidget(self._question(body, number, question))
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # wrap
        scroll.setWidget(body)
        self.total = QLabel(self)
        self.total.setObjectName("planTitle")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        localize_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.total)
        layout.addWidget(buttons)
        self.resize(760, 640)
        self._show_total()

    def _question(self, parent: QWidget, number: int, question: Question) -> QWidget:
        box = QWidget(parent)
        layout = QVBoxLayout(box)
        text = QLabel(f"{number}. {pick(question.text)}", box)
        text.setWordWrap(True)
        text.setObjectName("planTitle")
        layout.addWidget(text)
        group = QButtonGroup(box)
        for index, choice in enumerate(question.choices):
            radio = QRadioButton(pick(choice), box)
            group.addButton(radio, index)
            layout.addWidget(radio)
            if self.session.answers.get(question.id) == index:
                radio.setChecked(True)
        explanation = QLabel(box)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.groups[question.id] = group
        self.explanations[question.id] = explanation
        group.idClicked.connect(lambda index, q=question: self.choose(q.id, index))
        if question.id in self.session.answers:
            self._explain(question, self.session.answers[question.id] == question.answer)
        return box

    def choose(self, question_id: str, index: int) -> bool:
        right = self.session.answer(question_id, index)
        question = self.session.pack.question(question_id)
        if question is not None:
            button = self.groups[question_id].button(index)
            if button is not None and not button.isChecked():
                button.setChecked(True)
            self._explain(question, right)
        self._show_total()
        self.answered.emit(question_id, right)
        return right

    def _explain(self, question: Question, right: bool) -> None:
        verdict = tr("Right.") if right else tr("Not right.")
        rule = pick(cite(self.session.pack.pack, question.rule))
        self.explanations[question.id].setText(f"{verdict} {pick(question.explain)}\n{rule}")
        self.explanations[question.id].setObjectName("muted" if right else "error")
        self.explanations[question.id].style().polish(self.explanations[question.id])

    def _show_total(self) -> None:
        quiz = self.session.quiz()
        done = len(self.session.answers)
        score = f"{quiz.score_tenths // 10}.{quiz.score_tenths % 10} %"
        self.total.setText(
            tr("%1 of %2 answered · score %3 (%4 to pass)")
            .replace("%1", str(done))
            .replace("%2", str(len(self.session.pack.questions)))
            .replace("%3", score)
            .replace("%4", f"{self.session.pack.quiz_pass_mark} %")
        )


class PracticePanel(QWidget):
    """Scenarios · the dialogue · feedback · quiz · submit."""

    scenario_started = Signal(str)  # account id
    scenario_finished = Signal(object)  # ScenarioResult
    submitted = Signal(object)  # the server's answer (dict)

    def __init__(self, window: TrainingWindow) -> None:
        super().__init__(window)
        self.window_ = window
        session = window.session
        self.scenarios = QListWidget(self)
        self.scenarios.setAccessibleName(tr("Scenarios"))
        self.scenarios.setMaximumHeight(150)
        self.start_button = QPushButton(tr("Start the scenario"), self)
        self.start_button.setObjectName("primary")
        self.brief = QLabel(self)
        self.brief.setWordWrap(True)
        self.brief.setObjectName("muted")
        self.customer = QLabel(self)
        self.customer.setWordWrap(True)
        self.customer.setObjectName("planTitle")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("muted")
        self.replies_box = QWidget(self)
        self.replies = QVBoxLayout(self.replies_box)
        self.replies.setContentsMargins(0, 0, 0, 0)
        self.reply_buttons: list[QPushButton] = []
        self.finish_button = QPushButton(tr("Finish and score"), self)
        self.feedback = QTextBrowser(self)
        self.feedback.setAccessibleName(tr("Feedback"))
        self.quiz_button = QPushButton(tr("Take the quiz…"), self)
        self.submit_button = QPushButton(tr("Submit for certification"), self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.setMinimumWidth(360)
        self.setMaximumWidth(460)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Scenarios"), self))
        layout.addWidget(self.scenarios)
        layout.addWidget(self.start_button)
        layout.addWidget(self.brief)
        layout.addWidget(self.customer)
        layout.addWidget(self.hint)
        layout.addWidget(self.replies_box)
        layout.addWidget(self.finish_button)
        layout.addWidget(self.feedback, 1)
        layout.addWidget(self.quiz_button)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.status)
        for scenario in session.pack.scenarios:
            item = QListWidgetItem(pick(scenario.title), self.scenarios)
            item.setData(Qt.ItemDataRole.UserRole, scenario.id)
        self.scenarios.setCurrentRow(0)
        self.scenarios.currentRowChanged.connect(lambda _r: self._show_brief())
        self.start_button.clicked.connect(self.start)
        self.finish_button.clicked.connect(self.finish)
        self.quiz_button.clicked.connect(self.open_quiz)
        self.submit_button.clicked.connect(self.submit)
        self.quiz: QuizDialog | None = None
        self._show_brief()
        self._show_step()
        self.refresh_list()

    @property
    def session(self) -> TrainingSession:
        return self.window_.session

    def selected(self) -> str:
        item = self.scenarios.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def _show_brief(self) -> None:
        scenario = self.session.pack.scenario(self.selected())
        if scenario is not None and self.session.running is None:
            self.brief.setText(pick(scenario.brief))

    def refresh_list(self) -> None:
        for row in range(self.scenarios.count()):
            item = self.scenarios.item(row)
            scenario_id = str(item.data(Qt.ItemDataRole.UserRole))
            scenario = self.session.pack.scenario(scenario_id)
            tries = self.session.attempts.get(scenario_id) or []
            mark = "✓ " if self.session.passed(scenario_id) else ("✗ " if tries else "○ ")
            item.setText(mark + (pick(scenario.title) if scenario else scenario_id))
        quiz = self.session.quiz()
        ready = self.session.scenarios_done and quiz.passed
        self.submit_button.setEnabled(ready)
        self.submit_button.setToolTip(
            "" if ready else tr("Pass every scenario and the quiz first.")
        )

    def start(self) -> None:
        scenario_id = self.selected()
        if not scenario_id:
            return
        session = self.session

        def done(practice: Any) -> None:
            self.brief.setText(pick(practice.scenario.brief))
            self.feedback.clear()
            self._show_step()
            self.scenario_started.emit(practice.account.id)
            self.window_.show_practice(practice.account.id)

        self.window_.ctx.runner.db(
            lambda _s: session.begin(scenario_id),
            on_done=done,
            on_error=self._failed,
            label="practice scenario",
        )

    def _show_step(self) -> None:
        for button in self.reply_buttons:
            button.deleteLater()
        self.reply_buttons = []
        running = self.session.running is not None
        self.start_button.setEnabled(not running)
        self.scenarios.setEnabled(not running)
        self.finish_button.setEnabled(running)
        if not running:
            self.customer.setText(tr("Choose a scenario and start it."))
            self.hint.clear()
            return
        step = self.session.step()
        speaker = {"customer": tr("Customer"), "third_party": tr("Whoever answered")}
        said = pick(step.say)
        who = speaker.get(step.speaker)
        self.customer.setText(f"{who}: “{said}”" if who else said)
        self.hint.setText(pick(step.hint) if step.hint else "")
        if step.end:
            self.hint.setText(
                (pick(step.hint) + "  " if step.hint else "")
                + tr("Record what happened at the desk, then finish and score.")
            )
        for index, reply in enumerate(step.replies):
            # a push button does not wrap: the line is broken for the panel's width
            button = QPushButton(textwrap.fill(pick(reply.text), 52), self.replies_box)
            button.setStyleSheet("text-align:left;padding:4px;")
            button.clicked.connect(lambda _=False, i=index: self.say(i))
            self.replies.addWidget(button)
            self.reply_buttons.append(button)

    def say(self, index: int) -> None:
        self.session.reply(index)
        self._show_step()

    def finish(self) -> None:
        session = self.session

        def done(result: ScenarioResult) -> None:
            self.feedback.setHtml(result_html(result))
            self._show_step()
            self.refresh_list()
            self.scenario_finished.emit(result)

        self.window_.ctx.runner.db(
            lambda _s: session.finish(), on_done=done, on_error=self._failed, label="score"
        )

    def open_quiz(self) -> QuizDialog:
        self.quiz = QuizDialog(self.session, self)
        self.quiz.answered.connect(lambda _q, _r: self.refresh_list())
        self.quiz.open()
        return self.quiz

    def submit(self) -> None:
        client = self.window_.server
        if client is None:
            self.status.setText(
                tr(
                    "Not signed in: open Practice from the desk's Work menu while signed in "
                    "to submit for certification."
                )
            )
            return
        submission = self.session.submission()
        self.submit_button.setEnabled(False)
        self.status.setText(tr("Sending to the server…"))

        def done(answer: dict[str, Any]) -> None:
            if answer.get("passed"):
                text = tr("Certified for %1 until %2 (score %3 %).")
            else:
                text = tr("Not certified for %1 (score %3 %): the server found checks failed.")
            self.status.setText(
                text.replace("%1", pack_name(self.session.pack.pack))
                .replace("%2", str(answer.get("certified_until") or ""))
                .replace("%3", str(answer.get("score")))
            )
            self.refresh_list()
            self.submitted.emit(answer)

        def failed(exc: BaseException) -> None:
            self.refresh_list()
            self._failed(exc)

        self.window_.ctx.runner.work(
            lambda _s: client.submit_practice(submission),
            on_done=done,
            on_error=failed,
            label="submit practice",
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(describe(exc))


class TrainingWindow(MainWindow):
    """The desk over the practice store, with the banner and the practice panel."""

    def __init__(
        self,
        ctx: AppContext,
        session: TrainingSession,
        *,
        server: QualityClient | None = None,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.session = session
        self.server = server
        self.folder = folder  # the practice store's own folder, removed on close
        super().__init__(ctx, parent)
        self.setObjectName("trainingWindow")
        self.setWindowTitle(
            tr("TRAINING — %1 — practice customers, nothing is synced").replace(
                "%1", pack_name(session.pack.pack)
            )
        )
        self.banner = QLabel(
            tr(
                "TRAINING MODE · %1 · practice customers generated on this computer; "
                "nothing here is synced or reaches a real customer"
            ).replace("%1", pack_name(session.pack.pack)),
            self,
        )
        self.banner.setObjectName("trainingBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        workspace = self.takeCentralWidget()
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.banner)
        if workspace is not None:
            column.addWidget(workspace, 1)
        self.setCentralWidget(holder)
        self.practice = PracticePanel(self)
        dock = QDockWidget(tr("Practice"), self)
        dock.setObjectName("practiceDock")
        dock.setWidget(self.practice)
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        # never synced: no sync, no sign-in, no timer; no practice inside the practice
        self.sync_timer.stop()
        if self.agent is not None:  # no training opener was given: no Practice menu
            self.act_reviews.setVisible(False)
        for action in (self.act_sync, self.act_signin):
            action.setEnabled(False)
            action.setVisible(False)
        self.sync_status.hide()

    def apply_sync_interval(self) -> None:
        return  # a practice store is never synced

    def sync_in_background(self) -> None:
        return

    def sync_now(self, quiet: bool = False) -> None:
        del quiet
        self.show_status(tr("Training mode: nothing is synced."))

    def show_practice(self, account_id: str) -> None:
        if self.agent is not None:
            self.agent.apply_changes(Changes(accounts=frozenset({account_id}), queue=True))
            self.agent.load_account(account_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self.ctx.runner.shutdown()
            self.ctx.store.close()
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)


def open_training(
    pack_id: str,
    *,
    user: str,
    server: QualityClient | None = None,
    settings: Any = None,
) -> TrainingWindow:
    """A practice store in a folder of its own, the pack's portfolio in it, the desk over it."""
    from ui.context import build_context
    from workstation.store import Store

    folder = Path(tempfile.mkdtemp(prefix="workstation-practice-"))
    store = Store.open(folder / "practice.db")
    session = TrainingSession.start(pack_id, store)
    ctx = build_context(settings=settings, store=store, user=user)
    ctx.desk.clock = session.now
    window = TrainingWindow(ctx, session, server=server, folder=folder)
    return window


def packs() -> list[str]:
    return sorted(training_packs())


def main(argv: list[str] | None = None) -> int:
    """``workstation train [PACK]``: practice offline (submitting needs the desk signed in)."""
    from ui import app as app_mod
    from ui import settings as settings_mod

    args = list(argv or [])
    pack_id = args[0] if args else "cn-nifa"
    if pack_id not in training_packs():
        print(
            f"workstation train: no pack {pack_id!r}; one of {', '.join(packs())}", file=sys.stderr
        )
        return 2
    training_pack(pack_id)
    app = app_mod.ensure_app()
    app_mod.configure_logging()
    settings = settings_mod.load()
    app_mod.prepare(app, settings.language, settings.theme)
    window = open_training(pack_id, user=settings.last_user or "trainee", settings=settings)
    window.show()
    window.start()
    return int(app.exec())
