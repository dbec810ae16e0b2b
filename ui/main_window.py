"""The main window. What it contains depends on the role: ``ROLE_LAYOUTS`` maps a role to a
builder that composes the central area (the agent desk here; field and lead screens register
their own builders). Actions, the status bar and the needs-attention dock are shared."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QWidget,
)

from ui import dialogs
from ui.context import AppContext, SyncStatus
from ui.dialogs.common import describe
from ui.i18n import tr
from ui.sync_panel import NeedsAttentionPanel, SyncStatusWidget
from ui.theme import icon
from ui.views.account import AccountPanel
from ui.views.outcome import OutcomePanel
from workstation.desk import AccountView, Changes, ValidationError
from workstation.desk.snapshot import QueueSnapshot
from workstation.domain import Role

log = logging.getLogger(__name__)

# cold start: rank the full queue this long after the first page shows if no account loads
FULL_QUEUE_FALLBACK_MS = 1500

RoleBuilder = Callable[["MainWindow"], QWidget]
ROLE_LAYOUTS: dict[Role, RoleBuilder] = {}


def register_role(role: Role) -> Callable[[RoleBuilder], RoleBuilder]:
    def add(builder: RoleBuilder) -> RoleBuilder:
        ROLE_LAYOUTS[role] = builder
        return builder

    return add


class AgentDesk(QSplitter):
    """Queue | account | log outcome (with call guide)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(Qt.Orientation.Horizontal, window)
        from ui.views.queue import QueuePanel

        self.setObjectName("agentDesk")
        self.setChildrenCollapsible(False)
        self.queue = QueuePanel(self)
        self.account = AccountPanel(self)
        self.outcome = OutcomePanel(window.ctx.desk.catalogue, self)
        self.addWidget(self.queue)
        self.addWidget(self.account)
        self.addWidget(self.outcome)
        self.setStretchFactor(0, 5)
        self.setStretchFactor(1, 4)
        self.setStretchFactor(2, 5)
        self.setSizes([640, 460, 580])


@register_role(Role.AGENT)
def _agent_desk(window: MainWindow) -> QWidget:
    return AgentDesk(window)


@register_role(Role.FIELD)
def _field_workspace(window: MainWindow) -> QWidget:
    from ui.field.workspace import build_field_workspace

    return build_field_workspace(window.ctx)


@register_role(Role.LEAD)
def _lead_workspace(window: MainWindow) -> QWidget:
    from ui.lead.workspace import build_lead_workspace

    return build_lead_workspace(window.ctx)


