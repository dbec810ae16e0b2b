"""The lead's Quality tab (issue 18): the week's sampled conversations (why each was picked),
one scored with the rubric beside its event, notes and the customer's history; calibration
(where two leads disagreed on one call); the QA KPIs beside complaints per 1,000 and
satisfaction; and who in the team is certified for which rule pack. The server scores and
decides (``workstation.server.quality``); a refusal says why and changes nothing."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.errors import describe
from ui.field.table import Column, RowsModel
from ui.i18n import pick, tr
from ui.labels import channel_text
from workstation.kpi import BY_KEY
from workstation.quality.client import QaSample, QualityClient
from workstation.quality.kpis import QA_KPIS
from workstation.quality.rubric import Rubric, default_rubric
from workstation.text import Text

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace

# the kpi keys the server puts beside the QA ones (workstation.server.quality.kpis)
OUTCOME_KEYS = ("complaints_per_1000", "mean_satisfaction")


def reason_text(reason: str) -> str:
    """Why the weekly sample took a conversation."""
    words = {
        "override": tr("override"),
        "disclosures": tr("disclosures not given"),
        "complaint": tr("complaint followed"),
        "dispute": tr("dispute followed"),
        "random": tr("random share"),
    }
    return words.get(reason, reason)


def answer_text(answer: str) -> str:
    return {"met": tr("Met"), "not_met": tr("Not met"), "na": tr("Not applicable")}.get(
        answer, answer
    )


def verdict_text(score: str | None, passed: bool | None, critical: bool | None) -> str:
    if score is None:
        return "—"
    verdict = tr("passed") if passed else tr("failed")
    if critical:
        verdict = tr("critical fail")
    return f"{score} % · {verdict}"


class SamplesModel(RowsModel[QaSample]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("week", lambda: tr("Week"), lambda s: s.week, lambda s: s.week),
                Column(
                    "agent", lambda: tr("Agent"), lambda s: s.agent_name, lambda s: s.agent_name
                ),
                Column(
                    "when",
                    lambda: tr("Conversation"),
                    lambda s: s.occurred_at[:16].replace("T", " "),
                    lambda s: s.occurred_at,
                ),
                Column(
                    "outcome",
                    lambda: tr("Outcome"),
                    lambda s: s.disposition,
                    lambda s: s.disposition,
                ),
                Column(
                    "why",
                    lambda: tr("Sampled for"),
                    lambda s: ", ".join(reason_text(r) for r in s.reasons),
                    lambda s: ",".join(s.reasons),
                ),
                Column(
                    "review",
                    lambda: tr("Review"),
                    lambda s: (
                        verdict_text(s.score, s.passed, s.critical_failed)
                        if s.reviews
                        else tr("to review")
                    ),
                    lambda s: s.score or "",
                ),
            ],
            lambda s: s.id,
            parent,
        )


class RubricForm(QWidget):
    """Every rubric item with met / not met / n/a (where allowed) and a note; critical items
    are marked. Nothing is preselected: the lead answers each item."""

    def __init__(self, rubric: Rubric, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rubric = rubric
        self.answers: dict[str, QComboBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        for row, item in enumerate(rubric.items):
            label = QLabel(
                f"{pick(item.label)}{' ★' if item.critical else ''}  ({item.weight})", self
            )
            label.setWordWrap(True)
            label.setToolTip(pick(item.guidance))
            combo = QComboBox(self)
            combo.addItem("—", "")
            for answer in ("met", "not_met", *(("na",) if item.allow_na else ())):
                combo.addItem(answer_text(answer), answer)
            combo.setAccessibleName(pick(item.label))
            label.setBuddy(combo)
            note = QLineEdit(self)
            note.setPlaceholderText(tr("Note (optional)"))
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(note, row, 2)
            self.answers[item.id] = combo
            self.notes[item.id] = note
        hint = QLabel(tr("★ critical: not met fails the review whatever the score"), self)
        hint.setObjectName("muted")
        grid.addWidget(hint, len(rubric.items), 0, 1, 3)

    def set_answer(self, item_id: str, answer: str) -> None:
        combo = self.answers[item_id]
        combo.setCurrentIndex(max(combo.findData(answer), 0))

    def read(self) -> tuple[dict[str, str], dict[str, str]]:
        answers = {i: str(c.currentData()) for i, c in self.answers.items() if c.currentData()}
        notes = {i: n.text().strip() for i, n in self.notes.items() if n.text().strip()}
        return answers, notes

    def clear(self) -> None:
        for combo in self.answers.values():
            combo.setCurrentIndex(0)
        for note in self.notes.values():
            note.clear()


def _event_line(event: dict[str, Any]) -> str:
    payload = event.get("payload") or {}
    when = str(event.get("occurred_at") or "")[:16].replace("T", " ")
    what = str(event.get("type") or "")
    if payload.get("disposition"):
        what += f" {payload['disposition']}"
    if payload.get("channel"):
        what += f" · {channel_text(str(payload['channel']))}"
    extra = str(payload.get("notes") or payload.get("details") or "")
    return (
        f"<tr><td>{html.escape(when)}</td><td>{html.escape(str(event.get('recorded_by') or ''))}"
        f"</td><td>{html.escape(what)}</td><td>{html.escape(extra)}</td></tr>"
    )


def _p(label: str, value: str) -> str:
    return f"<p><b>{html.escape(label)}:</b> {html.escape(value)}</p>"


def detail_html(detail: dict[str, Any]) -> str:
    """The conversation (its outcome, notes, override, disclosures), the reviews so far and
    the customer's history, for the pane beside the rubric."""
    event = detail.get("event") or {}
    payload = event.get("payload") or {}
    customer = detail.get("customer") or {}
    what = str(payload.get("disposition") or event.get("type") or "")
    when = str(event.get("occurred_at") or "")[:16].replace("T", " ")
    reasons = ", ".join(reason_text(str(r)) for r in detail.get("reasons") or ())
    who = f"{customer.get('name') or '—'} · {customer.get('jurisdiction') or ''}"
    conversation = tr("Conversation")
    parts = [
        f"<h3>{html.escape(conversation)}: {html.escape(what)} · {html.escape(when)}</h3>",
        _p(tr("Customer"), who),
        _p(tr("Sampled for"), reasons),
        _p(tr("Notes"), str(payload.get("notes") or "—")),
    ]
    if payload.get("override_reason"):
        parts.append(_p(tr("Override"), str(payload["override_reason"])))
    if payload.get("disclosures_missing"):
        missing = ", ".join(str(d) for d in payload["disclosures_missing"])
        parts.append(
            _p(
                tr("Disclosures not given"),
                f"{missing} — {payload.get('disclosures_reason') or ''}",
            )
        )
    for review in detail.get("reviews") or ():
        verdict = verdict_text(
            review.get("score"), review.get("passed"), review.get("critical_failed")
        )
        parts.append(
            _p(
                tr("Reviewed by %1").replace("%1", str(review.get("reviewer_name") or "")),
                f"{verdict} — {review.get('comment') or ''}",
            )
        )
    history_title = tr("The customer's history")
    parts.append(f"<h4>{html.escape(history_title)}</h4><table cellpadding='3'>")
    history = sorted(detail.get("history") or (), key=lambda e: str(e.get("occurred_at")))
    parts.extend(_event_line(e) for e in reversed(history[-40:]))
    parts.append("</table>")
    return "".join(parts)


