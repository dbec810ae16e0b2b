"""Sign-in: server URL (remembered), user, password, or work offline. Errors keep what was typed.

``authenticate`` is the ONE function that talks to auth/sync; it runs on the pool.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs import register_dialog
from ui.dialogs.common import error_label, localize_buttons
from ui.i18n import tr


class SignInError(Exception):
    """A sign-in failure the agent can act on; ``field`` says which input to mark."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def authenticate(server_url: str, user: str, password: str, ca_bundle: str = "") -> Any:
    """Sign in against the server and return an authenticated sync engine.

    Wired to ``workstation.sync`` when it provides ``sign_in``; until then it says so.
    """
    if not server_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SignInError(tr("The server address must start with https://"), "server")
    if not user.strip():
        raise SignInError(tr("Enter your user name."), "user")
    if not password:
        raise SignInError(tr("Enter your password."), "password")
    try:
        sync = importlib.import_module("workstation.sync")
    except ImportError:
        sync = None
    sign_in = getattr(sync, "sign_in", None)
    if sign_in is None:
        raise SignInError(
            tr("Signing in to a server is not available in this build yet. Choose “Work offline”.")
        )
    return sign_in(server_url, user, password, ca_bundle=ca_bundle or None)


class SignInDialog(QDialog):
    signed_in = Signal(object)  # the engine
    offline_chosen = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(tr("Sign in"))
        self.ctx = ctx
        self.server = QLineEdit(ctx.settings.server_url, self)
        self.user = QLineEdit(ctx.settings.last_user, self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for text, widget in (
            (tr("&Server"), self.server),
            (tr("&User"), self.user),
            (tr("&Password"), self.password),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = self.buttons.addButton(
            tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.offline = QPushButton(tr("Work offline"), self)
        self.offline.setToolTip(
            tr("Work on the data on this computer; changes sync when you sign in.")
        )
        self.buttons.addButton(self.offline, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        localize_buttons(self.buttons)
        self.offline.clicked.connect(self._offline)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())
        (self.password if self.user.text() else self.user).setFocus()

    def submit(self) -> None:
        server, user, password = (
            self.server.text().strip(),
            self.user.text().strip(),
            self.password.text(),
        )
        ca = self.ctx.settings.ca_bundle
        self.sign_in_button.setEnabled(False)
        self.error.setText(tr("Signing in…"))
        self.ctx.runner.work(
            lambda _state: authenticate(server, user, password, ca),
            on_done=self._done,
            on_error=self._failed,
            label="sign in",
        )

    def _done(self, engine: object) -> None:
        self.sign_in_button.setEnabled(True)
        self.ctx.settings.server_url = self.server.text().strip()
        self.ctx.settings.last_user = self.user.text().strip()
        self.ctx.save_settings()
        self.ctx.sync.attach(engine)
        self.signed_in.emit(engine)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        field = getattr(exc, "field", "")
        for name, widget in (
            ("server", self.server),
            ("user", self.user),
            ("password", self.password),
        ):
            widget.setProperty("invalid", name == field)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.error.setText(str(exc))

    def _offline(self) -> None:
        self.ctx.settings.server_url = self.server.text().strip()
        self.ctx.settings.last_user = self.user.text().strip()
        self.ctx.save_settings()
        self.offline_chosen.emit()
        self.accept()


@register_dialog("signin")
def _create(ctx, parent, _account_id):
    return SignInDialog(ctx, parent)