class MainWindow(QMainWindow):
    account_loaded = Signal(str)
    queue_loaded = Signal(int)
    outcome_saved = Signal(object)
    sync_finished = Signal(object)  # the report, or the exception when it failed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowTitle(tr("Collector Workstation") + f" — {ctx.user}")
        self.view: AccountView | None = None
        self._full_queue_pending = False  # cold start: a first page shows, the full rank waits
        self._open_dialogs: list[QDialog] = []
        builder = ROLE_LAYOUTS.get(ctx.role) or ROLE_LAYOUTS[Role.AGENT]
        self.desk = builder(self)
        self.setCentralWidget(self.desk)
        self.queue = getattr(self.desk, "queue", None)
        self.account = getattr(self.desk, "account", None)
        self.outcome = getattr(self.desk, "outcome", None)

        self.sync_status = SyncStatusWidget(self)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.attention_panel = NeedsAttentionPanel(self)
        self.attention_dock = QDockWidget(tr("Needs attention"), self)
        self.attention_dock.setObjectName("attentionDock")
        self.attention_dock.setWidget(self.attention_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.attention_dock)
        self.attention_dock.hide()
        self.sync_status.attention.clicked.connect(self.show_attention)
        self.attention_panel.sync_button.clicked.connect(self.sync_now)

        self._build_actions()
        ctx.runner.failed.connect(self._op_failed)
        if self.queue is not None:
            self.queue.account_selected.connect(self.load_account)
        if self.outcome is not None:
            self.outcome.save_requested.connect(self.save_outcome)
            self.outcome.call_requested.connect(self.dial)
            self.outcome.channel_changed.connect(self._refresh_verdict_for_channel)
            self.outcome.reminder_requested.connect(lambda: self.open_dialog("send_reminder"))
        if self.account is not None:
            self.account.save_contacts_requested.connect(self.save_contacts)
            self.account.open_document_requested.connect(self.open_agreement)

        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        # background sync: on a timer (Settings), never overlapping a running round
        self._syncing = False
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(self.sync_in_background)
        self.apply_sync_interval()
        if self.ctx.role == Role.FIELD:
            for name in ("synced", "sync_failed"):
                signal = getattr(self.desk, name, None)
                if signal is not None:
                    signal.connect(lambda _r: self._field_sync_finished())
        self.resize(1600, 900)

    # -- actions ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcuts: tuple[str | QKeySequence | QKeySequence.StandardKey, ...] = (),
        icon_name: str = "",
        menu: QMenu | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        keys = [QKeySequence(s) if not isinstance(s, QKeySequence) else s for s in shortcuts]
        if keys:
            action.setShortcuts(keys)
            action.setToolTip(
                f"{text.replace('&', '')} "
                f"({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        """Shared actions (sync, sign-in, settings, quit, needs attention) for every role; the
        desk's account actions only where the desk is mounted. The field and lead screens
        own their keys (Ctrl+N, Ctrl+P, F5, Alt+1…) as widget shortcuts, so the window must
        not claim the same keys there (an ambiguous shortcut fires neither)."""
        bar = self.menuBar()
        work = bar.addMenu(tr("&Work"))
        desk = self.queue is not None
        account = bar.addMenu(tr("&Account")) if desk else None
        view = bar.addMenu(tr("&View"))
        help_menu = bar.addMenu(tr("&Help"))
        self.act_about = self._action(
            tr("&About Collector Workstation…"), self.show_about, (), "", help_menu
        )
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        std = QKeySequence.StandardKey
        if desk:
            self._build_desk_actions(work, account, view)
        work.addSeparator()
        if self.ctx.role == Role.FIELD:
            sync_keys: tuple[str | QKeySequence | QKeySequence.StandardKey, ...] = ()
        elif desk:
            sync_keys = (std.Refresh, "F5")
        else:
            sync_keys = ("Shift+F5",)
        self.act_sync = self._action(tr("S&ync now"), self.sync_now, sync_keys, "sync", work)
        self.act_signin = self._action(
            tr("Sign &in…"), lambda: self.open_dialog("signin"), (), "", work
        )
        self.act_settings = self._action(
            tr("S&ettings…"),
            lambda: self.open_dialog("settings"),
            (std.Preferences, "Ctrl+,"),
            "settings",
            work,
        )
        work.addSeparator()
        self.act_quit = self._action(tr("&Quit"), self.close, (std.Quit, "Ctrl+Q"), "", work)
        self.act_attention = self._action(
            tr("&Needs attention"), self.show_attention, ("Ctrl+Shift+A",), "attention", view
        )
        toolbar = self.addToolBar(tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        shown = (self.act_next, self.act_save, self.act_plan, self.act_reminder) if desk else ()
        for action in (*shown, self.act_sync, self.act_attention):
            toolbar.addAction(action)

    def _build_desk_actions(self, work: QMenu, account: QMenu | None, view: QMenu) -> None:
        std = QKeySequence.StandardKey
        self.act_save = self._action(
            tr("&Save outcome"), self.save_outcome, ("Ctrl+Return", "Ctrl+Enter"), "save", account
        )
        self.act_next = self._action(
            tr("&Next account"), self.next_account, ("Ctrl+N",), "next", work
        )
        self.act_call = self._action(tr("&Call"), self._call_current, ("Ctrl+D",), "phone", account)
        self.act_reminder = self._action(
            tr("Send &reminder…"),
            lambda: self.open_dialog("send_reminder"),
            ("Ctrl+M",),
            "",
            account,
        )
        if account is not None:
            account.addSeparator()
        self.act_plan = self._action(
            tr("&Plan calculator…"), lambda: self.open_dialog("plan"), ("Ctrl+P",), "plan", account
        )
        self.act_complaint = self._action(
            tr("Record c&omplaint…"),
            lambda: self.open_dialog("complaint"),
            ("Ctrl+Shift+C",),
            "",
            account,
        )
        self.act_dispute = self._action(
            tr("Record &dispute…"),
            lambda: self.open_dialog("dispute"),
            ("Ctrl+Shift+D",),
            "",
            account,
        )
        self.act_hardship = self._action(
            tr("Record &hardship…"),
            lambda: self.open_dialog("hardship"),
            ("Ctrl+Shift+H",),
            "",
            account,
        )
        self.act_satisfaction = self._action(
            tr("Customer &satisfaction…"),
            lambda: self.open_dialog("satisfaction"),
            ("Ctrl+Shift+S",),
            "",
            account,
        )
        self.act_find = self._action(
            tr("&Filter queue"), self._focus_filter, (std.Find,), "search", work
        )
        for number, tab in enumerate(("due", "callbacks", "promises", "all"), 1):
            self._action(
                tr("Show tab %1").replace("%1", str(number)),
                lambda _=False, t=tab: self.queue and self.queue.select_tab(t),
                (f"Alt+{number}",),
                menu=view,
            )

    def show_about(self) -> QDialog:
        from ui.about import open_about

        return open_about(self)

    # -- queue and account -------------------------------------------------------------------
    def refresh_queue(self, select_first: bool = False) -> None:
        desk = self.ctx.desk

        def op(_state):
            return desk.queue()

        def done(items: QueueSnapshot) -> None:
            if self.queue is None:
                return
            # the row the agent picked last, which may not have loaded yet (the selection
            # waits out a short debounce): re-selecting the shown account instead would undo
            # a Ctrl+N or click made while the queue was being ranked
            current = self.queue.current_account_id() or (
                self.view.account.id if self.view else None
            )
            self.queue.model.set_items(items)  # one reset; the panel re-selects the account
            self.queue_loaded.emit(len(items))
            warm = getattr(items, "warm", None)
            if callable(warm):  # prepare header sorts off the GUI thread
                self.ctx.runner.work(lambda _s: warm(), label="prepare sorting")
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
        self.ctx.runner.work(op, on_done=done, key="queue", label="load queue")

    def show_first_page(self) -> None:
        """Cold start: show a cheap first page (the last ranking's order, read by id) at once,
        select its top account, then rank the whole queue in the background and swap it in.

        The full ranking starts once the first account has loaded (so the two do not compete
        for the interpreter at start), or after a moment if nothing gets selected.
        """
        desk = self.ctx.desk
        first_page = getattr(desk, "first_page", None)
        if self.queue is None or not callable(first_page):
            self.refresh_queue(select_first=True)
            return

        def done(items: QueueSnapshot) -> None:
            if self.queue is None or not self._full_queue_pending:
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
            lambda _state: first_page(),
            on_done=done,
            on_error=failed,
            key="queue",
            label="load first page",
        )

    def _show_some_work(self) -> None:
        """At start, an empty "Due now" (nobody may be called at this hour, say) switches to
        "All", where the blocked rows wait with the time they open: the agent sees their
        work, not an empty table."""
        if self.queue is None or self.queue.model.rowCount():
            return
        if self.queue.model.tab == "due" and self.queue.model.tab_count("all"):
            self.queue.select_tab("all")

    def _start_full_queue(self, *_args: object) -> None:
        if self._full_queue_pending:
            self.refresh_queue(select_first=True)

    def load_account(self, account_id: str) -> None:
        desk = self.ctx.desk
        self.statusBar().showMessage(tr("Loading account…"), 2000)
        self.ctx.runner.db(
            lambda _state: desk.account(account_id),
            on_done=self._show_account,
            key="account",  # a newer selection makes this one's result stale
            label="load account",
        )

    def _show_account(self, view: AccountView) -> None:
        self.view = view
        if self.account is not None:
            self.account.show_account(view)
        if self.outcome is not None:
            self.outcome.show_account(view, self.ctx.settings.creditor, self.ctx.user)
        self.account_loaded.emit(view.account.id)
        if self._full_queue_pending:  # cold start: the first account is up, rank the rest
            self._start_full_queue()

    def _refresh_verdict_for_channel(self) -> None:
        if self.view is None or self.outcome is None:
            return
        view, desk = self.view, self.ctx.desk
        channel = self.outcome.current_channel()
        address = str(self.outcome.number.currentData() or "")

        def op(_state):
            verdicts = dict(view.verdicts)
            verdicts[channel] = desk.verdict_for(view, channel, address, desk.clock())
            return verdicts

        self.ctx.runner.work(
            op, on_done=self.outcome.refresh_verdicts, key="verdict", label="verdict"
        )

    def next_account(self) -> None:
        if self.queue is None:
            return
        ids = self.queue.model.visible_ids()
        current = self.view.account.id if self.view else self.queue.current_account_id()
        target = self.ctx.desk.next_account_id(current, ids)
        if target is None:
            self.statusBar().showMessage(tr("No more accounts in this list."), 4000)
            return
        self.queue.select_account(target)

    def save_outcome(self) -> None:
        if self.view is None or self.outcome is None:
            return
        form = self.outcome.read_form(self.view.account.id)
        desk = self.ctx.desk
        self.outcome.save.setEnabled(False)
        self.ctx.runner.db(
            lambda _state: desk.log_outcome(form),
            on_done=self._outcome_saved,
            on_error=self._outcome_failed,
            label="log outcome",
        )

    def _outcome_saved(self, changes: Changes) -> None:
        assert self.outcome is not None
        self.outcome.save.setEnabled(True)
        self.statusBar().showMessage(tr("Outcome saved."), 4000)
        self.outcome_saved.emit(changes)
        self._apply_changes(changes)

    def _outcome_failed(self, exc: BaseException) -> None:
        assert self.outcome is not None
        self.outcome.save.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.outcome.show_errors(exc.errors)
            self.statusBar().showMessage(tr("Please correct the marked fields."), 4000)
        else:
            self._op_failed(tr("Saving the outcome"), exc)

    def _apply_changes(self, changes: Changes) -> None:
        if self.view is not None and self.view.account.id in changes.accounts:
            self.load_account(self.view.account.id)
        if changes.queue:
            self.refresh_queue()
        if changes.outbox or changes.contacts:
            self.refresh_sync_status()

    def save_contacts(self) -> None:
        if self.view is None or self.account is None:
            return
        from workstation.desk import ContactEdit

        edits = [
            ContactEdit(
                r["kind"], r["id"], r["value"], r["type"] or "mobile", r["consent"], r["opted_out"]
            )
            for r in self.account.contacts_model.rows()
        ]
        desk, view = self.ctx.desk, self.view

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and self.account is not None:
                self.account.show_contact_errors(exc.errors)  # keys are "kind:table row"
            else:
                self._op_failed(tr("Saving contacts"), exc)

        self.ctx.runner.db(
            lambda _state: desk.update_contacts(view, edits),
            on_done=self._apply_changes,
            on_error=failed,
            label="save contacts",
        )

    def open_agreement(self, sha256: str, reference: str) -> None:
        """Open a stored agreement PDF in the preview (read on the db worker)."""
        desk = self.ctx.desk

        def shown(pdf: bytes) -> None:
            from ui.dialogs.plan import open_preview

            open_preview(self.ctx, pdf, reference, self)

        self.ctx.runner.db(
            lambda _s: desk.agreement_pdf(sha256),
            on_done=shown,
            on_error=lambda exc: self._op_failed(tr("Opening the agreement"), exc),
            key="open-agreement",
            label="open agreement",
        )

    def dial(self, number: str) -> None:
        uri = self.ctx.settings.dial_uri(number)
        if not QDesktopServices.openUrl(QUrl(uri)):
            self.statusBar().showMessage(tr("No application handles %1").replace("%1", uri), 6000)

    def _call_current(self) -> None:
        if self.outcome is not None:
            self.outcome._call()

    def _focus_filter(self) -> None:
        if self.queue is not None:
            self.queue.filter.setFocus()
            self.queue.filter.selectAll()

    def _tick(self) -> None:
        if self.account is not None:
            self.account.refresh_clock()

    # -- dialogs --------------------------------------------------------------------------------
    def open_dialog(self, name: str) -> QDialog:
        account_id = self.view.account.id if self.view else None
        dialog = dialogs.create(name, self.ctx, self, account_id)
        for signal_name in ("recorded", "agreed", "sent"):
            signal = getattr(dialog, signal_name, None)
            if signal is not None:
                signal.connect(self._apply_changes)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self._open_dialogs.append(dialog)
        dialog.open()
        return dialog

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self._open_dialogs:
            self._open_dialogs.remove(dialog)
        dialog.deleteLater()

    # -- sync --------------------------------------------------------------------------------------
    def refresh_sync_status(self) -> None:
        sync = self.ctx.sync

        def done(result: tuple[SyncStatus, list[dict[str, str]]]) -> None:
            status, items = result
            self.sync_status.show_status(status)
            self.attention_panel.show_status(status)
            self.attention_panel.set_items(items)

        self.ctx.runner.db(
            lambda _s: (sync.status(), sync.needs_attention()),
            on_done=done,
            key="sync-status",
            label="sync status",
        )

    def apply_sync_interval(self) -> None:
        """(Re)start the background sync timer from Settings; 0 minutes turns it off."""
        minutes = int(getattr(self.ctx.settings, "sync_interval_minutes", 5) or 0)
        if minutes <= 0:
            self.sync_timer.stop()
            return
        self.sync_timer.start(minutes * 60_000)

    @property
    def syncing(self) -> bool:
        field_button = getattr(self.desk, "sync_button", None)
        field_busy = (
            self.ctx.role == Role.FIELD
            and field_button is not None
            and not field_button.isEnabled()
        )
        return self._syncing or field_busy

    def sync_in_background(self) -> None:
        """The timer's round: quietly skipped while signed out or while a round runs."""
        if self.syncing or not self.ctx.sync.available:
            return
        self.sync_now(quiet=True)

    def _field_sync_finished(self) -> None:
        self.sync_status.progress.hide()
        self.refresh_sync_status()

    def sync_now(self, quiet: bool = False) -> None:
        if self.syncing:
            if not quiet:
                self.statusBar().showMessage(tr("A sync is already running."), 4000)
            return
        if self.ctx.role == Role.FIELD and hasattr(self.desk, "sync_now"):
            # the field screen's own round also uploads the agreement PDFs first
            self.desk.sync_now()
            self.sync_status.show_progress(0, 0)
            return
        if not self.ctx.sync.available:
            if quiet:
                return
            self.statusBar().showMessage(
                tr(
                    "Sync is not available yet: sign in to a server first (the sync engine is not installed)."  # noqa: E501
                ),
                8000,
            )
            return
        self._syncing = True
        self.act_sync.setEnabled(False)
        self.sync_status.show_progress(0, 0)
        self.ctx.runner.work(
            self.ctx.sync.run,
            on_done=self._synced,
            on_error=self._sync_failed,
            on_progress=self._sync_progress,
            key="sync",
            label="sync",
        )

    def _sync_progress(self, done: int, total: int, _text: str) -> None:
        self.sync_status.show_progress(done, total)
        self.attention_panel.progress.show()
        self.attention_panel.progress.setMaximum(max(total, 1))
        self.attention_panel.progress.setValue(done)

    def _synced(self, result: object) -> None:
        self._syncing = False
        self.attention_panel.progress.hide()
        self.act_sync.setEnabled(True)
        self.sync_status.progress.hide()
        self.statusBar().showMessage(tr("Sync finished."), 4000)
        self.refresh_queue()
        self.refresh_sync_status()
        self.sync_finished.emit(result)

    def _sync_failed(self, exc: BaseException) -> None:
        self._syncing = False
        self.attention_panel.progress.hide()
        self.act_sync.setEnabled(True)
        self.sync_status.progress.hide()
        self.refresh_sync_status()
        self.sync_finished.emit(exc)
        from workstation.sync import OfflineError

        if isinstance(exc, OfflineError):  # expected on the road: say it, do not alarm
            self.statusBar().showMessage(
                tr("Offline: your changes are kept and will upload when the server is back."), 10000
            )
            return
        self._op_failed(tr("Sync"), exc)

    def show_attention(self) -> None:
        self.attention_dock.show()
        self.attention_dock.raise_()
        self.attention_panel.table.setFocus()

    # -- errors ----------------------------------------------------------------------------------
    def _op_failed(self, label: str, exc: BaseException) -> None:
        text = describe(exc)
        self.statusBar().showMessage(f"{label}: {text}", 10000)
        box = QMessageBox(
            QMessageBox.Icon.Warning, tr("Something went wrong"), f"{label}\n\n{text}", parent=self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Load the queue (selecting the top account), or start the field/lead screen, and
        the sync status. Call once the window is shown."""
        state = self.ctx.settings.splitter_state
        if self.queue is not None:
            if state and isinstance(self.desk, QSplitter):
                self.desk.restoreState(QByteArray.fromBase64(state.encode()))
            self.show_first_page()
        else:
            start = getattr(self.desk, "start", None)
            if callable(start):
                start()
        self.refresh_sync_status()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync_timer.stop()
        if isinstance(self.desk, QSplitter):
            self.ctx.settings.splitter_state = self.desk.saveState().toBase64().toStdString()
            try:
                self.ctx.save_settings()
            except OSError:
                log.exception("settings not saved")
        self.ctx.runner.shutdown()
        super().closeEvent(event)
