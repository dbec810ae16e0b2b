"""The required-disclosures checklist of the outcome form (issue 18).

One box per disclosure of the customer's call guide, in the customer's language (the words
the agent reads out), shown for a right-party outcome on a call or a visit
(``workstation.desk.disclosures.required``). When a save is refused because some are not
confirmed, the reason field appears under the list: the next save records them as not
given, with that reason (audited).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.i18n import tr
from workstation.desk.types import CallGuide


class DisclosureChecklist(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disclosures")
        self.boxes: dict[str, QCheckBox] = {}
        self.rows: list[_Line] = []
        self.title = QLabel("<b>" + html.escape(tr("Required disclosures given")) + "</b>", self)
        self.list = QVBoxLayout()
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(1)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("disclosuresReason")
        self.reason.setPlaceholderText(tr("Why a disclosure was not given (audited)"))
        self.reason.setAccessibleName(tr("Why a disclosure was not given"))
        self.reason.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(self.list)
        layout.addWidget(self.reason)

    def set_guide(self, guide: CallGuide, language: str) -> None:
        """One box per disclosure, worded in ``language`` (the customer's)."""
        for row in self.rows:
            self.list.removeWidget(row)
            row.deleteLater()
        self.boxes, self.rows = {}, []
        for disclosure_id, text in zip(guide.disclosure_ids, guide.disclosures, strict=True):
            row = _Line(text.get(language), self)
            row.box.setAccessibleName(tr("Disclosure given") + ": " + text.get(language))
            row.box.setProperty("disclosure", disclosure_id)
            self.list.addWidget(row)
            self.rows.append(row)
            self.boxes[disclosure_id] = row.box
        self.clear()

    def clear(self) -> None:
        for box in self.boxes.values():
            box.setChecked(False)
        self.reason.clear()
        self.reason.hide()
        self.mark(False)

    def given(self) -> tuple[str, ...]:
        return tuple(i for i, box in self.boxes.items() if box.isChecked())

    def ask_reason(self) -> None:
        """The save was refused: show the reason field (the next save records "not given")."""
        self.reason.show()
        self.mark(True)
        missing = next((b for b in self.boxes.values() if not b.isChecked()), None)
        (missing or self.reason).setFocus()

    def mark(self, invalid: bool) -> None:
        for widget in (self, self.reason):
            widget.setProperty("invalid", invalid)
            widget.style().unpolish(widget)
            widget.style().polish(widget)


class _Line(QWidget):
    """A box and its disclosure, the words wrapped (a check box's own text does not wrap);
    clicking the words ticks the box."""

    def __init__(self, words: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.box = QCheckBox(self)
        self.label = QLabel(words, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.box.toggle()
        super().mousePressEvent(event)
