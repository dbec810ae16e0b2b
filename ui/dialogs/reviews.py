"""The agent's quality reviews at the desk (issue 18): every review the team lead made of the
agent's conversations, with the rubric's items as the lead answered them, the notes and the
comment; the agent acknowledges a review as read, with a reply if they want. The server
keeps the reviews (``/api/v1/quality/reviews/mine``); this needs a connection."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import error_label, localize_buttons, set_column_widths
from ui.dialogs.registry import register_dialog
from ui.errors import describe
from ui.field.table import Column, RowsModel
from ui.i18n import pick, tr
from ui.lead.quality import answer_text, verdict_text
from workstation.quality.client import QaReview, QualityClient
from workstation.quality.rubric import default_rubric

if TYPE_CHECKING:
    from ui.context import AppContext


def status_text(review: QaReview) -> str:
    return tr("read") if review.acknowledged_at else tr("new")


class ReviewsModel(RowsModel[QaReview]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(
                    "when",
                    lambda: tr("Conversation"),
                    lambda r: r.occurred_at[:16].replace("T", " "),
                    lambda r: r.occurred_at,
                ),
                Column(
                    "outcome",
                    lambda: tr("Outcome"),
                    lambda r: r.disposition,
                    lambda r: r.disposition,
                ),
                Column(
                    "by",
                    lambda: tr("Reviewer"),
                    lambda r: r.reviewer_name,
                    lambda r: r.reviewer_name,
                ),
                Column(
                    "result",
                    lambda: tr("Review"),
                    lambda r: verdict_text(r.score, r.passed, r.critical_failed),
                    lambda r: r.score,
                ),
                Column("status", lambda: tr("Status"), status_text, status_text),
            ],
            lambda r: r.id,
            parent,
        )


def review_html(review: QaReview) -> str:
    rubric = default_rubric()
    rows = []
    for item in rubric.items:
        answer = review.answers.get(item.id, "")
        mark = "✗" if answer == "not_met" else ("✓" if answer == "met" else "–")
        star = " ★" if item.critical else ""
        note = review.item_notes.get(item.id, "")
        rows.append(
            f"<tr><td>{mark}</td><td>{html.escape(pick(item.label))}{star}</td>"
            f"<td>{html.escape(answer_text(answer))}</td><td><i>{html.escape(note)}</i></td></tr>"
        )
    verdict = verdict_text(review.score, review.passed, review.critical_failed)
    when = review.occurred_at[:16].replace("T", " ")
    by = tr("Reviewed by %1").replace("%1", review.reviewer_name)
    comment = tr("Comment")
    parts = [
        f"<h3>{html.escape(verdict)}</h3>",
        f"<p>{html.escape(by)} · {html.escape(review.disposition)} · {html.escape(when)}</p>",
        f"<p><b>{html.escape(comment)}:</b> {html.escape(review.comment or '—')}</p>",
        "<table cellpadding='3'>",
        *rows,
        "</table>",
    ]
    if review.notes:
        notes = tr("Your notes")
        parts.append(f"<p><b>{html.escape(notes)}:</b> {html.escape(review.notes)}</p>")
    if review.acknowledged_at:
        read = tr("Read on %1").replace("%1", review.acknowledged_at[:10])
        reply = f" — {review.reply}" if review.reply else ""
        parts.append(f"<p>{html.escape(read + reply)}</p>")
    return "".join(parts)


class ReviewsDialog(QDialog):
    loaded = Signal(int)
    acknowledged = Signal(object)  # QaReview

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewsDialog")
        self.setWindowTitle(tr("My quality reviews"))
        self.ctx = ctx
        self.model = ReviewsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Reviews of your conversations"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        set_column_widths(self.table, ((0, 120), (1, 80), (2, 110), (3, 150)))
        self.detail = QTextBrowser(self)
        self.reply = QLineEdit(self)
        self.reply.setPlaceholderText(tr("Reply to the reviewer (optional)"))
        self.reply.setAccessibleName(tr("Reply"))
        self.acknowledge = QPushButton(tr("Mark as read"), self)
        self.acknowledge.setObjectName("primary")
        self.acknowledge.clicked.connect(self.send_acknowledgement)
        self.heading = QLabel(tr("Loading your reviews…"), self)
        self.heading.setWordWrap(True)
        self.error = error_label(self)
        split = QSplitter(self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([460, 520])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        localize_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        layout.addWidget(self.reply)
        layout.addWidget(self.acknowledge)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(1000, 600)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.acknowledge.setEnabled(False)
        self.load()

    def client(self) -> QualityClient | None:
        engine = self.ctx.sync.engine
        return QualityClient(engine.api) if engine is not None else None

    def load(self) -> None:
        client = self.client()
        if client is None:
            self.heading.setText(tr("Sign in to the server to see your reviews."))
            return
        self.ctx.runner.work(
            lambda _s: client.my_reviews(),
            on_done=self._show,
            on_error=lambda exc: self.error.setText(describe(exc)),
            key="my-qa-reviews",
            label="my reviews",
        )

    def _show(self, reviews: list[QaReview]) -> None:
        unread = sum(1 for r in reviews if not r.acknowledged_at)
        self.heading.setText(
            tr("Reviews of your conversations: %1 · not read yet: %2")
            .replace("%1", str(len(reviews)))
            .replace("%2", str(unread))
            if reviews
            else tr("No reviews of your conversations yet.")
        )
        self.model.set_rows(reviews)
        first_unread = next((i for i, r in enumerate(reviews) if not r.acknowledged_at), 0)
        if reviews:
            self.table.selectRow(first_unread)
        self._selected()
        self.loaded.emit(len(reviews))

    def current(self) -> QaReview | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self, *_args: object) -> None:
        review = self.current()
        self.detail.setHtml(review_html(review) if review else "")
        self.acknowledge.setEnabled(review is not None and not review.acknowledged_at)
        self.reply.setEnabled(review is not None and not review.acknowledged_at)

    def send_acknowledgement(self) -> None:
        review, client = self.current(), self.client()
        if review is None or client is None:
            return
        reply = self.reply.text().strip()
        self.acknowledge.setEnabled(False)

        def done(read: QaReview) -> None:
            self.reply.clear()
            self.error.clear()
            self.acknowledged.emit(read)
            self.load()

        def failed(exc: BaseException) -> None:
            self.acknowledge.setEnabled(True)
            self.error.setText(describe(exc))

        self.ctx.runner.work(
            lambda _s: client.acknowledge(review.id, reply),
            on_done=done,
            on_error=failed,
            label="acknowledge review",
        )


@register_dialog("qa_reviews")
def _reviews(ctx: AppContext, parent: QWidget | None, _account_id: str | None) -> QDialog:
    return ReviewsDialog(ctx, parent)
