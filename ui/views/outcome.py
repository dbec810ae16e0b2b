"""Log outcome (right): the verdict per channel, click-to-call, the disposition picker with
only the fields it requires, notes, override reason; and the call guide beside it."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.i18n import is_zh, pick, tr
from workstation.desk import (
    COMPLAINT_CATEGORIES,
    DISPUTE_REASONS,
    AccountView,
    OutcomeInput,
    Text,
    Verdict,
)
from workstation.domain import Channel
from workstation.domain.dispositions import DispositionCatalogue

CHANNEL_LABELS = {
    Channel.PHONE: ("Phone", "电话"),
    Channel.SMS: ("SMS", "短信"),
    Channel.EMAIL: ("E-mail", "邮件"),
    Channel.VISIT: ("Visit", "外访"),
}
COMPLAINT_LABELS = {
    "contact_frequency": ("Too many contacts", "联系过于频繁"),
    "contact_place": ("Contacted at work / wrong place", "在工作单位等不当场所联系"),
    "staff_conduct": ("Staff conduct", "工作人员态度"),
    "amount": ("Amount or charges", "金额或费用"),
    "other": ("Other", "其他"),
}
DISPUTE_LABELS = {
    "not_mine": ("Not my debt", "非本人债务"),
    "amount_wrong": ("Amount is wrong", "金额有误"),
    "already_paid": ("Already paid", "已经还款"),
    "identity_theft": ("Identity theft", "身份被冒用"),
    "other": ("Other", "其他"),
}
FIELDS = (
    "promise_amount",
    "promise_date",
    "callback_at",
    "payment_amount",
    "settlement_amount",
    "dispute_reason",
    "complaint_category",
    "hardship_details",
)


def bilingual(pair: tuple[str, str]) -> str:
    return pair[1] if is_zh() else pair[0]


def channel_label(channel: Channel) -> str:
    return bilingual(CHANNEL_LABELS[channel])


def when_text(at: datetime | None, timezone: str) -> str:
    if at is None:
        return ""
    local = at.astimezone(ZoneInfo(timezone))
    today = datetime.now(ZoneInfo(timezone)).date()
    if local.date() == today:
        day = tr("today")
    elif local.date() == today + timedelta(days=1):
        day = tr("tomorrow")
    else:
        day = local.strftime("%a %d %b") if not is_zh() else local.strftime("%m-%d")
    return (
        tr("allowed from %1 %2 customer time")
        .replace("%1", day)
        .replace("%2", local.strftime("%H:%M"))
    )


def verdict_html(verdict: Verdict, timezone: str) -> str:
    mark = "✓" if verdict.allowed else "✕"
    reasons = "; ".join(pick(r) for r in verdict.reasons)
    when = when_text(verdict.next_allowed_at, timezone)
    if when:
        reasons += f" — <b>{when}</b>"
    return f"<b>{mark} {html.escape(channel_label(verdict.channel))}</b>&nbsp; {reasons}"


class _PickerKeys(QObject):
    """Number keys 1–9 pick catalogue hotkeys while the picker (or its empty search) has focus."""

    def __init__(self, panel: OutcomePanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            text = event.text()
            search_empty = not self.panel.search.text()
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if (
                len(text) == 1
                and text in "123456789"
                and modifiers == Qt.KeyboardModifier.NoModifier
                and (watched is self.panel.picker or search_empty)
            ):
                return self.panel.pick_hotkey(int(text))
            if watched is self.panel.search and event.key() in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                self.panel.picker.setFocus()
                if self.panel.picker.currentRow() < 0:
                    self.panel.select_first_visible()
                return event.key() == Qt.Key.Key_Down
        return False


class OutcomePanel(QWidget):
    call_requested = Signal(str)  # number
    save_requested = Signal()
    channel_changed = Signal()
    reminder_requested = Signal()

    def __init__(self, catalogue: DispositionCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomePanel")
        self.catalogue = catalogue
        self.view: AccountView | None = None

        # verdicts ----------------------------------------------------------------------
        self.verdict_box = QFrame(self)
        self.verdict_box.setObjectName("verdicts")
        verdict_layout = QVBoxLayout(self.verdict_box)
        verdict_layout.setContentsMargins(0, 0, 0, 0)
        verdict_layout.setSpacing(2)
        self.verdict_labels: dict[Channel, QLabel] = {}
        for channel in CHANNEL_LABELS:
            label = QLabel(self.verdict_box)
            label.setWordWrap(True)
            label.setObjectName("verdict")
            label.setAccessibleName(tr("Verdict") + " " + channel_label(channel))
            verdict_layout.addWidget(label)
            self.verdict_labels[channel] = label

        # call -------------------------------------------------------------------------------
        self.channel = QComboBox(self)
        self.channel.setAccessibleName(tr("Channel"))
        for channel in CHANNEL_LABELS:
            self.channel.addItem(channel_label(channel), channel.value)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.number = QComboBox(self)
        self.number.setAccessibleName(tr("Number or address used"))
        self.number.setEditable(False)
        self.number.currentIndexChanged.connect(self._channel_changed)
        self.call = QToolButton(self)
        self.call.setIcon(theme.icon("phone"))
        self.call.setAccessibleName(tr("Call this number"))
        self.call.setToolTip(tr("Call this number (Ctrl+D)"))
        self.call.clicked.connect(self._call)
        call_row = QHBoxLayout()
        call_row.addWidget(self.channel)
        call_row.addWidget(self.number, 1)
        call_row.addWidget(self.call)

        # disposition picker -----------------------------------------------------------
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("Outcome: type to search, or press 1–9"))
        self.search.setAccessibleName(tr("Search outcomes"))
        self.search.textChanged.connect(self._search)
        self.picker = QListWidget(self)
        self.picker.setAccessibleName(tr("Outcome"))
        self.picker.setUniformItemSizes(True)
        for disposition in catalogue:
            hot = f"{disposition.hotkey}  " if disposition.hotkey else "    "
            item = QListWidgetItem(hot + disposition.label("zh" if is_zh() else "en"))
            item.setData(Qt.ItemDataRole.UserRole, disposition.code)
            item.setData(
                Qt.ItemDataRole.UserRole + 1,
                f"{disposition.label_en} {disposition.label_zh} {disposition.code}".casefold(),
            )
            self.picker.addItem(item)
        self.picker.currentItemChanged.connect(self._disposition_changed)
        keys = _PickerKeys(self)
        self.picker.installEventFilter(keys)
        self.search.installEventFilter(keys)
        self._keys = keys

        # fields the disposition requires --------------------------------------------------
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.promise_amount = QLineEdit(self)
        self.promise_date = QDateEdit(self)
        self.promise_date.setCalendarPopup(True)
        self.promise_date.setDisplayFormat("yyyy-MM-dd")
        self.callback_at = QDateTimeEdit(self)
        self.callback_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.callback_at.setCalendarPopup(True)
        self.payment_amount = QLineEdit(self)
        self.settlement_amount = QLineEdit(self)
        self.dispute_reason = QComboBox(self)
        for code in DISPUTE_REASONS:
            self.dispute_reason.addItem(bilingual(DISPUTE_LABELS[code]), code)
        self.complaint_category = QComboBox(self)
        for code in COMPLAINT_CATEGORIES:
            self.complaint_category.addItem(bilingual(COMPLAINT_LABELS[code]), code)
        self.hardship_details = QPlainTextEdit(self)
        self.hardship_details.setFixedHeight(52)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(tr("Notes"))
        self.notes.setFixedHeight(64)
        self.notes.setTabChangesFocus(True)
        self.override_reason = QLineEdit(self)
        self.override_reason.setPlaceholderText(tr("Why you contact despite the block (audited)"))
        labels = {
            "promise_amount": tr("Promise &amount"),
            "promise_date": tr("Promise &date"),
            "callback_at": tr("Call&back at (customer time)"),
            "payment_amount": tr("Amount &paid"),
            "settlement_amount": tr("Settlement a&mount"),
            "dispute_reason": tr("Dispute &reason"),
            "complaint_category": tr("Complaint &category"),
            "hardship_details": tr("&Hardship details"),
            "notes": tr("&Notes"),
            "override_reason": tr("&Override reason"),
        }
        self.fields: dict[str, QWidget] = {}
        self.field_labels: dict[str, QLabel] = {}
        for name in (*FIELDS, "notes", "override_reason"):
            widget = getattr(self, name)
            label = QLabel(labels[name], self)
            label.setBuddy(widget)
            widget.setAccessibleName(labels[name].replace("&", ""))
            self.form.addRow(label, widget)
            self.fields[name] = widget
            self.field_labels[name] = label
        self.errors = QLabel(self)
        self.errors.setObjectName("error")
        self.errors.setWordWrap(True)
        self.save = QPushButton(tr("Save outcome (Ctrl+Enter)"), self)
        self.save.setObjectName("primary")
        self.save.clicked.connect(self.save_requested)

        # call guide ---------------------------------------------------------------------------
        self.guide = QTextBrowser(self)
        self.guide.setObjectName("callGuide")
        self.guide.setAccessibleName(tr("Call guide"))
        self.guide.setOpenLinks(False)

        left = QVBoxLayout()
        left.setSpacing(4)
        title = QLabel("<b>" + tr("May I contact now?") + "</b>", self)
        # a written reminder sits beside the SMS / e-mail verdicts it depends on
        self.reminder_button = QPushButton(tr("Send reminder (Ctrl+M)"), self)
        self.reminder_button.setObjectName("reminderButton")
        self.reminder_button.setToolTip(
            tr("Pick an SMS or e-mail template, see the filled text and its verdict, send")
        )
        self.reminder_button.clicked.connect(self.reminder_requested)
        left.addWidget(title)
        left.addWidget(self.verdict_box)
        # Below the verdicts, full width: beside the title it was squeezed unreadable.
        left.addWidget(self.reminder_button)
        left.addLayout(call_row)
        left.addWidget(self.search)
        left.addWidget(self.picker, 1)
        left.addLayout(self.form)
        left.addWidget(self.errors)
        left.addWidget(self.save)
        form_side = QWidget(self)
        form_side.setLayout(left)
        form_side.setMinimumWidth(300)
        guide_side = QWidget(self)
        guide_layout = QVBoxLayout(guide_side)
        guide_layout.setContentsMargins(0, 0, 0, 0)
        guide_layout.addWidget(QLabel("<b>" + tr("Call guide") + "</b>", self))
        guide_layout.addWidget(self.guide, 1)
        guide_side.setMinimumWidth(220)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(form_side, 3)
        layout.addWidget(guide_side, 2)
        self._show_fields(frozenset())
        self.setEnabled(False)

    # -- account ----------------------------------------------------------------------------
    def show_account(self, view: AccountView | None, creditor: str = "", agent: str = "") -> None:
        """Load a new account: the form is cleared (a saved outcome) — call only after save
        or when the agent moved on; ``keep_input`` paths use ``refresh_verdicts``."""
        self.view = view
        self.setEnabled(view is not None)
        if view is None:
            return
        self.number.blockSignals(True)
        self.number.clear()
        for phone in view.customer.phones:
            suffix = " " + tr("(opted out)") if phone.opted_out else ""
            self.number.addItem(f"{phone.number}  {phone.type}{suffix}", phone.id)
            self.number.setItemData(
                self.number.count() - 1, phone.number, Qt.ItemDataRole.UserRole + 1
            )
        for email in view.customer.emails:
            self.number.addItem(email.address, email.id)
            self.number.setItemData(
                self.number.count() - 1, email.address, Qt.ItemDataRole.UserRole + 1
            )
        self.number.blockSignals(False)
        self.clear_form()
        self.refresh_verdicts(dict(view.verdicts))
        self._render_guide(creditor, agent)

    def refresh_verdicts(self, verdicts: Mapping[Channel, Verdict]) -> None:
        if self.view is None:
            return
        timezone = self.view.customer.timezone
        for channel, label in self.verdict_labels.items():
            verdict = verdicts.get(channel)
            if verdict is None:
                label.clear()
                continue
            label.setText(verdict_html(verdict, timezone))
            label.setProperty("allowed", "yes" if verdict.allowed else "no")
            label.style().unpolish(label)
            label.style().polish(label)
        current = verdicts.get(self.current_channel())
        blocked = current is not None and not current.allowed
        self._set_row_visible("override_reason", blocked)
        self.call.setEnabled(self.current_channel() is Channel.PHONE)

    def _render_guide(self, creditor: str, agent: str) -> None:
        view = self.view
        if view is None:
            return
        lang = view.customer.language.value
        guide = view.call_guide

        def fill(text: Text) -> str:
            return html.escape(
                text.get(lang).replace("{agent}", agent).replace("{creditor}", creditor)
            )

        heading = (tr("In the customer’s language"), tr("Opening"), tr("Required disclosures"))
        parts = [
            f"<p>{html.escape(heading[0])} "
            f"({'中文' if lang.startswith('zh') else 'English'}) · "
            f"{html.escape(guide.jurisdiction)}</p>",
            f"<h4>{html.escape(heading[1])}</h4><p>{fill(guide.opening)}</p>",
            f"<h4>{html.escape(heading[2])}</h4><ul>"
            + "".join(f"<li>{fill(d)}</li>" for d in guide.disclosures)
            + "</ul>",
        ]
        for section in guide.wording.values():
            parts.append(
                f"<h4>{html.escape(section.title.get(lang))}</h4><p>{fill(section.body)}</p>"
            )
        self.guide.setHtml("".join(parts))

    # -- picker ------------------------------------------------------------------------------
    def _search(self, text: str) -> None:
        needle = text.strip().casefold()
        first = None
        for row in range(self.picker.count()):
            item = self.picker.item(row)
            hidden = bool(needle) and needle not in item.data(Qt.ItemDataRole.UserRole + 1)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        current = self.picker.currentItem()
        if needle and first is not None and (current is None or current.isHidden()):
            self.picker.setCurrentItem(first)

    def select_first_visible(self) -> None:
        for row in range(self.picker.count()):
            if not self.picker.item(row).isHidden():
                self.picker.setCurrentRow(row)
                return

    def pick_hotkey(self, key: int) -> bool:
        disposition = self.catalogue.by_hotkey(key)
        if disposition is None:
            return False
        return self.select_disposition(disposition.code)

    def select_disposition(self, code: str) -> bool:
        for row in range(self.picker.count()):
            item = self.picker.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                item.setHidden(False)
                self.picker.setCurrentItem(item)
                self._focus_first_field()
                return True
        return False

    def current_disposition(self) -> str:
        item = self.picker.currentItem()
        return "" if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _disposition_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        code = "" if current is None else str(current.data(Qt.ItemDataRole.UserRole))
        disposition = self.catalogue.get(code)
        self._show_fields(disposition.requires if disposition else frozenset())
        self._mark_errors({})

    def _focus_first_field(self) -> None:
        for name in FIELDS:
            if not self.fields[name].isHidden():
                self.fields[name].setFocus()
                return

    def _set_row_visible(self, name: str, visible: bool) -> None:
        self.form.setRowVisible(self.fields[name], visible)

    def _show_fields(self, requires: frozenset[str]) -> None:
        for name in FIELDS:
            self._set_row_visible(name, name in requires)

    # -- channel / call -----------------------------------------------------------------------
    def current_channel(self) -> Channel:
        return Channel(self.channel.currentData() or Channel.PHONE.value)

    def _channel_changed(self, *_args: object) -> None:
        self.channel_changed.emit()

    def _call(self) -> None:
        number = self.number.currentData(Qt.ItemDataRole.UserRole + 1)
        if number:
            self.call_requested.emit(str(number))

    # -- the form -------------------------------------------------------------------------------
    def clear_form(self) -> None:
        self.search.clear()
        self.picker.setCurrentRow(-1)
        self.picker.clearSelection()
        for widget in (
            self.promise_amount,
            self.payment_amount,
            self.settlement_amount,
            self.override_reason,
        ):
            widget.clear()
        self.hardship_details.clear()
        self.notes.clear()
        tz = (
            QTimeZone(self.view.customer.timezone.encode())
            if self.view
            else QTimeZone.systemTimeZone()
        )
        local_now = QDateTime.currentDateTime().toTimeZone(tz)
        self.promise_date.setDate(
            local_now.date().addDays(3) if local_now.isValid() else QDate.currentDate()
        )
        self.callback_at.setDateTime(
            QDateTime(local_now.date().addDays(1), local_now.time()).addSecs(0)
        )
        self._show_fields(frozenset())
        self._mark_errors({})

    def read_form(self, account_id: str) -> OutcomeInput:
        return OutcomeInput(
            account_id=account_id,
            disposition=self.current_disposition(),
            channel=self.current_channel(),
            address_used=str(self.number.currentData() or ""),
            notes=self.notes.toPlainText(),
            promise_amount=self.promise_amount.text(),
            promise_date=self.promise_date.date().toString("yyyy-MM-dd"),
            callback_at=self.callback_at.dateTime().toString("yyyy-MM-ddTHH:mm"),
            dispute_reason=str(self.dispute_reason.currentData() or ""),
            complaint_category=str(self.complaint_category.currentData() or ""),
            hardship_details=self.hardship_details.toPlainText(),
            payment_amount=self.payment_amount.text(),
            settlement_amount=self.settlement_amount.text(),
            override_reason=self.override_reason.text(),
        )

    def show_errors(self, errors: dict[str, Text]) -> None:
        """Mark invalid fields in place; what was typed stays where it is."""
        if "override_reason" in errors:
            self._set_row_visible("override_reason", True)
        self._mark_errors(errors)
        first = next((n for n in (*FIELDS, "override_reason") if n in errors), None)
        if first is not None:
            self.fields[first].setFocus()
        elif "disposition" in errors:
            self.search.setFocus()

    def _mark_errors(self, errors: dict[str, Text]) -> None:
        for name, widget in self.fields.items():
            invalid = name in errors
            widget.setProperty("invalid", invalid)
            widget.setToolTip(pick(errors[name]) if invalid else "")
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.picker.setProperty("invalid", "disposition" in errors)
        self.picker.style().unpolish(self.picker)
        self.picker.style().polish(self.picker)
        names = {
            name: self.field_labels[name].text().replace("&", "") for name in self.field_labels
        }
        names["disposition"] = tr("Outcome")
        self.errors.setText(
            "\n".join(f"{names.get(name, name)}: {pick(text)}" for name, text in errors.items())
        )
