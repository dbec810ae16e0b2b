"""Sign-in: server URL (remembered), user, password, or work offline. Errors keep what was typed.

``authenticate`` is the ONE function that talks to auth/sync; it runs on the pool.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from workstation.auth.profile import LocalProfile
    from workstation.sync import ApiSession, SyncEngine
from ui.dialogs.common import error_label, localize_buttons
from ui.dialogs.registry import register_dialog
from ui.errors import describe, reason
from ui.i18n import tr


class SignInError(Exception):
    """A sign-in failure the agent can act on; ``field`` says which input to mark."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A sign-in's result: the engine, and the profile it works on (a fresh one when the
    computer was handed over from another user)."""

    engine: SyncEngine
    profile: LocalProfile


def authenticate(
    server_url: str,
    user: str,
    password: str,
    ca_bundle: str = "",
    profile: LocalProfile | None = None,
    *,
    may_hand_over: bool = False,
) -> SignedIn:
    """Sign in against the server and return an authenticated ``SyncEngine``.

    THE one function the window uses to talk to auth/sync (runs on the pool). Errors are
    ``SignInError`` with a message the agent can act on and the input to mark.

    Someone other than the profile's user takes the computer over (``auth.handover``) when
    ``may_hand_over`` (at start, before any window shows the local data), once the previous
    user's work is all on the server; with a window open on that data they are told to
    sign in at start instead.
    """
    if not server_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SignInError(tr("The server address must start with https://"), "server")
    if not user.strip():
        raise SignInError(tr("Enter your user name."), "user")
    if not password:
        raise SignInError(tr("Enter your password."), "password")
    if profile is None:
        raise SignInError(tr("The local data is locked. Restart the workstation to unlock it."))
    from workstation.auth.handover import HandOverRefused, hand_over
    from workstation.auth.profile import new_device_id
    from workstation.auth.secrets import SecretStore
    from workstation.sync import ApiSession, HttpClient, HttpSettings, SyncEngine

    taking_over = _taking_over(profile, user, may_hand_over)
    # the new user of a handed-over computer signs in as a NEW device; this profile is
    # wiped only once that worked, so a wrong password (or no server) leaves it as it was
    device_id = new_device_id() if taking_over else profile.device_id
    settings = HttpSettings.from_env()
    if ca_bundle:
        settings = replace(settings, ca_bundle=Path(ca_bundle))
    api = ApiSession(
        server_url,
        device_id,
        secrets=SecretStore(device_id),
        http=HttpClient(server_url, settings),
    )
    _sign_in(api, user.strip(), password)
    if taking_over:
        try:
            profile = hand_over(profile, user, device_id=device_id)
        except HandOverRefused as exc:  # the previous user's work arrived meanwhile
            SecretStore(device_id).wipe()  # the new device's saved sign-in, unused
            raise SignInError(reason(exc), "user") from exc
    profile.remember(
        server_url=server_url,
        username=user.strip(),
        display_name=api.user.display_name if api.user is not None else "",
    )
    return SignedIn(SyncEngine.for_profile(profile, api), profile)


def _taking_over(profile: LocalProfile, user: str, may_hand_over: bool) -> bool:
    """Whether ``user`` takes the computer over from the profile's user; ``SignInError``
    when they may not (now, or from this window). Changes nothing."""
    from workstation.auth.handover import HandOverRefused, check_hand_over

    try:
        taking_over = check_hand_over(profile, user)
    except HandOverRefused as exc:  # the previous user's work stays where it is
        raise SignInError(reason(exc), "user") from exc
    if taking_over and not may_hand_over:
        raise SignInError(
            tr("This window shows %1's local data. To sign in as %2, close the "
               "workstation and sign in when it starts.")
            .replace("%1", profile.info.username).replace("%2", user.strip()),
            "user",
        )  # fmt: skip
    return taking_over


def _sign_in(api: ApiSession, user: str, password: str) -> None:
    """``api.sign_in`` with its failures told as the agent can act on them."""
    from workstation.sync import OfflineError, ServerError

    try:
        api.sign_in(user, password)
    except OfflineError as exc:
        if "secure connection" in str(exc):
            raise SignInError(
                tr("The server's certificate is not trusted. Check the CA bundle in Settings."),
                "server",
            ) from exc
        raise SignInError(
            tr("The server cannot be reached. Check the address or work offline."), "server"
        ) from exc
    except ServerError as exc:
        if exc.status in (401, 403):
            raise SignInError(tr("Wrong user name or password."), "password") from exc
        if exc.code == "device_bound_to_other_user":  # a profile that forgot its user
            raise SignInError(
                tr("This computer is registered on the server to another user. They sign "
                   "in and sync, then the computer can be handed over."),
                "user",
            ) from exc  # fmt: skip
        refused = tr("The server refused the sign-in: %1").replace("%1", reason(exc))
        raise SignInError(refused) from exc
    except RuntimeError as exc:  # keyring problems surface from the secret store
        raise SignInError(
            tr("Your sign-in cannot be kept safely: %1").replace("%1", reason(exc))
        ) from exc


class SignInDialog(QDialog):
    signed_in = Signal(object)  # the engine
    offline_chosen = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, at_start: bool = False
    ) -> None:
        """``at_start``: no window shows the local data yet, so another user's sign-in may
        take the computer over (``auth.handover``)."""
        super().__init__(parent)
        self.at_start = at_start
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
        profile, at_start = self.ctx.profile, self.at_start
        self.sign_in_button.setEnabled(False)
        self.error.setText(tr("Signing in…"))
        self.ctx.runner.work(
            lambda _state: authenticate(
                server, user, password, ca, profile, may_hand_over=at_start
            ),
            on_done=self._done,
            on_error=self._failed,
            label="sign in",
        )

    def _done(self, signed: SignedIn) -> None:
        engine = signed.engine
        if signed.profile is not self.ctx.profile:  # handed over: the fresh profile's store
            self.ctx.profile, self.ctx.store = signed.profile, signed.profile.store
        self.sign_in_button.setEnabled(True)
        self.ctx.settings.server_url = self.server.text().strip()
        self.ctx.settings.last_user = self.user.text().strip()
        self.ctx.save_settings()
        self.ctx.attach_engine(engine)
        self.signed_in.emit(engine)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        field = exc.field if isinstance(exc, SignInError) else ""
        for name, widget in (
            ("server", self.server),
            ("user", self.user),
            ("password", self.password),
        ):
            widget.setProperty("invalid", name == field)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.error.setText(str(exc) if isinstance(exc, SignInError) else describe(exc))
        # a refusal of several lines (a hand-over's, a certificate's) is read whole
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _offline(self) -> None:
        self.ctx.settings.server_url = self.server.text().strip()
        self.ctx.settings.last_user = self.user.text().strip()
        self.ctx.save_settings()
        self.offline_chosen.emit()
        self.accept()


@register_dialog("signin")
def _create(ctx, parent, _account_id):
    return SignInDialog(ctx, parent)
