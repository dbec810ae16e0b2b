"""The account (centre): header, timeline, contacts (editable) and the customer's other accounts."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.common import cell_width, fit_column_to_contents
from ui.i18n import pick, tr
from ui.labels import flag_text, product_text, status_text
from ui.models import ContactsModel, TimelineModel
from ui.views.holds import HoldPanel, ReasonDialog
from ui.views.segment import SegmentPanel
from ui.views.strategy_step import StrategyStepPanel
from ui.workflow_words import letter_text
from workstation.desk import AccountView, AgreementDocument, DeskService
from workstation.domain import Account, Event, Money
from workstation.segments.words import SCORED_HERE
from workstation.text import Text


def _table(view: QTableView) -> QTableView:
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(24)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _assessed(account: Account, view: AccountView) -> Account:
    """The account as the segment panel shows it: the server's scores, else the desk's own
    (``desk.segments``: the server's models evaluated offline), marked as the device's."""
    found = view.assessment
    if account.segment is not None or found is None:
        return account
    return replace(
        account,
        ability=found.ability,
        willingness=found.willingness,
        segment=found.segment,
        ability_reasons=found.ability_reasons,
        willingness_reasons=found.willingness_reasons,
        segment_model=f"{found.model_version} · {pick(SCORED_HERE)}",
    )


# the share of the account pane's height the header may take before it scrolls
HEADER_SHARE = 0.55


class AccountPanel(QWidget):
    save_contacts_requested = Signal()
    open_document_requested = Signal(str, str)  # sha256, reference
    void_requested = Signal(str, str)  # event id, why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountPanel")
        self.view: AccountView | None = None

        self.name = QLabel(self)
        self.name.setObjectName("customerName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags = QLabel(self)
        self.flags.setObjectName("flags")
        self.identity = QLabel(self)
        self.identity.setObjectName("muted")
        self.clock = QLabel(self)
        self.clock.setObjectName("clock")
        self.figures = QLabel(self)
        self.figures.setObjectName("figures")
        # the header's lines wrap in the pane: one line each, they made the pane (and so the
        # desk) wider than the window, pushing the queue's last columns out of view
        for line in (self.identity, self.clock, self.figures):
            line.setWordWrap(True)
        self.score = QLabel(self)
        self.score.setWordWrap(True)
        self.score.setObjectName("muted")
        # ability, willingness and the 2×2 segment (issue 17), beside the priority's reasons
        self.segment = SegmentPanel(self)
        # beside it: the experiment arm and the strategy step that queued the account
        self.strategy_step = StrategyStepPanel(self)

        header = QWidget(self)
        header.setObjectName("accountHeader")
        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addStretch(1)
        top.addWidget(self.flags)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(10, 8, 10, 8)
        header_layout.setSpacing(3)
        header_layout.addLayout(top)
        header_layout.addWidget(self.identity)
        header_layout.addWidget(self.clock)
        header_layout.addWidget(self.figures)
        header_layout.addWidget(self.score)
        header_layout.addWidget(self.segment)
        header_layout.addWidget(self.strategy_step)

        self.timeline_model = TimelineModel(self)
        self.timeline = _table(QTableView(self))
        self.timeline.setAccessibleName(tr("Timeline"))
        self.timeline.setModel(self.timeline_model)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # the date whole (118 px cut it: "2026-12-06 22…"); what happened keeps its room
        # before who (the pane scrolls to it: the summary matters more at a narrow desk)
        self.timeline.setColumnWidth(0, cell_width(self.timeline, "8888-88-88 88:88"))
        self.timeline.setColumnWidth(1, 80)
        self.timeline.setColumnWidth(2, 330)

        self.contacts_model = ContactsModel(self)
        self.contacts = _table(QTableView(self))
        self.contacts.setAccessibleName(tr("Contacts"))
        self.contacts.setModel(self.contacts_model)
        self.contacts.setColumnWidth(1, 190)
        self.contacts_error = QLabel(self)
        self.contacts_error.setObjectName("error")
        self.contacts_error.setWordWrap(True)
        self.add_phone = QPushButton(tr("Add phone"), self)
        self.add_email = QPushButton(tr("Add e-mail"), self)
        self.save_contacts = QPushButton(tr("Save contacts"), self)
        self.save_contacts.setEnabled(False)
        self.save_contacts.clicked.connect(self.save_contacts_requested)
        self.contacts_model.edited.connect(lambda: self.save_contacts.setEnabled(True))
        self.add_phone.clicked.connect(lambda: self._add_contact("phone"))
        self.add_email.clicked.connect(lambda: self._add_contact("email"))
        contacts_page = QWidget(self)
        contacts_layout = QVBoxLayout(contacts_page)
        contacts_layout.setContentsMargins(0, 4, 0, 0)
        contacts_layout.addWidget(self.contacts, 1)
        contacts_layout.addWidget(self.contacts_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_phone)
        buttons.addWidget(self.add_email)
        buttons.addStretch(1)
        buttons.addWidget(self.save_contacts)
        contacts_layout.addLayout(buttons)

        self.others = QTableWidget(0, 5, self)
        _table(self.others)
        self.others.setAccessibleName(tr("Other accounts of this customer"))
        self.others.setHorizontalHeaderLabels(
            [tr("Product"), tr("Balance"), tr("Past due"), tr("DPD"), tr("Status")]
        )
        self.others.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.documents = QTableWidget(0, 4, self)
        _table(self.documents)
        self.documents.setAccessibleName(tr("Documents"))
        self.documents.setHorizontalHeaderLabels(
            [tr("Date"), tr("Reference"), tr("Type"), tr("Amount")]
        )
        self.documents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.documents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.documents.setColumnWidth(0, 96)
        self.documents.setColumnWidth(1, 200)
        self.documents.setColumnWidth(2, 150)
        self.documents.doubleClicked.connect(lambda _index: self.open_selected_document())
        self.documents.activated.connect(lambda _index: self.open_selected_document())
        self.open_document = QPushButton(tr("Open document…"), self)
        self.open_document.setEnabled(False)
        self.open_document.clicked.connect(self.open_selected_document)
        self.documents.itemSelectionChanged.connect(self._document_selected)
        self.documents_note = QLabel(self)
        self.documents_note.setObjectName("muted")
        self.documents_note.setWordWrap(True)
        documents_page = QWidget(self)
        self.documents_page = documents_page
        documents_layout = QVBoxLayout(documents_page)
        documents_layout.setContentsMargins(0, 4, 0, 0)
        documents_layout.addWidget(self.documents, 1)
        documents_bar = QHBoxLayout()
        documents_bar.addWidget(self.documents_note, 1)
        documents_bar.addWidget(self.open_document)
        documents_layout.addLayout(documents_bar)
        self._documents: list[AgreementDocument] = []

        self.holds = HoldPanel(self)

        # a wrongly logged record is voided from here, with a reason (never edited)
        self.void_button = QPushButton(tr("Void…"), self)
        self.void_button.setEnabled(False)
        self.void_note = QLabel(self)
        self.void_note.setObjectName("muted")
        self.void_check: Callable[[Event], Text | None] | None = None
        self.void_dialog: ReasonDialog | None = None
        self.void_button.clicked.connect(self.ask_void)
        self.timeline.selectionModel().currentRowChanged.connect(self._timeline_selected)
        timeline_page = QWidget(self)
        timeline_layout = QVBoxLayout(timeline_page)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(self.timeline, 1)
        void_bar = QHBoxLayout()
        void_bar.addWidget(self.void_note, 1)
        void_bar.addWidget(self.void_button)
        timeline_layout.addLayout(void_bar)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(timeline_page, tr("Timeline"))
        self.tabs.addTab(contacts_page, tr("Contacts"))
        self.tabs.addTab(self.others, tr("Other accounts"))
        self.tabs.addTab(documents_page, tr("Documents"))
        self.tabs.addTab(self.holds, tr("Holds"))

        self.placeholder = QLabel(tr("Select an account in the queue."), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("muted")

        # the header scrolls in its own area above the tabs, the two parted by a splitter the
        # agent may drag: on a 1366 × 768 laptop the wrapped header took the pane and left the
        # timeline two rows; it now takes at most HEADER_SHARE of the height to begin with
        self._header = header
        self._header_area = QScrollArea(self)
        self._header_area.setObjectName("accountHeaderArea")
        self._header_area.setWidget(header)
        self._header_area.setWidgetResizable(True)
        self._header_area.setFrameShape(QFrame.Shape.NoFrame)
        self._header_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._header_area.setMinimumHeight(90)  # the name and the figures, at the least
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(self._header_area)
        self.split.addWidget(self.tabs)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(1, 1)
        self._dragged = False
        self.split.splitterMoved.connect(self._header_dragged)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.placeholder)
        self._body = (self.split,)
        self.show_account(None)

    def _timeline_selected(self, *_args: object) -> None:
        event = self.selected_event()
        why = None if event is None or self.void_check is None else self.void_check(event)
        self.void_button.setEnabled(event is not None and self.void_check is not None and not why)
        self.void_button.setToolTip(pick(why) if why else "")
        voided = self.timeline_model.voided(event.id) if event is not None else None
        self.void_note.setText(
            tr("Voided by %1: %2")
            .replace("%1", voided.recorded_by)
            .replace("%2", str(voided.payload.get("reason") or ""))
            if voided is not None
            else ""
        )

    def selected_event(self) -> Event | None:
        index = self.timeline.currentIndex()
        return self.timeline_model.event_at(index.row()) if index.isValid() else None

    def ask_void(self) -> ReasonDialog | None:
        event = self.selected_event()
        if event is None or not self.void_button.isEnabled():
            return None
        if self.void_dialog is not None:
            self.void_dialog.deleteLater()
        dialog = ReasonDialog(
            tr("Void a record"),
            tr(
                "The record stays on the timeline, struck through with your name and this "
                "reason; it no longer counts anywhere. Why is it wrong?"
            ),
            self,
        )
        dialog.given.connect(lambda why, e=event.id: self.void_requested.emit(e, why))
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _document_selected(self) -> None:
        row = self.documents.currentRow()
        ok = 0 <= row < len(self._documents) and bool(self._documents[row].sha256)
        self.open_document.setEnabled(ok)

    def open_selected_document(self) -> None:
        row = self.documents.currentRow()
        if 0 <= row < len(self._documents) and self._documents[row].sha256:
            document = self._documents[row]
            self.open_document_requested.emit(document.sha256, document.reference)

    def _show_documents(self, view: AccountView) -> None:
        self._documents = DeskService.agreements(view)
        kinds = {
            "instalments": tr("Instalments"),
            "deferral": tr("Deferral"),
            "settlement": tr("Settlement"),
        }
        self.documents.setRowCount(len(self._documents))
        for row, document in enumerate(self._documents):
            total = document.total
            try:
                total = Money.of(document.total, document.currency).format()
            except Exception:  # an old payload without a total: show it as it came
                total = document.total or "—"
            values = (
                document.occurred_at.astimezone().strftime("%Y-%m-%d"),
                document.reference or (tr("(no PDF)") if not document.sha256 else "—"),
                kinds.get(document.kind) or letter_text(document.kind),
                total,
            )
            for column, value in enumerate(values):
                self.documents.setItem(row, column, QTableWidgetItem(value))
        self.documents_note.setText(
            tr("%1 documents. Enter or double-click opens one to print or save.").replace(
                "%1", str(len(self._documents))
            )
            if self._documents
            else tr("No agreements yet. Agree a plan in the plan calculator (Ctrl+P).")
        )
        label = tr("Documents") + (f" ({len(self._documents)})" if self._documents else "")
        self.tabs.setTabText(self.tabs.indexOf(self.documents_page), label)
        self.open_document.setEnabled(False)
        if self._documents:
            self.documents.selectRow(0)

    def _add_contact(self, kind: str) -> None:
        from workstation.domain import new_id

        row = self.contacts_model.add_row(kind, new_id())
        index = self.contacts_model.index(row, 1)
        self.contacts.setCurrentIndex(index)
        self.contacts.edit(index)

    def show_contact_errors(self, errors: dict[str, Text]) -> None:
        """Mark invalid rows in place (keys are ``kind:row``); the typed values stay."""
        rows = {
            int(key.partition(":")[2]): text
            for key, text in errors.items()
            if key.partition(":")[2].isdigit()
        }
        self.contacts_model.set_errors(rows)
        self.contacts_error.setText("\n".join(pick(t) for t in errors.values()))

    def refresh_clock(self) -> None:
        view = self.view
        if view is None:
            return
        zone = ZoneInfo(view.customer.timezone)
        now = datetime.now(zone)
        mine = datetime.now().astimezone()
        day = QLocale().dayName(now.isoweekday(), QLocale.FormatType.ShortFormat)
        self.clock.setText(
            tr("Customer time %1 (%2) · your time %3")
            .replace("%1", f"{day} {now:%H:%M}")
            .replace("%2", view.customer.timezone)
            .replace("%3", mine.strftime("%H:%M"))
        )

    def _header_dragged(self, *_args: object) -> None:
        self._dragged = True  # the agent's choice stands from now on

    def fit_header(self) -> None:
        """The header as tall as its lines need, at most ``HEADER_SHARE`` of the pane (it
        scrolls beyond), the tabs the rest — until the agent drags the splitter."""
        total = self.split.height()
        if self._dragged or total <= 0:
            return
        width = self._header_area.viewport().width()
        layout = self._header.layout()
        assert layout is not None
        need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        if need <= 0:
            need = self._header.sizeHint().height()
        header = max(self._header_area.minimumHeight(), min(need, int(total * HEADER_SHARE)))
        self.split.setSizes([header, max(total - header, 0)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_header()

    def show_account(self, view: AccountView | None) -> None:
        self.view = view
        for widget in self._body:
            widget.setVisible(view is not None)
        self.placeholder.setVisible(view is None)
        if view is None:
            self.timeline_model.set_events([])
            self.contacts_model.set_contacts([], [])
            return
        customer, account = view.customer, view.account
        name = html.escape(customer.name)
        if customer.name_alt:
            alt = html.escape(customer.name_alt)
            name += f" <span style='font-size:11pt;font-weight:normal'>{alt}</span>"
        self.name.setText(name)
        flags = sorted(str(f) for f in customer.flags)
        if str(account.status) in ("dispute", "hold"):
            flags.append(str(account.status))
        self.flags.setText(
            " ".join(
                f"<span class='flag'>&nbsp;{html.escape(flag_text(f))}&nbsp;</span>" for f in flags
            )
        )
        self.flags.setToolTip(", ".join(flag_text(f) for f in flags))
        self.identity.setText(  # the line wraps between its parts, not inside one
            " · ".join(
                part.replace(" ", "\u00a0")
                for part in (
                    tr("Account") + " " + (account.account_ref or "…" + account.id[-8:]),
                    tr("ID") + " " + (customer.national_id_masked or "—"),
                    tr("Jurisdiction") + " " + customer.jurisdiction,
                    tr("Product") + " " + product_text(account.product),
                )
                if part
            )
        )
        self.refresh_clock()
        probability = (
            account.score if account.score is not None else (view.item.score if view.item else None)
        )
        score = f"{probability:.2f}" if probability is not None else "—"
        tier = (
            account.risk_tier.value
            if account.risk_tier
            else (view.item.risk_tier if view.item else "—")
        )
        labels = (tr("Balance"), tr("Past due"), tr("DPD"), tr("Tier"), tr("Score"))
        # a figure keeps its label (non-breaking space); the line wraps between figures
        self.figures.setText(
            f"<b>{labels[0]}</b>&nbsp;{account.balance.format()} &nbsp; "
            f"<b>{labels[1]}</b>&nbsp;<span class='due'>{account.past_due.format()}</span> &nbsp; "
            f"<b>{labels[2]}</b>&nbsp;{account.days_past_due} &nbsp; "
            f"<b>{labels[3]}</b>&nbsp;{tier} &nbsp; <b>{labels[4]}</b>&nbsp;{score}"
        )
        self.score.setText(" · ".join(pick(r) for r in view.score_reasons))
        self.segment.show_account(_assessed(account, view))
        self.strategy_step.show_account(account, view.strategy_task)
        self.timeline_model.set_events(view.events)
        fit_column_to_contents(self.timeline, 1)  # the type whole ("Returned", 还款被退回)
        self._timeline_selected()
        self.fit_header()
        self.contacts_model.set_contacts(customer.phones, customer.emails)
        self.contacts_error.clear()
        self.save_contacts.setEnabled(False)
        self.others.setRowCount(len(view.other_accounts))
        for row, other in enumerate(view.other_accounts):
            values = (
                product_text(other.product),
                other.balance.format(),
                other.past_due.format(),
                str(other.days_past_due),
                status_text(str(other.status)),
            )
            for column, value in enumerate(values):
                self.others.setItem(row, column, QTableWidgetItem(value))
        self._show_documents(view)
        self.holds.show_holds(list(view.holds), breathing_space=view.breathing_space_placeable)
        held = tr("Holds") + (f" ({len(view.holds)})" if view.holds else "")
        self.tabs.setTabText(self.tabs.indexOf(self.holds), held)
