"""Send reminder: pick a template in the customer's language, see the filled text with its
opt-out wording, the SMS segment count and the compliance verdict for the channel, send.

Everything that reads the store runs on the db worker (``runner.db``); sending records a
``message`` event with its outbox row, so it works offline and the backend delivers it
when the outbox reaches it. Previews are keyed per dialog: a newer one drops an older one.

Its words come from the one Qt catalogue (``tr``); the verdict's reasons and what is missing
come from the core in the UI's language.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.common import error_label
from ui.dialogs.registry import register_dialog
from ui.errors import describe
from ui.i18n import language, tr
from ui.labels import phone_type_text
from ui.ops import OpState
from workstation.desk import AccountView, Changes
from workstation.domain import Channel, Language
from workstation.domain.model import wall_clock
from workstation.messages import default_templates
from workstation.messages.compose import Preview
from workstation.messages.fill import AGENT_INPUTS
from workstation.messages.service import MessageRequest, preview, send


class MessageDialog(QDialog):
    """Compose and send one SMS or e-mail reminder for ``account_id``."""

    sent = Signal(object)  # Changes
    previewed = Signal(object)  # Preview (tests wait on it)

    def __init__(
        self, ctx: AppContext, account_id: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.account_id = ctx, account_id
        self.view: AccountView | None = None
        self.current: Preview | None = None
        self.setObjectName("messageDialog")
        self.setWindowTitle(tr("Send reminder"))
        self.templates = default_templates()

        form = QFormLayout()
        self.widgets: dict[str, QWidget] = {}

        def row(name: str, label: str, widget: QWidget) -> QLabel:
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(caption, widget)
            self.widgets[name] = widget
            return caption

        self.channel = QComboBox(self)
        self.channel.addItem(tr("SMS"), Channel.SMS.value)
        self.channel.addItem(tr("E-mail"), Channel.EMAIL.value)
        row("channel", tr("&Channel"), self.channel)
        self.language = QComboBox(self)
        self.language.addItem("English", Language.EN.value)
        self.language.addItem("中文", Language.ZH.value)
        row("language", tr("&Language"), self.language)
        self.template = QComboBox(self)
        row("template", tr("&Template"), self.template)
        self.address = QComboBox(self)
        row("address", tr("Send &to"), self.address)
        self.settlement = QLineEdit(self)
        self.settlement.setPlaceholderText("0.00")
        self.settlement_label = row("settlement_amount", tr("Settlement &amount"), self.settlement)
        self.valid_until = QDateEdit(self)
        self.valid_until.setCalendarPopup(True)
        self.valid_until.setDisplayFormat("yyyy-MM-dd")
        today = wall_clock(ctx.desk.now(), None)  # the desk's clock, as it validates
        self.valid_until.setDate(QDate(today.year, today.month, today.day).addDays(14))
        self.valid_label = row("valid_until", tr("Offer &valid until"), self.valid_until)

        self.subject = QLabel(self)
        self.subject.setObjectName("messageSubject")
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setObjectName("messageText")
        self.text.setAccessibleName(tr("Message text"))
        self.text.setMinimumHeight(150)
        self.length = QLabel(self)
        self.length.setObjectName("muted")
        self.opt_out = QLabel(self)
        self.opt_out.setObjectName("muted")
        self.opt_out.setWordWrap(True)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName(tr("Compliance verdict"))
        self.error = error_label(self)

        self.buttons = QDialogButtonBox(self)
        self.send_button = QPushButton(tr("&Send"), self)
        self.send_button.setDefault(True)
        self.send_button.setEnabled(False)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "The message waits in the outbox and the server sends it; the timeline shows "
                "queued → sent → delivered."
            ),
            self,
        )
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.subject)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.length)
        layout.addWidget(self.opt_out)
        layout.addWidget(self.verdict)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 580)
        self._set_inputs_visible(False)

        # the dependent list is refilled before the preview is asked for
        self.channel.currentIndexChanged.connect(self._fill_addresses)
        self.language.currentIndexChanged.connect(self._fill_templates)
        for combo in (self.channel, self.language, self.template, self.address):
            combo.currentIndexChanged.connect(self._changed)
        self.settlement.textChanged.connect(self._changed)
        self.valid_until.dateChanged.connect(self._changed)
        self._loading = True
        if account_id is None:
            self.error.setText(tr("Select an account first."))
        else:
            ctx.runner.db(
                lambda _s: ctx.desk.account(account_id),
                on_done=self._loaded,
                on_error=self._failed,
                key=f"message-load:{id(self)}",
                label="load account for a message",
            )

    # filling ---------------------------------------------------------------------------
    def _loaded(self, view: AccountView) -> None:
        self.view = view
        self._loading = True
        index = self.language.findData(view.customer.language.value)
        self.language.setCurrentIndex(max(0, index))
        self._fill_templates()
        self._fill_addresses()
        self._loading = False
        self._changed()

    def _fill_templates(self) -> None:
        chosen = self.template.currentData()
        language = str(self.language.currentData())
        self.template.blockSignals(True)
        self.template.clear()
        for template in self.templates.for_language(language):
            self.template.addItem(template.name, template.id)
        self.template.setCurrentIndex(max(0, self.template.findData(chosen)))
        self.template.blockSignals(False)

    def _fill_addresses(self) -> None:
        if self.view is None:
            return
        customer = self.view.customer
        self.address.blockSignals(True)
        self.address.clear()

        def note(record: Any) -> str:
            if record.opted_out:
                return tr(" — opted out")
            return "" if record.consent else tr(" — no consent")

        if self.channel.currentData() == Channel.SMS.value:
            for phone in customer.phones:
                kind = phone_type_text(phone.type.value)
                self.address.addItem(f"{phone.number} ({kind}){note(phone)}", phone.id)
            usable = [i for i, p in enumerate(customer.phones) if not p.opted_out and p.consent]
            mobile = [i for i in usable if customer.phones[i].type.value == "mobile"]
            first = (mobile or usable or [0])[0]
        else:
            for email in customer.emails:
                self.address.addItem(email.address + note(email), email.id)
            usable = [i for i, e in enumerate(customer.emails) if not e.opted_out and e.consent]
            first = (usable or [0])[0]
        if self.address.count() == 0:
            self.address.addItem(tr("No address on file", "phone or e-mail"), "")
        self.address.setCurrentIndex(first)
        self.address.blockSignals(False)

    def _set_inputs_visible(self, visible: bool) -> None:
        for widget in (self.settlement, self.settlement_label, self.valid_until, self.valid_label):
            widget.setVisible(visible)

    def request(self) -> MessageRequest | None:
        """What is picked now, as plain values (read here, on the GUI thread)."""
        if self.account_id is None or self.template.currentData() is None:
            return None
        template_id = str(self.template.currentData())
        inputs: dict[str, str] = {}
        needs = self.templates.get(template_id, str(self.language.currentData())).needs(
            str(self.channel.currentData())
        )
        if needs & set(AGENT_INPUTS):
            inputs = {
                "settlement_amount": self.settlement.text(),
                "valid_until": self.valid_until.date().toString("yyyy-MM-dd"),
            }
        return MessageRequest(
            account_id=self.account_id,
            template_id=template_id,
            channel=Channel(str(self.channel.currentData())),
            language=Language(str(self.language.currentData())),
            address=str(self.address.currentData() or "") or None,
            inputs=inputs,
        )

    def _changed(self, *_args: object) -> None:
        if self._loading or self.view is None:
            return
        request = self.request()
        if request is None:
            return
        self._set_inputs_visible(bool(request.inputs))
        self.send_button.setEnabled(False)
        desk = self.ctx.desk
        self.ctx.runner.db(
            lambda _s: preview(desk, request),
            on_done=self._show,
            on_error=self._failed,
            key=f"message-preview:{id(self)}",
            label="preview a message",
        )

    def _show(self, shown: Preview) -> None:
        self.current = shown
        lang = language()
        email = shown.channel is Channel.EMAIL
        self.subject.setVisible(email)
        self.subject.setText(tr("Subject: ") + shown.subject if email else "")
        self.text.setPlainText(shown.shown_text)
        if email:
            self.length.setText(tr("%1 characters").replace("%1", str(shown.units)))
        else:
            counts = (
                tr("%1 SMS segment · %2 · %3 characters")
                if shown.segments == 1
                else tr("%1 SMS segments · %2 · %3 characters")
            )
            self.length.setText(
                counts.replace("%1", str(shown.segments))
                .replace("%2", shown.encoding)
                .replace("%3", str(shown.units))
            )
        if shown.opt_out_text:
            wording = shown.opt_out_text.replace("{unsubscribe_url}", "…")
            required = shown.opt_out_required
            caption = (
                tr("Opt-out wording (required here): %1") if required else tr("Opt-out wording: %1")
            )
            self.opt_out.setText(caption.replace("%1", wording))
        else:
            self.opt_out.setText("")
        if shown.sendable:
            # "may send an SMS now until 21:00 local time" says it all when the pack has hours
            info = [
                r.text(lang)
                for r in shown.verdict.reasons
                if not r.blocking and r.code == "within_calling_hours"
            ]
            self.verdict.setText(info[0] if info else tr("May send now"))
        else:
            self.verdict.setText("\n".join(shown.why_not(lang)))
        self.verdict.setProperty("allowed", "yes" if shown.sendable else "no")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        self.send_button.setEnabled(shown.sendable)
        self.error.setText("")
        self.previewed.emit(shown)

    # sending -----------------------------------------------------------------------------
    def submit(self) -> None:
        request = self.request()
        if request is None or self.current is None or not self.current.sendable:
            return
        desk = self.ctx.desk

        def op(_state: OpState) -> Changes:
            return send(desk, request)

        self.send_button.setEnabled(False)
        self.error.setText(tr("Sending…"))
        self.ctx.runner.db(op, on_done=self._done, on_error=self._failed, label="send a message")

    def _done(self, changes: Changes) -> None:
        self.error.setText("")
        self.sent.emit(changes)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(describe(exc))
        self.send_button.setEnabled(self.current is not None and self.current.sendable)


def open_message_dialog(
    context: AppContext, parent: QWidget | None, account_id: str | None
) -> QDialog:
    """Create the "Send reminder" dialog for ``account_id``, ``open()`` it and return it."""
    dialog = MessageDialog(context, account_id, parent)
    dialog.open()
    return dialog


@register_dialog("send_reminder")
def _create(ctx: AppContext, parent: QWidget | None, account_id: str | None) -> QDialog:
    return MessageDialog(ctx, account_id, parent)
