"""What the main window and a role's screen ask of each other.

The window (``ui.main_window``) is the same for every role: menus, the status bar, the sync
status and the needs-attention dock, the shared dialogs, the background sync timer. The
screen a role works in — the agent desk (``ui.desk``), the field route (``ui.field``), the
lead console (``ui.lead``) — owns its widgets, its ops and its own shortcuts, and is a
``RoleWorkspace``. A workspace that needs the window's services (the status bar, the error
box, a registered dialog) is handed a ``WorkspaceHost``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

KeySpec = str | QKeySequence | QKeySequence.StandardKey


class RoleWorkspace(Protocol):
    """The screen a role works in, as the main window mounts it."""

    def as_widget(self) -> QWidget:
        """The widget the window shows in its central area (the workspace itself)."""
        ...

    def start(self) -> None:
        """Load the first data; called once, when the window is shown."""
        ...

    def sync_shortcuts(self) -> tuple[KeySpec, ...]:
        """The keys of the window's "Sync now" action that do not clash with this screen's
        own shortcuts (an ambiguous shortcut fires neither)."""
        ...

    def own_sync(self) -> OwnSync | None:
        """The sync round this screen runs itself, if it has one (the field uploads its
        agreement PDFs first); ``None`` when the window's round is the one to run."""
        ...

    def after_sync(self) -> None:
        """The window's sync round finished: reload what it may have changed."""
        ...

    def layout_state(self) -> str:
        """This screen's layout to keep in Settings ("" when it keeps none)."""
        ...

    def restore_layout(self, state: str) -> None: ...


class OwnSync(Protocol):
    """A screen's own sync round: started by the window's action or the screen's button."""

    @property
    def sync_finished(self) -> SignalInstance:
        """Emitted with the report, or the exception, when a round ends."""
        ...

    def sync_now(self) -> None: ...

    def sync_running(self) -> bool: ...


class WorkspaceHost(Protocol):
    """What the main window offers a workspace."""

    def show_status(self, text: str, timeout_ms: int = 4000) -> None: ...

    def show_failure(self, label: str, exc: BaseException) -> None:
        """Say why ``label`` did not happen, in the agent's language (``ui.errors``)."""
        ...

    def open_dialog(self, name: str) -> QDialog: ...

    def refresh_sync_status(self) -> None: ...
