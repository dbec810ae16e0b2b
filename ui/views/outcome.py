"""Log outcome (right): the verdict per channel, click-to-call, the disposition picker with
only the fields it requires, notes, override reason; and the call guide beside it."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal
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
from ui.i18n import is_zh, language, pick, tr
from ui.labels import (
    channel_text,
    complaint_text,
    dispute_text,
    payment_method_text,
    phone_type_text,
)
from ui.views.disclosures import DisclosureChecklist
from ui.views.outcome_search import ranked
from workstation.desk import (
    COMPLAINT_CATEGORIES,
    DISPUTE_REASONS,
    PAYMENT_METHODS,
    AccountView,
    OutcomeInput,
    Verdict,
)
from workstation.desk import disclosures as required_disclosures
from workstation.domain import Channel
from workstation.domain.creditor import creditor as creditor_named
from workstation.domain.dispositions import DispositionCatalogue
from workstation.domain.model import utcnow, wall_clock
from workstation.text import Text, is_chinese, name_in

FIELDS = (
    "promise_amount",
    "promise_date",
    "callback_at",
    "payment_amount",
    "payment_date",
    "payment_method",
    "settlement_amount",
    "dispute_reason",
    "complaint_category",
    "hardship_details",
)


# where a picker item keeps its place in the catalogue (the order with no search text)
_CATALOGUE_ORDER = Qt.ItemDataRole.UserRole + 2

# the narrowest the form and the call guide beside it get (the splitter stops there)
FORM_MIN_WIDTH = 240
GUIDE_MIN_WIDTH = 160

# the channels an agent can log an outcome on, in the order the form offers them
CHANNELS = (Channel.PHONE, Channel.SMS, Channel.EMAIL, Channel.VISIT)


def channel_label(channel: Channel) -> str:
    return channel_text(channel.value)


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

    def __init__(
        self,
        catalogue: DispositionCatalogue,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outcomePanel")
        self.catalogue = catalogue
        # The desk's clock: the form's default dates are the customer's today by the same
        # clock the desk service validates them against.
        self.clock = clock
        self.view: AccountView | None = None

        # verdicts ----------------------------------------------------------------------
        self.verdict_box = QFrame(self)
        self.verdict_box.setObjectName("verdicts")
        verdict_layout = QVBoxLayout(self.verdict_box)
        verdict_layout.setContentsMargins(0, 0, 0, 0)
        verdict_layout.setSpacing(2)
        self.verdict_labels: dict[Channel, QLabel] = {}
        for channel in CHANNELS:
            label = QLabel(self.verdict_box)
            label.setWordWrap(True)
            label.setObjectName("verdict")
            label.setAccessibleName(tr("Verdict") + " " + channel_label(channel))
            verdict_layout.addWidget(label)
            self.verdict_labels[channel] = label

        # call -------------------------------------------------------------------------------
        self.channel = QComboBox(self)
        self.channel.setAccessibleName(tr("Channel"))
        for channel in CHANNELS:
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
            item = QListWidgetItem(hot + disposition.label(language()))
            item.setData(Qt.ItemDataRole.UserRole, disposition.code)
            item.setData(_CATALOGUE_ORDER, self.picker.count())
            self.picker.addItem(item)
        self.picker.currentItemChanged.connect(self._disposition_changed)
        keys = _PickerKeys(self)
        self.picker.installEventFilter(keys)
        self.search.installEventFilter(keys)
        self._keys = keys

        # fields the disposition requires --------------------------------------------------
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # a long label ("Callback at (customer time)") goes above its field when the form is
        # narrow, rather than widening the form
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.promise_amount = QLineEdit(self)
        self.promise_date = QDateEdit(self)
        self.promise_date.setCalendarPopup(True)
        self.promise_date.setDisplayFormat("yyyy-MM-dd")
        self.callback_at = QDateTimeEdit(self)
        self.callback_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.callback_at.setCalendarPopup(True)
        self.payment_amount = QLineEdit(self)
        self.payment_date = QDateEdit(self)
        self.payment_date.setCalendarPopup(True)
        self.payment_date.setDisplayFormat("yyyy-MM-dd")
        self.payment_method = QComboBox(self)
        for code in PAYMENT_METHODS:
            self.payment_method.addItem(payment_method_text(code), code)
        self.settlement_amount = QLineEdit(self)
        self.dispute_reason = QComboBox(self)
        for code in DISPUTE_REASONS:
            self.dispute_reason.addItem(dispute_text(code), code)
        self.complaint_category = QComboBox(self)
        for code in COMPLAINT_CATEGORIES:
            self.complaint_category.addItem(complaint_text(code), code)
        self.hardship_details = QPlainTextEdit(self)
        self.hardship_details.setFixedHeight(52)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(tr("Notes"))
        self.notes.setFixedHeight(64)
        self.notes.setTabChangesFocus(True)
        self.override_reason = QLineEdit(self)
        self.override_reason.setPlaceholderText(tr("Why you contact despite the block (audited)"))
        self.override_reason.textChanged.connect(self._update_call)
        self._phone_verdict: Verdict | None = None
        labels = {
            "promise_amount": tr("Promise &amount"),
            "promise_date": tr("Promise &date"),
            "callback_at": tr("Call&back at (customer time)"),
            "payment_amount": tr("Amount &paid"),
            "payment_date": tr("Paid o&n (customer's date)"),
            "payment_method": tr("Paid &by"),
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
        # right-party calls: the call guide's disclosures, confirmed one by one
        self.disclosures = DisclosureChecklist(self)
        self.disclosures.hide()
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
        left.addWidget(self.disclosures)
        left.addWidget(self.errors)
        left.addWidget(self.save)
        form_side = QWidget(self)
        form_side.setLayout(left)
        # the form is as narrow as its widest button allows; the guide as a short line of
        # script: fixed minimums of 300 and 220 px made this pane 538 px whatever the window
        form_side.setMinimumWidth(FORM_MIN_WIDTH)
        guide_side = QWidget(self)
        guide_layout = QVBoxLayout(guide_side)
        guide_layout.setContentsMargins(0, 0, 0, 0)
        guide_layout.addWidget(QLabel("<b>" + tr("Call guide") + "</b>", self))
        guide_layout.addWidget(self.guide, 1)
        guide_side.setMinimumWidth(GUIDE_MIN_WIDTH)
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
            kind = phone_type_text(phone.type.value)
            self.number.addItem(f"{phone.number}  {kind}{suffix}", phone.id)
            self.number.setItemData(
                self.number.count() - 1, phone.number, Qt.ItemDataRole.UserRole + 1
            )
        for email in view.customer.emails:
            self.number.addItem(email.address, email.id)
            self.number.setItemData(
                self.number.count() - 1, email.address, Qt.ItemDataRole.UserRole + 1
            )
        self.number.blockSignals(False)
        self.disclosures.set_guide(view.call_guide, view.customer.language.value)
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
        self._phone_verdict = verdicts.get(Channel.PHONE)
        self._update_call()

    def _update_call(self, *_args: object) -> None:
        """The call button dials only what the engine allows: on a blocked number it is off,
        its tooltip the engine's reason in the agent's language; an override reason typed in
        the form (recorded with the outcome) lets the agent call all the same."""
        on_phone = self.current_channel() is Channel.PHONE
        verdict = self._phone_verdict if on_phone else None
        blocked = verdict is not None and not verdict.allowed
        overridden = blocked and bool(self.override_reason.text().strip())
        self.call.setEnabled(on_phone and (not blocked or overridden))
        if verdict is not None and blocked and not overridden:
            why = "; ".join(pick(r) for r in verdict.reasons)  # the engine's words, "until…"
            self.call.setToolTip(tr("Calling is blocked: %1").replace("%1", why))
        elif overridden:
            self.call.setToolTip(
                tr("Call despite the block (Ctrl+D): your reason is saved with the outcome")
            )
        else:
            self.call.setToolTip(tr("Call this number (Ctrl+D)"))

    def _render_guide(self, creditor: str, agent: str) -> None:
        view = self.view
        if view is None:
            return
        lang = view.customer.language.value
        guide = view.call_guide
        creditor = creditor_named(creditor).name.get(lang)  # as the customer's messages say it
        agent = name_in(agent, lang)  # "李娜 Li Na": 李娜 to a Chinese customer, Li Na else

        def fill(text: Text) -> str:
            return html.escape(
                text.get(lang).replace("{agent}", agent).replace("{creditor}", creditor)
            )

        heading = (tr("In the customer’s language"), tr("Opening"), tr("Required disclosures"))
        parts = [
            f"<p>{html.escape(heading[0])} "
            f"({'中文' if is_chinese(lang) else 'English'}) · "
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
        """Show the outcomes matching ``text``, best first (``outcome_search``: a word the
        agent starts comes before letters inside another word), and select the best."""
        matches = {d.code: rank for rank, d in enumerate(ranked(text, self.catalogue))}
        current = self.current_disposition()
        self.picker.blockSignals(True)
        try:
            items = [self.picker.takeItem(0) for _ in range(self.picker.count())]
            order = len(matches)

            def position(item: QListWidgetItem) -> int:
                code = item.data(Qt.ItemDataRole.UserRole)
                return matches.get(code, order + int(item.data(_CATALOGUE_ORDER)))

            for item in sorted(items, key=position):
                self.picker.addItem(item)
                item.setHidden(item.data(Qt.ItemDataRole.UserRole) not in matches)
                if item.data(Qt.ItemDataRole.UserRole) == current:
                    self.picker.setCurrentItem(item)
        finally:
            self.picker.blockSignals(False)
        if text.strip() and matches:
            self.picker.setCurrentRow(0)  # the best match: Enter records what was typed

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
        self._show_disclosures()

    def _focus_first_field(self) -> None:
        for name in FIELDS:
            if not self.fields[name].isHidden():
                self.fields[name].setFocus()
                return

    def _set_row_visible(self, name: str, visible: bool) -> None:
        self.form.setRowVisible(self.fields[name], visible)

    def _show_fields(self, requires: frozenset[str]) -> None:
        if "payment_amount" in requires:  # a reported payment: its date and method too
            requires = requires | {"payment_date", "payment_method"}
        for name in FIELDS:
            self._set_row_visible(name, name in requires)

    # -- channel / call -----------------------------------------------------------------------
    def current_channel(self) -> Channel:
        return Channel(self.channel.currentData() or Channel.PHONE.value)

    def _channel_changed(self, *_args: object) -> None:
        self._show_disclosures()
        self._update_call()
        self.channel_changed.emit()

    def disclosures_required(self) -> bool:
        disposition = self.catalogue.get(self.current_disposition())
        if self.view is None or disposition is None:
            return False
        return bool(
            required_disclosures.required(disposition, self.current_channel(), self.view.call_guide)
        )

    def _show_disclosures(self) -> None:
        self.disclosures.setVisible(self.disclosures_required())

    def _call(self) -> None:
        number = self.number.currentData(Qt.ItemDataRole.UserRole + 1)
        if number and self.call.isEnabled():
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
        self.disclosures.clear()
        local_now = wall_clock(self.clock(), self.view.customer.timezone if self.view else None)
        today = QDate(local_now.year, local_now.month, local_now.day)
        self.promise_date.setDate(today.addDays(3))
        self.payment_date.setDate(today)
        self.payment_method.setCurrentIndex(0)
        self.callback_at.setDateTime(
            QDateTime(today.addDays(1), QTime(local_now.hour, local_now.minute))
        )
        self._show_fields(frozenset())
        self._mark_errors({})
        self._show_disclosures()

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
            payment_date=self.payment_date.date().toString("yyyy-MM-dd"),
            payment_method=str(self.payment_method.currentData() or ""),
            settlement_amount=self.settlement_amount.text(),
            override_reason=self.override_reason.text(),
            disclosures_given=self.disclosures.given() if self.disclosures_required() else (),
            disclosures_reason=self.disclosures.reason.text(),
        )

    def show_errors(self, errors: dict[str, Text]) -> None:
        """Mark invalid fields in place; what was typed stays where it is."""
        if "override_reason" in errors:
            self._set_row_visible("override_reason", True)
        self._mark_errors(errors)
        if "disclosures" in errors:  # ask again: confirm them, or say why not
            self.disclosures.ask_reason()
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
        names["disclosures"] = tr("Disclosures")
        self.disclosures.mark("disclosures" in errors)
        self.errors.setText(
            "\n".join(f"{names.get(name, name)}: {pick(text)}" for name, text in errors.items())
        )