class SamplesPane(QWidget):
    detail_loaded = Signal(str)  # sample id
    scored = Signal(object)  # QaReview

    def __init__(self, view: QualityView) -> None:
        super().__init__(view)
        self.view = view
        self.model = SamplesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Sampled conversations"))
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.only_open = QComboBox(self)
        self.only_open.addItem(tr("To review"), "open")
        self.only_open.addItem(tr("Reviewed"), "reviewed")
        self.only_open.addItem(tr("All"), "")
        self.only_open.setAccessibleName(tr("Show"))
        self.only_open.currentIndexChanged.connect(lambda _i: self.view.load())
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName(tr("The conversation and the customer's history"))
        self.rubric = RubricForm(view.rubric, self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rubric)
        self.comment = QPlainTextEdit(self)
        self.comment.setPlaceholderText(tr("Comment for the agent"))
        self.comment.setMaximumHeight(70)
        self.comment.setTabChangesFocus(True)
        self.submit = QPushButton(tr("Submit review"), self)
        self.submit.setObjectName("primary")
        self.submit.clicked.connect(self.send)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Show"), left))
        top.addWidget(self.only_open)
        top.addStretch(1)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 2)
        left_layout.addWidget(self.detail, 3)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(tr("Score with the rubric"), right)
        heading.setObjectName("planTitle")
        right_layout.addWidget(heading)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.comment)
        right_layout.addWidget(self.error)
        right_layout.addWidget(self.submit, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([620, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.submit.setEnabled(False)

    def current(self) -> QaSample | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def show_rows(self, rows: list[QaSample]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        else:
            nothing = tr("Nothing sampled to show.")
            self.detail.setHtml(f"<p>{html.escape(nothing)}</p>")
        self._selected()

    def _selected(self, *_args: object) -> None:
        sample, client = self.current(), self.view.client()
        self.error.clear()
        self.rubric.clear()
        self.comment.clear()
        self.submit.setEnabled(sample is not None and not (sample and sample.reviewed_by_me))
        if sample is None or client is None:
            return
        sample_id = sample.id

        def done(detail: dict[str, Any]) -> None:
            self.detail.setHtml(detail_html(detail))
            self.detail_loaded.emit(sample_id)

        self.view.console.ctx.runner.work(
            lambda _s: client.sample(sample_id),
            on_done=done,
            on_error=self.view.console._failed,
            key="lead-qa-sample",
            label="QA sample",
        )

    def send(self) -> None:
        sample, client = self.current(), self.view.client()
        if sample is None or client is None:
            return
        answers, notes = self.rubric.read()
        missing = [i.id for i in self.view.rubric.items if i.id not in answers]
        if missing:
            names = [pick(i.label) for i in self.view.rubric.items if i.id in missing]
            self.error.setText(tr("Answer every item: %1").replace("%1", "; ".join(names)))
            return
        comment = self.comment.toPlainText().strip()
        self.submit.setEnabled(False)

        def done(review: Any) -> None:
            self.view.console.say(
                tr("Review saved: %1").replace(
                    "%1", verdict_text(review.score, review.passed, review.critical_failed)
                )
            )
            self.scored.emit(review)
            self.view.load()

        def failed(exc: BaseException) -> None:
            self.submit.setEnabled(True)
            self.error.setText(tr("Nothing was saved: %1").replace("%1", describe(exc)))

        self.view.console.ctx.runner.work(
            lambda _s: client.score(sample.id, answers, comment=comment, item_notes=notes),
            on_done=done,
            on_error=failed,
            label="QA review",
        )


def _table(parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class KpiRow:
    def __init__(self, name: str, values: dict[str, Any], counts: dict[str, Any]) -> None:
        self.name, self.values, self.counts = name, values, counts


def _value_column(key: str, label: Text) -> Column[KpiRow]:
    def sort_key(row: KpiRow) -> float:
        value = row.values.get(key)
        return float(value) if value is not None else -1.0

    return Column(key, lambda: pick(label), lambda r: r.values.get(key) or "—", sort_key)


class KpisModel(RowsModel[KpiRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        columns: list[Column[KpiRow]] = [
            Column("who", lambda: tr("Agent"), lambda r: r.name, lambda r: r.name),
            Column(
                "reviews",
                lambda: tr("Reviews"),
                lambda r: str(r.counts.get("reviews", 0)),
                lambda r: int(r.counts.get("reviews", 0)),
            ),
        ]
        shown = (*QA_KPIS, *(BY_KEY[k] for k in OUTCOME_KEYS))
        columns.extend(_value_column(d.key, Text(d.label_en, d.label_zh)) for d in shown)
        super().__init__(columns, lambda r: r.name, parent)


class CalibrationRow:
    def __init__(self, raw: dict[str, Any], rubric: Rubric) -> None:
        self.raw = raw
        self.scores = " / ".join(
            f"{r.get('reviewer_name')}: {r.get('score')}" for r in raw.get("reviews") or ()
        )
        names = []
        for item_id in raw.get("disagreements") or ():
            item = rubric.item(str(item_id))
            names.append(pick(item.label) if item else str(item_id))
        self.disagreements = "; ".join(names) or tr("none")


class CalibrationModel(RowsModel[CalibrationRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(
                    "agent",
                    lambda: tr("Agent"),
                    lambda r: str(r.raw.get("agent_name") or ""),
                    lambda r: str(r.raw.get("agent_name") or ""),
                ),
                Column(
                    "when",
                    lambda: tr("Conversation"),
                    lambda r: str(r.raw.get("occurred_at") or "")[:16].replace("T", " "),
                    lambda r: str(r.raw.get("occurred_at") or ""),
                ),
                Column("scores", lambda: tr("Scores"), lambda r: r.scores, lambda r: r.scores),
                Column(
                    "spread",
                    lambda: tr("Spread"),
                    lambda r: str(r.raw.get("score_spread") or ""),
                    lambda r: float(r.raw.get("score_spread") or 0),
                ),
                Column(
                    "verdicts",
                    lambda: tr("Verdicts differ"),
                    lambda r: tr("yes") if r.raw.get("verdicts_differ") else tr("no"),
                    lambda r: bool(r.raw.get("verdicts_differ")),
                ),
                Column(
                    "items",
                    lambda: tr("Items they disagree on"),
                    lambda r: r.disagreements,
                    lambda r: r.disagreements,
                ),
            ],
            lambda r: str(r.raw.get("sample_id")),
            parent,
        )


class CertRow:
    def __init__(self, name: str, cert: dict[str, Any] | None) -> None:
        self.name, self.cert = name, cert or {}


class CertificationsModel(RowsModel[CertRow]):
    def __init__(self, parent: QWidget | None = None) -> None:
        def status(r: CertRow) -> str:
            if not r.cert:
                return tr("not certified")
            if r.cert.get("valid"):
                return tr("certified")
            return tr("expired") if r.cert.get("certified_until") else tr("not passed")

        super().__init__(
            [
                Column("who", lambda: tr("Agent"), lambda r: r.name, lambda r: r.name),
                Column(
                    "pack",
                    lambda: tr("Rule pack"),
                    lambda r: str(r.cert.get("pack") or "—"),
                    lambda r: str(r.cert.get("pack") or ""),
                ),
                Column("status", lambda: tr("Status"), status, status),
                Column(
                    "until",
                    lambda: tr("Valid until"),
                    lambda r: str(r.cert.get("certified_until") or "—"),
                    lambda r: str(r.cert.get("certified_until") or ""),
                ),
                Column(
                    "score",
                    lambda: tr("Score"),
                    lambda r: str(r.cert.get("score") or "—"),
                    lambda r: float(r.cert.get("score") or -1),
                ),
            ],
            lambda r: f"{r.name}:{r.cert.get('pack', '')}",
            parent,
        )


class QualityView(QWidget):
    """The Quality tab: Samples · Calibration · QA KPIs · Certification."""

    loaded = Signal(int)  # samples shown
    kpis_loaded = Signal(object)
    calibration_loaded = Signal(int)
    certifications_loaded = Signal(int)

    def __init__(self, console: LeadWorkspace) -> None:
        super().__init__(console)
        self.console = console
        self.rubric = default_rubric()
        self.tabs = QTabWidget(self)
        self.samples = SamplesPane(self)
        self.calibration_model = CalibrationModel(self)
        self.calibration = _table(self, tr("Calibration"))
        self.calibration.setModel(self.calibration_model)
        self.kpis_model = KpisModel(self)
        self.kpis = _table(self, tr("QA KPIs"))
        self.kpis.setModel(self.kpis_model)
        self.certs_model = CertificationsModel(self)
        self.certs = _table(self, tr("Certification"))
        self.certs.setModel(self.certs_model)
        for table in (self.calibration, self.kpis, self.certs):
            table.setSortingEnabled(True)
        self.period = QLabel(self)
        self.period.setObjectName("muted")
        kpi_page = QWidget(self)
        kpi_layout = QVBoxLayout(kpi_page)
        kpi_layout.addWidget(self.period)
        kpi_layout.addWidget(self.kpis, 1)
        self.tabs.addTab(self.samples, tr("Samples"))
        self.tabs.addTab(self.calibration, tr("Calibration"))
        self.tabs.addTab(kpi_page, tr("QA KPIs"))
        self.tabs.addTab(self.certs, tr("Certification"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def client(self) -> QualityClient | None:
        lead = self.console.client
        return QualityClient(lead.api) if lead is not None else None

    def load(self, today: date | None = None) -> None:
        client = self.client()
        if client is None:
            return
        runner = self.console.ctx.runner
        status = str(self.samples.only_open.currentData() or "") or None
        end = today or date.today()
        start = end - timedelta(days=27)

        def samples_done(rows: list[QaSample]) -> None:
            self.samples.show_rows(rows)
            self.loaded.emit(len(rows))

        runner.work(
            lambda _s: client.samples(status=status),
            on_done=samples_done,
            on_error=self.console._failed,
            key="lead-qa-samples",
            label="QA samples",
        )
        runner.work(
            lambda _s: client.calibration(start, end),
            on_done=self._calibration_done,
            on_error=self.console._failed,
            key="lead-qa-calibration",
            label="QA calibration",
        )
        runner.work(
            lambda _s: client.kpis(start, end),
            on_done=self._kpis_done,
            on_error=self.console._failed,
            key="lead-qa-kpis",
            label="QA KPIs",
        )
        runner.work(
            lambda _s: client.team_certifications(),
            on_done=self._certs_done,
            on_error=self.console._failed,
            key="lead-certifications",
            label="certifications",
        )

    def _calibration_done(self, rows: list[dict[str, Any]]) -> None:
        self.calibration_model.set_rows([CalibrationRow(r, self.rubric) for r in rows])
        self.calibration_loaded.emit(len(rows))

    def _kpis_done(self, report: dict[str, Any]) -> None:
        self.period.setText(
            tr("Conversations from %1 to %2 (calibration reviews left out)")
            .replace("%1", str(report.get("from")))
            .replace("%2", str(report.get("to")))
        )
        team = report.get("team") or {}
        rows = [
            KpiRow(
                str(a.get("display_name") or a.get("username")),
                a.get("kpis") or {},
                a.get("counts") or {},
            )
            for a in report.get("agents") or ()
        ]
        rows.append(KpiRow(tr("Team"), team.get("kpis") or {}, team.get("counts") or {}))
        self.kpis_model.set_rows(rows)
        self.kpis_loaded.emit(report)

    def _certs_done(self, members: list[dict[str, Any]]) -> None:
        rows: list[CertRow] = []
        for member in members:
            name = str(member.get("display_name") or member.get("username"))
            certs = member.get("certifications") or []
            if certs:
                rows.extend(CertRow(name, c) for c in certs)
            else:
                rows.append(CertRow(name, None))
        self.certs_model.set_rows(rows)
        self.certifications_loaded.emit(len(rows))
