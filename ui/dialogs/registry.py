"""The dialogs' registry (``register_dialog``) and the agreement-preview hooks: what a dialog
module imports to register itself, apart from the package's ``create`` / ``open_dialog``,
which import every dialog module to fill it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from ui.context import AppContext

DialogFactory = Callable[["AppContext", QWidget | None, str | None], QDialog]
DIALOGS: dict[str, DialogFactory] = {}
# called as hook(ctx, account_id, changes, parent) after a plan agreement is recorded
AGREEMENT_PREVIEW_HOOKS: list[Callable[..., Any]] = []


def register_dialog(name: str) -> Callable[[DialogFactory], DialogFactory]:
    def add(factory: DialogFactory) -> DialogFactory:
        DIALOGS[name] = factory
        return factory

    return add
