"""The review queue's answers to the workflows' items: an approval request ("Approve",
"Refuse…" with the reason the agent reads; the item shows the numbers and the policy
breached) and a vulnerability review ("Review done…", which lifts the pack's vulnerable
rules with the lead's reason). The buttons live here; the review view only mounts them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from ui.errors import describe
from ui.i18n import tr
from ui.views.holds import ReasonDialog
from workstation.domain.enums import CustomerFlag
from workstation.lead import ReviewItem

if TYPE_CHECKING:
    from ui.lead.workspace import LeadWorkspace, ReviewView

KIND = "approval_request"


class ApprovalActions(QObject):
    answered = Signal(str, str)  # approval id, status

    def __init__(self, console: LeadWorkspace, review: ReviewView, bar: QHBoxLayout) -> None:
        super().__init__(review)
        self.console, self.review = console, review
        self.approve = QPushButton(tr("Approve"), review)
        self.refuse = QPushButton(tr("Refuse…"), review)
        self.dialog: ReasonDialog | None = None
        for button in (self.approve, self.refuse):
            button.setVisible(False)
            bar.insertWidget(bar.count() - 1, button)
        self.approve.clicked.connect(lambda: self.send(approve=True, reason=""))
        self.refuse.clicked.connect(self.ask_reason)
        review.table.selectionModel().currentRowChanged.connect(self.selected)

    def item(self) -> ReviewItem | None:
        item = self.review.current()
        return item if item is not None and item.kind == KIND else None

    def selected(self, *_args: object) -> None:
        shown = self.item() is not None
        self.approve.setVisible(shown)
        self.refuse.setVisible(shown)

    def ask_reason(self) -> ReasonDialog | None:
        if self.item() is None:
            return None
        dialog = ReasonDialog(
            tr("Refuse the request"), tr("Why? The agent reads this at the desk."), self.review
        )
        dialog.given.connect(lambda why: self.send(approve=False, reason=why))
        self.dialog = dialog
        dialog.open()
        return dialog

    def send(self, *, approve: bool, reason: str) -> None:
        item, client = self.item(), self.console.client
        if item is None or client is None:
            return
        approval_id = str(item.detail.get("approval_id") or item.event_id or "")

        def done(status: str) -> None:
            self.console.say(
                tr("Approved: the agent can agree the plan after their next sync.")
                if status == "approved"
                else tr("Refused: the agent sees your reason after their next sync.")
            )
            self.answered.emit(approval_id, status)
            self.console.load_review()

        self.console.ctx.runner.work(
            lambda _s: client.approvals.answer(approval_id, approve=approve, reason=reason),
            on_done=done,
            on_error=lambda exc: self.console.say(
                tr("Nothing was changed: %1").replace("%1", describe(exc))
            ),
            label="answer approval",
        )


class VulnerabilityReviewActions(QObject):
    """ "Review done…" on a ``vulnerability_review`` item: the lifting event, with why."""

    done = Signal(str)  # account id

    def __init__(self, console: LeadWorkspace, review: ReviewView, bar: QHBoxLayout) -> None:
        super().__init__(review)
        self.console, self.review = console, review
        self.button = QPushButton(tr("Review done…"), review)
        self.button.setVisible(False)
        bar.insertWidget(bar.count() - 1, self.button)
        self.dialog: ReasonDialog | None = None
        self.button.clicked.connect(self.ask)
        review.table.selectionModel().currentRowChanged.connect(self.selected)

    def item(self) -> ReviewItem | None:
        item = self.review.current()
        return item if item is not None and item.kind == "vulnerability_review" else None

    def selected(self, *_args: object) -> None:
        self.button.setVisible(self.item() is not None)

    def ask(self) -> ReasonDialog | None:
        if self.item() is None:
            return None
        dialog = ReasonDialog(
            tr("Vulnerability review done"),
            tr("What was agreed for this customer (how and when to contact them)?"),
            self.review,
        )
        dialog.given.connect(self.send)
        self.dialog = dialog
        dialog.open()
        return dialog

    def send(self, why: str) -> None:
        item, client = self.item(), self.console.client
        if item is None or client is None or not item.account_id:
            return
        account_id = item.account_id

        def finished(_reason: str) -> None:
            self.console.say(tr("Review done: the pack's vulnerable rules no longer hold contact."))
            self.done.emit(account_id)
            self.console.load_review()

        self.console.ctx.runner.work(
            lambda _s: client.holds.lift(account_id, CustomerFlag.VULNERABILITY_REVIEW, why),
            on_done=finished,
            on_error=lambda exc: self.console.say(
                tr("Nothing was changed: %1").replace("%1", describe(exc))
            ),
            label="vulnerability review done",
        )
