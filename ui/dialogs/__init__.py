"""Dialog registry: every dialog is created through a named factory and shown with open()/show().

Other issues add their dialogs here (agreement preview, visit outcome, reassign …), and the
demo's ``--screenshot`` renders everything registered. ``AGREEMENT_PREVIEW_HOOKS`` is where
the documents issue plugs in the agreement preview after "agree plan".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from ui.dialogs.registry import AGREEMENT_PREVIEW_HOOKS, DIALOGS, register_dialog

if TYPE_CHECKING:
    from ui.context import AppContext


def create(
    name: str, ctx: AppContext, parent: QWidget | None = None, account_id: str | None = None
) -> QDialog:
    _load_builtin()
    return DIALOGS[name](ctx, parent, account_id)


def open_dialog(
    name: str, ctx: AppContext, parent: QWidget | None = None, account_id: str | None = None
) -> QDialog:
    """Create and ``open()`` (window-modal, non-blocking) a registered dialog; return it."""
    dialog = create(name, ctx, parent, account_id)
    dialog.open()
    return dialog


def _load_builtin() -> None:
    from ui.dialogs import capture, plan, reviews, settings_dialog, signin  # noqa: F401 - registers
    from ui.messages import dialog  # noqa: F401 - registers "send_reminder"


def names() -> list[str]:
    _load_builtin()
    return list(DIALOGS)


__all__ = [
    "AGREEMENT_PREVIEW_HOOKS",
    "DIALOGS",
    "create",
    "names",
    "open_dialog",
    "register_dialog",
]
