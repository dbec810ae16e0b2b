"""The 2×2 segment at the desk: where the account sits, both scores and why, the treatment.

Ability runs down (able on top), willingness across (willing on the left); the account's
quadrant is lit. Beside it, each score as a percentage with its top reasons (arrows say
which way each reason pushed) and the treatment the segment drives. Everything is read
from the account as synced (server-computed); nothing is scored here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLabel, QVBoxLayout, QWidget

from ui.i18n import pick
from workstation.domain import Account
from workstation.domain.enums import Segment
from workstation.segments import BASIS, reason_of
from workstation.segments.words import (
    ABILITY,
    NOT_ASSESSED,
    SHORT,
    TREATMENT,
    WILLINGNESS,
)
from workstation.segments.words import SEGMENT as TITLE

# the narrowest the panel shows the scores beside the 2×2 (narrower: under it)
SIDE_BY_SIDE_WIDTH = 520

# (row, column): able on top, willing on the left
PLACE = {
    Segment.ABLE_WILLING: (0, 0),
    Segment.ABLE_UNWILLING: (0, 1),
    Segment.UNABLE_WILLING: (1, 0),
    Segment.UNABLE_UNWILLING: (1, 1),
}
_LIT = (
    "background:#1f6f8b; color:white; font-weight:600; border:1px solid #1f6f8b;"
    " border-radius:3px; padding:2px 6px;"
)
_DIM = (
    "color:#8a939d; font-weight:600; border:1px solid #8a939d55; border-radius:3px;"
    " padding:2px 6px;"
)


def reasons_text(codes: tuple[str, ...]) -> str:
    """A score's reason codes in words, each with ↑ (raised it) or ↓ (lowered it)."""
    parts = []
    for code in codes:
        reason = reason_of(code)
        if reason is not None:
            parts.append(("↑ " if reason.direction > 0 else "↓ ") + pick(reason.text))
    return " · ".join(parts)


def percent(points: int | None) -> str:
    return "—" if points is None else f"{points * 100 // BASIS} %"


class SegmentPanel(QWidget):
    """Shows one account's segment; ``show_account`` fills it, ``None`` clears it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentPanel")
        self.setAccessibleName(pick(TITLE))
        self.cells: dict[Segment, QLabel] = {}
        grid = QGridLayout()
        grid.setSpacing(3)
        grid.setContentsMargins(0, 0, 0, 0)
        for segment, (row, column) in PLACE.items():
            cell = QLabel(pick(SHORT[segment]), self)
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setToolTip(pick(segment.label) + " — " + pick(segment.treatment))
            cell.setStyleSheet(_DIM)
            grid.addWidget(cell, row, column)
            self.cells[segment] = cell
        self.ability = QLabel(self)
        self.willingness = QLabel(self)
        self.treatment = QLabel(self)
        for label in (self.ability, self.willingness, self.treatment):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        words = QVBoxLayout()
        words.setSpacing(1)
        words.setContentsMargins(0, 0, 0, 0)
        words.addWidget(self.ability)
        words.addWidget(self.willingness)
        words.addWidget(self.treatment)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 2, 0, 0)
        self.box.setSpacing(10)
        self.box.addLayout(grid)
        self.box.addLayout(words, 1)
        self.segment: Segment | None = None
        self.show_account(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Beside the 2×2 where the pane is wide, under it where it is narrow: beside it in a
        narrow pane the scores' reasons read one word a line. Either way round is narrower
        than the width that decides, so the choice cannot flip back and forth."""
        narrow = event.size().width() < SIDE_BY_SIDE_WIDTH
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self.box.direction() != direction:
            self.box.setDirection(direction)
        super().resizeEvent(event)

    def show_account(self, account: Account | None) -> None:
        segment = account.segment if account is not None else None
        self.segment = segment
        for quadrant, cell in self.cells.items():
            cell.setText(pick(SHORT[quadrant]))  # the language may have changed since
            cell.setToolTip(pick(quadrant.label) + " — " + pick(quadrant.treatment))
            cell.setStyleSheet(_LIT if quadrant is segment else _DIM)
        if account is None or segment is None:
            self.ability.setText(html.escape(pick(NOT_ASSESSED)))
            self.willingness.clear()
            self.treatment.clear()
            return
        self.ability.setText(
            f"<b>{html.escape(pick(ABILITY))}</b> {percent(account.ability)}"
            f" &nbsp; {html.escape(reasons_text(account.ability_reasons))}"
        )
        self.willingness.setText(
            f"<b>{html.escape(pick(WILLINGNESS))}</b> {percent(account.willingness)}"
            f" &nbsp; {html.escape(reasons_text(account.willingness_reasons))}"
        )
        self.treatment.setText(
            f"<b>{html.escape(pick(TREATMENT))}</b> {html.escape(pick(segment.treatment))}"
            f" <span style='color:#8a939d'>({html.escape(pick(segment.label))})</span>"
        )
        self.setToolTip(account.segment_model or "")
