"""The main window. What it contains depends on the role: ``ROLE_LAYOUTS`` maps a role to a
builder of its ``RoleWorkspace`` (the agent desk, the field route, the lead console), which
owns its widgets and its work. Actions, menus, the status bar, the sync status, the
needs-attention dock and the shared dialogs are the window's, for every role; a workspace
reaches them as its ``WorkspaceHost``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from ui import dialogs
from ui.context import AppContext, SyncStatus
from ui.desk import AgentDesk
from ui.dialogs.common import localize_buttons
from ui.errors import describe, is_refusal
from ui.i18n import tr
from ui.labels import pack_name
from ui.sync_panel import NeedsAttentionPanel, SyncStatusWidget
from ui.theme import icon
from ui.views.account import AccountPanel
from ui.views.outcome import OutcomePanel
from ui.views.queue import QueuePanel
from ui.workspace import KeySpec, RoleWorkspace
from workstation.desk import AccountView, Changes
from workstation.domain import Role

if TYPE_CHECKING:
    from workstation.quality.client import QualityClient

log = logging.getLogger(__name__)


class TrainingOpener(Protocol):
    """Opens training mode for one rule pack (``ui.training.open_training``). Training mode's
    window is a ``MainWindow``, so this module cannot import it: the entry points hand it in
    (``MainWindow(ctx, training=open_training)``); without one there is no Practice menu."""

    def __call__(
        self,
        pack_id: str,
        *,
        user: str,
        server: QualityClient | None = None,
        settings: Any = None,
    ) -> MainWindow: ...


RoleBuilder = Callable[["MainWindow"], RoleWorkspace]
ROLE_LAYOUTS: dict[Role, RoleBuilder] = {}


def register_role(role: Role) -> Callable[[RoleBuilder], RoleBuilder]:
    def add(builder: RoleBuilder) -> RoleBuilder:
        ROLE_LAYOUTS[role] = builder
        return builder

    return add


@register_role(Role.AGENT)
def _agent_desk(window: MainWindow) -> RoleWorkspace:
    return AgentDesk(window.ctx, window, window)


@register_role(Role.FIELD)
def _field_workspace(window: MainWindow) -> RoleWorkspace:
    from ui.field.workspace import build_field_workspace

    return build_field_workspace(window.ctx)


@register_role(Role.LEAD)
def _lead_workspace(window: MainWindow) -> RoleWorkspace:
    from ui.lead.workspace import build_lead_workspace

    return build_lead_workspace(window.ctx)


class MainWindow(QMainWindow):
    # the agent desk's, relayed: what the window shows has loaded (tests and screenshots)
    account_loaded = Signal(str)
    queue_loaded = Signal(int)
    outcome_saved = Signal(object)
    sync_finished = Signal(object)  # the report, or the exception when it failed

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        training: TrainingOpener | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.training_opener = training  # training mode's opener, from the entry point
        self.setObjectName("mainWindow")
        who = ctx.user if ctx.agent_name == ctx.user else f"{ctx.agent_name} ({ctx.user})"
        self.setWindowTitle(tr("Collector Workstation") + f" — {who}")
        self._open_dialogs: list[QDialog] = []
        self.error_box: QMessageBox | None = None  # the last error shown (tests read it)
        self._training: MainWindow | None = None  # training mode's window, when open
        builder = ROLE_LAYOUTS.get(ctx.role) or ROLE_LAYOUTS[Role.AGENT]
        self.workspace = builder(self)
        self.setCentralWidget(self.workspace.as_widget())
        # the agent desk, when it is the workspace: the window builds its account actions
        self.agent = self.workspace if isinstance(self.workspace, AgentDesk) else None
        if self.agent is not None:
            self.agent.account_loaded.connect(self.account_loaded)
            self.agent.queue_loaded.connect(self.queue_loaded)
            self.agent.outcome_saved.connect(self.outcome_saved)

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
        ctx.runner.failed.connect(self._task_failed)
        # background sync: on a timer (Settings), never overlapping a running round
        self._syncing = False
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(self.sync_in_background)
        self.apply_sync_interval()
        own = self.workspace.own_sync()
        if own is not None:  # its round also runs from its own button: show how it ended
            own.sync_finished.connect(self._own_sync_finished)
        self.resize(1600, 900)

    # -- what the agent desk shows (None on the field and lead screens) ----------------------
    @property
    def queue(self) -> QueuePanel | None:
        return self.agent.queue if self.agent else None

    @property
    def account(self) -> AccountPanel | None:
        return self.agent.account if self.agent else None

    @property
    def outcome(self) -> OutcomePanel | None:
        return self.agent.outcome if self.agent else None

    @property
    def view(self) -> AccountView | None:
        return self.agent.view if self.agent else None

    # -- actions ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcuts: tuple[KeySpec, ...] = (),
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
        agent = self.agent
        account = bar.addMenu(tr("&Account")) if agent else None
        view = bar.addMenu(tr("&View"))
        help_menu = bar.addMenu(tr("&Help"))
        self.act_about = self._action(
            tr("&About Collector Workstation…"), self.show_about, (), "", help_menu
        )
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        std = QKeySequence.StandardKey
        if agent is not None:
            self._build_desk_actions(agent, work, account, view)
        work.addSeparator()
        sync_keys = self.workspace.sync_shortcuts()
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
        shown = (self.act_next, self.act_save, self.act_plan, self.act_reminder) if agent else ()
        for action in (*shown, self.act_sync, self.act_attention):
            toolbar.addAction(action)

    def _build_desk_actions(
        self, agent: AgentDesk, work: QMenu, account: QMenu | None, view: QMenu
    ) -> None:
        std = QKeySequence.StandardKey
        self.act_save = self._action(
            tr("&Save outcome"), agent.save_outcome, ("Ctrl+Return", "Ctrl+Enter"), "save", account
        )
        self.act_next = self._action(
            tr("&Next account"), agent.next_account, ("Ctrl+N",), "next", work
        )
        self.act_call = self._action(tr("&Call"), agent.call_current, ("Ctrl+D",), "phone", account)
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
        self.practice_menu = practice = work.addMenu(tr("&Practice (training mode)"))
        practice.menuAction().setVisible(self.training_opener is not None)
        from workstation.training.data import training_packs

        for pack_id in sorted(training_packs()):
            self._action(
                pack_name(pack_id),
                lambda _=False, p=pack_id: self.open_training(p),
                menu=practice,
            )
        self.act_reviews = self._action(
            tr("My &quality reviews…"), lambda: self.open_dialog("qa_reviews"), (), "", work
        )
        self.act_find = self._action(
            tr("&Filter queue"), agent.focus_filter, (std.Find,), "search", work
        )
        for number, tab in enumerate(("due", "callbacks", "promises", "all"), 1):
            self._action(
                tr("Show tab %1").replace("%1", str(number)),
                lambda _=False, t=tab: agent.queue.select_tab(t),
                (f"Alt+{number}",),
                menu=view,
            )

    def open_training(self, pack_id: str) -> MainWindow | None:
        """Training mode in a window of its own over a fresh practice store; the practice
        is submitted through this desk's signed-in session (none: practice only). None when
        the window was given no training opener."""
        from workstation.quality.client import QualityClient

        if self.training_opener is None:
            return None
        engine = self.ctx.sync.engine
        window = self.training_opener(
            pack_id,
            user=self.ctx.user,
            server=QualityClient(engine.api) if engine is not None else None,
            settings=self.ctx.settings,
        )
        self._training = window
        window.show()
        window.start()
        return window

    def show_about(self) -> QDialog:
        from ui.about import open_about

        return open_about(self)

    # -- dialogs --------------------------------------------------------------------------------
    def open_dialog(self, name: str) -> QDialog:
        account_id = self.agent.current_account_id() if self.agent else None
        dialog = dialogs.create(name, self.ctx, self, account_id)
        for signal_name in ("recorded", "agreed", "sent"):  # the capture, plan, message dialogs
            signal = getattr(dialog, signal_name, None)
            if signal is not None:
                signal.connect(self._apply_changes)
        self.keep_open(dialog)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def keep_open(self, dialog: QDialog) -> None:
        """Hold ``dialog`` while it is open (tests find it here), let it go when it closes."""
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self._open_dialogs.append(dialog)

    def _apply_changes(self, changes: Changes) -> None:
        if self.agent is not None:
            self.agent.apply_changes(changes)
        elif changes.outbox or changes.contacts:
            self.refresh_sync_status()

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self._open_dialogs:
            self._open_dialogs.remove(dialog)

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
        minutes = int(self.ctx.settings.sync_interval_minutes or 0)
        if minutes <= 0:
            self.sync_timer.stop()
            return
        self.sync_timer.start(minutes * 60_000)

    @property
    def syncing(self) -> bool:
        own = self.workspace.own_sync()
        return self._syncing or (own is not None and own.sync_running())

    def sync_in_background(self) -> None:
        """The timer's round: quietly skipped while signed out or while a round runs."""
        if self.syncing or not self.ctx.sync.available:
            return
        self.sync_now(quiet=True)

    def _own_sync_finished(self, _result: object) -> None:
        self.sync_status.progress.hide()
        self.refresh_sync_status()

    def sync_now(self, quiet: bool = False) -> None:
        if self.syncing:
            if not quiet:
                self.statusBar().showMessage(tr("A sync is already running."), 4000)
            return
        own = self.workspace.own_sync()
        if own is not None:  # the field screen's own round also uploads the agreement PDFs first
            own.sync_now()
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
        newer = int(getattr(result, "newer_events", 0) or 0)
        if newer:  # a newer server's kinds of record were left out: say so, and what to do
            self.statusBar().showMessage(
                tr("Sync finished; %1 record(s) need a newer version of the workstation: "
                   "please update it.").replace("%1", str(newer)),
                30000,
            )  # fmt: skip
        else:
            self.statusBar().showMessage(tr("Sync finished."), 4000)
        self.workspace.after_sync()
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
        self.show_failure(tr("Sync"), exc)

    def show_attention(self) -> None:
        self.attention_dock.show()
        self.attention_dock.raise_()
        self.attention_panel.table.setFocus()

    # -- the host's side (WorkspaceHost) --------------------------------------------------------
    def show_status(self, text: str, timeout_ms: int = 4000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _task_failed(self, _op_label: str, exc: BaseException) -> None:
        # an op without its own error handler: its label is for the log (the runner wrote
        # it there), the agent reads a translated one
        self.show_failure(tr("This action did not finish"), exc)

    def show_failure(self, label: str, exc: BaseException) -> None:
        """Say why an action did not happen: a core refusal in the agent's language under the
        action's name; anything unexpected as "Something went wrong" (and logged)."""
        text = describe(exc)
        self.statusBar().showMessage(f"{label}: {text}", 10000)
        title = label if is_refusal(exc) else tr("Something went wrong")
        box = QMessageBox(QMessageBox.Icon.Warning, title, f"{label}\n\n{text}", parent=self)
        box.addButton(QMessageBox.StandardButton.Ok)
        localize_buttons(box)  # qtbase's own translations are not shipped with Essentials
        box.setObjectName("errorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.error_box = box
        box.show()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the role's screen (the desk loads its queue and selects the top account) and
        the sync status. Call once the window is shown."""
        self.workspace.restore_layout(self.ctx.settings.splitter_state)
        self.workspace.start()
        self.refresh_sync_status()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sync_timer.stop()
        state = self.workspace.layout_state()
        if state:
            self.ctx.settings.splitter_state = state
            try:
                self.ctx.save_settings()
            except OSError:
                log.exception("settings not saved")
        self.ctx.runner.shutdown()
        super().closeEvent(event)
