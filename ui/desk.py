"""The call-centre agent's screen: queue | account | log outcome (with the call guide).

``AgentDesk`` owns its panels and the work behind them — loading the queue (a cheap first
page at cold start, then the full ranking), loading the selected account, logging outcomes,
saving contacts, opening stored agreements — as the field and lead screens own theirs. It
is a ``RoleWorkspace``; the window's status bar, error box and registered dialogs reach it
through its ``WorkspaceHost``. Every store read and write runs on the context's op runner;
widgets are touched only in the callbacks, on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMessageBox, QSplitter, QWidget

from ui.context import AppContext
from ui.i18n import tr
from ui.ops import OpState
from ui.views.account import AccountPanel
from ui.views.hold_confirm import ask_lasting_hold
from ui.views.outcome import OutcomePanel
from ui.views.queue import QueuePanel
from ui.workspace import KeySpec, WorkspaceHost
from workstation.desk import (
    AccountView,
    Changes,
    ContactEdit,
    OutcomeInput,
    ValidationError,
    Verdict,
    corrections,
    holds,
)
from workstation.desk.snapshot import QueueSnapshot
from workstation.domain import Channel
from workstation.domain.enums import CustomerFlag
from workstation.workflows.deadlines import pack_for_jurisdiction

# cold start: rank the full queue this long after the first page shows if no account loads
FULL_QUEUE_FALLBACK_MS = 1500


class AgentDesk(QSplitter):
    """Queue | account | log outcome (with call guide)."""

    account_loaded = Signal(str)
    queue_loaded = Signal(int)
    outcome_saved = Signal(object)  # Changes

    def __init__(self, ctx: AppContext, host: WorkspaceHost, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ctx, self.host = ctx, host
        self.setObjectName("agentDesk")
        self.setChildrenCollapsible(False)
        self.queue = QueuePanel(self)
        self.account = AccountPanel(self)
        self.outcome = OutcomePanel(ctx.desk.catalogue, self, clock=ctx.desk.now)
        self.addWidget(self.queue)
        self.addWidget(self.account)
        self.addWidget(self.outcome)
        # The queue opens as wide as its columns (the last, "Now", says whom to call) and
        # keeps that width as the window changes: room comes and goes from the account and
        # the form, in proportion; the queue gives way only once both are at their minimum.
        # (QSplitter: a pane with stretch 0 keeps its size, the others share the rest.)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setStretchFactor(2, 1)
        self.setSizes([self.queue.fitting_width(), 460, 580])
        self.view: AccountView | None = None
        self.hold_confirmation: QMessageBox | None = None  # the last one asked (tests read it)
        self._hold_confirmed: tuple[str, str] | None = None
        self._full_queue_pending = False  # cold start: a first page shows, the full rank waits

        self.queue.account_selected.connect(self.load_account)
        self.outcome.save_requested.connect(self.save_outcome)
        self.outcome.call_requested.connect(self.dial)
        self.outcome.channel_changed.connect(self._refresh_verdict_for_channel)
        self.outcome.reminder_requested.connect(lambda: host.open_dialog("send_reminder"))
        self.account.save_contacts_requested.connect(self.save_contacts)
        self.account.open_document_requested.connect(self.open_agreement)
        self.account.holds.lift_requested.connect(self.lift_hold)
        self.account.void_requested.connect(self.void_event)
        self.account.holds.breathing_space_requested.connect(self.place_breathing_space)
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self.account.refresh_clock)
        self._clock.start()

    # -- the main window's side (RoleWorkspace) ------------------------------------------
    def as_widget(self) -> QWidget:
        return self

    def start(self) -> None:
        self.show_first_page()

    def sync_shortcuts(self) -> tuple[KeySpec, ...]:
        return (QKeySequence.StandardKey.Refresh, "F5")

    def own_sync(self) -> None:
        return None

    def after_sync(self) -> None:
        self.refresh_queue()

    def layout_state(self) -> str:
        return self.saveState().toBase64().toStdString()

    def restore_layout(self, state: str) -> None:
        if state:
            self.restoreState(QByteArray.fromBase64(state.encode()))

    def current_account_id(self) -> str | None:
        return self.view.account.id if self.view else None

    # -- queue ---------------------------------------------------------------------------------
    def refresh_queue(self, select_first: bool = False) -> None:
        desk = self.ctx.desk

        def done(items: QueueSnapshot) -> None:
            # the row the agent picked last, which may not have loaded yet (the selection
            # waits out a short debounce): re-selecting the shown account instead would undo
            # a Ctrl+N or click made while the queue was being ranked
            current = self.queue.current_account_id() or self.current_account_id()
            self.queue.model.set_items(items)  # one reset; the panel re-selects the account
            self.queue_loaded.emit(len(items))
            # prepare header sorts off the GUI thread
            self.ctx.runner.work(lambda _s: items.warm(), label="prepare sorting")
            if current and self.queue.select_account(current, emit=False):
                return
            if select_first:
                self._show_some_work()
                if self.queue.model.rowCount():
                    self.queue.table.selectRow(0)

        self._full_queue_pending = False
        # on the pool, not the single db worker: ranking a large queue with every account's
        # contact rules takes seconds, and account loads must not wait behind it (the store
        # gives each thread its own connection; WAL lets readers run beside the writer)
        self.ctx.runner.work(
            lambda _state: desk.queue(), on_done=done, key="queue", label="load queue"
        )

    def show_first_page(self) -> None:
        """Cold start: show a cheap first page (the last ranking's order, read by id) at once,
        select its top account, then rank the whole queue in the background and swap it in.

        The full ranking starts once the first account has loaded (so the two do not compete
        for the interpreter at start), or after a moment if nothing gets selected.
        """
        desk = self.ctx.desk

        def done(items: QueueSnapshot) -> None:
            if not self._full_queue_pending:
                return  # the full queue was asked for (or landed) meanwhile: stale
            self.queue.model.set_items(items)
            self._show_some_work()
            if self.queue.model.rowCount():
                self.queue.table.selectRow(0)
                self.queue.flush_selection()  # no keyboard burst to wait out at start
                QTimer.singleShot(FULL_QUEUE_FALLBACK_MS, self, self._start_full_queue)
            else:
                self._start_full_queue()

        def failed(_exc: BaseException) -> None:
            self._start_full_queue()

        self._full_queue_pending = True
        self.ctx.runner.db(
            lambda _state: desk.first_page(),
            on_done=done,
            on_error=failed,
            key="queue",
            label="load first page",
        )

    def _show_some_work(self) -> None:
        """At start, an empty "Due now" (nobody may be called at this hour, say) switches to
        "All", where the blocked rows wait with the time they open: the agent sees their
        work, not an empty table."""
        if self.queue.model.rowCount():
            return
        if self.queue.model.tab == "due" and self.queue.model.tab_count("all"):
            self.queue.select_tab("all")

    def _start_full_queue(self, *_args: object) -> None:
        if self._full_queue_pending:
            self.refresh_queue(select_first=True)

    def next_account(self) -> None:
        ids = self.queue.model.visible_ids()
        current = self.current_account_id() or self.queue.current_account_id()
        target = self.ctx.desk.next_account_id(current, ids)
        if target is None:
            self.host.show_status(tr("No more accounts in this list."), 4000)
            return
        self.queue.select_account(target)

    def focus_filter(self) -> None:
        self.queue.filter.setFocus()
        self.queue.filter.selectAll()

    # -- account ---------------------------------------------------------------------------------
    def load_account(self, account_id: str) -> None:
        desk = self.ctx.desk
        self.host.show_status(tr("Loading account…"), 2000)
        self.ctx.runner.db(
            lambda _state: desk.account(account_id),
            on_done=self._show_account,
            key="account",  # a newer selection makes this one's result stale
            label="load account",
        )

    def _show_account(self, view: AccountView) -> None:
        self.view = view
        desk = self.ctx.desk
        self.account.void_check = lambda event: corrections.may_void(
            desk, view, event, desk.clock()
        )
        self.account.show_account(view)
        self.outcome.show_account(view, self.ctx.settings.creditor, self.ctx.agent_name)
        self.account_loaded.emit(view.account.id)
        if self._full_queue_pending:  # cold start: the first account is up, rank the rest
            self._start_full_queue()

    def _refresh_verdict_for_channel(self) -> None:
        if self.view is None:
            return
        view, desk = self.view, self.ctx.desk
        channel = self.outcome.current_channel()
        address = str(self.outcome.number.currentData() or "")

        def op(_state: OpState) -> dict[Channel, Verdict]:
            verdicts = dict(view.verdicts)
            verdicts[channel] = desk.verdict_for(view, channel, address, desk.clock())
            return verdicts

        self.ctx.runner.work(
            op, on_done=self.outcome.refresh_verdicts, key="verdict", label="verdict"
        )

    def apply_changes(self, changes: Changes) -> None:
        """Refresh only what ``changes`` touched (the account shown, the queue, sync status)."""
        if self.view is not None and self.view.account.id in changes.accounts:
            self.load_account(self.view.account.id)
        if changes.queue:
            self.refresh_queue()
        if changes.outbox or changes.contacts:
            self.host.refresh_sync_status()

    # -- outcome -----------------------------------------------------------------------------
    def save_outcome(self) -> None:
        """Log the form's outcome; one that places a hold the agent cannot lift again is
        recorded only once they confirm it (``views.hold_confirm``)."""
        if self.view is None:
            return
        form = self.outcome.read_form(self.view.account.id)
        disposition = self.ctx.desk.catalogue.get(form.disposition)
        warning = holds.lasting_hold_warning(disposition, self.ctx.role) if disposition else None
        confirmed = (form.account_id, form.disposition)
        if warning is not None and self._hold_confirmed != confirmed:

            def record() -> None:
                self._hold_confirmed = confirmed  # a refused save re-asks nothing
                self._log_outcome(form)

            self.hold_confirmation = ask_lasting_hold(self, warning, record)
            return
        self._log_outcome(form)

    def _log_outcome(self, form: OutcomeInput) -> None:
        desk = self.ctx.desk
        self.outcome.save.setEnabled(False)
        self.ctx.runner.db(
            lambda _state: desk.log_outcome(form),
            on_done=self._outcome_saved,
            on_error=self._outcome_failed,
            label="log outcome",
        )

    def _outcome_saved(self, changes: Changes) -> None:
        self.outcome.save.setEnabled(True)
        self._hold_confirmed = None
        self.host.show_status(tr("Outcome saved."), 4000)
        self.outcome_saved.emit(changes)
        self.apply_changes(changes)

    def _outcome_failed(self, exc: BaseException) -> None:
        self.outcome.save.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.outcome.show_errors(exc.errors)
            self.host.show_status(tr("Please correct the marked fields."), 4000)
        else:
            self.host.show_failure(tr("Saving the outcome"), exc)

    def call_current(self) -> None:
        if not self.outcome.call.isEnabled():  # Ctrl+D on a blocked number: say why
            self.host.show_status(self.outcome.call.toolTip(), 6000)
            return
        self.outcome._call()

    def dial(self, number: str) -> None:
        uri = self.ctx.settings.dial_uri(number)
        if not QDesktopServices.openUrl(QUrl(uri)):
            self.host.show_status(tr("No application handles %1").replace("%1", uri), 6000)

    # -- contacts and documents -------------------------------------------------------------
    def save_contacts(self) -> None:
        if self.view is None:
            return
        edits = [
            ContactEdit(
                r["kind"], r["id"], r["value"], r["type"] or "mobile", r["consent"], r["opted_out"]
            )
            for r in self.account.contacts_model.rows()
        ]
        desk, view = self.ctx.desk, self.view

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.account.show_contact_errors(exc.errors)  # keys are "kind:table row"
            else:
                self.host.show_failure(tr("Saving contacts"), exc)

        self.ctx.runner.db(
            lambda _state: desk.update_contacts(view, edits),
            on_done=self.apply_changes,
            on_error=failed,
            label="save contacts",
        )

    def open_agreement(self, sha256: str, reference: str) -> None:
        """Open a stored agreement PDF in the preview (read on the db worker)."""
        desk = self.ctx.desk

        def shown(pdf: bytes) -> None:
            from ui.dialogs.plan import open_preview

            open_preview(self.ctx, pdf, reference, self.window())

        self.ctx.runner.db(
            lambda _s: desk.agreement_pdf(sha256),
            on_done=shown,
            on_error=lambda exc: self.host.show_failure(tr("Opening the agreement"), exc),
            key="open-agreement",
            label="open agreement",
        )

    # -- holds -----------------------------------------------------------------------------
    def lift_hold(self, flag: CustomerFlag, why: str) -> None:
        """Record the hold's lifting event (the server checks the role again)."""
        if self.view is None:
            return
        desk, view, role = self.ctx.desk, self.view, self.ctx.role
        self.ctx.runner.db(
            lambda _s: holds.lift(desk, view, flag, details=why, role=role),
            on_done=self._hold_changed,
            on_error=lambda exc: self.host.show_failure(tr("Lifting the hold"), exc),
            label="lift hold",
        )

    def place_breathing_space(self, notified_by: str) -> None:
        if self.view is None:
            return
        desk, view, role = self.ctx.desk, self.view, self.ctx.role
        pack = pack_for_jurisdiction(view.customer.jurisdiction)
        self.ctx.runner.db(
            lambda _s: holds.place_breathing_space(
                desk, view, details=notified_by, role=role, pack=pack
            ),
            on_done=self._hold_changed,
            on_error=lambda exc: self.host.show_failure(tr("Placing breathing space"), exc),
            label="place breathing space",
        )

    def _hold_changed(self, changes: Changes) -> None:
        self.host.show_status(tr("Recorded; it reaches the server with the next sync."), 5000)
        self.apply_changes(changes)

    # -- corrections -----------------------------------------------------------------------
    def void_event(self, event_id: str, why: str) -> None:
        if self.view is None:
            return
        desk, view = self.ctx.desk, self.view
        self.ctx.runner.db(
            lambda _s: corrections.void(desk, view, event_id, why),
            on_done=self._hold_changed,
            on_error=lambda exc: self.host.show_failure(tr("Voiding the record"), exc),
            label="void a record",
        )
