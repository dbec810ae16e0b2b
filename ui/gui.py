"""``workstation`` with no subcommand: the real window on this computer's own profile.

Start-up is a short chain of non-blocking steps, each a dialog shown with ``open()``:

1. unlock the local data (the system keyring does it silently; without one, the passphrase
   dialog asks — a wrong passphrase says so and keeps the dialog open);
2. sign in (server URL and user remembered) — or "Work offline" on the local data;
3. the window for the signed-in user's role (agent desk, field or lead screen), started, with
   a first sync in the background when signed in.

Nothing here generates data or starts a server: that is ``workstation demo``.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import error_label, localize_buttons
from ui.errors import reason
from ui.i18n import tr
from workstation.domain import Role

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from workstation.auth.profile import LocalProfile
    from workstation.sync import SyncEngine

log = logging.getLogger(__name__)


class UnlockDialog(QDialog):
    """Passphrase for the local data where no system keyring keeps its key."""

    unlocked = Signal(object)  # the LocalProfile

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(tr("Unlock local data"))
        self.profile: LocalProfile | None = None
        note = QLabel(reason, self)
        note.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        label = QLabel(tr("&Passphrase"), self)
        label.setBuddy(self.passphrase)
        self.passphrase.setAccessibleName(tr("Passphrase"))
        form = QFormLayout()
        form.addRow(label, self.passphrase)
        self.error = error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        localize_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())
        self.passphrase.setFocus()

    def submit(self) -> None:
        # deriving the key is deliberately slow (a KDF) but short; opening the store is local
        from workstation.auth.profile import LocalProfile, UnlockError

        try:
            self.profile = LocalProfile.open(passphrase=self.passphrase.text())
        except UnlockError as exc:
            self.error.setText(reason(exc))
            self.passphrase.selectAll()
            return
        self.unlocked.emit(self.profile)
        self.accept()


class Startup:
    """Unlock → sign in (or offline) → the window. Keeps what it opened alive."""

    def __init__(self, app: QApplication, *, settle_heap: bool = False) -> None:
        """``settle_heap``: once the window is built and shown (before it starts its
        workers), set the process's heap aside from the cycle collector
        (``app.set_heap_aside``; the entry point's choice)."""
        self.app = app
        self.settle_heap = settle_heap
        self.profile: LocalProfile | None = None
        self.window: MainWindow | None = None
        self.dialog: QDialog | None = None
        self.sign_in_ctx: AppContext | None = None

    def begin(self) -> None:
        from workstation.auth.profile import LocalProfile, PassphraseRequiredError, UnlockError

        try:
            self.unlocked(LocalProfile.open())
        except PassphraseRequiredError as exc:
            dialog = UnlockDialog(reason(exc))
            dialog.unlocked.connect(self.unlocked)
            dialog.rejected.connect(self.app.quit)
            self.dialog = dialog
            dialog.open()
        except UnlockError as exc:  # nothing can open: say why instead of a traceback
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Critical, tr("The local data cannot be opened"), reason(exc)
            )
            box.addButton(QMessageBox.StandardButton.Ok)
            localize_buttons(box)
            box.finished.connect(lambda _r: self.app.quit())
            self.dialog = box
            box.open()

    def unlocked(self, profile: LocalProfile) -> None:
        from ui import app as app_mod
        from ui.dialogs.signin import SignInDialog

        self.profile = profile
        ctx = app_mod.make_context(role=_role(app_mod), store=profile.store)
        ctx.profile = profile
        if not ctx.settings.server_url and profile.info.server_url:
            ctx.settings.server_url = profile.info.server_url
        self.sign_in_ctx = ctx
        dialog = SignInDialog(ctx, at_start=True)
        dialog.signed_in.connect(self.signed_in)
        dialog.offline_chosen.connect(lambda: self.open_window(None))
        dialog.rejected.connect(self._sign_in_cancelled)
        self.dialog = dialog
        dialog.open()

    def _sign_in_cancelled(self) -> None:
        self.open_window(None)  # Cancel works offline on the local data, like "Work offline"

    def signed_in(self, engine: SyncEngine) -> None:
        if self.sign_in_ctx is not None and self.sign_in_ctx.profile is not None:
            self.profile = self.sign_in_ctx.profile  # a fresh one if the computer changed hands
        self.open_window(engine)

    def open_window(self, engine: SyncEngine | None) -> None:
        if self.window is not None or self.sign_in_ctx is None or self.profile is None:
            return
        from ui import app as app_mod
        from ui.main_window import MainWindow
        from ui.training import open_training

        user = engine.api.user if engine is not None else None
        role = _role_of(user.role) if user else Role(self._saved_role())
        settings = self.sign_in_ctx.settings
        if user is not None:
            settings.last_role = role.value
            self.sign_in_ctx.save_settings()
        self.sign_in_ctx.runner.shutdown()
        ctx = app_mod.make_context(
            role=role,
            store=self.profile.store,
            user=(user.username if user else "") or settings.last_user,
        )
        ctx.storage = "sqlite-encrypted" if ctx.store.encrypted else "sqlite"
        ctx.profile = self.profile
        if engine is not None:
            ctx.attach_engine(engine)
        window = MainWindow(ctx, training=open_training)
        self.window = window
        window.show()
        if self.settle_heap:  # before start(): no worker is busy while it collects
            app_mod.set_heap_aside()
        window.start()
        if engine is not None:
            window.sync_now(quiet=True)
        else:
            window.statusBar().showMessage(
                tr("Working offline: your changes are kept and sync when you sign in."), 10000
            )

    def _saved_role(self) -> str:
        last_role = self.sign_in_ctx.settings.last_role if self.sign_in_ctx else ""
        value = str(last_role or "agent")
        return value if value in {r.value for r in Role} else "agent"


def _role_of(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        return Role.AGENT
    return role if role in (Role.AGENT, Role.FIELD, Role.LEAD) else Role.AGENT


def _role(app_mod: Any) -> Role:
    from ui import settings as settings_mod

    return _role_of(settings_mod.load().last_role)


def main(argv: list[str] | None = None) -> int:
    """Open the workstation window on this computer's profile (no demo data)."""
    from ui import app as app_mod
    from ui import settings as settings_mod

    _ = argv  # no options yet; reserved for e.g. --language
    app = app_mod.ensure_app()
    app_mod.configure_logging()
    settings = settings_mod.load()
    app_mod.prepare(app, settings.language, settings.theme)
    startup = Startup(app, settle_heap=True)
    startup.begin()
    code = app.exec()
    if startup.window is not None:
        startup.window.ctx.runner.shutdown()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
